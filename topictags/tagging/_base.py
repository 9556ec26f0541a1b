"""What every tagger shares: input handling, cleaning, tag vocabulary, top-k."""

from __future__ import annotations

import numbers
import os
from collections import Counter
from collections.abc import Sequence
from typing import ClassVar

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator

from .._validation import Interval, check_value, validate_params
from ..corpus import TextInput, as_texts, load_questions
from ..errors import CorpusError, NotFittedError, ParameterError
from ..text import TextCleaner

__all__ = ["BaseTagger", "tag_vocabulary"]

# Constraints of the parameters the taggers share (declared here once).
SHARED_CONSTRAINTS: dict[str, list] = {
    "n_tags": [Interval(numbers.Integral, 1, None)],
    "title_weight": [Interval(numbers.Integral, 0, None)],
    "keep_code": [bool],
    "spacy_model": [str, None],
}


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


def _tags_kept_whole(tags: set[str], stop: frozenset[str]) -> set[str]:
    """The tags a cleaner must keep verbatim.

    A plural tag (``columns``, ``results``, ``sockets``; ``colors`` beside the
    tag ``color``) is lemmatised like the text, so the tag and the word are
    one term (``column``). Every other tag stays whole: names that look like
    plurals (``pandas``, ``rails``, ``windows``) are kept by the lemmatiser
    itself (``LEMMA_EXCEPTIONS``), and tags naming an activity or a property
    (``hosting``, ``scripting``, ``embedded``) are not the verb (``host``).
    """
    from ..text import lemmatize

    kept = set()
    for tag in tags:
        lemma = lemmatize(tag)
        if lemma == tag or not tag.endswith("s") or lemma in stop:
            kept.add(tag)
    return kept


