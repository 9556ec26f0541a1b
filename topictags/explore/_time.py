"""Topics over time: prevalence per period, and drift between two sets of questions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._validation import as_matrix, check_positive_int, normalize_rows
from ..errors import ParameterError

__all__ = ["TopicDrift", "topic_drift", "topic_prevalence_over_time"]


def _shares(doc_topic: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows normalised to sum to 1, and which rows have any weight at all."""
    return normalize_rows(doc_topic), doc_topic.sum(axis=1) > 0


def topic_prevalence_over_time(
    doc_topic: Any,
    dates: Any,
    freq: str = "Y",
    *,
    min_questions: int = 1,
) -> pd.DataFrame:
    """Mean topic shares of the questions of each period.

    Each question's topic mixture is normalised to sum to 1 and the mixtures
    of a period are averaged, so every row of the result sums to 1: it is how
    the period's questions divide among the topics.

    Questions without a date (``NaT``) are dropped, and so are questions with
    no topic weight at all (no known term): counted as zeros they would make
    shares of a period sum to less than 1.

    Parameters
    ----------
    doc_topic : array-like of shape (n_questions, n_topics)
        Non-negative topic mixtures, e.g. ``tagger.doc_topic_`` or
        ``tagger.transform(questions)``.
    dates : array-like of shape (n_questions,)
        Creation dates (anything ``pandas.to_datetime`` reads); time-zone aware
        dates are converted to UTC first.
    freq : str, default="Y"
        Period length, a pandas period alias: ``"Y"`` (year), ``"Q"``
        (quarter), ``"M"`` (month), ``"W"`` (week)...
    min_questions : int, default=1
        Periods with fewer dated questions are left out (their shares are
        noise: a period with 3 questions moves by a third per question).

    Returns
    -------
    DataFrame
        Index: ``PeriodIndex`` named ``"period"``, sorted. Columns: topic
        indices (named ``"topic"``). Values: shares; each row sums to 1. The
        number of questions behind each row is in ``.attrs["n_questions"]``
        (a dict period -> count).

    Raises
    ------
    ParameterError
        ``freq`` is not a period alias, lengths disagree, or no question is
        left to count.

    Examples
    --------
    >>> shares = topic_prevalence_over_time(
    ...     [[1, 0], [0, 2], [1, 1]], ["2010-03-01", "2011-05-01", None], freq="Y"
    ... )
    >>> shares.round(2).values.tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    weights = as_matrix(doc_topic, "doc_topic", nonnegative=True)
    check_positive_int(min_questions, "min_questions")
    try:
        stamps = pd.DatetimeIndex(pd.to_datetime(pd.Series(dates), errors="raise"))
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"dates cannot be read as dates: {exc}") from None
    if len(stamps) != weights.shape[0]:
        raise ParameterError(
            f"dates has {len(stamps)} values but doc_topic has {weights.shape[0]} rows"
        )
    if stamps.tz is not None:
        stamps = stamps.tz_convert("UTC").tz_localize(None)
    try:
        periods = stamps.to_period(freq)
    except (TypeError, ValueError) as exc:
        raise ParameterError(
            f"freq must be a pandas period alias such as 'Y' or 'M': {exc}"
        ) from None

    shares, has_weight = _shares(weights)
    keep = has_weight & ~periods.isna()
    if not keep.any():
        raise ParameterError("no question has both a date and some topic weight")
    frame = pd.DataFrame(shares[keep], index=periods[keep])
    grouped = frame.groupby(level=0, sort=True)
    counts = grouped.size()
    table = grouped.mean()[counts >= min_questions]
    if table.empty:
        raise ParameterError(
            f"no period has {min_questions} or more dated questions; lower min_questions"
        )
    table.index.name = "period"
    table.columns = pd.Index(range(weights.shape[1]), name="topic")
    table.attrs["n_questions"] = {p: int(counts[p]) for p in table.index}
    return table


@dataclass(frozen=True, repr=False)
class TopicDrift:
    """How the topic mixture of new questions differs from a reference set.

    Attributes
    ----------
    distance : float
        Jensen-Shannon distance (base 2, in [0, 1]) between the mean topic
        mixtures of the two sets: 0 for identical mixtures, 1 for sets that
        share no topic.
    baseline_distance : float
        The same distance between two random halves of the reference set:
        the sampling noise to read ``distance`` against. A ``distance`` a few
        times larger is drift, not chance.
    topics : DataFrame
        One row per topic, largest ``|change|`` first: ``topic``, ``label``,
        ``reference_share``, ``new_share``, ``change`` (new - reference),
        ``change_se`` (standard error of ``change`` from the spread of the
        questions' shares in each set: ``change`` within about twice it
        may be chance) and ``relative_change`` (change / reference share;
        ``inf`` for a topic absent from the reference).
    n_reference, n_new : int
        Questions of each set that were counted (those with a known term).
    """

    distance: float
    baseline_distance: float
    topics: pd.DataFrame
    n_reference: int
    n_new: int

    def __repr__(self) -> str:
        top = self.topics.head(3)
        moves = ", ".join(
            f"{int(r.topic)} ({r.label or '-'}) {r.change:+.3f}" for r in top.itertuples()
        )
        return (
            f"TopicDrift(distance={self.distance:.4f}, "
            f"baseline_distance={self.baseline_distance:.4f}, "
            f"n_reference={self.n_reference}, n_new={self.n_new}, largest changes: {moves})"
        )


def _mean_mixture(tagger, questions, name: str) -> tuple[np.ndarray, np.ndarray]:
    # The topics the tagger's labels name (its groups, for a reduced tagger);
    # any estimator with a plain transform works too.
    transform = getattr(tagger, "view_transform", tagger.transform)
    shares, has_weight = _shares(np.asarray(transform(questions), dtype=np.float64))
    if not has_weight.any():
        raise ParameterError(
            f"no question of {name} has a term the model knows: cannot measure drift"
        )
    return shares[has_weight].mean(axis=0), shares[has_weight]


def _js_distance(p: np.ndarray, q: np.ndarray) -> float:
    from scipy.spatial.distance import jensenshannon

    # jensenshannon rounds identical inputs to a tiny positive or NaN value
    # (sqrt of a -0.0 divergence); clip so "no drift" reads exactly 0.
    value = float(jensenshannon(p, q, base=2))
    return 0.0 if not np.isfinite(value) or value < 1e-12 else value


def topic_drift(
    tagger,
    reference_questions,
    new_questions,
    *,
    random_state: int | None = 0,
) -> TopicDrift:
    """Compare the topic mixtures of new questions with a reference set.

    Both sets go through the same fitted tagger (``tagger.transform``); each
    question's mixture is normalised to sum to 1 and each set is summarised
    by its mean mixture: the share of its questions' attention each topic
    gets. Questions with no term the model knows are left out of both.

    What a team does with it: run it on each new batch of questions against
    the questions the production model was fitted on (or last month's).

    - ``distance`` well above ``baseline_distance`` means the questions have
      moved: re-fit the topic model and re-check the tag suggestions on
      recent questions before trusting them.
    - The first rows of ``topics`` say where: a topic that grows is a subject
      (often a new framework or version) users now ask more about; check its
      mapped tags, they may be missing from the tag vocabulary. A topic that
      shrinks may keep suggesting tags that are going out of use.
    - Tracked over time (a distance per week, with an alert threshold set
      from past values), it tells when a refit is due rather than on a fixed
      calendar.

    Parameters
    ----------
    tagger : TopicTagger
        Fitted.
    reference_questions, new_questions : DataFrame or sequence of str
        Anything ``tagger.transform`` accepts: a DataFrame with ``title``
        and/or ``body`` columns, or question texts.
    random_state : int, optional
        Seed of the split of the reference set into halves for
        ``baseline_distance``.

    Returns
    -------
    TopicDrift

    Examples
    --------
    >>> old = questions[questions.creation_date < "2011"]
    >>> new = questions[questions.creation_date >= "2011"]
    >>> drift = topic_drift(tagger, old, new, random_state=0)
    >>> drift.n_reference, drift.n_new
    (60, 89)

    The same subjects before and after 2011: the distance is that of two
    halves of the old questions, no drift.

    >>> round(drift.distance, 2), round(drift.baseline_distance, 2)
    (0.21, 0.22)
    >>> drift.topics.loc[0, "label"]  # the topic that moved most
    'jquery, element, selector | javascript, jquery, ajax'
    """
    ref_mean, ref_rows = _mean_mixture(tagger, reference_questions, "reference_questions")
    new_mean, new_rows = _mean_mixture(tagger, new_questions, "new_questions")

    baseline = float("nan")
    if len(ref_rows) >= 2:
        order = np.random.default_rng(random_state).permutation(len(ref_rows))
        half = len(order) // 2
        baseline = _js_distance(
            ref_rows[order[:half]].mean(axis=0), ref_rows[order[half:]].mean(axis=0)
        )

    change = new_mean - ref_mean
    # Difference of two means: each set's variance of the shares over its size.
    change_se = np.sqrt(
        ref_rows.var(axis=0) / len(ref_rows) + new_rows.var(axis=0) / len(new_rows)
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = change / ref_mean
    table = pd.DataFrame(
        {
            "topic": np.arange(len(ref_mean)),
            "label": tagger.topic_labels(),
            "reference_share": ref_mean,
            "new_share": new_mean,
            "change": change,
            "change_se": change_se,
            "relative_change": relative,
        }
    )
    order = np.argsort(-np.abs(change), kind="stable")
    table = table.iloc[order].reset_index(drop=True)
    return TopicDrift(
        distance=_js_distance(ref_mean, new_mean),
        baseline_distance=baseline,
        topics=table,
        n_reference=len(ref_rows),
        n_new=len(new_rows),
    )
