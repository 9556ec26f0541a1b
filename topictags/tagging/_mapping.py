"""Topic -> tag mappings: matrices of shape (n_topics, n_tags).

A document's tag scores are its topic mixture times the mapping,
``scores = doc_topic @ mapping``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from scipy import sparse

from .._validation import normalize_rows, scale_to_max
from ..errors import ParameterError

__all__ = [
    "MAPPINGS",
    "blend",
    "cooccurrence_mapping",
    "lexical_mapping",
    "logistic_mapping",
]

MAPPINGS = ("lexical", "cooccurrence", "blend", "logistic")


def cooccurrence_mapping(
    doc_topic: np.ndarray, labels: sparse.spmatrix | np.ndarray, *, lift: float = 0.0
) -> np.ndarray:
    """P(tag | topic) estimated from training questions, optionally lifted.

    Each question spreads its tags over its topics in proportion to its topic
    mixture: ``P(t | k) = sum_d theta_dk y_dt / sum_d theta_dk``. With
    ``lift > 0`` the result is divided by ``P(t) ** lift``, which stops the
    most frequent tags from winning in every topic (``lift=1`` gives
    P(t | k) / P(t), the lift of the tag in the topic).

    Parameters
    ----------
    doc_topic : ndarray, shape (n_docs, n_topics)
        Topic mixtures of the training questions (rows sum to 1 or 0).
    labels : {ndarray, sparse matrix}, shape (n_docs, n_tags)
        Binary tag indicators of the same questions.
    lift : float, default=0.0
        Exponent of the tag-frequency correction.

    Returns
    -------
    ndarray, shape (n_topics, n_tags)

    Examples
    --------
    >>> theta = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> cooccurrence_mapping(theta, np.array([[1, 0], [1, 1]]))
    array([[1., 0.],
           [1., 1.]])
    """
    doc_topic = np.asarray(doc_topic, dtype=np.float64)
    joint = np.asarray(sparse.csr_matrix(labels).T.dot(doc_topic).T)  # (n_topics, n_tags)
    mass = doc_topic.sum(axis=0)[:, None]
    mapping = np.divide(joint, mass, out=np.zeros_like(joint), where=mass > 0)
    if lift:
        labels = sparse.csr_matrix(labels)
        prior = np.asarray(labels.mean(axis=0)).ravel()
        mapping = np.divide(mapping, prior**lift, out=np.zeros_like(mapping), where=prior > 0)
    return mapping


def logistic_mapping(
    doc_topic: np.ndarray,
    labels: sparse.spmatrix | np.ndarray,
    *,
    C: float = 10.0,
    random_state: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Learn each tag from the topic mixture: one logistic regression per tag.

    The topics stay the model's only features; this mapping learns how much
    each topic says for each tag, and a bias per tag.

    Returns
    -------
    weights : ndarray, shape (n_topics, n_tags)
    intercept : ndarray, shape (n_tags,)
        A question's tag probabilities are
        ``sigmoid(doc_topic @ weights + intercept)``.
    """
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    labels = sparse.csc_matrix(labels)
    doc_topic = np.ascontiguousarray(doc_topic, dtype=np.float64)
    n_topics, n_tags = doc_topic.shape[1], labels.shape[1]
    weights, intercept = np.zeros((n_topics, n_tags)), np.zeros(n_tags)
    # Each solve is small (n_topics features): BLAS and OpenMP threads cost
    # more than they give. One thread made the 50 fits of the default tagger
    # 5 s instead of 34 s on 2 cores (benchmarks/speed.py), same weights.
    with threadpool_limits(limits=1):
        for t in range(n_tags):
            y = labels[:, t].toarray().ravel()
            if y.min() == y.max():  # a tag on all or no question: constant score
                intercept[t] = 20.0 if y[0] else -20.0
                continue
            model = LogisticRegression(C=C, max_iter=1000, random_state=random_state)
            model.fit(doc_topic, y)
            weights[:, t], intercept[t] = model.coef_[0], model.intercept_[0]
    return weights, intercept


def lexical_mapping(
    topic_term: np.ndarray,
    feature_names: Sequence[str],
    tags: Sequence[str],
    tag_terms: Callable[[str], list[str]],
) -> np.ndarray:
    """Match topics' terms against tag names (no tag labels used).

    A tag's score in a topic is the topic's weight of the tag itself when the
    tag is a term (``python``, ``c#``, ``node.js``), or else the mean weight of
    the terms its name is made of (``ruby-on-rails`` -> ``ruby``, ``rail``),
    whichever is larger. Topic rows are first normalised to distributions.

    Parameters
    ----------
    topic_term : ndarray, shape (n_topics, n_features)
    feature_names : sequence of str, length n_features
    tags : sequence of str, length n_tags
    tag_terms : callable
        Splits a tag name into cleaned terms, e.g. ``"ruby-on-rails"`` ->
        ``["ruby", "rail"]``; it must clean like the documents were cleaned.

    Returns
    -------
    ndarray, shape (n_topics, n_tags)
    """
    phi = normalize_rows(topic_term)
    index = {term: j for j, term in enumerate(feature_names)}
    out = np.zeros((phi.shape[0], len(tags)))
    for t, tag in enumerate(tags):
        if tag in index:
            out[:, t] = phi[:, index[tag]]
        parts = [index[p] for p in tag_terms(tag) if p in index and p != tag]
        if parts:
            out[:, t] = np.maximum(out[:, t], phi[:, parts].mean(axis=1))
    return out


def blend(cooccurrence: np.ndarray, lexical: np.ndarray, weight: float) -> np.ndarray:
    """``weight`` x co-occurrence + (1 - ``weight``) x lexical, on one scale.

    Each mapping is divided by its largest entry first, so both lie in
    [0, 1] and the weight means what it says. (Normalising each topic's row
    instead over-weights the few tags a lexical row names.)

    Examples
    --------
    >>> blend(np.array([[2.0, 0.0]]), np.array([[0.0, 4.0]]), 0.25)
    array([[0.25, 0.75]])
    """
    if not 0.0 <= weight <= 1.0:
        raise ParameterError(
            f"blend weight must be in [0, 1], got {weight!r}: 1 is pure co-occurrence, "
            "0 pure lexical"
        )
    return weight * scale_to_max(cooccurrence) + (1.0 - weight) * scale_to_max(lexical)
