"""Fitting a TopicTagger on a Spark DataFrame of questions.

The result is an ordinary :class:`topictags.TopicTagger`: the same cleaner,
vectoriser, scikit-learn topic model and mappings as one fitted in memory,
so it saves, loads, suggests and draws its views like any other. What
differs is where each piece is computed:

- tag vocabulary, cleaning, term and tag counts, topic mixtures and the
  co-occurrence mapping: over the whole frame, distributed;
- LDA: Spark MLlib's online variational Bayes on a Spark ``CountVectorizer``
  vocabulary, converted into scikit-learn's ``LatentDirichletAllocation``;
- NMF: Spark MLlib has none (nonnegative explicit ALS gives junk topics and
  implicit ALS optimises another objective), so the library's NMF is fitted
  on a seeded sample collected to the driver, and mixtures are inferred
  everywhere with it;
- the logistic mapping and the per-question state of the views
  (``train_questions_``, ``doc_topic_``, ``doc_lengths_``): a bounded seeded
  sample of the questions, never the whole frame.
"""

from __future__ import annotations

import math
import numbers
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._validation import Interval, check_value
from ..errors import CorpusError, ParameterError
from ..models import TopicModel
from ..tagging import TopicTagger
from ..tagging._mapping import lexical_mapping
from ..text import TextCleaner
from ._session import import_pyspark, require_columns, translating_errors

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame

__all__ = ["clean_questions", "cooccurrence_mapping", "fit_topic_tagger"]

_KEPT = ("id", "title", "tags", "creation_date", "site")  # train_questions_ columns
_HASH = "__topictags_hash__"
_TOKENS = "__topictags_tokens__"
_COUNTS = "__topictags_counts__"
_THETA = "theta"
_LENGTH = "doc_length"


def _timed(timings: dict | None, stage: str, start: float) -> float:
    now = time.perf_counter()
    if timings is not None:
        timings[stage] = timings.get(stage, 0.0) + now - start
    return now


