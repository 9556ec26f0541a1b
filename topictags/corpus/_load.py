"""Loading question corpora into one normalised DataFrame."""

from __future__ import annotations

import glob
import html
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import CorpusError, ParameterError, TagFormatError
from ._archives import ARCHIVE_SUFFIXES, COMPRESSED_SUFFIXES, posts_members
from ._csv import CsvFile, check_encoding, read_text
from ._dates import DateReader
from ._formats import FORMATS
from ._posts_xml import iter_posts_xml
from ._seen import SeenIds
from ._sites import normalize_site, site_from_path, site_from_url
from ._tags import parse_tags
from ._warn import warn

__all__ = ["FIELDS", "FORMATS", "QUESTION_COLUMNS", "iter_questions", "load_questions"]

QUESTION_COLUMNS = ("id", "title", "body", "tags", "creation_date", "score", "site")

# Column names seen in Data Explorer exports (also joined with answers), API
# responses and dumps, compared lower-case without spaces, "_", "-" or ".".
# The first alias present wins, so the canonical name beats its synonyms.
_ALIASES = {
    "id": ("id", "questionid", "postid", "qid"),
    "title": ("title", "questiontitle", "posttitle"),
    "body": ("body", "bodyhtml", "questionbody", "postbody"),
    "tags": ("tags", "questiontags", "posttags"),
    "creation_date": ("creationdate", "questioncreationdate", "postcreationdate", "created",
                      "createdat", "date"),
    "score": ("score", "questionscore", "postscore"),
    "site": ("site", "sitename", "sitehost"),
    "link": ("link", "url", "questionlink", "questionurl", "postlink", "posturl", "sharelink"),
    "post_type": ("posttypeid", "posttype"),
}
#: Field names ``columns=`` maps to column names.
FIELDS = tuple(_ALIASES)
_TABLE_SUFFIXES = (".csv", ".tsv", ".parquet", ".pq", ".json", ".jsonl")
_XML_SUFFIXES = (".xml", *(".xml" + s for s in COMPRESSED_SUFFIXES))
# load_questions reads files in pieces of this many rows too (one code path
# with iter_questions); large enough that a piece costs little overhead.
_LOAD_CHUNK = 100_000


def _key(name) -> str:
    return re.sub(r"[\s_.\-]+", "", str(name).strip().lower())


