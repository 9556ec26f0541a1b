"""Seeded train/test split of a question corpus."""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from ..errors import CorpusError

__all__ = ["train_test_split"]


def train_test_split(
    questions: pd.DataFrame, *, test_size: float | int = 0.2, random_state: int | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Shuffle and split questions into a training and a test part.

    Parameters
    ----------
    questions : DataFrame
        Usually the output of :func:`load_questions`; any frame works.
    test_size : float or int, default=0.2
        Share of the questions (in (0, 1), rounded to the nearest count) or
        their number for the test part. Both parts must be non-empty.
    random_state : int, optional
        Seed of the shuffle: the same seed gives the same split.

    Returns
    -------
    train, test : DataFrame
        Copies with a fresh index.

    Raises
    ------
    CorpusError
        ``questions`` is not a DataFrame or has fewer than two rows.
    ValueError
        ``test_size`` is not a valid share or count.

    Examples
    --------
    >>> import pandas as pd
    >>> questions = pd.DataFrame({"id": range(10), "title": list("abcdefghij")})
    >>> train, test = train_test_split(questions, test_size=0.2, random_state=0)
    >>> len(train), len(test)
    (8, 2)
    """
    if not isinstance(questions, pd.DataFrame):
        raise CorpusError(f"expected a DataFrame of questions, got {type(questions).__name__}")
    n = len(questions)
    if n < 2:
        raise CorpusError(f"cannot split {n} question(s): need at least 2")
    if isinstance(test_size, numbers.Integral) and not isinstance(test_size, bool):
        n_test = int(test_size)
    elif isinstance(test_size, numbers.Real) and 0 < test_size < 1:
        n_test = round(test_size * n)
    else:
        raise ValueError(f"test_size must be a float in (0, 1) or an int, got {test_size!r}")
    if not 1 <= n_test < n:
        raise ValueError(f"test_size={test_size!r} leaves an empty part of {n} questions")
    order = np.random.default_rng(random_state).permutation(n)
    test = questions.iloc[order[:n_test]].reset_index(drop=True)
    train = questions.iloc[order[n_test:]].reset_index(drop=True)
    return train, test
