"""Loading question corpora into one normalised DataFrame."""

from __future__ import annotations

import glob
import html
import json
import os
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import CorpusError, TagFormatError
from ._posts_xml import read_posts_xml
from ._tags import parse_tags

__all__ = ["QUESTION_COLUMNS", "load_questions"]

QUESTION_COLUMNS = ("id", "title", "body", "tags", "creation_date", "score")

# Column names seen in Data Explorer exports, API responses and dumps, lower-cased.
# The first alias present wins, so the canonical name beats its synonyms.
_ALIASES = {
    "id": ("id", "question_id", "questionid", "postid", "post_id"),
    "title": ("title",),
    "body": ("body", "body_html"),
    "tags": ("tags",),
    "creation_date": ("creation_date", "creationdate", "created", "date"),
    "score": ("score",),
    "post_type": ("posttypeid", "post_type_id"),
}
_SUFFIXES = (".csv", ".tsv", ".parquet", ".pq", ".xml", ".json", ".jsonl")
_NS_MIN, _NS_MAX = pd.Timestamp.min, pd.Timestamp.max


def load_questions(
    source, *, tags_column: str | None = None, drop_duplicates: bool = True
) -> pd.DataFrame:
    """Load questions from files or a DataFrame into one normalised frame.

    Parameters
    ----------
    source : str, PathLike, list of them, or DataFrame
        A ``.csv``/``.tsv`` file (e.g. a Stack Exchange Data Explorer export),
        ``.parquet``, ``.json`` (records, or a Stack Exchange API response
        with ``items``)/``.jsonl``, a data-dump ``Posts.xml``, a glob such as
        ``"exports/*.csv"``, several of these in a list, or a DataFrame.
        Files are concatenated in order. Column names are matched
        case-insensitively (``Id``/``id``/``question_id``,
        ``CreationDate``/``creation_date``...). Where a ``PostTypeId`` column
        exists, only questions (``1``) are kept.
    tags_column : str, optional
        Name of the tags column when it is not ``Tags``/``tags``.
    drop_duplicates : bool, default=True
        Keep the first row of each id (rows without id are all kept).

    Returns
    -------
    DataFrame
        Columns :data:`QUESTION_COLUMNS`: ``id`` (Int64), ``title`` and
        ``body`` (str, ``""`` where missing; ``body`` is HTML), ``tags``
        (list of lower-case str, see :func:`parse_tags`), ``creation_date``
        (naive UTC ``datetime64[ns]``) and ``score`` (Int64), with a
        ``RangeIndex``. Values that cannot be read as a number or a date
        become missing rather than stopping the load; numeric dates are
        Unix seconds, as in the Stack Exchange API.

    Raises
    ------
    CorpusError
        Missing file, unreadable or unsafe file, missing column, no rows.
    TagFormatError
        A malformed tag value; the message names the file, the data row
        (1-based, header excluded, answers included; for ``Posts.xml``
        the question's position among questions) and the question id.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"Id": [7], "Title": ["Merge frames"], "Tags": ["<python><pandas>"]})
    >>> questions = load_questions(frame)
    >>> questions.columns.tolist()
    ['id', 'title', 'body', 'tags', 'creation_date', 'score']
    >>> questions["tags"][0]
    ['python', 'pandas']
    """
    if isinstance(source, pd.DataFrame):
        frames = [_normalise(source, "DataFrame", tags_column)]
    else:
        frames = [_normalise(_read(p), str(p), tags_column) for p in _expand(source)]
    questions = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    if drop_duplicates:
        dup = questions["id"].notna() & questions["id"].duplicated()
        questions = questions[~dup.to_numpy()].reset_index(drop=True)
    if questions.empty:
        raise CorpusError(f"{_describe(source)}: no questions")
    return questions


def _describe(source) -> str:
    return "DataFrame" if isinstance(source, pd.DataFrame) else str(source)