def load_questions(
    source,
    *,
    tags_column: str | None = None,
    drop_duplicates: bool = True,
    sep: str | None = None,
    encoding: str | None = None,
    dayfirst: bool | None = None,
    columns: Mapping[str, str | None] | None = None,
    site: str | None = None,
) -> pd.DataFrame:
    """Load questions from files or a DataFrame into one normalised frame.

    Parameters
    ----------
    source : str, PathLike, DataFrame, or a list of them
        A ``.csv``/``.tsv`` file (e.g. a Stack Exchange Data Explorer export,
        also re-saved by a spreadsheet), ``.parquet``, ``.json`` (records, or
        a Stack Exchange API response with ``items``)/``.jsonl``, a data-dump
        ``Posts.xml`` (also ``.xml.gz``, ``.xml.bz2``, ``.xml.zst``), a
        data-dump archive (``beer.stackexchange.com.7z``,
        ``stackoverflow.com-Posts.7z``; ``Posts.xml`` is streamed out of it,
        never extracted), a folder (its ``Posts.xml``, as in an extracted
        dump, or else the corpus files directly in it), a glob such as
        ``"exports/*.csv"``, a DataFrame, or a list of these (see
        :data:`FORMATS`). Sources are concatenated in order. For corpora
        larger than memory, :func:`iter_questions` yields the same questions
        in chunks; this function is their concatenation. Column names are
        matched ignoring case, spaces and ``_``
        (``Id``/``question_id``/``QuestionId``, ``Title``/``QuestionTitle``,
        ``CreationDate``/``creation_date``...). Where a ``PostTypeId`` column
        exists, only questions (``1``) are kept.
    tags_column : str, optional
        Name of the tags column when it is not one of the known names
        (same as ``columns={"tags": ...}``).
    drop_duplicates : bool, default=True
        Keep the first row of each (site, id): the same id on two sites is
        two questions. Repeats within a site are dropped with a
        :class:`~topictags.errors.CorpusWarning` giving their number. Rows
        without id are all kept.
    sep : str, optional
        CSV field separator. By default it is detected from the header line
        among ``,``, ``;`` (Excel in many European locales), tab and ``|``.
    encoding : str, optional
        Text encoding of CSV/JSON files. By default a byte-order mark
        decides (UTF-8 or UTF-16) and otherwise the file must be UTF-8: other
        bytes stop the load with an error naming their offset, never a guess
        (pass ``encoding="cp1252"`` for an Excel export from Windows).
    dayfirst : bool, optional
        How to read numeric dates such as ``05/11/2009``. By default the
        values decide (a first field above 12 means day-first, a second one
        month-first); when every value reads both ways they are read
        month-first with a :class:`~topictags.errors.CorpusWarning`. ISO
        dates, time zones and Unix seconds need no hint.
    columns : dict, optional
        Field to column name, for columns the aliases do not cover, e.g.
        ``{"title": "Headline", "body": "Text"}``. Fields are
        :data:`FIELDS`: ``id``, ``title``, ``body``, ``tags``,
        ``creation_date``, ``score``, ``site``, ``link`` (a question URL,
        read for its site) and ``post_type``; ``None`` ignores a column the
        aliases would pick.
    site : str, optional
        The site of the questions (``"superuser.com"``, or the API's name,
        ``"superuser"``), for rows whose site column, link or file name
        (``beer.stackexchange.com.7z``, ``coffee.stackexchange.com/Posts.xml``)
        does not name one.

    Returns
    -------
    DataFrame
        Columns :data:`QUESTION_COLUMNS`: ``id`` (Int64), ``title`` and
        ``body`` (str, ``""`` where missing; ``body`` is HTML), ``tags``
        (list of lower-case str, see :func:`parse_tags`), ``creation_date``
        (naive UTC ``datetime64[ns]``), ``score`` (Int64) and ``site`` (the
        site's host, such as ``"stackoverflow.com"``; ``""`` when no source
        names it), with a ``RangeIndex``. Values that cannot be read as a
        number or a date become missing rather than stopping the load;
        numeric dates are Unix seconds, as in the Stack Exchange API.

    Raises
    ------
    CorpusError
        Missing file, unreadable or unsafe file, bytes not in the encoding,
        missing column, unknown ``columns=`` field, no rows.
    TagFormatError
        A malformed tag value; the message names the file, the data row
        (1-based, header excluded, answers included; for ``Posts.xml``
        the question's position among questions) and the question id.

    Warns
    -----
    CorpusWarning
        Ids repeated within a site (dropped), numeric dates that read both
        day-first and month-first, duplicated column names.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"Id": [7], "Title": ["Merge frames"], "Tags": ["<python><pandas>"]})
    >>> questions = load_questions(frame, site="stackoverflow")
    >>> questions.columns.tolist()
    ['id', 'title', 'body', 'tags', 'creation_date', 'score', 'site']
    >>> questions["tags"][0], questions["site"][0]
    (['python', 'pandas'], 'stackoverflow.com')
    """
    options = _options(tags_column, columns, sep, encoding, dayfirst, site)
    entries = _plan(source)
    frames = list(_pieces(entries, options, _LOAD_CHUNK, drop_duplicates, _describe(source)))
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def iter_questions(
    source,
    chunksize: int = 10_000,
    *,
    tags_column: str | None = None,
    drop_duplicates: bool = True,
    sep: str | None = None,
    encoding: str | None = None,
    dayfirst: bool | None = None,
    columns: Mapping[str, str | None] | None = None,
    site: str | None = None,
) -> Iterator[pd.DataFrame]:
    """Questions from files or a DataFrame, ``chunksize`` at a time, never all at once.

    The same sources, options and normalisation as :func:`load_questions`:
    ``pd.concat(iter_questions(source, ...))`` equals
    ``load_questions(source, ...)`` (both run this code), whatever the
    chunk size. Files are read piece by piece as the chunks are asked for:
    ``Posts.xml`` and dump archives (``.7z``, ``.zip``, ``.xml.gz``,
    ``.xml.bz2``, ``.xml.zst``) are parsed as they are decompressed,
    Parquet by record batches, CSV/TSV and JSON Lines by rows. A ``.json``
    document (records, or an API response with ``items``) has no row
    boundaries to stream along, so it is parsed whole, then handed out in
    chunks: write large corpora as ``.jsonl``.

    Parameters
    ----------
    source : str, PathLike, DataFrame, or a list of them
        As in :func:`load_questions`; a folder stands for its ``Posts.xml``
        (an extracted dump) or else the corpus files directly in it.
    chunksize : int, default=10_000
        Questions per chunk. Every chunk holds exactly ``chunksize``
        questions but the last, which holds the rest; a chunk may hold the
        end of one file and the start of the next.
    tags_column, drop_duplicates, sep, encoding, dayfirst, columns, site
        As in :func:`load_questions`. The separator and the encoding are
        decided once per file (from its header line, and its byte-order
        mark over the whole file), never per chunk.

    Yields
    ------
    DataFrame
        The columns and dtypes of :func:`load_questions`
        (:data:`QUESTION_COLUMNS`), with an index that continues from chunk
        to chunk (the question's position in the stream).

    Raises
    ------
    CorpusError
        As :func:`load_questions`. A missing file, a bad option or a bad
        ``chunksize`` is raised by the call itself; a problem inside a file
        when the iteration reaches it (chunks before it are yielded).
    TagFormatError
        As :func:`load_questions`.

    Warns
    -----
    CorpusWarning
        As :func:`load_questions`; repeated ids once, when the iteration
        ends, with their number.

    Notes
    -----
    Memory holds a chunk, the piece of file being parsed and, with
    ``drop_duplicates=True``, every (site, id) already yielded: 8 bytes per
    question (192 MB for Stack Overflow's 24 million), where a Python set
    of ints would take about 60-90.

    Day-first dates: with ``dayfirst=None``, the order of numeric dates
    (``05/11/2009``) is decided by the whole column, as
    :func:`load_questions` decides it, since the one value proving it may
    be the last. CSV, TSV, JSON Lines and Parquet files with a text date
    column are therefore read twice, the first time only for that column
    (pass ``dayfirst=`` to skip that pass). ``Posts.xml`` dates are ISO
    (data dumps write no other) and are not pre-read: should numeric dates
    there prove day-first after ambiguous ones were read month-first, the
    iteration stops with an error asking for ``dayfirst=`` rather than
    yield some of them swapped.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"Id": [1, 2, 3], "Title": ["a", "b", "c"],
    ...                       "Tags": ["<x>", "|y|", "<x><y>"]})
    >>> [len(chunk) for chunk in iter_questions(frame, chunksize=2)]
    [2, 1]
    >>> pd.concat(iter_questions(frame, chunksize=2)).equals(load_questions(frame))
    True
    """
    options = _options(tags_column, columns, sep, encoding, dayfirst, site)
    chunksize = _check_chunksize(chunksize)
    entries = _plan(source)
    return _rechunk(
        _pieces(entries, options, chunksize, drop_duplicates, _describe(source)), chunksize
    )


