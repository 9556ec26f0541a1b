"""Tag suggestions and their scores over Spark DataFrames of questions."""

from __future__ import annotations

import numbers
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pandas as pd

from .._validation import Interval, check_value
from ..errors import CorpusError, ParameterError, TagFormatError
from ._fit import _broadcast, _value
from ._session import import_pyspark, require_columns, translating_errors

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import Column, DataFrame

__all__ = ["evaluate", "jaccard_score", "suggest_tags", "tag_scores"]


def suggest_tags(
    tagger: Any,
    sdf: DataFrame,
    k: int | None = 3,
    *,
    threshold: float | None = None,
    output_col: str = "suggested_tags",
) -> DataFrame:
    """The frame with a column of suggested tags, computed by ``tagger`` on every batch.

    The fitted tagger is broadcast to the executors once, and each batch of
    rows goes through its own ``suggest_tags`` (``mapInPandas``): a row gets
    the tags the tagger gives it in memory.

    Parameters
    ----------
    tagger : fitted tagger
        A :class:`~topictags.TopicTagger` (from :func:`fit_topic_tagger`,
        :func:`topictags.load` or an in-memory fit), or any fitted tagger of
        the library.
    sdf : pyspark.sql.DataFrame
        Questions with a ``title`` and/or ``body`` column (null is empty).
    k, threshold : as in ``tagger.suggest_tags``
    output_col : str, default="suggested_tags"
        Name of the new ``array<string>`` column (it must not exist).

    Returns
    -------
    pyspark.sql.DataFrame
        Lazy; every column of ``sdf`` plus ``output_col``.

    Notes
    -----
    LDA mixtures are computed question by question, so a question gets the
    same tags in any batch. NMF's coordinate descent stops on the progress
    of the whole batch, so a mixture can differ in the last digits with the
    batch it is in, and a near-tie between two tags may then go the other
    way (measured: ``benchmarks/spark.py``).
    """
    import_pyspark()
    from pyspark.sql.types import ArrayType, StringType, StructField, StructType

    tagger.check_is_fitted()
    if k is None and threshold is None:
        raise ParameterError("give k, threshold or both")
    check_value(k, "k", [Interval(numbers.Integral, 1, None), None])
    if output_col in sdf.columns:
        raise ParameterError(
            f"the frame already has a column {output_col!r}: pass another output_col= or "
            "drop it first"
        )
    text = [c for c in ("title", "body") if c in sdf.columns]
    if not text:
        require_columns(sdf, {"title": "string"}, "suggest_tags")
    schema = StructType([*sdf.schema.fields, StructField(output_col, ArrayType(StringType()))])
    broadcast = _broadcast(sdf, tagger)

    def suggested(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        model = _value(broadcast)
        for batch in batches:
            if len(batch):
                texts = pd.DataFrame({c: batch[c] for c in text})
                batch[output_col] = model.suggest_tags(texts, k=k, threshold=threshold)
            else:
                batch[output_col] = pd.Series([], dtype=object)
            yield batch

    return sdf.mapInPandas(suggested, schema)


def _per_question(sdf: DataFrame, true_col: str, pred_col: str, k: int | None):
    """Columns of the per-question metrics of :mod:`topictags.metrics`, in Spark."""
    from pyspark.sql import functions as F

    require_columns(sdf, {true_col: "array<string>", pred_col: "array<string>"},
                    "jaccard_score")
    true = F.array_distinct(F.col(true_col))
    pred = F.array_distinct(F.col(pred_col))
    hits = F.size(F.array_intersect(true, pred)).cast("double")
    n_true, n_pred = F.size(true).cast("double"), F.size(pred).cast("double")
    union = n_true + n_pred - hits
    # The conventions of topictags.metrics: both empty scores 1, one empty 0.
    jaccard = F.when(union > 0, hits / union).otherwise(F.lit(1.0))
    denominator = F.lit(float(k)) if k is not None else n_pred
    precision = F.when(denominator > 0, hits / denominator).otherwise(F.lit(0.0))
    recall = F.when(n_true > 0, hits / n_true).otherwise(
        F.when(n_pred == 0, F.lit(1.0)).otherwise(F.lit(0.0)))
    total = precision + recall
    f1 = F.when(total > 0, 2 * precision * recall / total).otherwise(F.lit(0.0))
    nulls = F.col(true_col).isNull() | F.col(pred_col).isNull()
    return {"jaccard": jaccard, "precision@k": precision, "recall@k": recall, "f1": f1}, nulls


def _means(sdf: DataFrame, metrics: dict[str, Column], nulls: Column, true_col: str,
           pred_col: str, empty: Exception | None = None) -> dict[str, float]:
    from pyspark.sql import functions as F

    row = sdf.agg(
        F.count(F.lit(1)).alias("n"),
        F.sum(F.when(nulls, 1).otherwise(0)).alias("nulls"),
        *[F.avg(column).alias(name) for name, column in metrics.items()],
    ).first()
    if row["n"] == 0:
        raise empty or ParameterError(f"{true_col} and {pred_col} are empty: no question to score")
    if row["nulls"]:
        raise TagFormatError(
            f"{row['nulls']} row(s) have a null {true_col} or {pred_col} instead of a list of "
            "tags; give questions without tags an empty list "
            f"(F.coalesce(F.col({true_col!r}), F.array()))"
        )
    return {name: float(row[name]) for name in metrics} | {"n_questions": int(row["n"])}


@translating_errors
def jaccard_score(sdf: DataFrame, true_col: str = "tags",
                  pred_col: str = "suggested_tags") -> float:
    """Mean per-question Jaccard similarity of two tag-list columns.

    The same metric as :func:`topictags.metrics.jaccard_score`: per question
    ``|P ∩ T| / |P ∪ T|`` of the tag *sets* (repeats count once), 1.0 when
    both are empty, 0.0 when only one is; the mean over questions.

    Parameters
    ----------
    sdf : pyspark.sql.DataFrame
    true_col, pred_col : str
        ``array<string>`` columns: the true tags and the suggested ones.

    Returns
    -------
    float

    Raises
    ------
    ParameterError
        The frame has no rows.
    TagFormatError
        A null list (the in-memory metric refuses ``None`` too).
    CorpusError
        A missing column, or one that is not ``array<string>``.
    """
    import_pyspark()
    metrics, nulls = _per_question(sdf, true_col, pred_col, None)
    return _means(sdf, {"jaccard": metrics["jaccard"]}, nulls, true_col, pred_col)["jaccard"]


@translating_errors
def tag_scores(sdf: DataFrame, true_col: str = "tags", pred_col: str = "suggested_tags", *,
               k: int | None = None) -> dict[str, float]:
    """Every metric of :func:`topictags.metrics.tag_scores` over two tag-list columns.

    Returns
    -------
    dict
        ``jaccard``, ``precision@k``, ``recall@k``, ``f1`` and ``n_questions``.
    """
    import_pyspark()
    check_value(k, "k", [Interval(numbers.Integral, 1, None), None])
    metrics, nulls = _per_question(sdf, true_col, pred_col, k)
    return _means(sdf, metrics, nulls, true_col, pred_col)


@translating_errors
def evaluate(tagger: Any, sdf: DataFrame, *, k: int = 3) -> dict[str, float]:
    """Score a fitted tagger on a Spark DataFrame of labelled questions.

    As :func:`topictags.metrics.evaluate`: true tags are restricted to the
    tagger's vocabulary ``tags_``, questions left with none are not scored,
    and ``k`` tags are suggested for the others.

    Returns
    -------
    dict
        ``jaccard``, ``precision@k``, ``recall@k``, ``f1``, ``n_questions``.
    """
    import_pyspark()
    from pyspark.sql import functions as F

    tagger.check_is_fitted()
    require_columns(sdf, {"tags": "array<string>"}, "evaluate")
    vocabulary = F.array(*[F.lit(str(t)) for t in tagger.tags_])
    restricted = sdf.withColumn("tags", F.filter("tags", lambda t: F.array_contains(vocabulary, t)))
    scored = suggest_tags(tagger, restricted.where(F.size("tags") > 0), k=k)
    metrics, nulls = _per_question(scored, "tags", "suggested_tags", k)
    return _means(scored, metrics, nulls, "tags", "suggested_tags", CorpusError(
        "no question carries any of the tagger's candidate tags: score on questions tagged "
        "like the training ones, or fit with a larger n_tags"))
