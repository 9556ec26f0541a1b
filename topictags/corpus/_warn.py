"""Warnings that point at the user's line, not at the loader's internals."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

from ..errors import CorpusWarning

__all__ = ["warn"]

_PACKAGE = str(Path(__file__).resolve().parents[1])


def warn(message: str) -> None:
    """Issue a :class:`CorpusWarning` attributed to the first caller outside topictags.

    ``load_questions`` is reached through ``fit``, ``compare``, the CLI...,
    at varying depths, so a fixed ``stacklevel`` would often blame topictags.
    """
    level, frame = 2, sys._getframe(1)  # level 2 is the frame that called warn()
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        level += 1
        frame = frame.f_back
    warnings.warn(message, CorpusWarning, stacklevel=level)