class BaseTagger(BaseEstimator):
    """Shared machinery of the taggers; subclasses implement ``_fit_model`` and
    ``_scores_from_documents``.

    Taggers are scikit-learn estimators: parameters are the constructor's
    (``get_params``/``set_params``/``clone`` come from ``BaseEstimator``),
    constraints on them are declared once per class in ``_constraints`` and
    checked by ``fit``, and everything prediction needs is captured at fit
    time in ``_``-suffixed attributes, so ``set_params`` on a fitted tagger
    changes nothing until the next ``fit``.
    """

    _constraints: ClassVar[dict[str, list]] = {}
    # Taggers whose scores are >= 0 by construction: a tag scoring exactly 0
    # has no evidence at all and is not suggested, even to fill up k.
    _zero_is_no_evidence = False

    # -- scikit-learn contract ----------------------------------------------------
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # Input is text (strings, a DataFrame of questions, a path), not a
        # numeric array; tags come as y or inside X.
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.target_tags.required = False
        tags.requires_fit = True
        return tags

    def __sklearn_is_fitted__(self) -> bool:
        # fit_seconds_ is set last by every fit and dropped when one starts:
        # an interrupted (re)fit is not mistaken for a fitted model.
        return hasattr(self, "fit_seconds_")

    def check_is_fitted(self) -> None:
        """Raise :class:`~topictags.errors.NotFittedError` unless fitted.

        The error is also scikit-learn's ``NotFittedError``.
        """
        if not self.__sklearn_is_fitted__():
            raise NotFittedError(
                f"this {type(self).__name__} is not fitted yet: call fit(questions) first"
            )

    def set_params(self, **params) -> BaseTagger:
        """Set constructor parameters; a fitted tagger is unchanged until refitted.

        ``BaseEstimator.set_params``, with an unknown name raised as
        :class:`~topictags.errors.ParameterError`.
        """
        try:
            return super().set_params(**params)
        except ValueError as exc:
            valid = ", ".join(sorted(self.get_params(deep=False)))
            unknown = [key for key in params if key.split("__")[0] not in valid.split(", ")]
            raise ParameterError(
                f"unknown parameter {(unknown or list(params))[0]!r} for "
                f"{type(self).__name__}; its parameters are: {valid}"
            ) from exc

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        if self.__sklearn_is_fitted__():
            self._upgrade_fitted_state()

    def _upgrade_fitted_state(self) -> None:
        # Models saved before 2026-12 read hyper-parameters at prediction
        # time: capture them as the fitted attributes prediction now reads.
        if "title_weight_" not in self.__dict__ and "title_weight" in self.__dict__:
            self.title_weight_ = int(self.title_weight)

    # -- helpers used by fit ------------------------------------------------------
    def _start_fit(self) -> None:
        """Check the parameters, and mark the tagger unfitted until fit ends."""
        validate_params(self)
        self.__dict__.pop("fit_seconds_", None)

    def _fit_vocabulary(self, X, y=None) -> tuple[pd.DataFrame, list[list[str]]]:
        """Normalise the questions and learn the tag vocabulary ``tags_``."""
        questions = _as_corpus(X, y)
        tag_lists = questions["tags"].tolist()
        self.tags_, self.tag_counts_ = tag_vocabulary(tag_lists, self.n_tags)
        return questions, tag_lists

    def _prepare_fit(self, X, y=None) -> tuple[pd.DataFrame, list[str], sparse.csr_matrix]:
        """Vocabulary, cleaner, cleaned documents and tag indicators of the questions."""
        questions, tag_lists = self._fit_vocabulary(X, y)
        self.title_weight_ = int(self.title_weight)
        self.cleaner_ = TextCleaner(
            keep_code=self.keep_code,
            spacy_model=self.spacy_model,
            protected=self._protected_terms(tag_lists),
        )
        docs = self._documents(questions["title"].tolist(), questions["body"].tolist())
        return questions, docs, self.binarize(tag_lists)

    def _protected_terms(self, tag_lists) -> set[str]:
        # Tags survive cleaning ("c" and "r" are not dropped as too short,
        # "pandas" is not lemmatised to "panda"). Tags that are English stop
        # words ("this", "where") are protected only if in the vocabulary.
        from ..text import default_stop_words

        stop = default_stop_words()
        counts = Counter(tag for tags in tag_lists for tag in tags)
        frequent = {
            t for t, c in counts.items() if c >= 2 and t not in stop and not t.isdigit()
        }
        return _tags_kept_whole(frequent | set(self.tags_), stop)

    def _documents(self, titles: list[str], bodies: list[str]) -> list[str]:
        tokens = self.cleaner_.clean_many(titles + bodies)
        n = len(titles)
        weight = self.title_weight_
        return [" ".join(tokens[i] * weight + tokens[n + i]) for i in range(n)]

    def binarize(self, tag_lists: Sequence[Sequence[str]]) -> sparse.csr_matrix:
        """Indicator matrix (n_questions, n_tags) of the vocabulary tags."""
        if not hasattr(self, "tags_"):  # fit uses it before the fit is complete
            self.check_is_fitted()
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

    # -- prediction ---------------------------------------------------------------
    def documents(self, X: TextInput) -> list[str]:
        """Cleaned documents (space-separated tokens) of the questions in ``X``."""
        self.check_is_fitted()
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
        self.check_is_fitted()
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
            that scores 0 (with the non-negative mappings, ``"lexical"``,
            ``"cooccurrence"`` and ``"blend"``: no topic of the question points
            to it), so it may return fewer than ``k``. Scores of the default
            ``"logistic"`` mapping are probabilities, never 0.

        Examples
        --------
        >>> tagger.suggest_tags("How do I merge two DataFrames on a column?", k=3)
        ['pandas', 'python', 'dataframe']
        >>> tagger.suggest_tags(["Center a div with CSS flexbox", "Undo a git commit"], k=2)
        [['css', 'html'], ['git', 'github']]
        >>> tags, scores = tagger.suggest_tags("Undo a git commit", k=2, return_scores=True)
        >>> tags, [round(s, 2) for s in scores]
        (['git', 'github'], [0.97, 0.43])
        """
        self.check_is_fitted()
        if k is None and threshold is None:
            raise ParameterError("give k, threshold or both")
        check_value(k, "k", [Interval(numbers.Integral, 1, None), None])
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
    def score(self, X, y=None) -> float:
        """Mean Jaccard similarity of the 3 suggested tags with the true ones.

        The scikit-learn scorer of the taggers: ``GridSearchCV`` and
        ``cross_val_score`` maximise it. True tags are restricted to the tag
        vocabulary and questions without a vocabulary tag are left out, as in
        :func:`~topictags.metrics.compare`.

        Parameters
        ----------
        X : DataFrame, path or glob, or texts
            Labelled questions, or texts (strings, a DataFrame with
            ``title``/``body``) whose tags are ``y``.
        y : sequence of lists of str, optional
            Tags of the questions of ``X``.

        Returns
        -------
        float
            In [0, 1]. :meth:`evaluate` gives every metric.
        """
        return float(self.evaluate(X, y, k=3)["jaccard"])

    def evaluate(self, X, y=None, *, k: int = 3) -> dict[str, float]:
        """Jaccard, precision@k, recall@k and F1 on labelled questions.

        See :func:`topictags.metrics.evaluate`; ``X`` and ``y`` are as in
        :meth:`score`.
        """
        from ..metrics import evaluate

        self.check_is_fitted()
        return evaluate(self, _as_corpus(X, y), k=k)

    def save(self, path: str | os.PathLike, *, overwrite: bool = False):
        """Save the fitted tagger (safe format, see :func:`topictags.load`)."""
        from ..persistence import save

        self.check_is_fitted()
        return save(self, path, overwrite=overwrite)


def _as_corpus(X, y=None) -> pd.DataFrame:
    """Labelled questions as the normalised corpus frame.

    ``X`` is a path, a glob or a DataFrame of questions with their tags; or,
    with ``y`` (one tag list per question), texts: strings, a Series, or a
    DataFrame with ``title``/``body`` columns (whose other columns, ``id``,
    ``creation_date``..., are kept).
    """
    if y is None:
        if not isinstance(X, (pd.DataFrame, str, os.PathLike, list, tuple)) or (
            isinstance(X, (list, tuple)) and X and not _is_path(X[0])
        ):
            raise CorpusError(
                "fit and score need labelled questions: a DataFrame with a 'tags' column, "
                "a file path, or texts with their tags as y (fit(texts, tag_lists))"
            )
        corpus = load_questions(X)
    else:
        tags = list(y) if not isinstance(y, pd.Series) else y.tolist()
        if isinstance(X, pd.DataFrame):
            frame = X.reset_index(drop=True).copy()
            frame = frame.drop(columns=[c for c in frame.columns if str(c).lower() == "tags"])
        else:
            titles, bodies, single = as_texts(X)
            if single:
                raise CorpusError(
                    "fit and score need a batch of questions, got one string: pass a list "
                    "of texts"
                )
            frame = pd.DataFrame({"title": titles, "body": bodies})
        if len(tags) != len(frame):
            raise ParameterError(
                f"X has {len(frame)} questions but y has {len(tags)} tag lists: "
                "give one tag list per question"
            )
        frame["tags"] = tags
        corpus = load_questions(frame)
    if len(corpus) == 0:
        raise CorpusError("no questions to fit on or score: pass at least one question")
    return corpus


def _is_path(value) -> bool:
    return isinstance(value, (str, os.PathLike)) and (
        isinstance(value, os.PathLike) or os.path.exists(value) or any(c in value for c in "*?[")
    )
