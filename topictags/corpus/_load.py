"""Loading question corpora into one normalised DataFrame."""

from __future__ import annotations

import glob
import html
import json
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import CorpusError, ParameterError, TagFormatError
from ._archives import ARCHIVE_SUFFIXES, COMPRESSED_SUFFIXES, posts_members
from ._csv import check_encoding, read_csv, read_text
from ._dates import parse_dates
from ._formats import FORMATS
from ._posts_xml import read_posts_xml
from ._sites import normalize_site, site_from_path, site_from_url
from ._tags import parse_tags
from ._warn import warn

__all__ = ["FIELDS", "FORMATS", "QUESTION_COLUMNS", "load_questions"]

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
        never extracted), a glob such as ``"exports/*.csv"``, a DataFrame, or
        a list of these (see :data:`FORMATS`). Sources are concatenated in
        order. Column names are matched ignoring case, spaces and ``_``
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
    options = _Options(
        spec=_column_spec(tags_column, columns),
        sep=_check_sep(sep),
        encoding=check_encoding(encoding),
        dayfirst=dayfirst,
        site=_check_site(site),
    )
    if dayfirst is not None and not isinstance(dayfirst, (bool, np.bool_)):
        raise CorpusError(f"dayfirst must be None, True or False, got {dayfirst!r:.60}")
    frames = [
        _normalise(frame, where, options, frame_site)
        for frame, where, frame_site in _sources(source, options)
    ]
    questions = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    if drop_duplicates:
        questions = _drop_repeats(questions, _describe(source), several=len(frames) > 1)
    if questions.empty:
        raise CorpusError(f"{_describe(source)}: no questions")
    return questions


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


def _sources(source, options: _Options):
    """``(raw frame, where, site)`` for every table the source holds, in order."""
    if isinstance(source, pd.DataFrame):
        yield source, "DataFrame", options.site
        return
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
            entries += [(path, None) for path in _matches(os.path.expanduser(os.fspath(item)))]
        else:
            raise CorpusError(f"expected a path, got {type(item).__name__}: {item!r:.60}")
    for item, _ in entries:
        if isinstance(item, Path):
            _check_file(item)
    for item, where in entries:
        if where is not None:
            yield item, where, options.site
        else:
            yield from _read(item, options)


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
        posts = path / "Posts.xml"
        hint = f"; for a data dump give {posts}" if _exists(posts) else ""
        raise CorpusError(
            f"{path}: is a folder; give files or a glob such as {path}/*.csv{hint}"
        )


def _read(path: Path, options: _Options):
    name = path.name.lower()
    suffix = path.suffix.lower()
    site = options.site or site_from_path(path)
    if name.endswith(_XML_SUFFIXES) or suffix in ARCHIVE_SUFFIXES:
        for where, chunks, member_site in posts_members(path):
            yield read_posts_xml(chunks, where), where, options.site or member_site
        return
    if suffix not in _TABLE_SUFFIXES:
        known = (*_TABLE_SUFFIXES, *_XML_SUFFIXES, *ARCHIVE_SUFFIXES)
        raise CorpusError(
            f"{path}: unknown file type {suffix or '(none)'}; expected one of "
            + ", ".join(known)
        )
    try:
        if suffix in (".parquet", ".pq"):
            frame = pd.read_parquet(path)
        elif suffix in (".json", ".jsonl"):
            frame = _read_json(path, lines=suffix == ".jsonl", encoding=options.encoding)
        else:
            frame = read_csv(
                path, sep=options.sep, encoding=options.encoding,
                default_sep="\t" if suffix == ".tsv" else ",",
                known=lambda column: _known(column, options.spec),
            )
            _warn_duplicate_headers(frame, path, options.spec)
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
    yield frame, str(path), site


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


def _read_json(path: Path, *, lines: bool, encoding: str | None) -> pd.DataFrame:
    with read_text(path, encoding) as file:
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


def _normalise(frame: pd.DataFrame, where: str, options: _Options, site: str) -> pd.DataFrame:
    columns = _columns(frame, where, options.spec)
    rows = np.arange(len(frame))  # positions in the file, for error messages
    if columns["post_type"] is not None:
        keep = (_numbers(frame[columns["post_type"]]) == 1).to_numpy()
        frame, rows = frame[keep], rows[keep]
    ids = _integers(frame, columns["id"])
    dates = (
        pd.Series(pd.NaT, index=pd.RangeIndex(len(frame)), dtype="datetime64[ns]")
        if columns["creation_date"] is None
        else parse_dates(frame[columns["creation_date"]], options.dayfirst, where,
                         str(columns["creation_date"]))
    )
    return pd.DataFrame(
        {
            "id": ids,
            "title": _texts(frame, columns["title"]),
            "body": _texts(frame, columns["body"]),
            "tags": _tag_lists(frame[columns["tags"]], ids, rows, where),
            "creation_date": dates,
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


def _drop_repeats(questions: pd.DataFrame, where: str, *, several: bool) -> pd.DataFrame:
    has_id = questions["id"].notna().to_numpy()
    dup = has_id & questions.duplicated(subset=["site", "id"]).to_numpy()
    count = int(dup.sum())
    if not count:
        return questions
    first = questions[dup].iloc[0]
    on = f" on {first['site']}" if first["site"] else ""
    hint = (
        " If they come from different sites, name each file's site: "
        "load_questions([load_questions(a, site='beer'), load_questions(b, site='coffee')])"
        if several and (questions.loc[dup, "site"] == "").any() else ""
    )
    warn(
        f"{where}: {count} question(s) repeat an id already loaded from the same site "
        f"(such as id {first['id']}{on}); the first of each was kept (drop_duplicates=False "
        f"keeps them all).{hint}"
    )
    return questions[~dup].reset_index(drop=True)


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
