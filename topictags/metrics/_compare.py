"""Scoring fitted taggers on labelled questions, and comparing several."""

from __future__ import annotations

import contextlib
import copy
import time
import warnings
from collections.abc import Sequence

import pandas as pd

from ..errors import CorpusError, ParameterError
from ._tags import tag_scores

__all__ = ["compare", "evaluate", "evaluation_set"]


def evaluation_set(tags: Sequence[str], tag_lists: Sequence[Sequence[str]]):
    """True tags restricted to the vocabulary, and which questions keep any.

    Returns
    -------
    true : list of lists of str
        The vocabulary tags of the questions that have at least one.
    keep : list of bool
        Whether each question is scored.
    """
    vocabulary = set(tags)
    restricted = [[t for t in ts if t in vocabulary] for ts in tag_lists]
    keep = [bool(ts) for ts in restricted]
    return [ts for ts, k in zip(restricted, keep) if k], keep


def evaluate(tagger, questions, *, k: int = 3) -> dict[str, float]:
    """Score a fitted tagger on labelled questions.

    The true tags of each question are restricted to the tagger's vocabulary
    ``tags_`` (the candidate tags), and questions with none of them are left
    out: no tagger can find a tag it was never offered. Every tagger in a
    comparison is scored on the same rule.

    Parameters
    ----------
    tagger : fitted tagger
        Anything with ``tags_`` and ``suggest_tags``.
    questions : DataFrame, path or glob
        Labelled questions (see :func:`topictags.load_questions`).
    k : int, default=3

    Returns
    -------
    dict
        ``jaccard``, ``precision@k``, ``recall@k``, ``f1``, ``n_questions``
        (scored) and ``suggestions_per_second``.
    """
    from ..corpus import load_questions

    questions = load_questions(questions)
    true, keep = evaluation_set(tagger.tags_, questions["tags"].tolist())
    if not true:
        raise CorpusError(
            "no test question carries any of the tagger's candidate tags: score on "
            "questions tagged like the training ones, or fit with a larger n_tags"
        )
    scored = questions[keep]
    start = time.perf_counter()
    predicted = tagger.suggest_tags(scored, k=k)
    seconds = time.perf_counter() - start
    result = tag_scores(true, predicted, k=k)
    result["n_questions"] = len(true)
    result["suggestions_per_second"] = len(true) / seconds if seconds > 0 else float("inf")
    return result


