"""Questions as users pass them to a fitted model: a string, a batch, a table.

Every entry point that takes question text (``suggest_tags``,
``decision_function``, ``transform``, coherence texts) turns it into parallel
lists of titles and bodies here, so every one of them accepts, and refuses,
the same inputs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import CorpusError, InputTextError

__all__ = ["TextInput", "as_texts"]

TextInput = str | Sequence[str] | pd.Series | pd.DataFrame


def as_texts(X: TextInput) -> tuple[list[str], list[str], bool]:
    """Split questions as a user passes them into titles and bodies.

    Parameters
    ----------
    X : str, sequence of str, Series or DataFrame
        A string is one question (its text is treated as the body, HTML or
        plain); a sequence, array or Series of strings is a batch of bodies; a
        DataFrame needs a ``title`` and/or ``body`` column (case-insensitive,
        at most one of each). Missing values (``None``, NaN, ``pd.NA``) in a
        batch are empty texts. A batch must hold at least one question.

    Returns
    -------
    titles : list of str
    bodies : list of str
        One entry per question (``""`` where the input has no title or body).
    single : bool
        Whether ``X`` was one question (a string) rather than a batch.

    Raises
    ------
    InputTextError
        ``None``, an empty batch, or a value that is not a string.
    CorpusError
        A DataFrame with neither a ``title`` nor a ``body`` column, or with two
        columns that both read as one of them (``Title`` and ``title``).

    Examples
    --------
    >>> from topictags.corpus import as_texts
    >>> as_texts("How do I merge two DataFrames?")
    ([''], ['How do I merge two DataFrames?'], True)
    >>> import pandas as pd
    >>> as_texts(pd.DataFrame({"Title": ["Merge frames", None], "Body": ["<p>How?</p>", "x"]}))
    (['Merge frames', ''], ['<p>How?</p>', 'x'], False)
    """
    if isinstance(X, str):
        return [""], [X], True
    if X is None:
        raise InputTextError("text is None: pass a string, a list of strings or a DataFrame")
    if isinstance(X, pd.DataFrame):
        columns: dict[str, list] = {}
        for c in X.columns:
            columns.setdefault(str(c).lower(), []).append(c)
        if "title" not in columns and "body" not in columns:
            raise CorpusError(
                "DataFrame needs a 'title' and/or 'body' column, found: "
                + ", ".join(map(str, X.columns))
            )
        for field in ("title", "body"):
            if len(columns.get(field, ())) > 1:
                both = " and ".join(repr(str(c)) for c in columns[field])
                raise CorpusError(f"DataFrame columns {both} are ambiguous for {field!r}")
        n = len(X)
        _check_not_empty(n)
        titles = X[columns["title"][0]].tolist() if "title" in columns else [""] * n
        bodies = X[columns["body"][0]].tolist() if "body" in columns else [""] * n
        return _strings(titles, "title"), _strings(bodies, "body"), False
    if isinstance(X, np.ndarray) and X.ndim == 0:
        return as_texts(X.item())  # a 0-d array holds one value
    if isinstance(X, (pd.Series, list, tuple, np.ndarray)):
        texts = list(X)
        _check_not_empty(len(texts))
        return [""] * len(texts), _strings(texts, "text"), False
    raise InputTextError(
        f"expected a string, a list of strings or a DataFrame, got {type(X).__name__}"
    )


def _check_not_empty(n: int) -> None:
    if n == 0:
        raise InputTextError("no questions to tag: the batch is empty")


def _strings(values: list[Any], what: str) -> list[str]:
    out = []
    for i, value in enumerate(values):
        if isinstance(value, str):
            out.append(value)
        elif (
            value is None
            or value is pd.NA
            or (isinstance(value, (float, np.floating)) and np.isnan(value))
        ):
            out.append("")  # a missing title or body in a table is just empty
        else:
            raise InputTextError(
                f"{what} #{i} is a {type(value).__name__}, not a string: {value!r:.60}"
            )
    return out