def _expand(source) -> list[Path]:
    items = [source] if isinstance(source, (str, os.PathLike)) else source
    if not isinstance(items, Sequence) or isinstance(items, (bytes, str)):
        raise CorpusError(
            f"expected a path, a glob, a list of paths or a DataFrame, got {type(source).__name__}"
        )
    if not items:
        raise CorpusError("no corpus file given")
    paths: list[Path] = []
    for item in items:
        if not isinstance(item, (str, os.PathLike)):
            raise CorpusError(f"expected a path, got {type(item).__name__}: {item!r:.60}")
        paths += _matches(os.path.expanduser(os.fspath(item)))
    for path in paths:
        _check_file(path)
    return paths


def _matches(text: str) -> list[Path]:
    # A name holding glob characters is taken literally when such a file exists.
    if any(ch in text for ch in "*?[") and not _exists(Path(text)):
        matches = sorted(glob.glob(text))
        if not matches:
            raise CorpusError(f"{text}: no file matches this pattern")
        return [Path(m) for m in matches]
    return [Path(text)]


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except (OSError, ValueError):  # name too long, embedded NUL...
        return False


def _check_file(path: Path) -> None:
    if not _exists(path):
        raise CorpusError(f"{path}: no such file")
    if path.is_dir():
        raise CorpusError(f"{path}: is a folder; give files or a glob such as {path}/*.csv")


def _read(path: Path) -> pd.DataFrame:
    suffix = path.suffix.lower()
    if suffix not in _SUFFIXES:
        raise CorpusError(
            f"{path}: unknown file type {suffix or '(none)'}; expected one of "
            + ", ".join(_SUFFIXES)
        )
    if suffix == ".xml":
        return read_posts_xml(path)
    try:
        if suffix in (".parquet", ".pq"):
            return pd.read_parquet(path)
        if suffix in (".json", ".jsonl"):
            return _read_json(path, lines=suffix == ".jsonl")
        return _read_csv(path, sep="\t" if suffix == ".tsv" else ",")
    except CorpusError:
        raise
    except pd.errors.ParserWarning as exc:
        raise CorpusError(
            f"{path}: a row has more fields than the header; check the delimiter and quoting"
        ) from exc
    except UnicodeDecodeError as exc:
        raise CorpusError(
            f"{path}: not valid UTF-8 at byte {exc.start}; re-save the file as UTF-8"
        ) from exc
    except pd.errors.EmptyDataError as exc:
        raise CorpusError(f"{path}: the file is empty (no rows)") from exc
    except Exception as exc:  # pandas, pyarrow and json each raise their own types
        raise CorpusError(f"{path}: cannot be read ({type(exc).__name__}: {exc})") from exc


def _read_csv(path: Path, *, sep: str) -> pd.DataFrame:
    # By default pandas turns the extra leading fields of a too-long first row
    # into an index, shifting every column; index_col=False warns instead, and
    # the warning is made an error rather than silently dropping fields.
    # utf-8-sig: spreadsheet tools prepend a BOM that would rename "Id".
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.ParserWarning)
        return pd.read_csv(
            path, sep=sep, dtype=str, keep_default_na=False, index_col=False,
            encoding="utf-8-sig",
        )


def _read_json(path: Path, *, lines: bool) -> pd.DataFrame:
    with open(path, encoding="utf-8-sig") as file:
        if lines:
            data = [json.loads(line) for line in file if line.strip()]
        else:
            data = json.load(file)
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        # A Stack Exchange API response: its titles are HTML-escaped
        # ("Can&#39;t"), unlike the Data Explorer's and the data dump's.
        data = [
            {**record, "title": html.unescape(record["title"])}
            if isinstance(record, dict) and isinstance(record.get("title"), str)
            else record
            for record in data["items"]
        ]
    if isinstance(data, list):
        if not all(isinstance(record, dict) for record in data):
            raise CorpusError(f"{path}: expected a list of objects (one per question)")
        return pd.DataFrame.from_records(data)
    if isinstance(data, dict):
        return pd.DataFrame(data)  # column name -> values
    raise CorpusError(f"{path}: expected a list of objects, got a JSON {type(data).__name__}")