def compare(
    models: Sequence,
    train,
    test,
    *,
    k: int = 3,
    refit: bool = False,
    tracking: str | None = None,
    progress: bool | None = None,
    return_models: bool = False,
):
    """Fit (or reuse) several taggers and score them on one metric.

    The caller's objects are never changed: a model to fit is cloned first
    (:func:`sklearn.base.clone`, a deep copy for objects without
    ``get_params``) and the clone is fitted. A model that fails to fit or to
    score does not take the table down: its row shows the error and the
    others are still scored (a ``KeyboardInterrupt`` still stops).

    Parameters
    ----------
    models : sequence of taggers
        ``TopicTagger``, ``SupervisedTagger``, ``MostFrequentTagger`` or any
        object with ``fit``, ``suggest_tags`` and ``tags_``. A fitted one is
        used as it is unless ``refit``.
    train, test : DataFrame, path or glob
    k : int, default=3
    refit : bool, default=False
        ``False``: fitted models are scored as they are (fitting them again
        would double the run for the same figures) and only unfitted ones
        are fitted, as clones. ``True``: a clone of every model is fitted on
        ``train``, fitted or not (e.g. to compare fit times on one corpus).
    tracking : {"mlflow"}, optional
        Also log each successful model's parameters and metrics to MLflow.
    progress : bool, optional
        A progress bar over the models, and the bars of their fits (cleaning,
        NMF/LDA, per-tag classifiers): by default on a terminal or in a
        notebook, quiet when the output is piped or captured (see
        :func:`topictags.show_progress`). ``False`` hides all of them.
    return_models : bool, default=False
        Also return the fitted models, so that they need not be fitted again.

    Returns
    -------
    table : DataFrame
        One row per model (index ``model``): ``jaccard``, ``precision@k``,
        ``recall@k``, ``f1``, ``n_questions``, ``fit_seconds``,
        ``suggestions_per_second``; sorted by Jaccard, best first. When a
        model failed, an ``error`` column holds its message (``""`` for the
        others), its metrics are NaN and it comes last; a warning says so.
    models : dict, only with ``return_models=True``
        Model label (the table's index) -> the fitted model that was scored
        (``None`` for a model that failed), in the order they were given.

    Examples
    --------
    ``nmf`` and ``sup`` are fitted: they are scored as they are, and only
    the baseline is fitted (a clone of it).

    >>> baseline = tt.MostFrequentTagger()
    >>> table, fitted = tt.compare([nmf, sup, baseline], train, test, k=3, return_models=True)
    >>> table.index.tolist()  # best first
    ['nmf-6-logistic', 'supervised-svm', 'most-frequent']
    >>> table["jaccard"].round(2).tolist()
    [0.71, 0.68, 0.24]
    >>> fitted["most-frequent"].suggest_tags("anything"), fitted["most-frequent"] is baseline
    (['python', 'javascript', 'jquery'], False)
    """
    from .._progress import progress_bar, resolve, show_progress
    from ..corpus import load_questions

    if not models:
        raise ParameterError("no model to compare: pass a list of taggers")
    train, test = load_questions(train), load_questions(test)
    rows, fitted = [], []
    shown = resolve(progress)
    bar = progress_bar(models, total=len(models), desc="compare", unit="model",
                       progress=shown, leave=True)
    # progress=False also silences the bars of the fits compare runs.
    with show_progress(False) if shown is False else contextlib.nullcontext():
        for model in bar:
            bar.set_postfix_str(getattr(model, "name", type(model).__name__))
            row, used = _score_one(model, train, test, k=k, refit=refit)
            row = {"model": _label(model, rows), **row}
            rows.append(row)
            fitted.append(used)
    table = pd.DataFrame(rows).set_index("model")
    columns = ["jaccard", "precision@k", "recall@k", "f1", "n_questions", "fit_seconds",
               "suggestions_per_second"]
    failed = table["error"] != ""
    if failed.any():
        columns.append("error")
        warnings.warn(
            f"{int(failed.sum())} of {len(table)} models failed and are scored NaN "
            f"(see the table's 'error' column): {', '.join(table.index[failed])}",
            RuntimeWarning,
            stacklevel=2,
        )
    table = table[columns].sort_values("jaccard", ascending=False, na_position="last")
    if tracking is not None:
        from ..tracking import log_comparison

        # Tracking sits below metrics: it is told each row's model here.
        # Failed models have nothing to log (no metrics, no fitted model).
        by_label = {r["model"]: m for r, m in zip(rows, fitted) if not r["error"]}
        scored = table[table.index.isin(list(by_label))]
        log_comparison(scored.drop(columns="error", errors="ignore"), by_label, k=k,
                       backend=tracking)
    if return_models:
        return table, {r["model"]: m for r, m in zip(rows, fitted)}
    return table


def _score_one(model, train, test, *, k: int, refit: bool):
    """(row of metrics, the model scored) for one model; errors go in the row."""
    used = None
    try:
        if refit or not _is_fitted(model):
            used = _fresh_copy(model)
            start = time.perf_counter()
            used.fit(train)
            fit_seconds = time.perf_counter() - start
        else:
            used = model
            fit_seconds = getattr(model, "fit_seconds_", float("nan"))
        row = {**evaluate(used, test, k=k), "fit_seconds": fit_seconds, "error": ""}
    except Exception as exc:  # one model's failure must not lose the others' rows
        row = {name: float("nan") for name in _METRICS}
        row["error"] = f"{type(exc).__name__}: {exc}"
        return row, None
    return row, used


_METRICS = ("jaccard", "precision@k", "recall@k", "f1", "n_questions", "fit_seconds",
            "suggestions_per_second")


def _fresh_copy(model):
    """An unfitted copy with the same parameters, the caller's object untouched."""
    from sklearn.base import clone

    if hasattr(model, "get_params"):
        try:
            return clone(model)
        except (TypeError, RuntimeError):  # get_params that does not follow the contract
            pass
    return copy.deepcopy(model)


def _is_fitted(model) -> bool:
    # The library's taggers say it (they set fit_seconds_ last: an interrupted
    # fit has tags_ but is not fitted). Other taggers are fitted once they have tags_.
    if hasattr(model, "__sklearn_is_fitted__"):
        return bool(model.__sklearn_is_fitted__())
    return hasattr(model, "tags_")


def _label(model, rows) -> str:
    label = getattr(model, "name", type(model).__name__)
    taken = {r["model"] for r in rows}
    suffix, candidate = 2, label
    while candidate in taken:
        candidate, suffix = f"{label}#{suffix}", suffix + 1
    return candidate
