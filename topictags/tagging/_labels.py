"""Topic labels: a topic's own distinctive terms, then its mapped tags and how far to trust them.

One labelling for every view: the charts, the pyLDAvis page, the notebook
topic browser, ``topic_drift``, the CLI's ``explore`` and ``report`` all show
:func:`label_topics` (through ``TopicTagger.topic_labels`` and
``TopicTagger.topic_label_details``).

A label reads ``"file, directory, csv | git?, linux, windows?"``:

- **Terms** (before ``|``): the topic's ``n_terms`` most *relevant* terms,
  ranked as pyLDAvis ranks them (Sievert & Shirley, 2014), with
  ``relevance(w | k) = λ log p(w | k) + (1 - λ) log(p(w | k) / p(w))``,
  ``p(w | k)`` the topic's term distribution, ``p(w)`` the term's frequency,
  ``λ = 0.6`` (the value the paper found best). Like pyLDAvis, ``p(w)`` is
  the frequency the model implies, ``Σ_k p(k) p(w | k)`` with ``p(k)`` the
  topics' shares of the training tokens (pyLDAvis replaces the corpus counts
  it is given by this, LDAvis pull request 41), so the terms are exactly what
  the pyLDAvis page lists first for the topic at that λ.
- **Tags** (after ``|``): the ``n_tags`` tags the topic maps to most strongly
  in the mapping the tagger suggests with (only positive weights), each with
  its **share**: the part of the topic's training questions that carry the
  tag, ``P(tag | k) = Σ_d θ_dk [tag ∈ d] / Σ_d θ_dk`` (the strength shown on
  the page, in the report and in the browser).
- A tag is **weak**, written ``tag?``, unless the topic supports it: either

  1. the topic's terms name it: the tag (as a term, or the mean of the terms
     of its name, ``ruby-on-rails`` -> ``ruby``, ``rail``) is at least
     ``MIN_TERM_LIFT`` (2) times as probable in the topic as in the corpus; or
  2. the topic's questions carry it, and it is not an over-broad tag: its
     share is at least ``MIN_SHARE`` (10 %) and the odds of a topic question
     carrying it are at least ``MIN_QUESTION_ODDS`` (3) times the odds of any
     training question (an odds ratio rather than a ratio of shares, so that
     a tag on a third of all questions, ``python`` on a Python corpus, can
     still be supported: its share cannot triple).

  A tag is **over-broad** when it labels more than ``max(3, 2 x n_shown x
  n_tags / n_candidates)`` topics: twice as many as it would if the labels
  were spread evenly over the candidate tags (e.g. more than 4 of 40 topics
  with 3 tags per label and 50 candidate tags). Such a tag stays unmarked
  only where the topic's terms name it (rule 1): ``python`` on the topic
  "python, pip, module", not on "value, return, variable".
- When every tag of a label is weak, the label ends with ``" (weak)"``: the
  topic has no tag its evidence supports (a gap in the tag set, or a topic
  of generic words). A topic that maps to no tag ends with ``"| no tag"``.

The plain-array functions (:func:`term_relevance`, :func:`relevant_terms`,
:func:`name_lift`, :func:`tag_shares`, :func:`broad_limit`) hold the maths;
:func:`label_topics` reads a fitted tagger's ``topic_view()`` so that a copy
made by ``reduce_topics(n)`` labels its ``n`` groups.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse

from .._validation import Interval, check_positive_int, check_value, normalize_rows
from ..errors import ParameterError

__all__ = [
    "BROAD_FACTOR",
    "DEFAULT_LAMBDA",
    "MIN_QUESTION_ODDS",
    "MIN_SHARE",
    "MIN_TERM_LIFT",
    "LabelTag",
    "TopicLabel",
    "broad_limit",
    "label_topics",
    "model_term_frequency",
    "name_lift",
    "relevant_terms",
    "tag_shares",
    "term_relevance",
]

#: λ of the relevance ranking: pyLDAvis's user study found 0.6 best.
DEFAULT_LAMBDA = 0.6
#: A tag is named by a topic's terms when they are this many times as probable there.
MIN_TERM_LIFT = 2.0
#: Question evidence: odds ratio of the tag on the topic's questions against all questions.
MIN_QUESTION_ODDS = 3.0
#: ...and in absolute terms.
MIN_SHARE = 0.10
#: A tag labelling more than this many times its even share of topics is over-broad.
BROAD_FACTOR = 2.0

# Smooths exact zeros (NMF) before the logarithms, as the pyLDAvis page does
# (topictags.viz._ldavis_prepare): the ranking of non-zero terms is unchanged.
_EPS = 1e-12


# -- arrays ---------------------------------------------------------------------------
def term_relevance(
    topic_term: np.ndarray, term_frequency: np.ndarray, lambda_: float = DEFAULT_LAMBDA
) -> np.ndarray:
    """pyLDAvis's relevance of every term to every topic, shape (n_topics, n_terms).

    ``λ log p(w | k) + (1 - λ) log(p(w | k) / p(w))``: ``λ = 1`` ranks terms by
    probability in the topic, ``λ = 0`` by lift (how much more the topic uses
    them than the corpus does), which favours rare, topic-specific terms.

    Parameters
    ----------
    topic_term : ndarray of shape (n_topics, n_terms)
        Non-negative topic-term weights; each row is normalised to a
        distribution (NMF components and LDA pseudo-counts alike).
    term_frequency : ndarray of shape (n_terms,)
        Corpus count of each term.
    lambda_ : float, default=0.6
        In [0, 1].

    Returns
    -------
    ndarray of shape (n_topics, n_terms)

    Examples
    --------
    >>> topic_term = np.array([[8.0, 1.0, 1.0], [1.0, 1.0, 8.0]])
    >>> term_relevance(topic_term, np.array([90, 5, 5]), 0.0).argmax(axis=1)  # lift only
    array([1, 2])
    >>> term_relevance(topic_term, np.array([90, 5, 5]), 1.0).argmax(axis=1)  # probability only
    array([0, 2])
    """
    lambda_ = _check_lambda(lambda_)
    phi = normalize_rows(np.asarray(topic_term, dtype=np.float64)) + _EPS
    p_w = _term_proportions(term_frequency, phi.shape[1])
    log_phi = np.log(phi)
    return lambda_ * log_phi + (1.0 - lambda_) * (log_phi - np.log(p_w))


def model_term_frequency(
    topic_term: np.ndarray, doc_topic: np.ndarray, doc_lengths: np.ndarray
) -> np.ndarray:
    """Term frequencies implied by the model, as pyLDAvis computes them for its page.

    ``Σ_k n_k p(w | k)``, with ``n_k = Σ_d θ_dk len_d`` the topic's tokens
    (``θ`` each document's normalised mixture). pyLDAvis's ``prepare`` uses
    these, not the corpus counts it is given, for ``p(w)`` in relevance.

    Returns
    -------
    ndarray of shape (n_terms,)
    """
    phi = normalize_rows(np.asarray(topic_term, dtype=np.float64)) + _EPS
    phi /= phi.sum(axis=1, keepdims=True)
    theta = normalize_rows(np.asarray(doc_topic, dtype=np.float64))
    tokens = theta.T @ np.asarray(doc_lengths, dtype=np.float64)
    return tokens @ phi


def relevant_terms(
    topic_term: np.ndarray,
    term_frequency: np.ndarray,
    n: int,
    lambda_: float = DEFAULT_LAMBDA,
) -> np.ndarray:
    """Column indices of each topic's ``n`` most relevant terms, best first.

    Returns
    -------
    ndarray of int, shape (n_topics, min(n, n_terms))
        Ties keep vocabulary order (stable sort).
    """
    n = check_positive_int(n, "n_terms")
    relevance = term_relevance(topic_term, term_frequency, lambda_)
    return np.argsort(-relevance, axis=1, kind="stable")[:, :n]


def name_lift(
    topic_term: np.ndarray,
    term_frequency: np.ndarray,
    name_columns: Sequence[Sequence[int]],
) -> np.ndarray:
    """How many times as probable each tag's name is in each topic as in the corpus.

    Parameters
    ----------
    topic_term : ndarray of shape (n_topics, n_terms)
    term_frequency : ndarray of shape (n_terms,)
    name_columns : sequence of sequences of int, one per tag
        The vocabulary columns that spell the tag: several sets are not
        distinguished here, see :func:`label_topics` (the tag itself when it
        is a term, else the terms of its name). Empty when none is in the
        vocabulary.

    Returns
    -------
    ndarray of shape (n_topics, n_tags)
        ``mean_j p(w_j | k) / mean_j p(w_j)`` over the tag's columns; NaN for
        a tag with no column (its name is not a term: no term can support it).
    """
    phi = normalize_rows(np.asarray(topic_term, dtype=np.float64))
    p_w = _term_proportions(term_frequency, phi.shape[1])
    out = np.full((phi.shape[0], len(name_columns)), np.nan)
    for t, columns in enumerate(name_columns):
        columns = list(columns)
        if columns:
            out[:, t] = phi[:, columns].mean(axis=1) / p_w[columns].mean()
    return out


def tag_shares(doc_topic: np.ndarray, tag_matrix: Any) -> tuple[np.ndarray, np.ndarray]:
    """Share of each topic's questions carrying each tag, and of all questions.

    Parameters
    ----------
    doc_topic : ndarray of shape (n_docs, n_topics)
        Topic mixtures of the training questions.
    tag_matrix : {ndarray, sparse matrix} of shape (n_docs, n_tags)
        1 where the question carries the tag.

    Returns
    -------
    share : ndarray of shape (n_topics, n_tags)
        ``P(tag | k) = Σ_d θ_dk y_dt / Σ_d θ_dk`` (0 for a topic with no
        weight).
    prior : ndarray of shape (n_tags,)
        Share of all the questions that carry the tag.

    Examples
    --------
    >>> theta = np.array([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]])
    >>> share, prior = tag_shares(theta, np.array([[1], [1], [0]]))
    >>> share.ravel().round(3).tolist(), prior.round(3).tolist()
    ([1.0, 0.333], [0.667])
    """
    theta = np.asarray(doc_topic, dtype=np.float64)
    y = sparse.csr_matrix(tag_matrix, dtype=np.float64)
    if y.shape[0] != theta.shape[0]:
        raise ParameterError(
            f"tag_matrix has {y.shape[0]} rows but doc_topic has {theta.shape[0]}; "
            "pass one row per training question to both"
        )
    mass = theta.sum(axis=0)
    weighted = np.asarray((y.T @ theta).T)  # (n_topics, n_tags)
    share = np.divide(weighted, mass[:, None], out=np.zeros_like(weighted),
                      where=mass[:, None] > 0)
    prior = np.asarray(y.mean(axis=0)).ravel() if y.shape[0] else np.zeros(y.shape[1])
    return share, prior


def broad_limit(n_topics: int, n_label_tags: int, n_candidates: int) -> float:
    """Topics a tag may label before it is over-broad: ``max(3, 2 x even share)``.

    The even share is ``n_topics x n_label_tags / n_candidates``: the number
    of labels each candidate tag would appear in if labels were spread evenly.

    Examples
    --------
    >>> broad_limit(40, 3, 50)  # a tag on 5 or more of 40 topics is over-broad
    4.8
    >>> broad_limit(6, 3, 50)
    3.0
    """
    even = n_topics * n_label_tags / max(n_candidates, 1)
    return max(3.0, BROAD_FACTOR * even)


# -- labels -----------------------------------------------------------------------------
@dataclass(frozen=True)
class LabelTag:
    """One mapped tag of a topic label, with its evidence.

    Attributes
    ----------
    tag : str
    weight : float
        Its weight in the mapping in use (the order of a label's tags).
    share : float
        Share of the topic's training questions that carry the tag, in [0, 1]
        (the strength shown with it).
    prior : float
        Share of all training questions that carry it.
    term_lift : float
        How many times as probable the tag's name is in the topic's terms as
        in the corpus; NaN when its name is not a term of the model.
    n_topics : int
        How many topics' labels hold this tag.
    broad : bool
        Labels more topics than :func:`broad_limit`.
    weak : bool
        Not supported by the topic (see the module docstring).
    reason : str
        Why it is weak, in words; ``""`` when it is not.
    """

    tag: str
    weight: float
    share: float
    prior: float
    term_lift: float
    n_topics: int
    broad: bool
    weak: bool
    reason: str

    @property
    def text(self) -> str:
        """``"pandas"``, or ``"windows?"`` when weak."""
        return self.tag + ("?" if self.weak else "")

    def as_dict(self) -> dict[str, Any]:
        """Plain values (JSON-ready: NaN becomes None)."""
        return {
            "tag": self.tag,
            "weight": self.weight,
            "share": self.share,
            "prior": self.prior,
            "term_lift": None if math.isnan(self.term_lift) else self.term_lift,
            "n_topics": self.n_topics,
            "broad": self.broad,
            "weak": self.weak,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class TopicLabel:
    """The label of one shown topic: relevant terms, mapped tags, their evidence.

    ``str(label)`` is :attr:`text`, e.g. ``"file, directory, csv | git?, linux,
    windows?"``.

    Attributes
    ----------
    topic : int
        The topic's number, from 0, as in the model and every view.
    terms : tuple of str
        Most relevant terms first (λ = ``lambda_`` of :func:`label_topics`).
    tags : tuple of LabelTag
        Strongest mapped tag first; empty when the topic maps to none.
    prevalence : float
        Mean share of the topic in the training questions (the order of the
        views: most prevalent first).
    """

    topic: int
    terms: tuple[str, ...]
    tags: tuple[LabelTag, ...]
    prevalence: float

    @property
    def weak(self) -> bool:
        """Every tag is weak (or there is none)."""
        return all(tag.weak for tag in self.tags)

    @property
    def text(self) -> str:
        """Terms, then tags (weak ones with ``?``); ``" (weak)"`` when all are weak."""
        terms = ", ".join(self.terms)
        if not self.tags:
            return f"{terms} | no tag"
        tags = ", ".join(tag.text for tag in self.tags)
        return f"{terms} | {tags}" + (" (weak)" if self.weak else "")

    @property
    def tags_text(self) -> str:
        """Tags with their shares: ``"pandas 23%, data-science? 32%"``."""
        if not self.tags:
            return "no tag"
        return ", ".join(f"{tag.text} {tag.share:.0%}" for tag in self.tags)

    def __str__(self) -> str:
        return self.text

    def as_dict(self) -> dict[str, Any]:
        """Plain values for pages and tables (what the pyLDAvis page embeds)."""
        return {
            "topic": self.topic,
            "label": self.text,
            "terms": list(self.terms),
            "tags": [tag.as_dict() for tag in self.tags],
            "weak": self.weak,
            "prevalence": self.prevalence,
        }


def label_topics(
    tagger: Any,
    n_terms: int = 3,
    n_tags: int = 3,
    *,
    lambda_: float = DEFAULT_LAMBDA,
) -> list[TopicLabel]:
    """Label every topic a fitted topic tagger shows (its ``topic_view()``).

    Parameters
    ----------
    tagger : TopicTagger
        Fitted; a copy made by ``reduce_topics(n)`` is labelled by group.
    n_terms : int, default=3
        Relevant terms per label.
    n_tags : int, default=3
        Mapped tags per label (fewer when fewer have a positive weight).
    lambda_ : float, default=0.6
        λ of the relevance ranking of terms.

    Returns
    -------
    list of TopicLabel
        One per shown topic, in topic order (0, 1, ...).
    """
    n_terms = check_positive_int(n_terms, "n_terms")
    n_tags = check_positive_int(n_tags, "n_tags")
    lambda_ = _check_lambda(lambda_)
    tagger.check_is_fitted()
    view = tagger.topic_view()
    vocab = [str(term) for term in tagger.model_.feature_names_]
    tags = [str(tag) for tag in tagger.tags_]
    components = np.asarray(view.components, dtype=np.float64)
    frequency = np.asarray(tagger.term_frequency_, dtype=np.float64)
    doc_topic = np.asarray(view.doc_topic, dtype=np.float64)
    topic_tag = np.asarray(view.topic_tag, dtype=np.float64)
    n_shown = doc_topic.shape[1]

    # p(w) as on the pyLDAvis page (model frequencies); the tags' name lift
    # below compares with the corpus counts.
    implied = model_term_frequency(components, doc_topic, tagger.doc_lengths_)
    if implied.sum() <= 0:  # no training token: fall back on the corpus counts
        implied = frequency
    term_order = relevant_terms(components, implied, n_terms, lambda_)
    # The mapped tags: strongest first, positive weights only (a logistic
    # coefficient <= 0 points away from the tag).
    tag_order = np.argsort(-topic_tag, axis=1, kind="stable")[:, :n_tags]
    chosen = [[int(t) for t in row if topic_tag[k, t] > 0] for k, row in enumerate(tag_order)]
    counts = np.zeros(len(tags), dtype=np.int64)
    for row in chosen:
        counts[row] += 1
    limit = broad_limit(n_shown, n_tags, len(tags))

    lift = _name_lifts(components, frequency, vocab, tags, tagger._tag_terms)
    share, prior = tag_shares(doc_topic, tagger.binarize(tagger.train_questions_["tags"]))
    prevalence = doc_topic.mean(axis=0) if len(doc_topic) else np.zeros(n_shown)

    labels = []
    for k in range(n_shown):
        label_tags = []
        for t in chosen[k]:
            label_tags.append(
                _judge(tags[t], float(topic_tag[k, t]), float(share[k, t]), float(prior[t]),
                       float(lift[k, t]), int(counts[t]), limit, n_shown)
            )
        labels.append(
            TopicLabel(
                topic=k,
                terms=tuple(vocab[j] for j in term_order[k]),
                tags=tuple(label_tags),
                prevalence=float(prevalence[k]),
            )
        )
    return labels


def _judge(tag: str, weight: float, share: float, prior: float, term_lift: float,
           n_topics: int, limit: float, n_shown: int) -> LabelTag:
    """One tag of one label, with the rule of the module docstring applied."""
    named = not math.isnan(term_lift) and term_lift >= MIN_TERM_LIFT
    broad = n_topics > limit
    odds = _odds_ratio(share, prior)
    carried = share >= MIN_SHARE and odds >= MIN_QUESTION_ODDS
    weak = not (named or (carried and not broad))
    reason = ""
    if weak:
        if math.isnan(term_lift):
            terms = "its name is not a term of the model"
        else:
            terms = (f"the topic's terms use its name {term_lift:.1f}x as often as the corpus "
                     f"(support from {MIN_TERM_LIFT:g}x)")
        if broad:
            reason = f"over-broad: it labels {n_topics} of {n_shown} topics, and {terms}"
        else:
            reason = (
                f"{terms}; {share:.0%} of the topic's questions carry it against {prior:.0%} "
                f"of all (odds ratio {odds:.1f}; support from {MIN_QUESTION_ODDS:g} "
                f"with {MIN_SHARE:.0%})"
            )
    return LabelTag(tag, weight, share, prior, term_lift, n_topics, broad, weak, reason)


def _odds_ratio(share: float, prior: float) -> float:
    """Odds of the tag on the topic's questions over its odds on all questions."""
    if prior <= 0 or share <= 0:
        return 0.0
    if share >= 1 or prior >= 1:
        return math.inf if prior < 1 else 1.0
    return (share / (1 - share)) / (prior / (1 - prior))


def _name_lifts(components: np.ndarray, frequency: np.ndarray, vocab: list[str],
                tags: list[str], tag_terms: Callable[[str], list[str]]) -> np.ndarray:
    """Term lift of each tag: of the tag as a term, or of its name's terms, the larger."""
    index = {term: j for j, term in enumerate(vocab)}
    whole = [[index[tag]] if tag in index else [] for tag in tags]
    parts = [[index[p] for p in tag_terms(tag) if p in index and p != tag] for tag in tags]
    return np.fmax(name_lift(components, frequency, whole),
                   name_lift(components, frequency, parts))


def _term_proportions(term_frequency: Any, n_terms: int) -> np.ndarray:
    frequency = np.asarray(term_frequency, dtype=np.float64)
    if frequency.shape != (n_terms,):
        raise ParameterError(
            f"term_frequency has shape {frequency.shape} but the topics have {n_terms} "
            "terms; pass one corpus count per term"
        )
    total = frequency.sum()
    if not np.isfinite(total) or total <= 0 or (frequency < 0).any():
        raise ParameterError(
            "term_frequency must be non-negative corpus counts with a positive total"
        )
    return frequency / total + _EPS


def _check_lambda(lambda_: Any) -> float:
    return float(check_value(lambda_, "lambda_", [Interval(numbers.Real, 0, 1)]))
