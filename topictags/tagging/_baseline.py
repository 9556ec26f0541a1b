"""MostFrequentTagger: the floor every tagger should beat."""

from __future__ import annotations

import time
from typing import ClassVar

import numpy as np

from ._base import SHARED_CONSTRAINTS, BaseTagger

__all__ = ["MostFrequentTagger"]


class MostFrequentTagger(BaseTagger):
    """Suggest the most frequent training tags, whatever the question.

    Parameters
    ----------
    n_tags : int, default=50

    Attributes
    ----------
    tags_ : ndarray of str, shape (n_tags,)
    tag_counts_ : ndarray of int, shape (n_tags,)

    Examples
    --------
    >>> MostFrequentTagger().fit(train).suggest_tags("anything", k=2)
    ['python', 'javascript']
    """

    _constraints: ClassVar[dict[str, list]] = {"n_tags": SHARED_CONSTRAINTS["n_tags"]}

    def __init__(self, n_tags: int = 50) -> None:
        self.n_tags = n_tags

    name = "most-frequent"

    def fit(self, X, y=None) -> MostFrequentTagger:
        """Count the training tags (of questions ``X``, or the tag lists ``y``
        of texts ``X``); returns ``self``."""
        self._start_fit()
        start = time.perf_counter()
        self._fit_vocabulary(X, y)
        self.fit_seconds_ = time.perf_counter() - start
        return self

    def _scores_from_texts(self, titles, bodies):
        # The text is not read: every question, even an empty one, gets the
        # same suggestion, so nothing is cleaned.
        shares = self.tag_counts_ / self.tag_counts_.sum()
        return np.tile(shares, (len(titles), 1)), np.ones(len(titles), dtype=bool)
