"""Loading question corpora into one normalised DataFrame."""

from __future__ import annotations

import glob
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import CorpusError, TagFormatError
from ._posts_xml import read_posts_xml
from ._tags import parse_tags

__all__ = ["QUESTION_COLUMNS", "load_questions"]

QUESTION_COLUMNS = ("id", "title", "body", "tags", "creation_date", "score")

# Column names seen in Data Explorer exports, API dumps and dumps, lower-cased.
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


def load_questions(
    source, *, tags_column: str | None = None, drop_duplicates: bool = True
) -> pd.DataFrame:
    """Load questions from files or a DataFrame into one normalised frame.

    Parameters
    ----------
    source : str, PathLike, list of them, or DataFrame
        A ``.csv``/``.tsv`` file (e.g. a Stack Exchange Data Explorer export),
        ``.parquet``, ``.json``/``.jsonl``, a data-dump ``Posts.xml``, a glob
        such as ``"exports/*.csv"``, several of these in a list, or a
        DataFrame. Column names are matched case-insensitively
        (``Id``/``id``, ``CreationDate``/``creation_date``...). Where a
        ``PostTypeId`` column exists, only questions (1) are kept.
    tags_column : str, optional
        Name of the tags column when it is not ``Tags``/``tags``.
    drop_duplicates : bool, default=True
        Keep the first row of each id (rows without id are all kept).

    Returns
    -------
    DataFrame
        Columns ``id`` (Int64), ``title`` and ``body`` (str, ``""`` where
        missing; ``body`` is HTML), ``tags`` (list of lower-case str),
        ``creation_date`` (datetime64, NaT where missing), ``score`` (Int64).

    Raises
    ------
    CorpusError
        Missing file, unreadable or unsafe file, missing column, no rows.
    TagFormatError
        A malformed tag value (the message names the file and row).

    Examples
    --------
    >>> questions = load_questions("QueryResults.csv")  # doctest: +SKIP
    >>> questions.columns.tolist()  # doctest: +SKIP
    ['id', 'title', 'body', 'tags', 'creation_date', 'score']
    """
    if isinstance(source, pd.DataFrame):
        frames = [_normalise(source, "DataFrame", tags_column)]
    else:
        paths = _expand(source)
        frames = [_normalise(_read(path), str(path), tags_column) for path in paths]
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
    if not isinstance(items, Sequence) or isinstance(items, bytes):
        raise CorpusError(
            f"expected a path, a glob, a list of paths or a DataFrame, got {type(source).__name__}"
        )
    if not items:
        raise CorpusError("no corpus file given")
    paths: list[Path] = []
    for item in items:
        if not isinstance(item, (str, os.PathLike)):
            raise CorpusError(f"expected a path, got {type(item).__name__}: {item!r:.60}")
        text = os.fspath(item)
        if any(ch in text for ch in "*?[") and not Path(text).exists():
            matches = sorted(glob.glob(text))
            if not matches:
                raise CorpusError(f"{text}: no file matches this pattern")
            paths += [Path(m) for m in matches]
        else:
            paths.append(Path(text))
    for path in paths:
        if not path.exists():
            raise CorpusError(f"{path}: no such file")
        if path.is_dir():
            raise CorpusError(f"{path}: is a folder; give files or a glob such as {path}/*.csv")
    return paths


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
            return pd.read_json(path, lines=suffix == ".jsonl", dtype=False)
        return pd.read_csv(
            path, sep="\t" if suffix == ".tsv" else ",", dtype=str, keep_default_na=False,
            encoding="utf-8",
        )
    except UnicodeDecodeError as exc:
        raise CorpusError(
            f"{path}: not valid UTF-8 at byte {exc.start}; re-save the file as UTF-8"
        ) from exc
    except pd.errors.EmptyDataError as exc:
        raise CorpusError(f"{path}: the file is empty") from exc
    except (ValueError, OSError, pd.errors.ParserError) as exc:
        raise CorpusError(f"{path}: cannot be read ({type(exc).__name__}: {exc})") from exc
    except Exception as exc:  # pyarrow raises its own types on damaged files
        raise CorpusError(f"{path}: cannot be read ({type(exc).__name__}: {exc})") from exc


def _find(columns: dict[str, str], name: str) -> str | None:
    for alias in _ALIASES[name]:
        if alias in columns:
            return columns[alias]
    return None


def _normalise(frame: pd.DataFrame, where: str, tags_column: str | None) -> pd.DataFrame:
    columns = {str(c).strip().lower(): c for c in frame.columns}
    found = ", ".join(map(str, frame.columns)) or "(none)"
    tags_col = columns.get(tags_column.lower()) if tags_column else _find(columns, "tags")
    if tags_col is None:
        wanted = tags_column or "Tags"
        raise CorpusError(f"{where}: missing required column {wanted!r} (found: {found})")
    title_col, body_col = _find(columns, "title"), _find(columns, "body")
    if title_col is None and body_col is None:
        raise CorpusError(f"{where}: needs a 'Title' or 'Body' column (found: {found})")
    post_type = _find(columns, "post_type")
    if post_type is not None:
        frame = frame[pd.to_numeric(frame[post_type], errors="coerce") == 1]
    n = len(frame)
    out = pd.DataFrame(index=range(n))
    out["id"] = _integers(frame, _find(columns, "id"), n)
    out["title"] = _texts(frame, title_col, n)
    out["body"] = _texts(frame, body_col, n)
    tags = []
    for row, value in enumerate(frame[tags_col].tolist()):
        try:
            tags.append(parse_tags(value))
        except TagFormatError as exc:
            raise TagFormatError(f"{where}, row {row + 1}: {exc}") from None
    out["tags"] = pd.Series(tags, dtype=object)
    date_col = _find(columns, "creation_date")
    if date_col is None:
        out["creation_date"] = pd.Series(pd.NaT, index=out.index, dtype="datetime64[ns]")
    else:
        dates = pd.to_datetime(
            frame[date_col].to_numpy(), errors="coerce", utc=True, format="mixed"
        )
        out["creation_date"] = pd.Series(dates.tz_localize(None), dtype="datetime64[ns]")
    out["score"] = _integers(frame, _find(columns, "score"), n)
    return out


def _texts(frame: pd.DataFrame, column: str | None, n: int) -> pd.Series:
    if column is None:
        return pd.Series([""] * n, dtype=object)
    values = frame[column].tolist()
    return pd.Series(
        ["" if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) else str(v)
         for v in values],
        dtype=object,
    )


def _integers(frame: pd.DataFrame, column: str | None, n: int) -> pd.Series:
    # Non-numeric ids or scores become missing: an export's stray text should
    # not stop a load, and a missing id only means the row cannot be linked.
    if column is None:
        return pd.Series([pd.NA] * n, dtype="Int64")
    numbers = pd.to_numeric(pd.Series(frame[column].to_numpy()), errors="coerce")
    whole = numbers.where(numbers.notna() & (numbers % 1 == 0) & (numbers.abs() < 2**62))
    return whole.astype("Int64")
