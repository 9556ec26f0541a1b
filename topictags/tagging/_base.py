"""What every tagger shares: input handling, cleaning, tag vocabulary, top-k."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from ..corpus import TextInput, as_texts, load_questions
from ..errors import CorpusError, NotFittedError, ParameterError
from ..text import TextCleaner

__all__ = ["BaseTagger", "tag_vocabulary"]


def tag_vocabulary(
    tag_lists: Sequence[Sequence[str]], n_tags: int
) -> tuple[np.ndarray, np.ndarray]:
    """The ``n_tags`` most frequent tags and their counts.

    Ties are broken alphabetically so the vocabulary does not depend on row order.
    """
    counts = Counter(tag for tags in tag_lists for tag in tags)
    if not counts:
        raise CorpusError("the training questions have no tags: cannot build a tag vocabulary")
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:n_tags]
    return np.array([t for t, _ in ranked], dtype=object), np.array([c for _, c in ranked])


class BaseTagger:
    """Shared machinery of the taggers; subclasses implement ``_fit_model`` and
    ``_scores_from_documents``."""

    _estimator_type = "tagger"
    # Taggers whose scores are >= 0 by construction: a tag scoring exactly 0
    # has no evidence at all and is not suggested, even to fill up k.
    _zero_is_no_evidence = False

    # -- helpers used by fit ------------------------------------------------------
    def _fit_vocabulary(self, questions) -> tuple[pd.DataFrame, list[list[str]]]:
        """Normalise the questions and learn the tag vocabulary ``tags_``."""
        if not isinstance(self.n_tags, (int, np.integer)) or self.n_tags < 1:
            raise ParameterError(f"n_tags must be a positive integer, got {self.n_tags!r}")
        # fit_seconds_ is set last by every fit: its presence marks a completed
        # fit, so an interrupted (re)fit is not mistaken for a fitted model.
        self.__dict__.pop("fit_seconds_", None)
        questions = _as_corpus(questions)
        tag_lists = questions["tags"].tolist()
        self.tags_, self.tag_counts_ = tag_vocabulary(tag_lists, self.n_tags)
        return questions, tag_lists

    def _prepare_fit(self, questions) -> tuple[pd.DataFrame, list[str], sparse.csr_matrix]:
        """Vocabulary, cleaner, cleaned documents and tag indicators of the questions."""
        if not isinstance(self.title_weight, (int, np.integer)) or self.title_weight < 0:
            raise ParameterError(
                f"title_weight must be a non-negative integer, got {self.title_weight!r}"
            )
        questions, tag_lists = self._fit_vocabulary(questions)
        self.cleaner_ = TextCleaner(
            keep_code=self.keep_code,
            spacy_model=self.spacy_model,
            protected=self._protected_terms(tag_lists),
        )
        docs = self._documents(questions["title"].tolist(), questions["body"].tolist())
        return questions, docs, self.binarize(tag_lists)

    def _protected_terms(self, tag_lists) -> set[str]:
        # Tags survive cleaning verbatim ("pandas" is not lemmatised to "panda",
        # "c" and "r" are not dropped as too short). Tags that are English stop
        # words ("this", "where") are protected only if in the vocabulary.
        from ..text import default_stop_words

        stop = default_stop_words()
        counts = Counter(tag for tags in tag_lists for tag in tags)
        frequent = {
            t for t, c in counts.items() if c >= 2 and t not in stop and not t.isdigit()
        }
        return frequent | set(self.tags_)

    def _documents(self, titles: list[str], bodies: list[str]) -> list[str]:
        tokens = self.cleaner_.clean_many(titles + bodies)
        n = len(titles)
        weight = self.title_weight
        return [" ".join(tokens[i] * weight + tokens[n + i]) for i in range(n)]

    def binarize(self, tag_lists: Sequence[Sequence[str]]) -> sparse.csr_matrix:
        """Indicator matrix (n_questions, n_tags) of the vocabulary tags."""
        if not hasattr(self, "tags_"):  # fit uses it before the fit is complete
            self._check_fitted()
        index = {tag: j for j, tag in enumerate(self.tags_)}
        rows, cols = [], []
        for i, tags in enumerate(tag_lists):
            for tag in set(tags):
                j = index.get(tag)
                if j is not None:
                    rows.append(i)
                    cols.append(j)
        data = np.ones(len(rows), dtype=np.float64)
        return sparse.csr_matrix((data, (rows, cols)), shape=(len(tag_lists), len(self.tags_)))

    def _check_fitted(self) -> None:
        if not hasattr(self, "fit_seconds_"):
            raise NotFittedError(
                f"this {type(self).__name__} is not fitted yet: call fit(questions) first"
            )

    # -- prediction ---------------------------------------------------------------
    def documents(self, X: TextInput) -> list[str]:
        """Cleaned documents (space-separated tokens) of the questions in ``X``."""
        self._check_fitted()
        titles, bodies, _ = as_texts(X)
        return self._documents(titles, bodies)

    def decision_function(self, X: TextInput) -> np.ndarray:
        """Tag scores, shape (n_questions, n_tags), columns in ``tags_`` order.

        Higher means more likely. Rows of questions with no known term are all
        zero (topic taggers) or constant (supervised), and get no suggestion.
        """
        scores, _ = self._scores(X)
        return scores

    def _scores(self, X: TextInput) -> tuple[np.ndarray, np.ndarray]:
        """(scores, has_evidence) for the questions of ``X``."""
        self._check_fitted()
        titles, bodies, _ = as_texts(X)
        return self._scores_from_texts(titles, bodies)

    def _scores_from_texts(self, titles: list[str], bodies: list[str]):
        return self._scores_from_documents(self._documents(titles, bodies))

    def suggest_tags(
        self,
        X: TextInput,
        k: int | None = 3,
        *,
        threshold: float | None = None,
        return_scores: bool = False,
    ):
        """Suggested tags of one question or of a batch.

        Parameters
        ----------
        X : str, list of str, Series or DataFrame
            One question's text (HTML or plain), or a batch; a DataFrame uses
            its ``title`` and ``body`` columns.
        k : int or None, default=3
            At most ``k`` tags per question, best first. ``None`` (with a
            ``threshold``) returns every tag above the threshold.
        threshold : float, optional
            Only tags scoring at least this much (see ``decision_function``).
        return_scores : bool, default=False
            Also return the scores of the suggested tags.

        Returns
        -------
        list of str, or list of lists of str for a batch
            With ``return_scores=True``, a ``(tags, scores)`` pair of such lists.
            A question whose text has no known term (empty, only stop words,
            only code) gets an empty list; a topic tagger never suggests a tag
            that scores 0 (no topic of the question points to it), so it may
            return fewer than ``k``.

        Examples
        --------
        >>> tagger.suggest_tags("How do I merge two DataFrames on a column?", k=3)  # doctest: +SKIP
        ['pandas', 'python', 'dataframe']
        """
        self._check_fitted()
        if k is None and threshold is None:
            raise ParameterError("give k, threshold or both")
        if k is not None and (not isinstance(k, (int, np.integer)) or isinstance(k, bool) or k < 1):
            raise ParameterError(f"k must be a positive integer or None, got {k!r}")
        titles, bodies, single = as_texts(X)
        scores, evidence = self._scores_from_texts(titles, bodies)
        tags, values = self._top_k(scores, evidence, k, threshold, with_scores=return_scores)
        if not return_scores:
            return tags[0] if single else tags
        return (tags[0], values[0]) if single else (tags, values)

    def _top_k(self, scores, evidence, k, threshold, *, with_scores: bool = True):
        n_tags = scores.shape[1]
        k = n_tags if k is None else min(k, n_tags)
        # Stable sort on negated scores: ties go to the more frequent tag
        # (tags_ is ordered by frequency).
        order = np.argsort(-scores, axis=1, kind="stable")[:, :k]
        top = np.take_along_axis(scores, order, axis=1)
        # Which of each row's k best are suggested, decided for all rows at
        # once: per-row numpy calls would cost more than the rest of tagging.
        keep = np.broadcast_to(np.asarray(evidence, dtype=bool)[:, None], top.shape)
        if self._zero_is_no_evidence:
            keep = keep & (top > 0)
        if threshold is not None:
            keep = keep & (top >= threshold)
        # One tolist() per output builds the lists in C; every extra Python
        # list per question would also bring the cyclic garbage collector
        # round more often, which on a large batch costs more than the lists.
        names = self.tags_[order]
        tags_out = names.tolist()
        scores_out = top.astype(float).tolist() if with_scores else None
        for i in np.flatnonzero(~keep.all(axis=1)).tolist():
            tags_out[i] = names[i][keep[i]].tolist()
            if with_scores:
                scores_out[i] = top[i][keep[i]].astype(float).tolist()
        return tags_out, scores_out

    # -- evaluation and persistence ---------------------------------------------
    def score(self, questions, k: int = 3) -> dict[str, float]:
        """Jaccard, precision@k, recall@k and F1 on labelled questions.

        True tags are restricted to the tag vocabulary and questions without a
        vocabulary tag are left out, as for every model in :func:`compare`.
        """
        from ..metrics import evaluate

        return evaluate(self, questions, k=k)

    def save(self, path: str | os.PathLike, *, overwrite: bool = False):
        """Save the fitted tagger (safe format, see :func:`topictags.load`)."""
        from ..persistence import save

        self._check_fitted()
        return save(self, path, overwrite=overwrite)

    # -- sklearn-like parameters ------------------------------------------------
    def get_params(self, deep: bool = False) -> dict[str, Any]:
        """Constructor parameters."""
        import inspect

        names = [
            p for p in inspect.signature(type(self).__init__).parameters if p != "self"
        ]
        return {name: getattr(self, name) for name in names}

    def set_params(self, **params) -> BaseTagger:
        """Set constructor parameters (refit afterwards)."""
        valid = self.get_params()
        for key, value in params.items():
            if key not in valid:
                raise ParameterError(f"unknown parameter {key!r} for {type(self).__name__}")
            setattr(self, key, value)
        return self

    def __repr__(self) -> str:
        import inspect

        sig = inspect.signature(type(self).__init__).parameters
        changed = [
            f"{name}={getattr(self, name)!r}"
            for name, p in sig.items()
            if name != "self" and getattr(self, name) != p.default
        ]
        return f"{type(self).__name__}({', '.join(changed)})"


def _as_corpus(questions) -> pd.DataFrame:
    """Questions as the normalised corpus frame (a path, a glob or a DataFrame)."""
    corpus = load_questions(questions)
    if len(corpus) == 0:
        raise CorpusError("no questions to fit on")
    return corpus
