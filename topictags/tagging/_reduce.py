"""Groups of fine topics for the views: array functions behind ``TopicTagger.reduce_topics``.

Tagging is best with many fine topics (150 at the defaults); a person reading
them wants a few dozen. ``reduce_topics(n)`` keeps the fine topics for
inference and shows ``n`` groups of them in the views. The groups come from a
Ward linkage of the topics' Hellinger embeddings (square roots of their
term distributions: Euclidean distance between them is the Hellinger distance
between the distributions), cut into ``n`` clusters. Everything here is plain
linear algebra on fitted arrays: deterministic, no refit, no random state.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage

from .._validation import normalize_rows

__all__ = [
    "TopicView",
    "group_distributions",
    "group_mixtures",
    "group_rows",
    "membership",
    "topic_groups",
    "topic_linkage",
]


class TopicView(NamedTuple):
    """The arrays the views of a tagger read: its fine topics, or their groups.

    ``components`` (n, n_terms) topic-term weights, ``doc_topic`` (n_train,
    n) training mixtures, ``topic_tag`` (n, n_tags) mapping shown as the
    topics' tags, ``members`` one array of fine topics per shown topic.
    """

    components: np.ndarray
    doc_topic: np.ndarray
    topic_tag: np.ndarray
    members: list[np.ndarray]

    @property
    def n_topics(self) -> int:
        return int(self.doc_topic.shape[1])


def topic_linkage(components: np.ndarray) -> np.ndarray:
    """Ward linkage of the topics, shape (n_topics - 1, 4) (scipy's format).

    Rows of ``components`` are normalised to distributions and square-rooted
    (Hellinger embedding); Ward keeps the groups balanced (average linkage on
    cosine distance put a third of the mass into one group on real data).
    """
    embedding = np.sqrt(normalize_rows(components))
    return linkage(embedding, method="ward")


def _cut_in_merge_order(Z: np.ndarray, n_topics: int, n: int) -> np.ndarray:
    # Apply the first n_topics - n merges of the tree: exactly n clusters,
    # whatever ties the merge heights have.
    parent = list(range(2 * n_topics - 1))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for step in range(n_topics - n):
        a, b = int(Z[step, 0]), int(Z[step, 1])
        parent[root(a)] = n_topics + step
        parent[root(b)] = n_topics + step
    return np.array([root(i) for i in range(n_topics)])


def topic_groups(Z: np.ndarray, n_topics: int, n: int) -> np.ndarray:
    """Fine topic -> group, shape (n_topics,), groups numbered 0 .. n - 1.

    ``fcluster(Z, t=n, criterion="maxclust")``. When tied merge heights make
    it return fewer than ``n`` clusters (identical topics, e.g. two empty
    ones), the tree is cut after its first ``n_topics - n`` merges instead,
    which is the same cut whenever the heights differ. Groups are numbered
    in the order of their smallest fine topic, so ``n = n_topics`` numbers
    each topic as itself.
    """
    if n_topics == 1:
        return np.zeros(1, dtype=np.int64)
    labels = fcluster(Z, t=n, criterion="maxclust")
    if len(np.unique(labels)) != n:
        labels = _cut_in_merge_order(Z, n_topics, n)
    _, first = np.unique(labels, return_index=True)
    order = {labels[i]: g for g, i in enumerate(np.sort(first))}
    return np.array([order[label] for label in labels], dtype=np.int64)


def membership(groups: np.ndarray, n: int) -> np.ndarray:
    """The (n_topics, n) 0/1 matrix of ``groups``: row k has a 1 at k's group."""
    M = np.zeros((len(groups), n))
    M[np.arange(len(groups)), groups] = 1.0
    return M


def group_mixtures(doc_topic: np.ndarray, groups: np.ndarray, n: int) -> np.ndarray:
    """A group's share of a question is the sum of its members' shares.

    Exact (no refit): rows that summed to 1 still do; all-zero rows stay zero.
    The dtype of ``doc_topic`` is kept (float32 for training mixtures).
    """
    return (doc_topic @ membership(groups, n)).astype(doc_topic.dtype, copy=False)


def _weighted_mean(rows: np.ndarray, weights: np.ndarray, groups: np.ndarray,
                   n: int) -> np.ndarray:
    M = membership(groups, n)
    total = M.T @ weights
    sums = M.T @ (weights[:, None] * rows)
    plain = (M.T @ rows) / M.sum(axis=0)[:, None]
    # A group whose members never occur (all weights 0) gets their plain mean.
    out = plain.copy()
    has = total > 0
    out[has] = sums[has] / total[has, None]
    # A one-topic group keeps its topic's row exactly (w * row / w may not).
    sizes = M.sum(axis=0)
    single = np.flatnonzero(sizes == 1)
    out[single] = rows[np.argmax(M[:, single], axis=0)]
    return out


def group_distributions(components: np.ndarray, prevalence: np.ndarray, groups: np.ndarray,
                        n: int) -> np.ndarray:
    """Term distributions of the groups, shape (n, n_terms).

    The prevalence-weighted mean of the members' term distributions (the
    term distribution of the training text the group accounts for); a
    one-topic group is its topic's distribution.
    """
    phi = normalize_rows(components)
    return normalize_rows(_weighted_mean(phi, np.asarray(prevalence, np.float64), groups, n))


def group_rows(topic_tag: np.ndarray, mass: np.ndarray, groups: np.ndarray,
               n: int) -> np.ndarray:
    """Tag rows of the groups: the mass-weighted mean of the members' rows.

    With ``mass[k] = sum_d theta_dk`` over the training questions, this is
    exactly the co-occurrence mapping recomputed on the grouped mixtures:
    ``P(t | g) = sum_d sum_{k in g} theta_dk y_dt / sum_d sum_{k in g} theta_dk
    = sum_{k in g} mass_k P(t | k) / sum_{k in g} mass_k``, and the lift
    divides every row by the same ``P(t) ** lift``, so the lifted rows average
    alike. It needs no training labels. For a linear mapping (logistic
    weights, lexical or blend) it is the weight of the group's share for a
    question whose share is spread over the members as in the training
    questions. A one-topic group keeps its topic's row.
    """
    return _weighted_mean(np.asarray(topic_tag, np.float64), np.asarray(mass, np.float64),
                          groups, n)