def _options(tags_column, columns, sep, encoding, dayfirst, site) -> _Options:
    if dayfirst is not None and not isinstance(dayfirst, (bool, np.bool_)):
        raise CorpusError(f"dayfirst must be None, True or False, got {dayfirst!r:.60}")
    return _Options(
        spec=_column_spec(tags_column, columns),
        sep=_check_sep(sep),
        encoding=check_encoding(encoding),
        dayfirst=None if dayfirst is None else bool(dayfirst),
        site=_check_site(site),
    )


def _check_chunksize(chunksize) -> int:
    if isinstance(chunksize, (bool, np.bool_)) or not isinstance(chunksize, (int, np.integer)) \
            or chunksize < 1:
        raise CorpusError(
            f"chunksize must be a whole number of questions of at least 1 (such as 10_000), "
            f"got {chunksize!r:.60}"
        )
    return int(chunksize)


def _rechunk(pieces: Iterable[pd.DataFrame], chunksize: int) -> Iterator[pd.DataFrame]:
    """Pieces regrouped into chunks of exactly ``chunksize`` rows (the last one shorter)."""
    buffer: list[pd.DataFrame] = []
    held = start = 0
    for piece in pieces:
        buffer.append(piece)
        held += len(piece)
        while held >= chunksize:
            joined = pd.concat(buffer, ignore_index=True) if len(buffer) > 1 else buffer[0]
            chunk, rest = joined.iloc[:chunksize], joined.iloc[chunksize:]
            buffer, held = ([rest] if len(rest) else []), len(rest)
            yield _positioned(chunk, start)
            start += chunksize
    if held:
        yield _positioned(pd.concat(buffer, ignore_index=True) if len(buffer) > 1 else buffer[0],
                          start)


