"""Scoring fitted taggers on labelled questions, and comparing several."""

from __future__ import annotations

import copy
import time
from collections.abc import Sequence

import pandas as pd

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
        raise ValueError("no test question carries any of the tagger's candidate tags")
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
    refit: bool = True,
    tracking: str | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Fit (or reuse) several taggers and score them on one metric.

    Parameters
    ----------
    models : sequence of taggers
        ``TopicTagger``, ``SupervisedTagger``, ``MostFrequentTagger`` or any
        object with ``fit``, ``suggest_tags`` and ``tags_``. A fitted one is
        used as it is unless ``refit``.
    train, test : DataFrame, path or glob
    k : int, default=3
    refit : bool, default=True
        Fit every model on ``train`` (fitted ones are copied first, so the
        caller's objects are not changed). ``False`` fits only unfitted models.
    tracking : {"mlflow"}, optional
        Also log each model's parameters and metrics to MLflow.
    progress : bool, default=False
        Show a progress bar over the models (tqdm; in a terminal or a
        notebook only, quiet when the output is piped).

    Returns
    -------
    DataFrame
        One row per model (index ``model``): ``jaccard``, ``precision@k``,
        ``recall@k``, ``f1``, ``n_questions``, ``fit_seconds``,
        ``suggestions_per_second``; sorted by Jaccard, best first.

    Examples
    --------
    >>> tt.compare([nmf, lda, sup, tt.MostFrequentTagger()], train, test, k=3)  # doctest: +SKIP
    """
    from tqdm.auto import tqdm

    from ..corpus import load_questions

    if not models:
        raise ValueError("no model to compare")
    train, test = load_questions(train), load_questions(test)
    rows, fitted = [], []
    # disable=None: tqdm hides the bar when the output is not a terminal.
    bar = tqdm(models, desc="compare", unit="model", disable=None if progress else True)
    for model in bar:
        bar.set_postfix_str(getattr(model, "name", type(model).__name__))
        is_fitted = _is_fitted(model)
        if refit or not is_fitted:
            model = copy.deepcopy(model) if is_fitted else model
            start = time.perf_counter()
            model.fit(train)
            fit_seconds = time.perf_counter() - start
        else:
            fit_seconds = getattr(model, "fit_seconds_", float("nan"))
        row = {"model": _label(model, rows), **evaluate(model, test, k=k)}
        row["fit_seconds"] = fit_seconds
        rows.append(row)
        fitted.append(model)
    table = pd.DataFrame(rows).set_index("model")
    table = table[
        ["jaccard", "precision@k", "recall@k", "f1", "n_questions", "fit_seconds",
         "suggestions_per_second"]
    ].sort_values("jaccard", ascending=False)
    if tracking is not None:
        from ..tracking import log_comparison

        # Tracking sits below metrics: it is told each row's model here.
        by_label = {row["model"]: model for row, model in zip(rows, fitted)}
        log_comparison(table, by_label, k=k, backend=tracking)
    return table


def _is_fitted(model) -> bool:
    # The library's taggers set fit_seconds_ last: an interrupted fit has
    # tags_ but is not fitted. Other taggers are fitted once they have tags_.
    if hasattr(model, "_check_fitted"):
        return hasattr(model, "fit_seconds_")
    return hasattr(model, "tags_")


def _label(model, rows) -> str:
    label = getattr(model, "name", type(model).__name__)
    taken = {r["model"] for r in rows}
    suffix, candidate = 2, label
    while candidate in taken:
        candidate, suffix = f"{label}#{suffix}", suffix + 1
    return candidate
