"""The ``topictags`` command line (see ``topictags --help``)."""

from ._main import build_parser, main

__all__ = ["build_parser", "main"]
