"""Topic -> tag mappings: matrices of shape (n_topics, n_tags).

A document's tag scores are its topic mixture times the mapping,
``scores = doc_topic @ mapping``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from scipy import sparse

from ..models import normalize_rows

__all__ = ["MAPPINGS", "blend", "cooccurrence_mapping", "lexical_mapping"]

MAPPINGS = ("lexical", "cooccurrence", "blend")


def cooccurrence_mapping(doc_topic: np.ndarray, labels: sparse.spmatrix | np.ndarray) -> np.ndarray:
    """P(tag | topic) estimated from training questions.

    Each question spreads its tags over its topics in proportion to its topic
    mixture: ``P(t | k) = sum_d theta_dk y_dt / sum_d theta_dk``.

    Parameters
    ----------
    doc_topic : ndarray, shape (n_docs, n_topics)
        Topic mixtures of the training questions (rows sum to 1 or 0).
    labels : {ndarray, sparse matrix}, shape (n_docs, n_tags)
        Binary tag indicators of the same questions.

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
    return np.divide(joint, mass, out=np.zeros_like(joint), where=mass > 0)


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
    """``weight`` x co-occurrence + (1 - weight) x lexical, rows as distributions.

    Each mapping is first normalised per topic so the two are on one scale.
    """
    if not 0.0 <= weight <= 1.0:
        raise ValueError(f"blend weight must be in [0, 1], got {weight!r}")
    return weight * normalize_rows(cooccurrence) + (1.0 - weight) * normalize_rows(lexical)