def _positioned(chunk: pd.DataFrame, start: int) -> pd.DataFrame:
    chunk = chunk.reset_index(drop=True)
    chunk.index = pd.RangeIndex(start, start + len(chunk))
    return chunk


class _Options:
    def __init__(self, *, spec, sep, encoding, dayfirst, site) -> None:
        self.spec, self.sep, self.encoding = spec, sep, encoding
        self.dayfirst, self.site = dayfirst, site


def _describe(source) -> str:
    if isinstance(source, pd.DataFrame):
        return "DataFrame"
    if isinstance(source, (list, tuple)):
        if len(source) > 3:
            return f"{len(source)} sources"
        return ", ".join("DataFrame" if isinstance(s, pd.DataFrame) else str(s) for s in source)
    return str(source)


def _check_sep(sep) -> str | None:
    if sep is not None and not (isinstance(sep, str) and len(sep) == 1 and sep not in "\"\r\n"):
        raise CorpusError(
            f"sep must be one character such as ',' ';' '\\t' or '|', got {sep!r:.60}"
        )
    return sep


def _check_site(site) -> str:
    try:
        return normalize_site(site)
    except ParameterError as exc:
        raise CorpusError(f"site={site!r:.60}: {exc}") from None


def _column_spec(tags_column, columns) -> dict[str, str | None]:
    spec: dict[str, str | None] = {}
    if columns is not None:
        if not isinstance(columns, Mapping):
            raise CorpusError(
                f"columns must be a dict such as {{'title': 'Headline'}}, got "
                f"{type(columns).__name__}"
            )
        unknown = [str(k) for k in columns if k not in FIELDS]
        if unknown:
            raise CorpusError(
                f"columns=: unknown field(s) {', '.join(map(repr, unknown))}; the fields are "
                + ", ".join(FIELDS)
            )
        for field, name in columns.items():
            if name is not None and not isinstance(name, str):
                raise CorpusError(
                    f"columns=: {field!r} must map to a column name or None, got {name!r:.60}"
                )
            spec[field] = name
    if tags_column is not None:
        if not isinstance(tags_column, str):
            raise CorpusError(f"tags_column must be a column name, got {tags_column!r:.60}")
        if spec.get("tags", tags_column) != tags_column:
            raise CorpusError(
                f"tags_column={tags_column!r} and columns={{'tags': {spec['tags']!r}}} disagree; "
                "give one"
            )
        spec["tags"] = tags_column
    return spec


# --- sources -----------------------------------------------------------------


def _plan(source) -> list[tuple[object, str | None]]:
    """``(DataFrame, where)`` and ``(Path, None)`` entries, every path checked up front."""
    if isinstance(source, pd.DataFrame):
        return [(source, "DataFrame")]
    items = [source] if isinstance(source, (str, os.PathLike)) else source
    if not isinstance(items, Sequence) or isinstance(items, (bytes, str)):
        raise CorpusError(
            f"expected a path, a glob, a list of paths or a DataFrame, got {type(source).__name__}"
        )
    if not items:
        raise CorpusError("no corpus file given")
    entries: list = []
    for position, item in enumerate(items):
        if isinstance(item, pd.DataFrame):
            entries.append((item, f"DataFrame {position + 1} of the list"))
        elif isinstance(item, (str, os.PathLike)):
            for path in _matches(os.path.expanduser(os.fspath(item))):
                _check_file(path)
                entries += [(p, None) for p in _folder_files(path)]
        else:
            raise CorpusError(f"expected a path, got {type(item).__name__}: {item!r:.60}")
    return entries