def _columns(frame: pd.DataFrame, where: str, tags_column: str | None) -> dict[str, object]:
    """The frame's column for each field (``None`` where absent)."""
    by_lower: dict[str, list] = {}
    for column in frame.columns:
        by_lower.setdefault(str(column).strip().lower(), []).append(column)
    found = ", ".join(map(str, frame.columns)) or "(none)"
    wanted = dict(_ALIASES)
    if tags_column is not None:
        if not isinstance(tags_column, str):
            raise CorpusError(f"tags_column must be a column name, got {tags_column!r:.60}")
        wanted["tags"] = (tags_column.strip().lower(),)
    chosen: dict[str, object] = {}
    for field, aliases in wanted.items():
        names = next((by_lower[a] for a in aliases if a in by_lower), [None])
        if len(names) > 1:
            both = " and ".join(repr(str(n)) for n in names)
            raise CorpusError(f"{where}: columns {both} are ambiguous for {field!r}")
        chosen[field] = names[0]
    if chosen["tags"] is None:
        raise CorpusError(
            f"{where}: missing required column {tags_column or 'Tags'!r} (found: {found})"
        )
    if chosen["title"] is None and chosen["body"] is None:
        raise CorpusError(f"{where}: needs a 'Title' or 'Body' column (found: {found})")
    return chosen


def _normalise(frame: pd.DataFrame, where: str, tags_column: str | None) -> pd.DataFrame:
    columns = _columns(frame, where, tags_column)
    rows = np.arange(len(frame))  # positions in the file, for error messages
    if columns["post_type"] is not None:
        keep = (_numbers(frame[columns["post_type"]]) == 1).to_numpy()
        frame, rows = frame[keep], rows[keep]
    ids = _integers(frame, columns["id"])
    return pd.DataFrame(
        {
            "id": ids,
            "title": _texts(frame, columns["title"]),
            "body": _texts(frame, columns["body"]),
            "tags": _tag_lists(frame[columns["tags"]], ids, rows, where),
            "creation_date": _dates(frame, columns["creation_date"]),
            "score": _integers(frame, columns["score"]),
        },
        index=pd.RangeIndex(len(frame)),
    )


def _tag_lists(values: pd.Series, ids: pd.Series, rows: np.ndarray, where: str) -> pd.Series:
    tags = []
    for value, question, row in zip(values.tolist(), ids.tolist(), rows):
        try:
            tags.append(parse_tags(value))
        except TagFormatError as exc:
            which = f"row {row + 1}" + ("" if question is pd.NA else f" (id {question})")
            raise TagFormatError(f"{where}, {which}: {exc}") from None
    return pd.Series(tags, dtype=object)


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))


def _texts(frame: pd.DataFrame, column) -> pd.Series:
    if column is None:
        return pd.Series([""] * len(frame), dtype=object)
    values = frame[column].tolist()
    return pd.Series(["" if _missing(v) else str(v) for v in values], dtype=object)


def _numbers(values: pd.Series) -> pd.Series:
    # Lists, dicts and other objects in a DataFrame source are not numbers either.
    values = pd.Series(values.to_numpy())
    try:
        return pd.to_numeric(values, errors="coerce")
    except (TypeError, ValueError):
        return pd.to_numeric(values.map(lambda v: v if np.isscalar(v) else None), errors="coerce")


def _integers(frame: pd.DataFrame, column) -> pd.Series:
    # Non-numeric ids or scores become missing: an export's stray text should
    # not stop a load, and a missing id only means the row cannot be linked.
    if column is None:
        return pd.Series([pd.NA] * len(frame), dtype="Int64")
    numbers = _numbers(frame[column]).astype("float64")
    whole = numbers.where(np.isfinite(numbers) & (numbers % 1 == 0) & (numbers.abs() < 2**53))
    return whole.astype("Int64")


def _dates(frame: pd.DataFrame, column) -> pd.Series:
    if column is None:
        return pd.Series(pd.NaT, index=pd.RangeIndex(len(frame)), dtype="datetime64[ns]")
    values = frame[column]
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        dates = pd.to_datetime(values.to_numpy(), unit="s", errors="coerce", utc=True)
    else:
        dates = pd.to_datetime(
            values.astype(object).to_numpy(), errors="coerce", utc=True, format="mixed"
        )
    dates = pd.Series(dates.tz_localize(None))
    # Years such as 9999 parse but do not fit datetime64[ns]; they are missing.
    dates = dates.where((dates >= _NS_MIN) & (dates <= _NS_MAX))
    return dates.astype("datetime64[ns]")
