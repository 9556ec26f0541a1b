"""Fitting a TopicTagger on a stream of question chunks, in memory bounded by a chunk.

``TopicTagger.fit(chunks)`` (any iterable of question DataFrames, such as
``iter_questions(path, chunksize=10_000)``) reads the stream **once**:

1. *Spool pass.* Each chunk is normalised, cleaned and turned into the
   tagger's documents (title tokens ``title_weight`` times, then the body
   tokens), which are appended to a temporary file with the tags; document
   frequencies and term counts of every token, tag counts and a seeded
   uniform reservoir sample of the questions (their id, title, tags, date
   and site) are accumulated. The cleaner's protected terms (tags kept
   verbatim) are decided from the tags of the first ``PROTECT_SAMPLE``
   questions, before any of them is cleaned.
2. The vocabulary is chosen from the whole stream's counts exactly as
   scikit-learn's vectorizer would choose it from the whole corpus
   (``min_df``, ``max_df``, ``max_features``), and the IDF weights come from
   the same counts.
3. *Vectorising pass* over the spool: term counts of each block of
   ``BLOCK`` documents in the fixed vocabulary, written as sparse matrices
   next to the spool, with the tag indicators.
4. *Training passes* (``max_iter`` of them; by default :func:`default_passes`):
   ``MiniBatchNMF.partial_fit`` on TF-IDF (Frobenius, as the in-memory NMF)
   or online variational LDA (``LatentDirichletAllocation.partial_fit``) on
   counts, block after block.
5. *Inference pass* with the final model: the co-occurrence mapping is
   summed over every question (:class:`CooccurrenceSums`: the same matrix as
   :func:`cooccurrence_mapping` on the same mixtures), with the topics'
   total mass and tokens; the sampled questions' mixtures and lengths are
   kept for the views and the logistic mapping.

Memory holds a chunk, one block of documents, the token counts (one entry
per distinct token), the tag counts and the sample; the spool on disk grows
with the corpus (documents, tags and count matrices: 172 MB for 300,000
resampled questions, about 0.6 kB each), and is deleted when ``fit`` ends.
The fitted tagger keeps no per-question array of the whole corpus:
``doc_topic_``, ``doc_lengths_`` and ``train_questions_`` are those of the
sample (at most ``STREAM_SAMPLE`` questions), which every view reads.
"""

from __future__ import annotations

import copy
import logging
import os
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from .._progress import progress_bar
from ..corpus import QUESTION_COLUMNS, load_questions
from ..errors import CorpusError, ParameterError
from ..text import TextCleaner, clean_chunks

__all__ = [
    "BLOCK",
    "PROTECT_SAMPLE",
    "STREAM_ATTRIBUTES",
    "STREAM_SAMPLE",
    "CooccurrenceSums",
    "default_passes",
    "is_stream",
]

_log = logging.getLogger("topictags.fit")

# Questions kept (uniformly, seeded) for the views and the logistic mapping.
STREAM_SAMPLE = 20_000
# The first questions whose tags decide the cleaner's protected terms.
PROTECT_SAMPLE = 10_000
# Documents per spooled matrix (and per partial_fit call of LDA).
BLOCK = 10_000
# Mini-batch of MiniBatchNMF: scikit-learn's default 1024 on small streams,
# growing to NMF_BATCH_MAX so that a pass makes about NMF_UPDATES updates of
# H. Each update costs about 2 n_topics^2 n_terms flops whatever the batch
# (3 GFlop at 150 topics and 20,000 terms, measured as 1.1 ms per question
# and pass with batches of 1024): larger batches on large streams keep the
# cost per question from being dominated by it.
NMF_BATCH, NMF_BATCH_MAX, NMF_UPDATES = 1024, 8192, 100
# Mini-batch of online LDA: n_questions / 100 (about 100 updates per pass),
# from 1024 to 2048; larger than scikit-learn's 128 because every update
# recomputes exp(E[log beta]) over the whole topic-term matrix. On
# questions.parquet (21,640 training questions, 3 passes) batches of 1024
# gave 0.949 x the in-memory Jaccard, of 256 0.927 x (benchmarks/scale.py).
LDA_BATCH, LDA_BATCH_MAX = 1024, 2048
# Default passes: 3 on streams up to 100,000 questions (as good as the
# in-memory fit, docs/performance.md), down to 1 from 300,000, where one
# pass already makes hundreds of mini-batch updates.
PASSES_MAX, PASSES_WORK = 3, 300_000