@translating_errors
def fit_topic_tagger(
    sdf: DataFrame,
    method: str = "nmf",
    n_topics: int = 150,
    *,
    random_state: int | None = None,
    sample_size: int = 50_000,
    nmf_sample_size: int = 100_000,
    max_iter: int | None = None,
    subsampling_rate: float = 0.05,
    timings: dict[str, float] | None = None,
    **params: Any,
) -> TopicTagger:
    """Fit a :class:`topictags.TopicTagger` on a Spark DataFrame of questions.

    Parameters
    ----------
    sdf : pyspark.sql.DataFrame
        Questions with ``title``, ``body`` and ``tags`` (``array<string>``)
        columns, as :func:`read_questions` gives them; ``id``,
        ``creation_date`` and ``site`` are kept for the views when present.
    method : {"nmf", "lda"}, default="nmf"
        ``"lda"``: ``pyspark.ml.clustering.LDA`` (online optimizer) over the
        whole frame. ``"nmf"``: the library's NMF fitted on a seeded sample
        of ``nmf_sample_size`` questions collected to the driver (Spark MLlib
        has no NMF), then applied to every question.
    n_topics : int, default=150
    random_state : int, optional
        Seed of the samples, of NMF's initialisation and of Spark's LDA:
        the same seed on the same data and partitioning gives the same
        tagger.
    sample_size : int, default=50_000
        Questions of the bounded sample that the logistic mapping is fitted
        on and that the views keep (``train_questions_``, ``doc_topic_``,
        ``doc_lengths_``): the ``sample_size`` questions of smallest seeded
        hash of (site, id, title), a uniform sample that does not depend on
        the partitioning. The whole frame when it is smaller.
    nmf_sample_size : int, default=100_000
        Questions the NMF is fitted on (same kind of sample). Its
        ``min_df``/``max_df`` apply to this sample.
    max_iter : int, optional
        LDA: Spark's iterations, each on ``subsampling_rate`` of the frame
        (default: enough for 5 passes, 100 at the default rate). NMF: as in
        ``TopicTagger``.
    subsampling_rate : float, default=0.05
        LDA only: the share of the frame in each online mini-batch.
    timings : dict, optional
        Filled with the seconds of each stage (``tags``, ``clean``,
        ``vectorize``, ``fit``, ``infer``, ``mapping``, ``sample``).
    **params
        Other :class:`~topictags.TopicTagger` parameters (``n_tags``,
        ``mapping``, ``lift``, ``title_weight``, ``max_features``,
        ``min_df``, ``max_df``, ``view_topics``...). ``backend`` must be
        ``"sklearn"``.

    Returns
    -------
    TopicTagger
        Fitted, usable without Spark (``save``, :func:`topictags.load`,
        ``suggest_tags``, ``topics()``, the pyLDAvis page and charts). Its
        ``tags_``, ``term_frequency_``, ``cooccurrence_`` and the
        vocabulary of LDA come from the whole frame; ``train_questions_``,
        ``doc_topic_`` and ``doc_lengths_`` from the bounded sample, so the
        views' prevalences are those of the sample.

    Raises
    ------
    CorpusError
        Missing columns, no tags, no usable terms.
    ParameterError
        A bad parameter (as ``TopicTagger.fit`` raises it), or more topics
        than the corpus supports.

    Examples
    --------
    Not run here (they need a JVM)::

        import topictags.spark as tts
        questions = tts.read_questions(spark, "questions.parquet")
        tagger = tts.fit_topic_tagger(questions, "lda", n_topics=40, random_state=0)
        tagger.save("lda.topictags")
    """
    import_pyspark()
    from pyspark.sql import functions as F

    start = time.perf_counter()
    if "backend" in params and params["backend"] != "sklearn":
        raise ParameterError(
            "topictags.spark fits LDA with Spark MLlib and NMF with scikit-learn: "
            "backend must be 'sklearn' (drop it)"
        )
    if "max_iter" in params:
        raise ParameterError("pass max_iter as fit_topic_tagger(..., max_iter=...)")
    tagger = TopicTagger(method=method, n_topics=n_topics, random_state=random_state,
                         max_iter=max_iter, **params)
    tagger._start_fit()  # the TopicTagger's own parameter checks, before any Spark job
    model = TopicModel(method, n_topics, max_features=tagger.max_features,
                       min_df=tagger.min_df, max_df=tagger.max_df, max_iter=max_iter,
                       random_state=random_state)
    model.validate_params()
    for name, value in (("sample_size", sample_size), ("nmf_sample_size", nmf_sample_size)):
        check_value(value, name, [Interval(numbers.Integral, 1, None)])
    check_value(subsampling_rate, "subsampling_rate", [Interval(numbers.Real, 0, 1)])
    if not subsampling_rate > 0:
        raise ParameterError("subsampling_rate must be above 0 (the default is 0.05)")
    require_columns(sdf, {"title": "string", "body": "string", "tags": "array<string>"},
                    "fit_topic_tagger")
    seed = 0 if random_state is None else int(random_state)

    # 1. Tag vocabulary and the cleaner's protected terms, from every question.
    counts = {r["tag"]: int(r["n"]) for r in
              sdf.select(F.explode("tags").alias("tag")).groupBy("tag")
              .agg(F.count(F.lit(1)).alias("n")).collect()}
    if not counts:
        raise CorpusError("the training questions have no tags: cannot build a tag vocabulary")
    # As tagging._base.tag_vocabulary: by count, ties alphabetically.
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[: tagger.n_tags]
    tagger.tags_ = np.array([t for t, _ in ranked], dtype=object)
    tagger.tag_counts_ = np.array([c for _, c in ranked])
    # _protected_terms counts tags and keeps those seen twice: lists holding each
    # tag min(count, 2) times decide it as the full lists would.
    tagger.title_weight_ = int(tagger.title_weight)
    tagger.cleaner_ = TextCleaner(
        keep_code=tagger.keep_code, spacy_model=tagger.spacy_model,
        protected=tagger._protected_terms([[t] * min(c, 2) for t, c in counts.items()]),
    )
    t = _timed(timings, "tags", start)

    # 2. Cleaning: documents built by the tagger's own code, kept for the passes below.
    from pyspark import StorageLevel

    docs = clean_questions(tagger, sdf, seed=seed).persist(StorageLevel.MEMORY_AND_DISK)
    n_docs = docs.count()
    t = _timed(timings, "clean", t)

    try:
        # 3. The topic model.
        if method == "lda":
            vectorized, vocabulary = _spark_vocabulary(docs, model, n_docs)
            vectorized = vectorized.persist(StorageLevel.MEMORY_AND_DISK)
            vectorized.count()
            t = _timed(timings, "vectorize", t)
            iterations = max_iter or max(1, math.ceil(5 / subsampling_rate))
            _fit_spark_lda(model, vectorized, vocabulary, iterations, subsampling_rate, seed)
            vectorized.unpersist()
            t = _timed(timings, "fit", t)
        else:
            sample_docs = _bottom(docs, nmf_sample_size, ["document"])["document"].tolist()
            t = _timed(timings, "vectorize", t)
            model.fit(sample_docs)
            t = _timed(timings, "fit", t)
        tagger.model_ = model
        model.term_frequency_ = _term_frequency(docs, model)
        tagger.term_frequency_ = model.term_frequency_
        t = _timed(timings, "vectorize", t)

        # 4. Mixtures of every question with the fitted model, and what the
        # tagger keeps of them: sums (co-occurrence, term counts) and a sample.
        mixtures = infer_mixtures(tagger, docs).persist(StorageLevel.MEMORY_AND_DISK)
        mixtures.count()
        docs.unpersist()
        t = _timed(timings, "infer", t)
        tagger.cooccurrence_ = cooccurrence_mapping(mixtures, tagger.tags_, lift=tagger.lift)
        t = _timed(timings, "mapping", t)
        sample = _bottom(mixtures, sample_size, [*_KEPT, _THETA, _LENGTH])
        mixtures.unpersist()
    finally:
        docs.unpersist()
    _fill_sample_state(tagger, sample)
    t = _timed(timings, "sample", t)
    _finish(tagger)
    _timed(timings, "mapping", t)
    tagger.fit_seconds_ = time.perf_counter() - start
    return tagger


