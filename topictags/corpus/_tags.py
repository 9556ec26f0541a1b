"""Parsing the tag formats Stack Overflow data comes in."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..errors import TagFormatError

__all__ = ["parse_tags"]

# White space may separate bracketed tags but never sit inside one.
_BRACKETED = re.compile(r"(?:<[^<>\s]+>\s*)+")
_BRACKET = re.compile(r"<([^<>\s]+)>")


def _clean(tags: Iterable[str], value) -> list[str]:
    out: list[str] = []
    for tag in tags:
        if not isinstance(tag, str):
            kind = type(tag).__name__
            raise TagFormatError(f"tag list holds a {kind}, not a string: {value!r:.80}")
        tag = tag.strip().lower()
        if any(ch.isspace() for ch in tag):
            raise TagFormatError(f"tag {tag!r:.60} contains white space in {value!r:.80}")
        if tag and tag not in out:
            out.append(tag)
    return out


def _missing(value) -> bool:
    return (
        value is None
        or value is pd.NA
        or (isinstance(value, (float, np.floating)) and bool(np.isnan(value)))
    )


def parse_tags(value) -> list[str]:
    """Tags of one question as a list of lower-case strings.

    Parameters
    ----------
    value : str, list, tuple, ndarray or None
        ``"<python><pandas>"`` (Data Explorer, ``Posts.xml``),
        ``"|python|pandas|"`` (newer data dumps), ``"python|pandas"``,
        ``"python pandas"``, ``"python, pandas"``, ``"['python', 'pandas']"``
        (read with :func:`ast.literal_eval`, never evaluated), or a list,
        tuple or 1-d array of strings. Any text without white space is a tag.

    Returns
    -------
    list of str
        Lower-cased, stripped, de-duplicated in order; ``[]`` for a missing
        value (``None``, NaN, ``""``).

    Raises
    ------
    TagFormatError
        Unbalanced brackets, white space inside a bracketed tag, a
        non-string tag, or a value that is neither text nor a list.

    Examples
    --------
    >>> parse_tags("<python><Pandas>")
    ['python', 'pandas']
    >>> parse_tags("|c#|.net|")
    ['c#', '.net']
    >>> parse_tags("['node.js', 'Express', 'node.js']")
    ['node.js', 'express']
    >>> parse_tags(None)
    []
    """
    if isinstance(value, np.ndarray) and value.ndim != 1:
        raise TagFormatError(f"tags must be a flat list, got a {value.ndim}-d array: {value!r:.80}")
    if isinstance(value, (list, tuple, np.ndarray)):
        return _clean(list(value), value)
    if _missing(value):
        return []
    if not isinstance(value, str):
        kind = type(value).__name__
        raise TagFormatError(f"tags must be text or a list of strings, got {kind}: {value!r:.80}")
    text = value.strip()
    if not text:
        return []
    if "<" in text or ">" in text:
        if not _BRACKETED.fullmatch(text):
            raise TagFormatError(f"malformed tags {value!r:.80}: expected the form <tag1><tag2>")
        return _clean(_BRACKET.findall(text), value)
    if text[0] in "[(" or text[-1] in "])":
        try:
            parsed = ast.literal_eval(text)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError) as exc:
            raise TagFormatError(f"malformed tag list {value!r:.80}") from exc
        if not isinstance(parsed, (list, tuple)):
            raise TagFormatError(f"malformed tag list {value!r:.80}")
        return _clean(parsed, value)
    if "|" in text:
        return _clean(text.strip("|").split("|"), value)
    return _clean(re.split(r"[,\s;]+", text), value)