def default_passes(n_questions: int) -> int:
    """Passes over a stream of ``n_questions`` when ``max_iter`` is None.

    ``min(3, ceil(300_000 / n_questions))``: the number of updates, not of
    passes, is what an online fit needs; a large stream gives them in one.

    Examples
    --------
    >>> [default_passes(n) for n in (20_000, 100_000, 200_000, 300_000, 10**6)]
    [3, 3, 2, 1, 1]
    """
    return int(min(PASSES_MAX, max(1, -(-PASSES_WORK // max(n_questions, 1)))))


def lda_batch(n_questions: int) -> int:
    """Online LDA's mini-batch for a stream of ``n_questions`` (see LDA_BATCH)."""
    return int(min(max(LDA_BATCH, n_questions // 100), LDA_BATCH_MAX))


def nmf_batch(n_questions: int, n_topics: int) -> int:
    """MiniBatchNMF's mini-batch for a stream of ``n_questions`` (see NMF_BATCH)."""
    return int(max(min(max(NMF_BATCH, n_questions // NMF_UPDATES), NMF_BATCH_MAX), n_topics))


# Fitted attributes only a streamed fit sets (dropped by every fit first).
STREAM_ATTRIBUTES = ("stream_", "topic_mass_", "topic_tokens_", "partial_state_")
_SEP = "\x1f"  # between the tags of a spooled question (never in a tag)


def is_stream(X, y) -> bool:
    """Whether ``fit(X, y)`` is given a stream of question chunks.

    A DataFrame, a path, a glob, a list of paths or texts with their tags
    (``y``) go to the in-memory fit; any other iterable (a generator, an
    ``iter_questions`` stream, a list of DataFrames) is a stream.
    """
    if y is not None or isinstance(X, (pd.DataFrame, pd.Series, str, bytes, os.PathLike,
                                       np.ndarray)):
        return False
    if isinstance(X, (list, tuple)):
        return bool(X) and all(isinstance(item, pd.DataFrame) for item in X)
    return isinstance(X, Iterable)


class CooccurrenceSums:
    """The co-occurrence mapping accumulated chunk by chunk.

    ``add(theta, labels)`` for every chunk, then ``mapping(lift)`` gives
    what :func:`~topictags.tagging.cooccurrence_mapping` gives on all the
    chunks' mixtures and labels stacked (the same sums, in another order:
    equal to rounding).

    Parameters
    ----------
    n_topics, n_tags : int

    Examples
    --------
    >>> sums = CooccurrenceSums(2, 2)
    >>> sums.add(np.array([[1.0, 0.0]]), np.array([[1, 0]]))
    >>> sums.add(np.array([[0.0, 1.0]]), np.array([[1, 1]]))
    >>> sums.mapping()
    array([[1., 0.],
           [1., 1.]])
    """

    def __init__(self, n_topics: int, n_tags: int) -> None:
        self.joint = np.zeros((n_topics, n_tags))
        self.mass = np.zeros(n_topics)
        self.tag_questions = np.zeros(n_tags)
        self.n_questions = 0

    def add(self, theta: np.ndarray, labels) -> None:
        """Add the mixtures and tag indicators of one chunk's questions."""
        theta = np.asarray(theta, dtype=np.float64)
        labels = sparse.csr_matrix(labels)
        self.joint += np.asarray(labels.T.dot(theta).T)
        self.mass += theta.sum(axis=0)
        self.tag_questions += np.asarray(labels.sum(axis=0)).ravel()
        self.n_questions += theta.shape[0]

    def mapping(self, lift: float = 0.0) -> np.ndarray:
        """P(tag | topic), divided by P(tag) ** lift, as ``cooccurrence_mapping``."""
        mass = self.mass[:, None]
        out = np.divide(self.joint, mass, out=np.zeros_like(self.joint), where=mass > 0)
        if lift:
            prior = self.tag_questions / max(self.n_questions, 1)
            out = np.divide(out, prior**lift, out=np.zeros_like(out), where=prior > 0)
        return out


class _Reservoir:
    """A seeded uniform sample of at most ``size`` stream positions (algorithm R)."""

    def __init__(self, size: int, random_state) -> None:
        self.size = int(size)
        self.rng = np.random.default_rng(random_state)
        self.positions = np.full(self.size, -1, dtype=np.int64)
        self.seen = 0

    def offer(self, n: int) -> list[tuple[int, int]]:
        """Offer the next ``n`` positions; returns (slot, offset in these n) to store."""
        out = []
        start = self.seen
        fill = max(min(self.size - start, n), 0)
        for i in range(fill):
            out.append((start + i, i))
        if fill < n:
            positions = np.arange(start + fill, start + n, dtype=np.int64)
            draws = self.rng.integers(0, positions + 1)
            for i in np.flatnonzero(draws < self.size).tolist():
                out.append((int(draws[i]), fill + i))
        for slot, offset in out:
            self.positions[slot] = start + offset
        self.seen += n
        return out

    def order(self) -> np.ndarray:
        """The filled slots, by stream position."""
        filled = np.flatnonzero(self.positions >= 0)
        return filled[np.argsort(self.positions[filled], kind="stable")]


# -- chunks --------------------------------------------------------------------------
def _chunks(stream) -> Iterator[pd.DataFrame]:
    """The stream's chunks, normalised and checked (one schema, tags present)."""
    try:
        iterator = iter(stream)
    except TypeError as exc:
        raise CorpusError(
            f"fit needs labelled questions: a DataFrame, a path, or an iterable of DataFrame "
            f"chunks (such as iter_questions(path)), got {type(stream).__name__}"
        ) from exc
    columns = None
    for position, chunk in enumerate(iterator):
        if not isinstance(chunk, pd.DataFrame):
            raise CorpusError(
                f"chunk {position} of the stream is a {type(chunk).__name__}, not a DataFrame "
                "of questions: pass iter_questions(path, chunksize=...) or DataFrames"
            )
        if chunk.empty:
            continue
        if columns is None:
            columns = list(chunk.columns)
        elif list(chunk.columns) != columns:
            raise CorpusError(
                f"chunk {position} has columns {list(chunk.columns)} but the first chunk had "
                f"{columns}: give chunks of one schema (as iter_questions yields them)"
            )
        if not any(str(c).lower() == "tags" for c in chunk.columns):
            raise CorpusError(
                f"chunk {position} has no tags column: fit needs labelled questions "
                "(a 'tags' column, such as iter_questions gives from a dump)"
            )
        if list(chunk.columns) != list(QUESTION_COLUMNS):
            try:
                chunk = load_questions(chunk)  # raw rows: normalised as load_questions does
            except CorpusError as exc:
                raise CorpusError(f"chunk {position}: {exc}") from exc
        yield chunk


def _documents(title_tokens, body_tokens, weight: int) -> list[str]:
    return [" ".join(t * weight + b) for t, b in zip(title_tokens, body_tokens)]


def _provisional_tags(tag_lists, n_tags) -> set[str]:
    counts = Counter(tag for tags in tag_lists for tag in tags)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:n_tags]
    return {tag for tag, _ in ranked}


def ranked_tags(counts: Counter, n_tags: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``n_tags`` most frequent tags of ``counts`` (ties alphabetical), as tag_vocabulary."""
    if not counts:
        raise CorpusError(
            "the training questions have no tags: cannot build a tag vocabulary; fit on "
            "questions with tags (a dump's Posts.xml, or a 'tags' column)"
        )
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:n_tags]
    return np.array([t for t, _ in ranked], dtype=object), np.array([c for _, c in ranked])


def choose_vocabulary(df: Counter, tf: Counter, n_docs: int, *, min_df, max_df,
                      max_features) -> list[str]:
    """The terms scikit-learn's vectorizer keeps, from whole-corpus counts.

    Same rules as ``CountVectorizer(min_df, max_df, max_features)`` fitted on
    the corpus: document frequency in [min_df, max_df] (a float is a share of
    the documents), then the ``max_features`` most frequent terms; sorted.
    """
    terms = sorted(df)
    if not terms:
        raise CorpusError(
            f"no usable terms to fit a topic model on {n_docs} documents (every text is empty "
            "after cleaning): check the texts, or keep code with keep_code=True"
        )
    dfs = np.fromiter((df[t] for t in terms), dtype=np.int64, count=len(terms))
    high = max_df if isinstance(max_df, (int, np.integer)) else max_df * n_docs
    low = min_df if isinstance(min_df, (int, np.integer)) else min_df * n_docs
    mask = (dfs <= high) & (dfs >= low)
    if max_features is not None and mask.sum() > max_features:
        tfs = np.fromiter((tf[t] for t in terms), dtype=np.int64, count=len(terms))
        keep = np.flatnonzero(mask)[np.argsort(-tfs[mask], kind="stable")[:max_features]]
        mask = np.zeros(len(terms), dtype=bool)
        mask[keep] = True
    chosen = [t for t, m in zip(terms, mask.tolist()) if m]
    if not chosen:
        raise CorpusError(
            f"no usable terms to fit a topic model on {n_docs} documents: none is in "
            f"min_df={min_df!r}..max_df={max_df!r} of them; lower min_df or raise max_df"
        )
    return chosen


def _tfidf(counts: sparse.csr_matrix, idf: np.ndarray, sublinear: bool) -> sparse.csr_matrix:
    """TfidfVectorizer's transform, from counts in its vocabulary."""
    from sklearn.preprocessing import normalize

    X = counts.astype(np.float64, copy=True)
    if sublinear:
        np.log(X.data, X.data)
        X.data += 1.0
    X.data *= idf[X.indices]
    return normalize(X, norm="l2", copy=False)


# -- the streamed fit ------------------------------------------------------------------
class _Spool:
    """Temporary files of one streamed fit: documents, tags, then blocks of counts."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.docs = directory / "documents.txt"
        self.tags = directory / "tags.txt"
        self.blocks: list[Path] = []

    def lines(self) -> Iterator[tuple[list[str], list[list[str]]]]:
        with open(self.docs, encoding="utf-8") as docs, open(self.tags, encoding="utf-8") as tags:
            while True:
                block_docs, block_tags = [], []
                for doc, tag_line in zip(docs, tags):
                    block_docs.append(doc.rstrip("\n"))
                    tag_line = tag_line.rstrip("\n")
                    block_tags.append(tag_line.split(_SEP) if tag_line else [])
                    if len(block_docs) == BLOCK:
                        break
                if not block_docs:
                    return
                yield block_docs, block_tags

    def block(self, i: int) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
        with np.load(self.blocks[i], allow_pickle=False) as data:
            counts = sparse.csr_matrix(
                (data["data"], data["indices"], data["indptr"]), shape=tuple(data["shape"])
            )
            labels = sparse.csr_matrix(
                (np.ones(len(data["l_indices"])), data["l_indices"], data["l_indptr"]),
                shape=(counts.shape[0], int(data["n_tags"])),
            )
        return counts, labels

    def write_block(self, counts: sparse.csr_matrix, labels: sparse.csr_matrix) -> None:
        path = self.directory / f"block{len(self.blocks):06d}.npz"
        np.savez(
            path, data=counts.data.astype(np.float32), indices=counts.indices,
            indptr=counts.indptr, shape=np.array(counts.shape), l_indices=labels.indices,
            l_indptr=labels.indptr, n_tags=np.array(labels.shape[1]),
        )
        self.blocks.append(path)


def fit_stream(tagger, stream, model, *, sample_size: int | None = None) -> None:
    """Fit ``tagger`` (a TopicTagger) on a stream of chunks; sets its fitted attributes.

    ``model`` is the (unfitted, validated) :class:`~topictags.models.TopicModel`
    whose settings are used. See the module docstring for the passes.
    """
    start = time.perf_counter()
    sample_size = STREAM_SAMPLE if sample_size is None else sample_size  # read at call time
    random_state = tagger.random_state
    _check_backend(model)
    with tempfile.TemporaryDirectory(prefix="topictags-fit-") as directory:
        spool = _Spool(Path(directory))
        info = _spool_stream(tagger, stream, spool, sample_size, random_state)
        n_docs = info["n_questions"]
        passes = model.max_iter or default_passes(n_docs)
        timings = {"spool": time.perf_counter() - start}
        vocabulary = choose_vocabulary(
            info["df"], info["tf"], n_docs, min_df=model.min_df, max_df=model.max_df,
            max_features=model.max_features,
        )
        _check_topics(model, n_docs, len(vocabulary))
        tagger.tags_, tagger.tag_counts_ = ranked_tags(info["tag_counts"], tagger.n_tags)
        idf = np.array(
            [np.log((1 + n_docs) / (1 + info["df"][t])) + 1.0 for t in vocabulary]
        )
        del info["df"], info["tf"]
        mark = time.perf_counter()
        term_frequency = _vectorise(tagger, spool, vocabulary)
        timings["vectorise"] = time.perf_counter() - mark
        mark = time.perf_counter()
        model.feature_names_ = np.asarray(vocabulary, dtype=str)
        model.term_frequency_ = term_frequency
        model.vectorizer_ = _fitted_vectorizer(model, vocabulary, idf)
        estimator = _train(model, spool, idf, n_docs, passes, random_state)
        _install_estimator(model, estimator)
        timings["train"] = time.perf_counter() - mark
        mark = time.perf_counter()
        inferred = _infer(tagger, model, spool, idf, info["reservoir"])
        timings["infer"] = time.perf_counter() - mark
    order = info["reservoir"].order()
    tagger.model_ = model
    tagger.doc_topic_ = inferred["doc_topic"][order].astype(np.float32)
    tagger.doc_lengths_ = model.doc_lengths_ = inferred["doc_lengths"][order]
    tagger.term_frequency_ = model.term_frequency_
    tagger.cooccurrence_ = inferred["sums"].mapping(lift=tagger.lift)
    tagger.topic_mass_ = inferred["sums"].mass.copy()
    tagger.topic_tokens_ = inferred["topic_tokens"]
    tagger.train_questions_ = _sample_frame([info["rows"][slot] for slot in order.tolist()])
    tagger.stream_ = {
        "n_questions": int(n_docs),
        "n_chunks": int(info["n_chunks"]),
        "passes": int(passes),
        "sample_size": len(order),
        "protected_from": int(info["protected_from"]),
        "seconds": float(time.perf_counter() - start),
        "phase_seconds": {name: round(float(v), 2) for name, v in timings.items()},
    }
    _log.info("fitted on %d questions in %d chunks (%d passes; sample of %d kept)",
              n_docs, info["n_chunks"], passes, len(order))


def _check_topics(model, n_docs: int, n_terms: int) -> None:
    model._check_supported(n_docs, n_terms)


def _spool_stream(tagger, stream, spool: _Spool, sample_size: int, random_state) -> dict:
    """The spool pass: clean every chunk once, count, sample (see the module docstring)."""
    chunks = _chunks(stream)
    # Protected terms from the first questions' tags, decided before cleaning any.
    buffered, held = [], 0
    for chunk in chunks:
        buffered.append(chunk)
        held += len(chunk)
        if held >= PROTECT_SAMPLE:
            break
    if not buffered:
        raise CorpusError(
            "the stream yielded no questions: check the source (iter_questions(path) of a "
            "file with questions) or fit on a DataFrame"
        )
    first = pd.concat(buffered, ignore_index=True).iloc[:PROTECT_SAMPLE]
    first_tags = first["tags"].tolist()
    if not any(first_tags):
        # The first questions may be untagged in a real stream; the whole
        # stream is checked at the end (ranked_tags).
        _log.warning("the first %d questions have no tags: no tag is protected from cleaning",
                     len(first))
    tagger.title_weight_ = int(tagger.title_weight)
    tagger.tags_ = np.array(sorted(_provisional_tags(first_tags, tagger.n_tags)), dtype=object)
    tagger.cleaner_ = TextCleaner(
        keep_code=tagger.keep_code,
        spacy_model=tagger.spacy_model,
        protected=tagger._protected_terms(first_tags),
    )

    def all_chunks():
        yield from buffered
        buffered.clear()
        yield from chunks

    from sklearn.feature_extraction.text import CountVectorizer

    counter = CountVectorizer(token_pattern=r"\S+", lowercase=False, dtype=np.int64)
    df: Counter = Counter()
    tf: Counter = Counter()
    tag_counts: Counter = Counter()
    reservoir = _Reservoir(sample_size, random_state)
    rows: dict[int, tuple] = {}
    n_questions = n_chunks = 0
    weight = tagger.title_weight_
    bar = progress_bar(desc="reading and cleaning", unit="question")
    with bar, open(spool.docs, "w", encoding="utf-8") as docs_file, \
            open(spool.tags, "w", encoding="utf-8") as tags_file:
        for cleaned in clean_chunks(all_chunks(), tagger.cleaner_):
            docs = _documents(cleaned["title_tokens"], cleaned["body_tokens"], weight)
            tag_lists = [list(t) for t in cleaned["tags"]]
            docs_file.writelines(doc + "\n" for doc in docs)
            tags_file.writelines(_SEP.join(t) + "\n" for t in tag_lists)
            try:
                X = counter.fit_transform(docs)
            except ValueError:  # every document of the chunk is empty
                X = None
            if X is not None:
                terms = counter.get_feature_names_out().tolist()
                df.update(dict(zip(terms, np.bincount(X.indices, minlength=len(terms)).tolist())))
                tf.update(dict(zip(terms, np.asarray(X.sum(axis=0)).ravel().tolist())))
            for tags in tag_lists:
                tag_counts.update(set(tags))
            ids, titles = cleaned["id"].tolist(), cleaned["title"].tolist()
            dates, sites = cleaned["creation_date"].tolist(), cleaned["site"].tolist()
            for slot, offset in reservoir.offer(len(docs)):
                rows[slot] = (ids[offset], titles[offset], tag_lists[offset], dates[offset],
                              sites[offset])
            n_questions += len(docs)
            n_chunks += 1
            bar.update(len(docs))
            _log.info("chunk %d: %d questions read and cleaned", n_chunks, n_questions)
    if n_questions == 0:
        raise CorpusError("the stream yielded no questions: check the source")
    return {"df": df, "tf": tf, "tag_counts": tag_counts, "reservoir": reservoir,
            "rows": rows, "n_questions": n_questions, "n_chunks": n_chunks,
            "protected_from": len(first)}


def _vectorise(tagger, spool: _Spool, vocabulary: list[str]) -> np.ndarray:
    """Counts of every spooled document in the vocabulary, block by block; term totals."""
    from sklearn.feature_extraction.text import CountVectorizer

    vectorizer = CountVectorizer(
        token_pattern=r"\S+", lowercase=False, dtype=np.float64,
        vocabulary={term: j for j, term in enumerate(vocabulary)},
    )
    total = np.zeros(len(vocabulary))
    bar = progress_bar(desc="vectorising", unit="question")
    with bar:
        for docs, tag_lists in spool.lines():
            counts = vectorizer.transform(docs)
            total += np.asarray(counts.sum(axis=0)).ravel()
            spool.write_block(counts, tagger.binarize(tag_lists))
            bar.update(len(docs))
    return total


def _fitted_vectorizer(model, vocabulary: list[str], idf: np.ndarray):
    """The model's own vectorizer, fitted as if on the whole corpus: its terms and IDF."""
    vectorizer = model._make_vectorizer()
    vectorizer.set_params(vocabulary={term: j for j, term in enumerate(vocabulary)})
    vectorizer.fit([" ".join(vocabulary)])
    if model.method == "nmf":
        vectorizer.idf_ = idf
    # As fitted from data: the vocabulary is a result, not a parameter (and
    # the saved file holds it once, as feature_names_).
    vectorizer.set_params(vocabulary=None)
    vectorizer.fixed_vocabulary_ = False
    return vectorizer


def _matrix(model, counts: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    if model.method == "nmf":
        return _tfidf(counts, idf, model.sublinear_tf)
    return counts.astype(np.float64)


def _train(model, spool: _Spool, idf, n_docs: int, passes: int, random_state):
    """``passes`` passes of mini-batch NMF or online LDA over the spooled blocks."""
    estimator = _online_estimator(model, random_state, total_samples=n_docs, passes=passes)
    estimator.set_params(batch_size=nmf_batch(n_docs, model.n_topics) if model.method == "nmf"
                         else lda_batch(n_docs))
    batch = getattr(estimator, "batch_size", 0)
    bar = progress_bar(total=passes * n_docs, desc=f"fitting {model.method}", unit="question")
    with bar:
        for epoch in range(passes):
            pending = None  # NMF's first mini-batch must hold at least n_topics rows
            for i in range(len(spool.blocks)):
                counts, _ = spool.block(i)
                X = _matrix(model, counts, idf)
                if model.method == "lda":
                    estimator.partial_fit(X)
                else:
                    if pending is not None:
                        X = sparse.vstack([pending, X], format="csr")
                        pending = None
                    for lo in range(0, X.shape[0], batch):
                        part = X[lo: lo + batch]
                        if part.shape[0] < batch and i + 1 < len(spool.blocks):
                            pending = part  # joined to the next block's first batch
                            break
                        estimator.partial_fit(part)
                bar.update(counts.shape[0])
            _log.info("pass %d of %d done", epoch + 1, passes)
    return estimator


def _minibatch_nmf_class():
    """scikit-learn's MiniBatchNMF, with the Gram matrix of W's solve computed once.

    ``MiniBatchNMF.partial_fit`` solves each mini-batch's W by 30
    multiplicative updates, and every update recomputes ``H @ H.T`` and
    ``X @ H.T`` although H does not change during the solve: with 150 topics
    and 20,000 terms that product was 95 % of the fit (measured). The
    subclass passes them, computed once per solve, to the same update
    function: the same arithmetic, the same W. Should scikit-learn's private
    update change, the plain class is used.
    """
    from sklearn.decomposition import MiniBatchNMF

    try:
        from scipy import linalg
        from sklearn.decomposition._nmf import _multiplicative_update_w
        from sklearn.utils.extmath import safe_sparse_dot
    except ImportError:  # pragma: no cover - another scikit-learn layout
        return MiniBatchNMF

    class _GramMiniBatchNMF(MiniBatchNMF):
        def _solve_W(self, X, H, max_iter):
            if self._beta_loss != 2:  # pragma: no cover - only Frobenius is used
                return super()._solve_W(X, H, max_iter)
            avg = np.sqrt(X.mean() / self._n_components)
            W = np.full((X.shape[0], self._n_components), avg, dtype=X.dtype)
            W_buffer = W.copy()
            l1_reg_W, _, l2_reg_W, _ = self._compute_regularization(X)
            HHt, XHt = np.dot(H, H.T), safe_sparse_dot(X, H.T)
            for _ in range(max_iter):
                W, *_ = _multiplicative_update_w(
                    X, W, H, self._beta_loss, l1_reg_W, l2_reg_W, self._gamma,
                    HHt=HHt, XHt=XHt, update_H=False,
                )
                W_diff = linalg.norm(W - W_buffer) / linalg.norm(W)
                if self.tol > 0 and W_diff <= self.tol:
                    break
                W_buffer[:] = W
            return W

    return _GramMiniBatchNMF


def _online_estimator(model, random_state, *, total_samples, passes: int = 1):
    """MiniBatchNMF (Frobenius on TF-IDF, as the in-memory NMF) or online LDA."""
    from sklearn.decomposition import LatentDirichletAllocation

    if model.method == "nmf":
        return _minibatch_nmf_class()(
            n_components=model.n_topics, init="nndsvda", beta_loss="frobenius",
            batch_size=max(NMF_BATCH, model.n_topics), max_iter=passes,
            alpha_W=model.nmf_alpha_W, alpha_H="same", l1_ratio=model.nmf_l1_ratio,
            random_state=random_state,
        )
    extra = {} if total_samples is None else {"total_samples": total_samples}
    return LatentDirichletAllocation(
        n_components=model.n_topics, learning_method="online", batch_size=LDA_BATCH,
        max_iter=passes, random_state=random_state, n_jobs=1, **extra,
    )


def _install_estimator(model, estimator, *, copy_lda: bool = False) -> None:
    """Give the TopicModel its fitted estimator, as the in-memory fit leaves it."""
    from sklearn.decomposition import NMF

    from ..models._topic_model import NMF_DEFAULT_ITERATIONS

    if model.method == "nmf":
        # Inference as in memory: coordinate descent on W with the streamed H
        # (MiniBatchNMF's own transform runs multiplicative updates instead).
        # max_iter counted passes over the stream: inference runs the default
        # number of coordinate-descent iterations, without a warning, as the
        # default in-memory NMF does.
        nmf = NMF(
            n_components=model.n_topics, init="nndsvda", max_iter=NMF_DEFAULT_ITERATIONS,
            alpha_W=model.nmf_alpha_W, alpha_H="same", l1_ratio=model.nmf_l1_ratio,
            random_state=model.random_state,
        )
        nmf.components_ = estimator.components_.copy()  # partial_fit goes on updating its own
        nmf.n_components_ = estimator.n_components_
        nmf.n_features_in_ = estimator.n_features_in_
        nmf.n_iter_ = int(getattr(estimator, "n_steps_", 0))
        nmf.reconstruction_err_ = float("nan")
        estimator = nmf
    elif copy_lda:  # partial_fit goes on updating its own
        estimator = copy.deepcopy(estimator)
    model.max_iter = None
    model.__dict__.pop("_nmf_cache", None)
    model.model_ = estimator
    model.components_ = estimator.components_


def _infer(tagger, model, spool: _Spool, idf, reservoir: _Reservoir) -> dict:
    """The final model's mixtures: co-occurrence sums, topic totals, the sample's rows."""
    n_topics, n_tags = model.n_topics, len(tagger.tags_)
    sums = CooccurrenceSums(n_topics, n_tags)
    topic_tokens = np.zeros(n_topics)
    slot_of = {int(p): s for s, p in enumerate(reservoir.positions.tolist()) if p >= 0}
    doc_topic = np.zeros((reservoir.size, n_topics), dtype=np.float32)
    doc_lengths = np.zeros(reservoir.size, dtype=np.int64)
    start = 0
    bar = progress_bar(desc="topic mixtures", unit="question")
    with bar:
        for i in range(len(spool.blocks)):
            counts, labels = spool.block(i)
            theta = model.transform_matrix(_matrix(model, counts, idf))
            lengths = np.asarray(counts.sum(axis=1)).ravel()
            sums.add(theta, labels)
            topic_tokens += theta.T @ lengths
            for offset in range(counts.shape[0]):
                slot = slot_of.get(start + offset)
                if slot is not None:
                    doc_topic[slot] = theta[offset]
                    doc_lengths[slot] = round(lengths[offset])
            start += counts.shape[0]
            bar.update(counts.shape[0])
    return {"sums": sums, "topic_tokens": topic_tokens, "doc_topic": doc_topic,
            "doc_lengths": doc_lengths}


def check_no_targets(y) -> None:
    if y is not None:
        raise ParameterError(
            "a stream of chunks carries its tags in its 'tags' column: drop y"
        )


# -- partial_fit ------------------------------------------------------------------------
class PartialState:
    """What ``partial_fit`` carries from call to call (not saved with the tagger)."""

    def __init__(self, tagger, model, columns: list, sample_size: int) -> None:
        self.model = model
        self.columns = columns
        self.estimator = None
        self.sums = CooccurrenceSums(model.n_topics, len(tagger.tags_))
        self.reservoir = _Reservoir(sample_size, tagger.random_state)
        self.rows: dict[int, tuple] = {}
        self.counts: dict[int, sparse.csr_matrix] = {}
        self.term_frequency = None
        self.idf = None
        self.n_chunks = 0
        self.seconds = 0.0


def _check_backend(model) -> None:
    if model.method == "lda" and model.backend != "sklearn":
        raise ParameterError(
            "a streamed fit uses scikit-learn's online LDA: pass backend='sklearn' (gensim's "
            "LDA is fitted in memory only)"
        )


def partial_fit_chunk(tagger, chunk, y, model) -> sparse.csr_matrix:
    """One ``partial_fit`` call: update the model and the sums; set the fitted arrays.

    ``model`` is a new, validated TopicModel on the first call, else None.
    Returns the tag indicators of the sample (for the logistic mapping).
    """
    check_no_targets(y)
    if not isinstance(chunk, pd.DataFrame):
        raise CorpusError(
            f"partial_fit takes one DataFrame chunk of questions, got {type(chunk).__name__}: "
            "for a whole stream, use fit(iter_questions(path, chunksize=...))"
        )
    state: PartialState | None = tagger.__dict__.get("partial_state_")
    if state is not None and list(chunk.columns) != state.columns:
        raise CorpusError(
            f"this chunk has columns {list(chunk.columns)} but the first chunk had "
            f"{state.columns}: give chunks of one schema (as iter_questions yields them)"
        )
    frames = list(_chunks([chunk]))
    if not frames:
        raise CorpusError("the chunk holds no question: pass a chunk with at least one row")
    frame = frames[0].reset_index(drop=True)
    tag_lists = [list(t) for t in frame["tags"]]
    if state is None:
        _check_backend(model)
        if not any(tag_lists):
            raise CorpusError(
                "the first chunk has no tags: partial_fit takes its tag vocabulary from the "
                "first chunk; start with a chunk of tagged questions"
            )
        tagger.tags_, tagger.tag_counts_ = ranked_tags(
            Counter(t for tags in tag_lists for t in set(tags)), tagger.n_tags)
        tagger.title_weight_ = int(tagger.title_weight)
        tagger.cleaner_ = TextCleaner(
            keep_code=tagger.keep_code, spacy_model=tagger.spacy_model,
            protected=tagger._protected_terms(tag_lists),
        )
        state = PartialState(tagger, model, list(chunk.columns), STREAM_SAMPLE)
    model = state.model
    cleaned = next(clean_chunks([frame], tagger.cleaner_))
    docs = _documents(cleaned["title_tokens"], cleaned["body_tokens"], tagger.title_weight_)
    if state.estimator is None:
        # The vocabulary and IDF of the first chunk, by the in-memory vectorizer.
        vectorizer = model._make_vectorizer()
        try:
            vectorizer.fit(docs)
        except ValueError as exc:
            raise CorpusError(
                f"no usable terms in the first chunk's {len(docs)} documents ({exc}): lower "
                "min_df, or start with a larger chunk"
            ) from exc
        vocabulary = vectorizer.get_feature_names_out().tolist()
        _check_topics(model, len(docs), len(vocabulary))
        model.feature_names_ = np.asarray(vocabulary, dtype=str)
        model.vectorizer_ = vectorizer
        state.idf = vectorizer.idf_ if model.method == "nmf" else None
        state.term_frequency = np.zeros(len(vocabulary))
        state.estimator = _online_estimator(model, tagger.random_state, total_samples=None)
    from sklearn.feature_extraction.text import CountVectorizer

    counts = CountVectorizer(
        token_pattern=r"\S+", lowercase=False, dtype=np.float64,
        vocabulary=model.vectorizer_.vocabulary_,
    ).transform(docs)
    X = _matrix(model, counts, state.idf)
    if model.method == "nmf":
        batch = state.estimator.batch_size
        for lo in range(0, X.shape[0], batch):
            part = X[lo: lo + batch]
            if state.estimator.__dict__.get("n_steps_") is None and part.shape[0] < model.n_topics:
                raise CorpusError(
                    f"the first chunk has {part.shape[0]} questions, fewer than the "
                    f"{model.n_topics} topics: start partial_fit with a larger chunk"
                )
            state.estimator.partial_fit(part)
    else:
        state.estimator.partial_fit(X)
    _install_estimator(model, state.estimator, copy_lda=True)
    labels = tagger.binarize(tag_lists)
    state.sums.add(model.transform_matrix(X), labels)
    state.term_frequency += np.asarray(counts.sum(axis=0)).ravel()
    ids, titles = frame["id"].tolist(), frame["title"].tolist()
    dates, sites = frame["creation_date"].tolist(), frame["site"].tolist()
    for slot, offset in state.reservoir.offer(len(docs)):
        state.rows[slot] = (ids[offset], titles[offset], tag_lists[offset], dates[offset],
                            sites[offset])
        state.counts[slot] = counts[offset]
    state.n_chunks += 1
    tagger.partial_state_ = state
    # The fitted arrays, from the current model.
    order = state.reservoir.order().tolist()
    sample_counts = sparse.vstack([state.counts[s] for s in order], format="csr")
    theta = model.transform_matrix(_matrix(model, sample_counts, state.idf))
    tagger.model_ = model
    model.term_frequency_ = tagger.term_frequency_ = state.term_frequency.copy()
    tagger.doc_topic_ = theta.astype(np.float32)
    tagger.doc_lengths_ = model.doc_lengths_ = np.asarray(
        sample_counts.sum(axis=1)).ravel().round().astype(np.int64)
    tagger.cooccurrence_ = state.sums.mapping(lift=tagger.lift)
    tagger.topic_mass_ = state.sums.mass.copy()
    tagger.train_questions_ = _sample_frame([state.rows[s] for s in order])
    tagger.stream_ = {
        "n_questions": int(state.reservoir.seen), "n_chunks": state.n_chunks, "passes": 1,
        "sample_size": len(order), "protected_from": -1, "seconds": state.seconds,
    }
    return tagger.binarize(tagger.train_questions_["tags"])


def _sample_frame(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["id", "title", "tags", "creation_date", "site"])
    return frame.astype({"id": "Int64", "creation_date": "datetime64[ns]"})
