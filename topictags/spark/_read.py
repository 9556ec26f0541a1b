"""Questions into a Spark DataFrame, normalised by the loaders' own code."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import PurePath
from typing import TYPE_CHECKING

import pandas as pd

from ..corpus._dates import _NUMERIC, DateReader
from ..corpus._load import _columns, _normalise, _options
from ..corpus._posts_xml import iter_posts_xml
from ..corpus._sites import site_from_path
from ..errors import CorpusError
from ._session import import_pyspark, translating_errors

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["QUESTION_SCHEMA", "read_questions"]

#: The columns of :func:`read_questions`, those of :func:`topictags.load_questions`.
#: ``creation_date`` is a naive timestamp (``timestamp_ntz``) holding UTC, as in pandas.
QUESTION_SCHEMA = (
    "id long, title string, body string, tags array<string>, "
    "creation_date timestamp_ntz, score long, site string"
)
_FORMATS = ("parquet", "xml", "csv")
_XML_ENDINGS = (".xml", ".xml.gz", ".xml.bz2")
# Timestamps with a time zone (Spark's TimestampType) go to the executors as
# microseconds since the epoch under this prefix: pandas would otherwise get
# them as wall-clock times of the session's time zone, not UTC.
_MICROS = "__topictags_micros__"


@translating_errors
def read_questions(
    spark: SparkSession,
    path: str | os.PathLike | Sequence[str | os.PathLike],
    *,
    format: str | None = None,
    site: str | None = None,
    columns: Mapping[str, str | None] | None = None,
    tags_column: str | None = None,
    dayfirst: bool | None = None,
    drop_duplicates: bool = True,
    sep: str = ",",
    encoding: str = "UTF-8",
) -> DataFrame:
    """Questions of Parquet, ``Posts.xml`` or CSV files as a normalised Spark DataFrame.

    Spark reads the files (in parallel, splitting them where the format
    allows); every batch of rows is then normalised by the code of
    :func:`topictags.load_questions` (column aliases, ``PostTypeId``
    filter, tag formats ``<a><b>`` / ``|a|b|`` / ``a b``, dates, sites),
    run in ``mapInPandas``, so a question reads the same here as there.

    Parameters
    ----------
    spark : SparkSession
    path : str, PathLike, or a list of them
        Files, folders or globs Spark can read (``hdfs://``, ``s3a://``...
        work as Spark is set up for them). Several paths are read one by one
        and concatenated in order (each with its own site).
    format : {"parquet", "xml", "csv"}, optional
        By default from the name: ``.parquet``/``.pq``, ``.xml`` (also
        ``.xml.gz``, ``.xml.bz2``: a data-dump ``Posts.xml``), ``.csv``.
        ``Posts.xml`` is read as text, one ``<row .../>`` per line as the
        dumps write it, and each batch of lines goes through the loaders'
        ``Posts.xml`` parser (defusedxml, questions only). Spark has no XML
        reader of its own; a ``.7z``/``.zst`` dump must be decompressed (or
        converted to Parquet with :func:`topictags.iter_questions`) first.
    site : str, optional
        The questions' site (``"superuser.com"``, ``"superuser"``) where no
        site column, link or file name names one (as in ``load_questions``).
    columns, tags_column : as in :func:`topictags.load_questions`
    dayfirst : bool, optional
        Order of numeric dates (``05/11/2009``) in a text date column. By
        default the whole column decides, as in ``load_questions``: one
        Spark pass over that column finds whether any date reads only
        day-first or only month-first (ISO dates and typed timestamps need
        no pass).
    drop_duplicates : bool, default=True
        Keep the first question (in file order) of each (site, id); rows
        without an id are all kept. Unlike ``load_questions`` it does not
        warn with their number (that would need a pass over the data):
        ``sdf.groupBy("site", "id").count().where("count > 1")`` lists them.
    sep, encoding : str
        CSV only: Spark's separator and encoding (its CSV reader does not
        guess them as ``load_questions`` does). Quoted fields may span lines.

    Returns
    -------
    pyspark.sql.DataFrame
        Lazy, with the columns of :data:`QUESTION_SCHEMA`: ``id`` (long),
        ``title``, ``body`` (HTML), ``tags`` (``array<string>``, lower-case),
        ``creation_date`` (``timestamp_ntz``, UTC), ``score`` (long) and
        ``site``.

    Raises
    ------
    CorpusError
        Unknown format, a missing required column (raised at once: the
        schema is read when the frame is built), or, when the frame is
        computed, what ``load_questions`` raises for the same rows (a
        malformed tag raises :class:`~topictags.errors.TagFormatError`
        naming the question id), or a ``Posts.xml`` line that is not one
        ``<row .../>``.

    Examples
    --------
    Not run here (they need a JVM)::

        import topictags.spark as tts
        spark = tts.local_session("local[2]")
        questions = tts.read_questions(spark, "superuser.com/Posts.xml")
        questions.select("id", "tags").show(3)
    """
    import_pyspark()
    paths = [path] if isinstance(path, (str, os.PathLike)) else list(path)
    if not paths:
        raise CorpusError("no corpus file given: pass a path, a glob or a list of them")
    options = _options(tags_column, columns, None, None, dayfirst, site)
    frames = [_read_one(spark, os.fspath(p), format, options, sep, encoding) for p in paths]
    sdf = frames[0]
    for other in frames[1:]:
        sdf = sdf.unionByName(other)
    return _drop_repeats(sdf) if drop_duplicates else sdf


def _format_of(path: str, given: str | None) -> str:
    if given is not None:
        if given not in _FORMATS:
            raise CorpusError(f"format must be one of {', '.join(_FORMATS)}, got {given!r:.60}")
        return given
    name = path.lower().rstrip("/")
    if name.endswith((".parquet", ".pq")):
        return "parquet"
    if name.endswith(_XML_ENDINGS):
        return "xml"
    if name.endswith(".csv"):
        return "csv"
    if name.endswith((".7z", ".zip", ".xml.zst", ".zst")):
        raise CorpusError(
            f"{path}: Spark cannot read this archive; decompress its Posts.xml (7zz x, zstd -d) "
            "or convert it to Parquet with topictags.iter_questions (each chunk written with "
            "to_parquet), then read that"
        )
    raise CorpusError(
        f"{path}: cannot tell the format from the name; pass format= one of "
        f"{', '.join(_FORMATS)}"
    )


def _read_one(spark: SparkSession, path: str, given: str | None, options, sep: str,
              encoding: str) -> DataFrame:
    from pyspark.sql import functions as F
    from pyspark.sql.types import TimestampType

    kind = _format_of(path, given)
    site = options.site or site_from_path(PurePath(path.rstrip("/")))
    where = path
    try:
        if kind == "xml":
            raw = spark.read.text(path)
        elif kind == "parquet":
            raw = spark.read.parquet(path)
        else:
            raw = (spark.read.option("header", True).option("multiLine", True)
                   .option("escape", '"').option("sep", sep).option("encoding", encoding).csv(path))
    except Exception as exc:  # AnalysisException: path does not exist, unreadable file...
        raise CorpusError(f"{path}: Spark cannot read it ({type(exc).__name__}: "
                          f"{str(exc).splitlines()[0] if str(exc) else ''})") from exc
    if kind == "xml":
        return raw.mapInPandas(
            lambda batches: _posts_batches(batches, where, options, site), QUESTION_SCHEMA
        )
    if kind == "csv":  # a byte-order mark stays in the first header name with Spark's reader
        raw = raw.toDF(*[c.lstrip("\ufeff") for c in raw.columns])
    # Columns and their errors decided once, on the driver, from the schema.
    chosen = _columns(pd.DataFrame(columns=raw.columns), where, options.spec)
    used = [c for c in chosen.values() if c is not None]
    raw = raw.select(*[F.col(f"`{c}`") for c in dict.fromkeys(used)])
    dates = chosen["creation_date"]
    zoned = []
    for field in raw.schema.fields:
        if isinstance(field.dataType, TimestampType):
            zoned.append(field.name)
            raw = raw.withColumn(f"{_MICROS}{field.name}", F.unix_micros(F.col(f"`{field.name}`")))
            raw = raw.drop(field.name)
    if dates is not None and options.dayfirst is None and \
            raw.schema[dates if dates not in zoned else f"{_MICROS}{dates}"].dataType \
            .simpleString() == "string":
        options.dayfirst = _date_order(raw, dates, where)
    return raw.mapInPandas(
        lambda batches: _table_batches(batches, where, options, site, zoned), QUESTION_SCHEMA
    )


def _date_order(raw: DataFrame, column: str, where: str) -> bool:
    """The day/month order of a text date column, decided as the loaders decide it.

    One pass finds a numeric date (``05/11/2009``), one whose first field is
    above 12 and one whose second is: the loaders' own ``DateReader`` then
    decides from these (and raises, or warns, exactly as for the whole
    column in memory).
    """
    from pyspark.sql import functions as F

    value = F.col(f"`{column}`")
    # The loaders' pattern, which Java's regular expressions read alike.
    first = F.regexp_extract(value, _NUMERIC, 1)
    second = F.regexp_extract(value, _NUMERIC, 3)
    numeric = first != ""
    row = raw.select(
        F.first(F.when(numeric, value), ignorenulls=True).alias("any"),
        F.first(F.when(numeric & (first.cast("int") > 12), value), ignorenulls=True).alias("day"),
        F.first(F.when(numeric & (second.cast("int") > 12), value), ignorenulls=True)
        .alias("month"),
    ).first()
    examples = [v for v in (row["any"], row["day"], row["month"]) if v is not None]
    if not examples:
        return False  # no numeric date: the order is never used
    reader = DateReader(None, where, column)
    reader.observe(pd.Series(examples, dtype=object))
    return reader._order()  # raises on a mixed column, warns on an ambiguous one


def _normalised(raw: pd.DataFrame, where: str, options, site: str) -> pd.DataFrame:
    """One batch through the loaders' normalisation (``corpus._load._normalise``)."""
    columns = _columns(raw, where, options.spec)
    dates = None
    if columns["creation_date"] is not None:
        dates = DateReader(options.dayfirst, where, str(columns["creation_date"]))
    frame = _normalise(raw, where, options, site, columns, dates, 0)
    if dates is not None:
        dates.close()
    return frame


