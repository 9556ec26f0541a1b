"""Choosing the number of topics: coherence, diversity, fit and tagging quality per candidate.

Model selection sits above the estimators: it never builds a tagger's insides,
it clones the estimator it is given and sets ``n_topics`` on each clone
(``sklearn.base.clone(estimator).set_params(n_topics=n)``), as scikit-learn's
``validation_curve`` does. The topic measures come from
:mod:`topictags.explore` (array-level), the tagging score from
:func:`topictags.evaluate`.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._validation import Interval, check_positive_int, check_value
from ..errors import ParameterError, TopicTagsError
from ..explore import (
    COHERENCE_MEASURES,
    coherence_of_terms,
    coherence_texts,
    top_terms,
    topic_diversity,
)
from ..metrics import evaluate
from ..models import METHODS

__all__ = ["select_n_topics"]


def _candidates(n_topics: Any) -> list[int]:
    values = [n_topics] if isinstance(n_topics, numbers.Integral) else list(n_topics)
    if not values:
        raise ParameterError("n_topics is empty: give at least one number of topics")
    for n in values:
        if not isinstance(n, numbers.Integral) or isinstance(n, bool) or n < 1:
            raise ParameterError(f"n_topics must hold positive integers, got {n!r}")
    if len(set(values)) != len(values):
        raise ParameterError(f"n_topics has duplicates: {values}")
    return [int(n) for n in values]


def _measures(coherence: Any) -> list[str]:
    measures = [coherence] if isinstance(coherence, str) else list(coherence or ())
    for m in measures:
        if m not in COHERENCE_MEASURES:
            raise ParameterError(
                f"coherence measures must be among {COHERENCE_MEASURES}, got {m!r}"
            )
    if len(set(measures)) != len(measures):
        raise ParameterError(f"coherence has duplicates: {measures}")
    return measures


def _perplexity(tagger, test: pd.DataFrame, random_state: int | None) -> float:
    """Held-out perplexity of an LDA tagger (lower is better)."""
    model = tagger.model_
    X = model.vectorize(tagger.documents(test))
    if model.model_ is not None:  # scikit-learn
        return float(model.model_.perplexity(X))
    from gensim.matutils import Sparse2Corpus
    from gensim.utils import get_random_state

    lda = model._gensim_model()  # the gensim LdaModel, rebuilt from its state if needed
    # log_perplexity runs inference from random starting points: reseed so that
    # the figure does not depend on what ran before in this process.
    lda.random_state = get_random_state(random_state)
    bound = lda.log_perplexity(list(Sparse2Corpus(X, documents_columns=False)))
    # gensim reports perplexity as 2 ** -(per-word bound) in its own logs.
    return float(2.0 ** (-bound))


def _base_estimator(estimator, method, random_state, params: dict):
    """The estimator every candidate is cloned from, with ``method`` and ``params`` set."""
    from sklearn.base import clone

    if method is not None and method not in METHODS:
        raise ParameterError(f"method must be one of {METHODS}, got {method!r}")
    if estimator is None:
        from ..tagging import TopicTagger

        estimator = TopicTagger(random_state=random_state)
    if method is not None:
        params = {"method": method, **params}
    name = type(estimator).__name__
    try:
        base = clone(estimator)
    except TypeError as exc:  # no get_params: not a scikit-learn style estimator
        raise ParameterError(
            f"estimator must be a scikit-learn style estimator with get_params and "
            f"set_params (a tagger such as TopicTagger), got {name}: {exc}"
        ) from exc
    return _with_params(base, params, name)


def _with_params(estimator, params: dict, name: str):
    # Unknown parameters fail here, before any fit, not in a worker later.
    try:
        return estimator.set_params(**params)
    except TopicTagsError:
        raise
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"invalid {name} parameter: {exc}") from exc


def _candidate(base, n_topics: int):
    from sklearn.base import clone

    return _with_params(clone(base), {"n_topics": n_topics}, type(base).__name__)


def _topic_model(estimator):
    """The fitted topic model of ``estimator`` (``model_`` with topics and terms)."""
    model = getattr(estimator, "model_", None)
    if not (hasattr(model, "components_") and hasattr(model, "feature_names_")):
        raise ParameterError(
            f"{type(estimator).__name__} has no fitted topic model after fit: "
            "select_n_topics measures topics through model_.components_ and "
            "model_.feature_names_ (as TopicTagger has); pass such an estimator"
        )
    return model


def _label(estimator) -> str:
    method = getattr(estimator, "method", None)
    if method is None:
        return type(estimator).__name__
    if method == "lda" and getattr(estimator, "backend", None) == "gensim":
        return "lda-gensim"
    return str(method)


def _fit_candidate(
    train: pd.DataFrame,
    test: pd.DataFrame,
    estimator,
    n_topics: int,
    k: int,
    top_n: int,
    random_state: int | None,
    want_cleaner: bool,
) -> tuple[dict, list[list[str]], Any]:
    """Fit one candidate; its row (without coherence), top terms and (maybe) cleaner."""
    import time

    tagger = _candidate(estimator, n_topics)
    start = time.perf_counter()
    tagger.fit(train)
    seconds = time.perf_counter() - start
    model = _topic_model(tagger)
    method = getattr(tagger, "method", None)
    nan = float("nan")
    row = {
        "model": _label(tagger),
        "n_topics": n_topics,
        "diversity": topic_diversity(model.components_, top_n),
        "perplexity": _perplexity(tagger, test, random_state) if method == "lda" else nan,
        "reconstruction_error": float(model.model_.reconstruction_err_)
        if method == "nmf"
        else nan,
        "jaccard": float(evaluate(tagger, test, k=k)["jaccard"]),
        "fit_seconds": float(getattr(tagger, "fit_seconds_", seconds)),
    }
    topics = top_terms(model.components_, model.feature_names_, top_n)
    cleaner = None
    if want_cleaner:
        cleaner = getattr(tagger, "cleaner_", None)
        if cleaner is None:
            raise ParameterError(
                f"{type(tagger).__name__} has no cleaner_ after fit: coherence needs the "
                "estimator's text cleaning; pass coherence=() to skip it"
            )
    return row, topics, cleaner


def _coherence_job(topics, texts, measure, dictionary) -> float:
    # NaN topics (fewer than two terms in the texts) do not drag the mean to NaN.
    scores = coherence_of_terms(topics, texts, measure=measure, dictionary=dictionary)
    return float(np.nanmean(scores)) if np.isfinite(scores).any() else float("nan")


def select_n_topics(
    questions,
    method: str | None = None,
    n_topics: Sequence[int] = (10, 20, 40, 80),
    *,
    estimator=None,
    test_size: float | int = 0.2,
    k: int = 3,
    random_state: int | None = None,
    n_jobs: int | None = 1,
    progress: bool = True,
    coherence: Sequence[str] = ("c_v", "c_npmi"),
    top_n: int = 10,
    **tagger_params: Any,
) -> pd.DataFrame:
    """Fit an estimator per candidate number of topics and score each one.

    The questions are split once (:func:`topictags.train_test_split`); for
    each candidate, a clone of ``estimator`` (by default a
    :class:`~topictags.TopicTagger`) with ``n_topics`` set is fitted on the
    training part and scored on:

    - coherence of each topic's ``top_n`` terms (gensim ``CoherenceModel``;
      the reference texts are the cleaned training questions, title and body
      tokens once each, and the dictionary is built from them once);
    - diversity: share of distinct terms among all topics' ``top_n`` terms;
    - for LDA, held-out perplexity (scikit-learn ``perplexity``, or
      ``2 ** -log_perplexity`` for gensim); for NMF, the reconstruction error
      of the training TF-IDF matrix (it always falls as topics are added:
      look for the elbow, not the minimum);
    - held-out Jaccard of the suggested tags (:func:`topictags.evaluate`),
      the measure that matters for tagging.

    Parameters
    ----------
    questions : DataFrame, path or glob
        Labelled questions (see :func:`topictags.load_questions`).
    method : {"nmf", "lda"}, optional
        Set on the estimator when given; by default the estimator's own
        (``"nmf"`` for the default ``TopicTagger``).
    n_topics : sequence of int, default=(10, 20, 40, 80)
        Candidates, scored in this order.
    estimator : estimator, optional
        What is fitted per candidate: it is never fitted itself, each
        candidate is ``sklearn.base.clone(estimator).set_params(n_topics=n)``.
        Any scikit-learn style estimator with an ``n_topics`` parameter
        that, once fitted, suggests tags (``suggest_tags``, ``tags_``) and
        exposes its topic model as ``model_`` (``components_``,
        ``feature_names_``) and its cleaner as ``cleaner_``, as
        :class:`~topictags.TopicTagger` (or a subclass) does. Default:
        ``TopicTagger(random_state=random_state)``.
    test_size : float or int, default=0.2
        Held-out share (or count) for perplexity and Jaccard.
    k : int, default=3
        Suggestions per question for Jaccard.
    random_state : int, optional
        Seed of the split and, when ``estimator`` is not given, of every
        model: with a seed, the table is the same for any ``n_jobs`` (except
        ``fit_seconds``). A given estimator keeps its own ``random_state``.
    n_jobs : int, default=1
        Candidates fitted in parallel (joblib; -1 uses every core). Each
        worker holds a copy of the questions.
    progress : bool, default=True
        Show a progress bar (tqdm; in a terminal or a notebook only).
    coherence : sequence of {"c_v", "c_npmi", "c_uci", "u_mass"}, default=("c_v", "c_npmi")
        Coherence measures, one column each; higher is better for all.
    top_n : int, default=10
        Top terms per topic for coherence and diversity.
    **tagger_params
        Other estimator parameters, set on it before cloning (for a
        ``TopicTagger``: ``n_tags``, ``mapping``, ``backend``, ``max_iter``,
        ``max_features``...).

    Returns
    -------
    DataFrame
        One row per candidate: ``model`` (``"nmf"``, ``"lda"`` or
        ``"lda-gensim"``; the class name for an estimator without a
        ``method``), ``n_topics``, one column per coherence measure,
        ``diversity``, ``perplexity`` (NaN unless LDA),
        ``reconstruction_error`` (NaN unless NMF), ``jaccard`` and
        ``fit_seconds``. Draw it with
        :func:`topictags.viz.plot_model_selection`; concatenate the tables of
        NMF and LDA to draw both.

    Raises
    ------
    ParameterError
        An invalid candidate list, measure, ``k`` or ``top_n``; a parameter
        the estimator does not have; an estimator that cannot be cloned or has
        no topic model once fitted.

    Notes
    -----
    Each candidate is a full ``fit`` of a clone, so its scores are exactly
    those of the estimator you would then fit. That re-cleans the training
    questions per candidate, a small share of a fit (the topic model and the
    tag mapping dominate); the coherence texts are cleaned once.

    Examples
    --------
    On a real export, candidates such as ``(20, 40, 80, 150)``; these
    questions have six subjects:

    >>> table = select_n_topics(questions, "nmf", (4, 6, 8), random_state=0)
    >>> table[["n_topics", "c_v", "diversity", "jaccard"]].round(2).values.tolist()
    [[4.0, 0.9, 1.0, 0.5], [6.0, 0.96, 0.98, 0.71], [8.0, 0.95, 0.91, 0.73]]
    >>> from topictags.viz import plot_model_selection
    >>> fig = plot_model_selection(table)

    Any estimator with an ``n_topics`` parameter, cloned per candidate:

    >>> base = tt.TopicTagger("lda", mapping="logistic", random_state=0)
    >>> select_n_topics(questions, n_topics=(4, 6), estimator=base)["model"].tolist()
    ['lda', 'lda']
    """
    from ..corpus import load_questions, train_test_split

    candidates = _candidates(n_topics)
    measures = _measures(coherence)
    check_value(top_n, "top_n", [Interval(numbers.Integral, 2, None)])
    check_positive_int(k, "k")
    base = _base_estimator(estimator, method, random_state, tagger_params)
    _candidate(base, candidates[0])  # an estimator without n_topics fails now

    questions = load_questions(questions)
    train, test = train_test_split(questions, test_size=test_size, random_state=random_state)

    from joblib import Parallel, delayed

    from .._progress import progress_bar

    n_steps = len(candidates) * (1 + len(measures))
    # Hidden when output is not a terminal (logs, CI); show_progress() and
    # TOPICTAGS_PROGRESS apply as everywhere (_progress.py).
    bar = progress_bar(total=n_steps, desc="select_n_topics", unit="fit",
                       progress=None if progress else False)
    try:
        with Parallel(n_jobs=n_jobs, return_as="generator") as parallel:
            bar.set_postfix_str("fitting")
            fitted = []
            for result in parallel(
                delayed(_fit_candidate)(
                    train, test, base, n, k, top_n, random_state, bool(measures) and i == 0
                )
                for i, n in enumerate(candidates)
            ):
                fitted.append(result)
                bar.update(1)
            rows = [row for row, _, _ in fitted]
            if measures:
                bar.set_postfix_str("coherence")
                texts = coherence_texts(fitted[0][2], train)
                from gensim.corpora import Dictionary

                dictionary = Dictionary(texts)
                jobs = [(i, m) for i in range(len(candidates)) for m in measures]
                scores = parallel(
                    delayed(_coherence_job)(fitted[i][1], texts, m, dictionary) for i, m in jobs
                )
                for (i, m), score in zip(jobs, scores):
                    rows[i][m] = score
                    bar.update(1)
    finally:
        bar.close()
    columns = [
        "model", "n_topics", *measures, "diversity", "perplexity",
        "reconstruction_error", "jaccard", "fit_seconds",
    ]
    return pd.DataFrame(rows, columns=columns)