def _folder_files(path: Path) -> list[Path]:
    """A file as itself; a folder as its ``Posts.xml``, or else its corpus files."""
    if not path.is_dir():
        return [path]
    files = sorted(p for p in path.iterdir() if p.is_file())
    # An extracted dump holds Badges.xml, Comments.xml, Users.xml... beside
    # Posts.xml: only Posts.xml holds questions.
    posts = [p for p in files if p.name.lower() in ("posts.xml", *("posts" + s for s in
                                                                   _XML_SUFFIXES))]
    if posts:
        return posts[:1]
    known = (*_TABLE_SUFFIXES, *ARCHIVE_SUFFIXES)
    tables = [p for p in files if p.name.lower().endswith(known)]
    if not tables:
        raise CorpusError(
            f"{path}: is a folder holding no Posts.xml and no corpus file ({', '.join(known)}); "
            f"give files or a glob such as {path}/*.csv"
        )
    return tables


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


class _Table:
    """One table of a source (a file, an archive's ``Posts.xml``, a DataFrame), in pieces.

    ``pieces`` yields the raw frames, at least one (maybe empty, so that a
    file with a header and no rows is checked like any other).
    ``prescan(column)``, called once the first piece is out, yields the raw
    values of one column over the whole table, for the decisions that the
    whole column makes (the order of day and month); ``None`` where there is
    no such pass (``Posts.xml``, whose dates are ISO).
    """

    def __init__(
        self, where: str, site: str, pieces: Iterator[pd.DataFrame],
        prescan: Callable[[object], Iterable[pd.Series]] | None = None,
    ) -> None:
        self.where, self.site, self.pieces, self.prescan = where, site, pieces, prescan


def _tables(entries, options: _Options, chunksize: int) -> Iterator[_Table]:
    for item, where in entries:
        if where is not None:
            yield _frame_table(item, where, options.site, chunksize)
        else:
            yield from _read(item, options, chunksize)


def _frame_table(frame: pd.DataFrame, where: str, site: str, chunksize: int) -> _Table:
    pieces = (frame.iloc[i : i + chunksize] for i in range(0, max(len(frame), 1), chunksize))
    return _Table(where, site, pieces, lambda column: [frame[column]])


def _read(path: Path, options: _Options, chunksize: int) -> Iterator[_Table]:
    name = path.name.lower()
    suffix = path.suffix.lower()
    site = options.site or site_from_path(path)
    if name.endswith(_XML_SUFFIXES) or suffix in ARCHIVE_SUFFIXES:
        for where, blocks, member_site in posts_members(path):
            yield _Table(where, options.site or member_site,
                         iter_posts_xml(blocks, where, chunksize=chunksize))
        return
    if suffix not in _TABLE_SUFFIXES:
        known = (*_TABLE_SUFFIXES, *_XML_SUFFIXES, *ARCHIVE_SUFFIXES)
        raise CorpusError(
            f"{path}: unknown file type {suffix or '(none)'}; expected one of "
            + ", ".join(known)
        )
    if suffix in (".parquet", ".pq"):
        yield _parquet_table(path, site, chunksize, options)
    elif suffix == ".json":
        frame = _guarded(path, options, lambda: iter([_read_json(path, options.encoding)]))
        yield _frame_table(next(frame), str(path), site, chunksize)
    elif suffix == ".jsonl":
        yield _jsonl_table(path, site, chunksize, options)
    else:
        yield _csv_table(path, site, chunksize, options, suffix)