def _arrow_ready(frame: pd.DataFrame) -> pd.DataFrame:
    # Lists of str as object arrays of lists, nullable integers as they are:
    # pyarrow converts both to Spark's types; the date stays naive (UTC).
    frame["tags"] = frame["tags"].map(list)
    return frame


def _table_batches(batches: Iterator[pd.DataFrame], where: str, options, site: str,
                   zoned: list[str]) -> Iterator[pd.DataFrame]:
    for raw in batches:
        for name in zoned:
            micros = raw.pop(f"{_MICROS}{name}")
            raw[name] = pd.to_datetime(micros.astype("float64"), unit="us")
        if len(raw):
            yield _arrow_ready(_normalised(raw, where, options, site))


def _posts_batches(batches: Iterator[pd.DataFrame], where: str, options,
                   site: str) -> Iterator[pd.DataFrame]:
    """Lines of a ``Posts.xml``, a batch at a time, through the loaders' row parser."""
    for lines in batches:
        rows = []
        for line in lines["value"].tolist():
            text = (line or "").strip()
            if text.startswith("<row"):
                if not text.endswith(("/>", "</row>")):
                    raise CorpusError(
                        f"{where}: a <row> spans several lines ({text[:80]!r}...): read_questions "
                        "reads Posts.xml one row per line, as Stack Exchange dumps are written; "
                        "load other XML with topictags.iter_questions and write it to Parquet"
                    )
                rows.append(text)
            elif text and not (text.startswith("<?xml") or text in ("<posts>", "</posts>")):
                raise CorpusError(
                    f"{where}: line {text[:80]!r} is not a <row .../> of a Stack Exchange dump "
                    "(a <!DOCTYPE>, entities or other XML are refused); load it with "
                    "topictags.iter_questions and write it to Parquet"
                )
        if not rows:
            continue
        document = ("<posts>\n" + "\n".join(rows) + "\n</posts>").encode("utf-8")
        for raw in iter_posts_xml([document], where, chunksize=None):
            if len(raw):
                yield _arrow_ready(_normalised(raw, where, options, site))


def _drop_repeats(sdf: DataFrame) -> DataFrame:
    """The first row of each (site, id) in the frame's order; rows without id kept.

    The result is partitioned by (site, id), not in file order: nothing
    downstream depends on the order of rows (samples are drawn by hash).
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    order = "__topictags_position__"
    positioned = sdf.withColumn(order, F.monotonically_increasing_id())
    rank = F.row_number().over(Window.partitionBy("site", "id").orderBy(order))
    return (positioned.withColumn("__rank__", rank)
            .where(F.col("id").isNull() | (F.col("__rank__") == 1))
            .drop(order, "__rank__"))
