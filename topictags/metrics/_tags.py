"""Multi-label tag metrics on lists of tags, one list per question.

Every tagger, topic-based or supervised, is scored by these same functions.
For each question, with true tags T and predicted tags P:

- Jaccard: |P ∩ T| / |P ∪ T|; 1.0 when both are empty (nothing to find and
  nothing claimed), 0.0 when exactly one is empty.
- precision@k: |P ∩ T| / k, with k the number of suggestions asked for
  (a tagger that returns fewer than k is not rewarded for abstaining).
- recall@k: |P ∩ T| / |T|; questions without true tags count as 1.0 if P is
  empty, else 0.0.
- F1@k: harmonic mean of the question's precision@k and recall@k (0 when both
  are 0).

Each metric is the mean over questions ("samples" averaging).
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Sequence

import numpy as np

from .._validation import Interval, check_value
from ..errors import ParameterError, TagFormatError

__all__ = ["f1_at_k", "jaccard_score", "precision_at_k", "recall_at_k", "tag_scores"]


def _as_sets(tag_lists: Iterable[Iterable[str]], name: str) -> list[set[str]]:
    if isinstance(tag_lists, str):
        raise TagFormatError(f"{name} must be a sequence of tag lists, not a string")
    out = []
    for i, tags in enumerate(tag_lists):
        if isinstance(tags, str) or tags is None:
            raise TagFormatError(
                f"{name}[{i}] must be a list of tags, got {type(tags).__name__}: {tags!r:.60}"
            )
        out.append(set(tags))
    return out


def _paired(y_true, y_pred) -> tuple[list[set[str]], list[set[str]]]:
    true, pred = _as_sets(y_true, "y_true"), _as_sets(y_pred, "y_pred")
    if len(true) != len(pred):
        raise ParameterError(
            f"y_true and y_pred have different lengths: {len(true)} != {len(pred)}"
        )
    if not true:
        raise ParameterError("y_true and y_pred are empty: no question to score")
    return true, pred


def _per_question(y_true, y_pred, k: int | None) -> dict[str, np.ndarray]:
    true, pred = _paired(y_true, y_pred)
    hits = np.array([len(t & p) for t, p in zip(true, pred)], dtype=float)
    n_true = np.array([len(t) for t in true], dtype=float)
    n_pred = np.array([len(p) for p in pred], dtype=float)
    union = n_true + n_pred - hits
    jaccard = np.divide(hits, union, out=np.ones_like(hits), where=union > 0)
    denominator = np.full_like(hits, k) if k is not None else n_pred
    precision = np.divide(hits, denominator, out=np.zeros_like(hits), where=denominator > 0)
    empty_ok = ((n_true == 0) & (n_pred == 0)).astype(float)
    recall = np.divide(hits, n_true, out=empty_ok, where=n_true > 0)
    total = precision + recall
    f1 = np.divide(2 * precision * recall, total, out=np.zeros_like(hits), where=total > 0)
    return {"jaccard": jaccard, "precision": precision, "recall": recall, "f1": f1}


def _check_k(k):
    check_value(k, "k", [Interval(numbers.Integral, 1, None), None])


def jaccard_score(y_true: Sequence[Iterable[str]], y_pred: Sequence[Iterable[str]]) -> float:
    """Mean per-question Jaccard similarity of predicted and true tag sets.

    Parameters
    ----------
    y_true : sequence of lists of str
        True tags of each question.
    y_pred : sequence of lists of str
        Predicted tags of each question.

    Returns
    -------
    float
        In [0, 1]. A question with no true and no predicted tag scores 1.

    Examples
    --------
    >>> jaccard_score([["python", "pandas"], ["css"]], [["python", "numpy"], ["css"]])
    0.6666666666666666
    """
    return float(_per_question(y_true, y_pred, None)["jaccard"].mean())


def precision_at_k(y_true, y_pred, *, k: int | None = None) -> float:
    """Mean of |P ∩ T| / k (``k=None``: divide by each question's |P|).

    Examples
    --------
    >>> precision_at_k([["python"]], [["python", "pandas", "numpy"]], k=3)
    0.3333333333333333
    """
    _check_k(k)
    return float(_per_question(y_true, y_pred, k)["precision"].mean())


def recall_at_k(y_true, y_pred, *, k: int | None = None) -> float:
    """Mean of |P ∩ T| / |T| (``k`` is accepted for symmetry; P is used as given).

    Examples
    --------
    >>> recall_at_k([["python", "pandas"]], [["python", "numpy", "css"]], k=3)
    0.5
    """
    _check_k(k)
    return float(_per_question(y_true, y_pred, k)["recall"].mean())


def f1_at_k(y_true, y_pred, *, k: int | None = None) -> float:
    """Mean per-question F1 of precision@k and recall@k.

    Examples
    --------
    >>> round(f1_at_k([["python"]], [["python", "numpy", "css"]], k=3), 3)
    0.5
    """
    _check_k(k)
    return float(_per_question(y_true, y_pred, k)["f1"].mean())


def tag_scores(y_true, y_pred, *, k: int | None = None) -> dict[str, float]:
    """All metrics at once: ``jaccard``, ``precision@k``, ``recall@k``, ``f1``.

    Examples
    --------
    >>> tag_scores([["python"]], [["python"]], k=1)
    {'jaccard': 1.0, 'precision@k': 1.0, 'recall@k': 1.0, 'f1': 1.0}
    """
    _check_k(k)
    per = _per_question(y_true, y_pred, k)
    return {
        "jaccard": float(per["jaccard"].mean()),
        "precision@k": float(per["precision"].mean()),
        "recall@k": float(per["recall"].mean()),
        "f1": float(per["f1"].mean()),
    }
