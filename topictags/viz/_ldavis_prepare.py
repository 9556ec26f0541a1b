"""The data of an LDAvis page: topic-model arrays in, ``pyLDAvis.PreparedData`` out.

The page itself (HTML, inlined JavaScript) is built in :mod:`._ldavis_page`.

Topic numbering: LDAvis numbers topics from 1 and treats topic 0 as "no topic
selected", so it cannot show a topic 0. The data made here therefore keeps
pyLDAvis's one-based numbers, with ``sort_topics=False`` so that page topic
``k`` is always model topic ``k - 1``; the label table on the page shows both
numbers.
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .._validation import as_matrix, check_positive_int
from ..errors import ParameterError

if TYPE_CHECKING:  # pragma: no cover
    from pyLDAvis import PreparedData

__all__ = ["prepare_ldavis"]

# Added to every probability before renormalising: exact zeros would give
# log(0) = -inf in pyLDAvis's relevance and lift, and non-finite values in the
# page's data. 1e-12 is far below anything a topic model estimates, so the
# ranking of terms is unchanged.
_EPS = 1e-12


def prepare_ldavis(
    topic_term: Any,
    doc_topic: Any,
    doc_lengths: Any,
    vocab: Sequence[str],
    term_frequency: Any,
    *,
    R: int = 30,
    lambda_step: float = 0.01,
    sort_topics: bool = False,
    n_jobs: int = 1,
) -> PreparedData:
    """Compute the data of an LDAvis page from plain topic-model arrays.

    Both matrices may be unnormalised (NMF ``components_`` and ``W``, LDA
    pseudo-counts): each row is divided by its sum, a tiny epsilon replaces
    exact zeros, and all-zero rows become uniform distributions (a document
    NMF gives no weight to, or a dead component). This keeps pyLDAvis's log
    relevance finite.

    The topics are placed on the map by classical multidimensional scaling
    (PCoA) of their Jensen-Shannon divergences, as pyLDAvis does, but with a
    symmetric eigendecomposition: the coordinates are always real and finite,
    even when several topics are nearly identical (an LDA with many topics on
    a small corpus), where pyLDAvis's own PCoA returns complex numbers.

    Parameters
    ----------
    topic_term : array-like of shape (n_topics, n_terms)
        Non-negative topic-term weights; one topic or more.
    doc_topic : array-like of shape (n_docs, n_topics)
        Non-negative document-topic weights.
    doc_lengths : array-like of shape (n_docs,)
        Number of tokens of each document; non-negative, not all zero.
    vocab : sequence of str of length n_terms
        The terms, without duplicates (LDAvis keys its bars by term).
    term_frequency : array-like of shape (n_terms,)
        Corpus count of each term; non-negative.
    R : int, default=30
        Number of terms in the bar chart (LDAvis shows at most 30).
    lambda_step : float, default=0.01
        Step of the λ grid over which term relevance is precomputed.
    sort_topics : bool, default=False
        Sort topics by prevalence, as pyLDAvis does by default. Left off so
        that page topic ``k`` is model topic ``k - 1`` (pyLDAvis numbers
        topics from 1); when on, the label table of
        :func:`~topictags.viz.ldavis_html` still maps page numbers to model
        topics.
    n_jobs : int, default=1
        Workers for the relevance computation (joblib convention).

    Returns
    -------
    pyLDAvis.PreparedData

    Raises
    ------
    ParameterError
        Shapes disagree, values are negative or not finite, duplicated terms,
        all documents are empty, or ``R``/``lambda_step`` are out of range.
        Also a ``ValueError``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> prepared = prepare_ldavis(
    ...     rng.random((3, 8)), rng.random((5, 3)), [10] * 5,
    ...     [f"w{i}" for i in range(8)], np.ones(8), R=5,
    ... )
    >>> len(prepared.topic_coordinates)
    3
    """
    topic_term = as_matrix(topic_term, "topic_term", nonnegative=True)
    doc_topic = as_matrix(doc_topic, "doc_topic", nonnegative=True)
    n_topics, n_terms = topic_term.shape
    n_docs = doc_topic.shape[0]
    if doc_topic.shape[1] != n_topics:
        raise ParameterError(
            f"doc_topic has {doc_topic.shape[1]} columns but topic_term has {n_topics} "
            "rows; both must be the number of topics"
        )
    doc_lengths = _nonnegative_1d(doc_lengths, "doc_lengths", n_docs, "doc_topic rows")
    if doc_lengths.sum() <= 0:
        raise ParameterError(
            "doc_lengths are all zero: no token to visualise; pass the token count of "
            "each document"
        )
    term_frequency = _nonnegative_1d(
        term_frequency, "term_frequency", n_terms, "topic_term columns"
    )
    if isinstance(vocab, str):
        raise ParameterError("vocab must be a sequence of terms, not a string")
    vocab = [str(term) for term in vocab]
    if len(vocab) != n_terms:
        raise ParameterError(
            f"vocab has {len(vocab)} terms but topic_term has {n_terms} columns; "
            "pass one term per column"
        )
    if len(set(vocab)) != n_terms:
        dupes = sorted(t for t, n in Counter(vocab).items() if n > 1)
        raise ParameterError(
            f"vocab has duplicated terms: {dupes[:5]!r}; LDAvis needs each term once"
        )
    check_positive_int(R, "R")
    if not (isinstance(lambda_step, (int, float, np.number)) and 0 < lambda_step <= 1):
        raise ParameterError(f"lambda_step must be in (0, 1], got {lambda_step!r}")

    pyLDAvis = _import_pyldavis()
    return pyLDAvis.prepare(
        _to_distributions(topic_term),
        _to_distributions(doc_topic),
        doc_lengths,
        vocab,
        term_frequency,
        R=int(R),
        lambda_step=float(lambda_step),
        mds=js_pcoa,
        n_jobs=n_jobs,
        sort_topics=bool(sort_topics),
        # LDAvis's JavaScript reserves topic 0 for "none selected".
        start_index=1,
    )


def js_pcoa(distributions: Any) -> np.ndarray:
    """2-D coordinates of distributions: PCoA of their Jensen-Shannon divergences.

    The same map as pyLDAvis's ``js_PCoA`` (up to the sign of each axis), but
    computed with ``numpy.linalg.eigh`` on the symmetrised double-centred
    matrix, so the result is real; negative eigenvalues (the divergence is not
    a Euclidean distance) are clipped to zero, which gives a zero axis rather
    than an imaginary one. Each axis is oriented so that its largest
    coordinate is positive, which makes the map the same on every platform.

    Parameters
    ----------
    distributions : array-like of shape (n, n_terms)
        Rows are strictly positive probability distributions.

    Returns
    -------
    ndarray of shape (n, 2)
        All zeros for a single distribution.
    """
    p = np.asarray(distributions, dtype=np.float64)
    n = p.shape[0]
    coords = np.zeros((n, 2))
    if n < 2:
        return coords
    divergence = _js_divergences(p)
    centring = np.eye(n) - 1.0 / n
    b = -0.5 * centring @ (divergence**2) @ centring
    b = (b + b.T) / 2  # exactly symmetric, whatever rounding did
    values, vectors = np.linalg.eigh(b)
    top = np.argsort(values)[::-1][:2]
    values = np.clip(values[top], 0.0, None)
    vectors = vectors[:, top]
    # eigh's sign of each vector is arbitrary: fix it for reproducible maps.
    signs = np.sign(vectors[np.argmax(np.abs(vectors), axis=0), np.arange(vectors.shape[1])])
    signs[signs == 0] = 1.0
    coords[:, : len(top)] = vectors * signs * np.sqrt(values)
    return coords


def _js_divergences(p: np.ndarray) -> np.ndarray:
    """Symmetric matrix of Jensen-Shannon divergences (natural log) between rows."""
    n = p.shape[0]
    log_p = np.log(p)
    out = np.zeros((n, n))
    for i in range(n - 1):
        rest = p[i + 1 :]
        mean = 0.5 * (p[i] + rest)
        log_mean = np.log(mean)
        kl_i = (p[i] * (log_p[i] - log_mean)).sum(axis=1)
        kl_rest = (rest * (log_p[i + 1 :] - log_mean)).sum(axis=1)
        # Rounding can make a divergence of identical rows a tiny negative.
        out[i, i + 1 :] = np.clip(0.5 * (kl_i + kl_rest), 0.0, None)
    return out + out.T


def _nonnegative_1d(x: Any, name: str, size: int, what: str) -> np.ndarray:
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"{name} must be a numeric 1-D array: {exc}") from exc
    if arr.ndim != 1:
        raise ParameterError(f"{name} must be 1-D, got shape {arr.shape}")
    if arr.shape[0] != size:
        raise ParameterError(
            f"{name} has {arr.shape[0]} values but there are {size} {what}; "
            "pass one value for each"
        )
    if not np.isfinite(arr).all():
        raise ParameterError(f"{name} contains NaN or infinite values; replace them with counts")
    if (arr < 0).any():
        raise ParameterError(f"{name} contains negative values; counts must be >= 0")
    return arr


def _to_distributions(x: np.ndarray) -> np.ndarray:
    """Rows summing to 1, strictly positive; all-zero rows become uniform."""
    sums = x.sum(axis=1, keepdims=True)
    uniform = np.full_like(x, 1.0 / x.shape[1])
    p = np.divide(x, sums, out=uniform, where=sums > 0)
    p += _EPS
    return p / p.sum(axis=1, keepdims=True)


def _import_pyldavis():
    # pyLDAvis.utils calls warnings.simplefilter("always", DeprecationWarning)
    # at import, which would change the warning filters of the whole program.
    with warnings.catch_warnings():
        import pyLDAvis
        import pyLDAvis.urls
    return pyLDAvis