def _guarded(path: Path, options: _Options, open_pieces: Callable[[], Iterator]) -> Iterator:
    """The pieces of a file, with the reading libraries' errors said in corpus terms."""
    try:
        yield from open_pieces()
    except CorpusError:
        raise
    except pd.errors.ParserWarning as exc:
        raise CorpusError(
            f"{path}: a row has more fields than the header; check the separator (sep=) "
            "and quoting"
        ) from exc
    except UnicodeDecodeError as exc:
        raise CorpusError(
            f"{path}: not valid {options.encoding or 'UTF-8'} at byte {exc.start}; pass the "
            "encoding it was saved in (encoding=...)"
        ) from exc
    except pd.errors.EmptyDataError as exc:
        raise CorpusError(f"{path}: the file is empty (no rows)") from exc
    except Exception as exc:  # pandas, pyarrow and json each raise their own types
        raise CorpusError(f"{path}: cannot be read ({type(exc).__name__}: {exc})") from exc


def _csv_table(path: Path, site: str, chunksize: int, options: _Options, suffix: str) -> _Table:
    opened: list[CsvFile] = []

    def pieces():
        csv_file = CsvFile(
            path, sep=options.sep, encoding=options.encoding,
            default_sep="\t" if suffix == ".tsv" else ",",
            known=lambda column: _known(column, options.spec),
        )
        opened.append(csv_file)
        for number, piece in enumerate(csv_file.chunks(chunksize)):
            if number == 0:
                _warn_duplicate_headers(piece, path, options.spec)
            yield piece

    def prescan(column):
        # By position: pandas renames a repeated header ("Body.1").
        position = columns_seen[0].index(column)
        return (
            piece.iloc[:, 0]
            for piece in _guarded(path, options,
                                  lambda: opened[0].chunks(chunksize, usecols=[position]))
        )

    columns_seen: list[list] = []

    def recorded():
        for piece in _guarded(path, options, pieces):
            if not columns_seen:
                columns_seen.append(list(piece.columns))
            yield piece

    return _Table(str(path), site, recorded(), prescan)


def _parquet_table(path: Path, site: str, chunksize: int, options: _Options) -> _Table:
    def pieces():
        parquet = _open_parquet(path)
        count = 0
        for batch in parquet.iter_batches(batch_size=chunksize):
            count += 1
            yield batch.to_pandas()
        if not count:
            yield parquet.schema_arrow.empty_table().to_pandas()

    def prescan(column):
        def values():
            parquet = _open_parquet(path)
            for batch in parquet.iter_batches(batch_size=chunksize, columns=[column]):
                yield batch.column(0).to_pandas()

        return _guarded(path, options, values)

    return _Table(str(path), site, _guarded(path, options, pieces), prescan)


def _open_parquet(path: Path):
    import pyarrow.parquet as pq

    # pre_buffer (pyarrow's default) reads ahead and keeps every column chunk
    # it fetched: streaming a 300k-question file held 195 MB of arrow memory
    # at the end. A buffered stream reads each page as it is decoded.
    return pq.ParquetFile(path, pre_buffer=False, buffer_size=1 << 20)


def _jsonl_table(path: Path, site: str, chunksize: int, options: _Options) -> _Table:
    keys: dict = {}

    def records(limit: int):
        with read_text(path, options.encoding) as file:
            batch = []
            for line in file:
                if line.strip():
                    batch.append(json.loads(line))
                    if len(batch) == limit:
                        yield batch
                        batch = []
            yield batch

    def pieces():
        # The columns of the whole file, in order of first appearance (those of
        # DataFrame.from_records on every line), so every piece has them all.
        for batch in records(chunksize):
            for record in batch:
                if not isinstance(record, dict):
                    raise CorpusError(f"{path}: expected a list of objects (one per question)")
                keys.update(dict.fromkeys(record))
        names = list(keys)
        for batch in records(chunksize):
            yield pd.DataFrame.from_records(batch, columns=names) if batch else \
                pd.DataFrame(columns=names)

    def prescan(column):
        def values():
            for batch in records(chunksize):
                yield pd.Series([record.get(column) for record in batch], dtype=object)

        return _guarded(path, options, values)

    return _Table(str(path), site, _guarded(path, options, pieces), prescan)