def clean_questions(tagger: TopicTagger, sdf: DataFrame, *, seed: int = 0) -> DataFrame:
    """The frame with a ``document`` column: each question cleaned as ``tagger`` cleans it.

    The tagger's own cleaner and document building (title repeated
    ``title_weight_`` times, then the body) run in ``mapInPandas``; ``body``
    is dropped, the columns kept for the views stay, and a seeded hash of
    (site, id, title) is added for sampling.

    Parameters
    ----------
    tagger : TopicTagger
        Fitted, or carrying ``cleaner_``, ``title_weight_`` and ``tags_`` (as
        during :func:`fit_topic_tagger`).
    sdf : pyspark.sql.DataFrame
        Questions with ``title``, ``body`` and ``tags``.
    seed : int, default=0
        Seed of the sampling hash.

    Returns
    -------
    pyspark.sql.DataFrame
        Lazy; columns ``document`` (space-separated tokens), ``tags`` and
        those of ``id``, ``title``, ``creation_date``, ``site`` present.
    """
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType, StructField, StructType

    kept = [c for c in _KEPT if c in sdf.columns]
    frame = sdf.select(*kept, F.coalesce(F.col("body"), F.lit("")).alias("body"))
    frame = frame.withColumn(_HASH, F.xxhash64(
        F.lit(seed), *[F.col(c) for c in ("site", "id", "title") if c in kept]))
    schema = StructType([f for f in frame.schema.fields if f.name != "body"]
                        + [StructField("document", StringType())])
    broadcast = _broadcast(sdf, tagger)

    def documents(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        model = _value(broadcast)
        for batch in batches:
            titles = batch["title"].fillna("").astype(str).tolist()
            bodies = batch.pop("body").fillna("").astype(str).tolist()
            batch["document"] = model._documents(titles, bodies) if len(batch) else []
            yield batch

    return frame.mapInPandas(documents, schema)


def infer_mixtures(tagger: TopicTagger, docs: DataFrame) -> DataFrame:
    """Topic mixtures of cleaned documents, by the tagger's fitted model (``mapInPandas``).

    Returns
    -------
    pyspark.sql.DataFrame
        ``docs`` without ``document``, plus ``theta`` (``array<double>``, the
        mixture; zeros for a question with no known term) and ``doc_length``
        (its in-vocabulary tokens).
    """
    from pyspark.sql.types import ArrayType, DoubleType, LongType, StructField, StructType

    schema = StructType([f for f in docs.schema.fields if f.name != "document"]
                        + [StructField(_THETA, ArrayType(DoubleType())),
                           StructField(_LENGTH, LongType())])
    broadcast = _broadcast(docs, tagger)

    def mixtures(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        model = _value(broadcast).model_
        vocabulary = model.vectorizer_.vocabulary_
        for batch in batches:
            documents = batch.pop("document").tolist()
            if not documents:
                continue
            theta = model.transform(documents)
            batch[_THETA] = list(theta)
            batch[_LENGTH] = [sum(1 for token in d.split() if token in vocabulary)
                              for d in documents]
            yield batch

    return docs.mapInPandas(mixtures, schema)


@translating_errors
def cooccurrence_mapping(mixtures: DataFrame, tags: Any, *, lift: float = 0.0) -> np.ndarray:
    """:func:`topictags.tagging.cooccurrence_mapping` as a distributed aggregation.

    ``explode(tags)`` -> ``groupBy(tag)`` -> the sum of the mixtures of the
    questions carrying each tag (a tag repeated within a question counts
    once, as in the tag indicator matrix), divided by each topic's total
    mass; with ``lift``, by ``P(tag) ** lift`` too. Only (n_tags + 1)
    vectors reach the driver.

    Parameters
    ----------
    mixtures : pyspark.sql.DataFrame
        ``tags`` (``array<string>``) and ``theta`` (``array<double>``) columns.
    tags : sequence of str
        The tag vocabulary (columns of the result).
    lift : float, default=0.0

    Returns
    -------
    ndarray, shape (n_topics, n_tags)
        Equal (to rounding) to the in-memory function on the same mixtures.
    """
    from pyspark.ml.functions import array_to_vector
    from pyspark.ml.stat import Summarizer
    from pyspark.sql import functions as F

    tags = [str(t) for t in tags]
    vector = array_to_vector(F.col(_THETA)).alias("v")
    frame = mixtures.select(F.array_distinct("tags").alias("tags"), vector)
    totals = frame.agg(Summarizer.sum(F.col("v")).alias("mass"),
                       F.count(F.lit(1)).alias("n")).first()
    if totals["n"] == 0:
        raise CorpusError("no questions to compute a co-occurrence mapping on")
    mass = totals["mass"].toArray()
    joint = np.zeros((len(mass), len(tags)))
    prior = np.zeros(len(tags))
    index = {tag: j for j, tag in enumerate(tags)}
    rows = (frame.select(F.explode("tags").alias("tag"), "v")
            .where(F.col("tag").isin(tags))
            .groupBy("tag").agg(Summarizer.sum(F.col("v")).alias("joint"),
                                F.count(F.lit(1)).alias("n")).collect())
    for row in rows:
        joint[:, index[row["tag"]]] = row["joint"].toArray()
        prior[index[row["tag"]]] = row["n"] / totals["n"]
    # The in-memory function's arithmetic, from here on.
    mass = mass[:, None]
    mapping = np.divide(joint, mass, out=np.zeros_like(joint), where=mass > 0)
    if lift:
        mapping = np.divide(mapping, prior**lift, out=np.zeros_like(mapping), where=prior > 0)
    return mapping


# --- pieces --------------------------------------------------------------------


def _broadcast(sdf: DataFrame, value: Any):
    """A broadcast of ``value`` where the session has a SparkContext, else the value
    itself (Spark Connect: captured in the function's closure)."""
    try:
        return sdf.sparkSession.sparkContext.broadcast(value)
    except Exception:  # Spark Connect has no SparkContext
        return _Plain(value)


class _Plain:
    def __init__(self, value: Any) -> None:
        self.value = value


def _value(broadcast) -> Any:
    return broadcast.value


def _bottom(frame: DataFrame, n: int, columns: list[str]) -> pd.DataFrame:
    """The ``n`` rows of smallest sampling hash, collected (bounded, seeded)."""
    from pyspark.sql import functions as F

    present = [c for c in columns if c in frame.columns]
    # orderBy + limit runs as a top-n per partition, then a merge: bounded memory.
    rows = frame.orderBy(F.col(_HASH)).limit(int(n)).select(*present).toPandas()
    return rows.reset_index(drop=True)


def _spark_vocabulary(docs: DataFrame, model: TopicModel, n_docs: int):
    """Spark's ``CountVectorizer`` with the topic model's vocabulary settings."""
    from pyspark.ml.feature import CountVectorizer
    from pyspark.sql import functions as F

    tokens = docs.withColumn(_TOKENS, F.array_remove(F.split("document", " "), ""))

    def threshold(value):  # scikit-learn: int = documents, float = share of them
        count = value if isinstance(value, numbers.Integral) else value * n_docs
        return float(count) if count >= 1 else float(value)

    vectorizer = CountVectorizer(
        inputCol=_TOKENS, outputCol=_COUNTS,
        vocabSize=int(model.max_features) if model.max_features else (1 << 31) - 1,
        minDF=threshold(model.min_df), maxDF=threshold(model.max_df),
    )
    fitted = vectorizer.fit(tokens)
    vocabulary = list(fitted.vocabulary)
    if not vocabulary:
        raise CorpusError(
            f"no usable terms to fit a topic model on {n_docs} documents (empty vocabulary "
            f"after min_df={model.min_df!r}, max_df={model.max_df!r}); lower min_df or check "
            "that the texts are not empty after cleaning"
        )
    model._check_supported(n_docs, len(vocabulary))
    return fitted.transform(tokens).select(_COUNTS), vocabulary


def _fit_spark_lda(model: TopicModel, vectorized: DataFrame, vocabulary: list[str],
                   iterations: int, subsampling_rate: float, seed: int) -> None:
    """Spark's online LDA, converted into the scikit-learn LDA that ``model`` wraps."""
    from pyspark.ml.clustering import LDA
    from sklearn.decomposition import LatentDirichletAllocation

    k = model.n_topics
    prior = 1.0 / k  # scikit-learn's default priors, fixed (not optimised) for both
    spark_lda = LDA(
        k=k, maxIter=int(iterations), optimizer="online", seed=seed, featuresCol=_COUNTS,
        docConcentration=[prior], topicConcentration=prior, optimizeDocConcentration=False,
        subsamplingRate=float(subsampling_rate),
    ).fit(vectorized)
    lam = np.asarray(spark_lda.topicsMatrix().toArray(), dtype=np.float64).T  # (k, V)
    # scikit-learn's vectoriser orders its terms alphabetically.
    order = np.argsort(np.asarray(vocabulary, dtype=object), kind="stable")
    terms = np.asarray(vocabulary, dtype=str)[order]
    components = np.ascontiguousarray(lam[:, order])
    vectorizer = model._make_vectorizer()
    vectorizer.vocabulary_ = {term: j for j, term in enumerate(terms.tolist())}
    vectorizer.fixed_vocabulary_ = False  # as after fit: learned, not given
    lda = LatentDirichletAllocation(
        n_components=k, doc_topic_prior=prior, topic_word_prior=prior,
        learning_method="online", max_iter=int(iterations), random_state=model.random_state,
        n_jobs=1,
    )
    lda.components_ = components
    lda.exp_dirichlet_component_ = np.exp(_dirichlet_expectation(components))
    lda.doc_topic_prior_ = prior
    lda.topic_word_prior_ = prior
    lda.n_features_in_ = components.shape[1]
    lda.n_batch_iter_ = int(iterations)
    lda.n_iter_ = int(iterations)
    lda.bound_ = float("nan")
    lda.random_state_ = np.random.RandomState(model.random_state)
    model.vectorizer_ = vectorizer
    model.feature_names_ = terms
    model.model_ = lda
    model.components_ = lda.components_


def _dirichlet_expectation(alpha: np.ndarray) -> np.ndarray:
    """E[log beta] of Dirichlet rows, as scikit-learn computes it for its LDA."""
    try:  # the very function scikit-learn's LDA uses (private, hence guarded)
        from sklearn.decomposition._online_lda_fast import _dirichlet_expectation_2d

        return _dirichlet_expectation_2d(alpha)
    except ImportError:  # pragma: no cover - another scikit-learn layout
        from scipy.special import psi

        return psi(alpha) - psi(alpha.sum(axis=1))[:, None]


def _term_frequency(docs: DataFrame, model: TopicModel) -> np.ndarray:
    """Count of each vocabulary term over every cleaned document (a distributed sum)."""
    from pyspark.ml.feature import CountVectorizerModel
    from pyspark.ml.stat import Summarizer
    from pyspark.sql import functions as F

    counter = CountVectorizerModel.from_vocabulary(
        model.feature_names_.tolist(), inputCol=_TOKENS, outputCol=_COUNTS)
    tokens = docs.select(F.array_remove(F.split("document", " "), "").alias(_TOKENS))
    total = counter.transform(tokens).agg(Summarizer.sum(F.col(_COUNTS)).alias("sum")).first()
    return np.asarray(total["sum"].toArray(), dtype=np.float64)


def _fill_sample_state(tagger: TopicTagger, sample: pd.DataFrame) -> None:
    """The per-question state of a fitted tagger, from the bounded sample."""
    theta = np.array(sample[_THETA].tolist(), dtype=np.float64).reshape(len(sample), -1)
    tagger.doc_topic_ = theta.astype(np.float32)
    lengths = sample[_LENGTH].to_numpy(dtype=np.int64)
    tagger.doc_lengths_ = lengths
    tagger.model_.doc_lengths_ = lengths
    frame = {}
    for column in _KEPT:
        if column == "id":
            frame[column] = pd.array(sample[column] if column in sample else [pd.NA] * len(sample),
                                     dtype="Int64")
        elif column == "tags":
            frame[column] = pd.Series([list(t) for t in sample["tags"]], dtype=object)
        elif column == "creation_date":
            values = sample[column] if column in sample else pd.Series([pd.NaT] * len(sample))
            frame[column] = pd.to_datetime(values).astype("datetime64[ns]")
        elif column in sample:
            frame[column] = pd.Series(sample[column].fillna("").astype(str).tolist(),
                                      dtype=object)
        elif column == "title":
            frame[column] = pd.Series([""] * len(sample), dtype=object)
    tagger.train_questions_ = pd.DataFrame(frame).reset_index(drop=True)


def _finish(tagger: TopicTagger) -> None:
    """The rest of ``TopicTagger.fit``, from the state above (same code, same order)."""
    labels = tagger.binarize(tagger.train_questions_["tags"])
    tagger.logistic_ = tagger._fit_logistic(labels) if tagger.mapping == "logistic" else None
    tagger.lexical_ = lexical_mapping(
        tagger.model_.components_, tagger.model_.feature_names_, tagger.tags_,
        tagger._tag_terms,
    )
    tagger.mapping_, tagger.blend_weight_ = tagger.mapping, float(tagger.blend_weight)
    tagger.topic_tag_ = tagger._mapping_matrix()
    tagger.view_topics_ = tagger.view_topics
    if tagger.view_topics is not None and tagger.view_topics < tagger.doc_topic_.shape[1]:
        tagger.__dict__.update(tagger._view_state(tagger.view_topics))