def _known(column: str, spec: Mapping[str, str | None]) -> bool:
    key = _key(column)
    return column in spec.values() or any(key in aliases for aliases in _ALIASES.values())


def _warn_duplicate_headers(frame: pd.DataFrame, path: Path, spec: Mapping) -> None:
    # pandas renames a repeated header "Body" to "Body.1" (a Data Explorer
    # query joining questions and answers, "SELECT q.*, a.*"). Fields the
    # user named with columns= are theirs to choose.
    names = set(map(str, frame.columns))
    fields = {alias: field for field, aliases in _ALIASES.items() for alias in aliases}
    repeated = sorted(
        n for n in names
        if n.endswith(".1") and n[:-2] in names and fields.get(_key(n[:-2]), spec) not in spec
    )
    if repeated:
        warn(
            f"{path}: the header repeats {', '.join(repr(n[:-2]) for n in repeated)} (a join "
            "of questions and answers?); the first of each was read. Name the right ones "
            f"with columns=, e.g. columns={{'body': {repeated[0]!r}}}, or alias them in the "
            "query (q.Body AS QuestionBody)"
        )


def _read_json(path: Path, encoding: str | None) -> pd.DataFrame:
    with read_text(path, encoding) as file:
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


# --- columns -------------------------------------------------------------------


def _columns(frame: pd.DataFrame, where: str, spec: Mapping[str, str | None]) -> dict:
    """The frame's column for each field (``None`` where absent)."""
    by_key: dict[str, list] = {}
    for column in frame.columns:
        by_key.setdefault(_key(column), []).append(column)
    found = ", ".join(map(str, frame.columns)) or "(none)"
    chosen: dict[str, object] = {}
    missing = []
    for field, aliases in _ALIASES.items():
        if field in spec:
            name = spec[field]
            if name is None:
                chosen[field] = None
            elif name in frame.columns:
                chosen[field] = name
            elif len(by_key.get(_key(name), [])) == 1:
                chosen[field] = by_key[_key(name)][0]
            else:
                missing.append(f"{name!r} (for {field!r})")
            continue
        names = next((by_key[a] for a in aliases if a in by_key), [None])
        if len(names) > 1:
            both = " and ".join(repr(str(n)) for n in names)
            raise CorpusError(
                f"{where}: columns {both} are ambiguous for {field!r}; name one with "
                f"columns={{{field!r}: ...}}"
            )
        chosen[field] = names[0]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        raise CorpusError(
            f"{where}: missing required column{plural} {', '.join(missing)} (found: {found})"
        )
    if chosen["tags"] is None:
        raise CorpusError(
            f"{where}: missing required column 'Tags' (found: {found}); name it with "
            "columns={'tags': ...}"
        )
    if chosen["title"] is None and chosen["body"] is None:
        raise CorpusError(
            f"{where}: needs a 'Title' or 'Body' column (found: {found}); name them with "
            "columns={'title': ..., 'body': ...}"
        )
    return chosen


def _pieces(entries, options: _Options, chunksize: int, drop_duplicates: bool,
            described: str) -> Iterator[pd.DataFrame]:
    """Normalised questions of every table in order, repeats dropped, no empty piece."""
    seen = SeenIds() if drop_duplicates else None
    repeats = _Repeats()
    tables = total = 0
    for table in _tables(entries, options, chunksize):
        tables += 1
        for piece in _table_pieces(table, options):
            if seen is not None:
                piece = repeats.drop(piece, seen)
            if len(piece):
                total += len(piece)
                yield piece
    repeats.warn(described, several=tables > 1)
    if not total:
        raise CorpusError(f"{described}: no questions")


def _table_pieces(table: _Table, options: _Options) -> Iterator[pd.DataFrame]:
    """The normalised pieces of one table, its columns and date order decided once."""
    columns = dates = None
    start = 0
    for raw in table.pieces:
        if columns is None:
            columns = _columns(raw, table.where, options.spec)
            if columns["creation_date"] is not None:
                dates = DateReader(options.dayfirst, table.where, str(columns["creation_date"]))
                if options.dayfirst is None and table.prescan is not None and \
                        not _typed(raw[columns["creation_date"]]):
                    for values in table.prescan(columns["creation_date"]):
                        dates.observe(values)
        yield _normalise(raw, table.where, options, table.site, columns, dates, start)
        start += len(raw)
    if dates is not None:
        dates.close()


def _typed(values: pd.Series) -> bool:
    # Numbers (Unix seconds) and datetimes hold no day/month order to decide.
    return pd.api.types.is_datetime64_any_dtype(values) or (
        pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    )


def _normalise(frame: pd.DataFrame, where: str, options: _Options, site: str, columns: dict,
               dates: DateReader | None, start: int) -> pd.DataFrame:
    frame = frame.reset_index(drop=True)
    rows = np.arange(start, start + len(frame))  # positions in the file, for error messages
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
            "creation_date": (
                pd.Series(pd.NaT, index=pd.RangeIndex(len(frame)), dtype="datetime64[ns]")
                if dates is None else dates.read(frame[columns["creation_date"]])
            ),
            "score": _integers(frame, columns["score"]),
            "site": _sites(frame, columns, site, where),
        },
        index=pd.RangeIndex(len(frame)),
    )


def _sites(frame: pd.DataFrame, columns: dict, site: str, where: str) -> pd.Series:
    """Each row's site: its site column, else its link's host, else the source's."""
    sites = pd.Series([site] * len(frame), dtype=object)
    if columns["link"] is not None:
        hosts = _per_value(frame[columns["link"]], site_from_url)
        sites = hosts.where(hosts != "", sites)
    if columns["site"] is not None:

        def checked(value):
            try:
                return normalize_site(value if isinstance(value, str) else None)
            except ParameterError as exc:
                raise CorpusError(f"{where}: column {columns['site']!r}: {exc}") from None

        named = _per_value(frame[columns["site"]], checked)
        sites = named.where(named != "", sites)
    return sites.astype(object)


def _per_value(values: pd.Series, function) -> pd.Series:
    # One call per distinct value: a column holds a handful of sites.
    values = values.to_numpy()
    cache: dict = {}
    out = []
    for value in values:
        key = value if isinstance(value, str) else None
        if key not in cache:
            cache[key] = function(key)
        out.append(cache[key])
    return pd.Series(out, dtype=object)


class _Repeats:
    """Questions dropped for repeating a (site, id) already yielded, told once at the end."""

    def __init__(self) -> None:
        self.count = 0
        self.first: tuple | None = None
        self.unnamed = False  # a repeat on a row whose site is unknown

    def drop(self, piece: pd.DataFrame, seen: SeenIds) -> pd.DataFrame:
        has_id = piece["id"].notna().to_numpy()
        if not has_id.any():
            return piece  # rows without id are all kept
        ids = piece["id"].to_numpy(dtype="int64", na_value=0)[has_id]
        sites = piece["site"].to_numpy(dtype=object)[has_id]
        dup = np.zeros(len(piece), dtype=bool)
        dup[has_id] = seen.repeats(sites, ids)
        if not dup.any():
            return piece
        if self.first is None:
            at = int(np.flatnonzero(dup)[0])
            self.first = (piece["id"].iloc[at], piece["site"].iloc[at])
        self.count += int(dup.sum())
        self.unnamed = self.unnamed or bool((piece.loc[dup, "site"] == "").any())
        return piece[~dup].reset_index(drop=True)

    def warn(self, where: str, *, several: bool) -> None:
        if not self.count:
            return
        question, site = self.first
        on = f" on {site}" if site else ""
        hint = (
            " If they come from different sites, name each file's site: "
            "load_questions([load_questions(a, site='beer'), load_questions(b, site='coffee')])"
            if several and self.unnamed else ""
        )
        warn(
            f"{where}: {self.count} question(s) repeat an id already loaded from the same site "
            f"(such as id {question}{on}); the first of each was kept (drop_duplicates=False "
            f"keeps them all).{hint}"
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
