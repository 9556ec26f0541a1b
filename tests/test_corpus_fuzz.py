"""Property tests: corpus loading gives the schema or a CorpusError, nothing else."""

import csv
import io
import time
import warnings
from datetime import datetime
from xml.sax.saxutils import quoteattr

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import topictags as tt
from topictags.corpus import QUESTION_COLUMNS, parse_tags
from topictags.errors import CorpusError, CorpusWarning, TagFormatError


def fuzz(examples):
    return settings(
        max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )

# Text that stresses encodings and parsers: NUL, controls, emoji, RTL marks,
# combining marks, quotes, separators and markup.
NASTY = st.sampled_from(
    ["\x00", "\x01", "\r", "\n", "\t", "\u202e", "\u200f", "\u0301", "\ufeff", "😀", "ß",
     "İ", "ﬀ", '"', "'", ",", ";", "|", "<", ">", "[", "]", "&", " ", "\\"]
)
TEXT = st.text(st.one_of(st.characters(codec="utf-8"), NASTY), max_size=20)
SO_TAG = st.from_regex(r"[a-z0-9#+.\-]{1,12}", fullmatch=True)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


def check_tags(tags):
    assert isinstance(tags, list)
    assert len(tags) == len(set(tags))
    for tag in tags:
        assert isinstance(tag, str) and tag
        assert tag == tag.lower()
        assert not any(ch.isspace() for ch in tag)


def check_schema(q):
    assert list(q.columns) == list(QUESTION_COLUMNS)
    assert isinstance(q.index, pd.RangeIndex) and q.index.start == 0 and len(q) > 0
    assert str(q["id"].dtype) == "Int64" and str(q["score"].dtype) == "Int64"
    assert q["creation_date"].dtype == "datetime64[ns]"
    assert q["title"].map(type).eq(str).all() and q["body"].map(type).eq(str).all()
    for tags in q["tags"]:
        check_tags(tags)
    assert q["site"].map(type).eq(str).all()
    keyed = q[q["id"].notna()]
    assert not keyed.duplicated(subset=["site", "id"]).any()


def load_or_corpus_error(source, **options):
    """The loaded frame, or None when a CorpusError (and only that) was raised."""
    try:
        q = tt.load_questions(source, **options)
    except CorpusError as exc:
        assert str(exc)
        event(f"{type(exc).__name__}: {str(exc).split(': ')[1][:30]}")
        return None
    check_schema(q)
    event("loaded")
    return q


# --- parse_tags ----------------------------------------------------------------


@fuzz(600)
@given(TEXT)
def test_parse_tags_on_any_text(text):
    try:
        tags = parse_tags(text)
    except TagFormatError:
        return
    check_tags(tags)


VALUES = st.one_of(
    st.none(),
    st.floats(),
    st.integers(),
    st.booleans(),
    st.binary(max_size=10),
    st.lists(st.one_of(TEXT, st.integers(), st.none()), max_size=4),
    st.tuples(TEXT, TEXT),
    st.dictionaries(TEXT, TEXT, max_size=2),
    st.lists(TEXT, max_size=4).map(lambda x: np.array(x, dtype=object)),
    st.lists(st.one_of(TEXT, st.integers()), max_size=4).map(repr),
)


@fuzz(200)
@given(VALUES)
def test_parse_tags_on_any_value(value):
    try:
        tags = parse_tags(value)
    except TagFormatError:
        return
    check_tags(tags)


FORMATS = {
    "brackets": lambda tags: "".join(f"<{t}>" for t in tags),
    "pipes": lambda tags: "|" + "|".join(tags) + "|" if tags else "",
    "bare pipes": "|".join,
    "spaces": " ".join,
    "commas": ", ".join,
    "list literal": repr,
    "list": list,
}


@fuzz(200)
@given(st.lists(SO_TAG, max_size=6), st.sampled_from(sorted(FORMATS)), st.booleans())
def test_parse_tags_round_trips_every_format(tags, form, upper):
    written = [t.upper() if upper else t for t in tags]
    assert parse_tags(FORMATS[form](written)) == list(dict.fromkeys(tags))


# --- load_questions on generated files ------------------------------------------

COLUMN_NAMES = {
    "id": ["Id", "id", "ID", "question_id", "PostId"],
    "title": ["Title", "title", "TITLE"],
    "body": ["Body", "body"],
    "tags": ["Tags", "tags"],
    "creation_date": ["CreationDate", "creation_date"],
    "score": ["Score", "score"],
    "post_type": ["PostTypeId", "post_type_id"],
    "extra": ["ViewCount", "Owner"],
}
VALID_TAGS = st.builds(
    lambda tags, form: FORMATS[form](tags),
    st.lists(SO_TAG, max_size=4),
    st.sampled_from(["brackets", "pipes", "spaces", "commas", "list literal"]),
)
TAG_VALUE = st.one_of(VALID_TAGS, VALID_TAGS, VALID_TAGS, TEXT)  # mostly well-formed
CELL = {
    "id": st.one_of(st.integers(1, 5).map(str), TEXT),  # few ids: duplicates are common
    "tags": TAG_VALUE,
    "creation_date": st.one_of(
        st.datetimes().map(lambda d: d.isoformat()), TEXT,
        st.sampled_from(["2011-03-01 10:00:00", "9999-12-31", "0001-01-01"]),
    ),
    "score": st.one_of(st.integers(-(2**70), 2**70).map(str), TEXT),
    "post_type": st.sampled_from(["1", "1", "1", "2", "", "x"]),
}
# Percent chance that a column is there: often enough to reach the loader's
# later stages, rarely enough to exercise every missing-column error.
PRESENT = {"tags": 90, "title": 75, "body": 50}


def sometimes(percent):
    # Not integers(0, 99) < percent: Hypothesis favours small integers.
    return st.sampled_from([False] * (100 - percent) + [True] * percent)


@st.composite
def tables(draw):
    """Column names (a random subset, random spelling) and rows of cells."""
    fields = [f for f in sorted(COLUMN_NAMES) if draw(sometimes(PRESENT.get(f, 40)))]
    fields = draw(st.permutations(fields))
    names = [draw(st.sampled_from(COLUMN_NAMES[f])) for f in fields]
    rows = draw(
        st.lists(
            st.tuples(*[CELL.get(f, TEXT) for f in fields]),
            min_size=0 if draw(sometimes(10)) else 1, max_size=6,
        )
        if fields else st.just([])
    )
    return names, rows


def write_csv(names, rows, sep=","):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")  # quotes lone \r too
    if names:
        writer.writerow(names)
    writer.writerows(rows)
    return out.getvalue()


@fuzz(120)
@given(tables(), st.sampled_from([",", "\t"]))
def test_load_generated_csv(workdir, table, sep):
    names, rows = table
    path = workdir / ("gen.tsv" if sep == "\t" else "gen.csv")
    path.write_text(write_csv(names, rows, sep), encoding="utf-8")
    q = load_or_corpus_error(path)
    if q is not None:
        assert len(q) <= len(rows)


@fuzz(100)
@given(tables(), st.sampled_from([";", "\t", "|"]), st.booleans())
def test_csv_dialects_load_like_the_comma_file(workdir, table, sep, bom):
    """A table saved with another separator and a BOM (what a spreadsheet does
    to an export) loads exactly as the plain comma file."""
    names, rows = table
    if len(names) < 2:  # one column has no separator to find
        return
    plain = workdir / "plain.csv"
    plain.write_text(write_csv(names, rows), encoding="utf-8")
    out = io.StringIO()
    csv.writer(out, delimiter=sep, lineterminator="\r\n").writerows([names, *rows])
    dialect = workdir / "dialect.csv"
    dialect.write_bytes(("\ufeff" if bom else "").encode() + out.getvalue().encode("utf-8"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        expected = load_or_corpus_error(plain)
        got = load_or_corpus_error(dialect)
    assert (expected is None) == (got is None)
    if expected is not None:
        pd.testing.assert_frame_equal(got, expected)


DATES = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2037, 12, 31)).map(
    lambda d: d.replace(second=0, microsecond=0)
)


@fuzz(60)
@given(st.lists(DATES, min_size=1, max_size=8), st.booleans(), st.sampled_from(["/", ".", "-"]))
def test_numeric_dates_never_swap_day_and_month(workdir, dates, dayfirst, mark):
    def written(d):
        first, second = (d.day, d.month) if dayfirst else (d.month, d.day)
        return f"{first:02d}{mark}{second:02d}{mark}{d.year} {d.hour}:{d.minute:02d}"

    path = workdir / "dates.csv"
    path.write_text(
        "Id,Title,Tags,CreationDate\n"
        + "".join(f"{i},t,<a>,{written(d)}\n" for i, d in enumerate(dates)),
        encoding="utf-8",
    )
    truth = [pd.Timestamp(d) for d in dates]
    assert tt.load_questions(path, dayfirst=dayfirst)["creation_date"].tolist() == truth
    provable = any(d.day > 12 for d in dates)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = tt.load_questions(path)["creation_date"].tolist()
    warned = any(issubclass(w.category, CorpusWarning) for w in caught)
    if provable:
        assert got == truth and not warned
    else:  # every value reads both ways: read month-first, and said so
        assert warned
        if not dayfirst:
            assert got == truth


SITES = st.sampled_from(["beer", "coffee", "quantumcomputing", "meta", "stackoverflow"])


@fuzz(60)
@given(st.lists(st.tuples(SITES, st.lists(st.integers(1, 6), min_size=1, max_size=5,
                                           unique=True)), min_size=1, max_size=4))
def test_ids_of_different_sites_never_collide(parts):
    frames = [
        pd.DataFrame({"Id": ids, "Title": [f"{site} {i}" for i in ids], "Tags": ["<a>"] * len(ids),
                      "Site": [site] * len(ids)})
        for site, ids in parts
    ]
    pairs = [(site, i) for site, ids in parts for i in ids]
    repeats = len(pairs) - len(set(pairs))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        q = tt.load_questions(frames)
    messages = [str(w.message) for w in caught if issubclass(w.category, CorpusWarning)]
    check_schema(q)
    assert len(q) == len(set(pairs))
    assert len(messages) == (1 if repeats else 0)  # colliding sites are not repeats
    if repeats:
        assert f" {repeats} question(s) repeat" in messages[0]


@fuzz(100)
@given(st.binary(max_size=200), st.sampled_from(["csv", "tsv", "xml", "json", "jsonl", "parquet"]))
def test_load_random_bytes(workdir, content, suffix):
    path = workdir / f"bytes.{suffix}"
    path.write_bytes(content)
    load_or_corpus_error(path)


@fuzz(60)
@given(tables(), st.data())
def test_load_generated_dataframe(table, data):
    names, rows = table
    frame = pd.DataFrame(rows, columns=names) if names else pd.DataFrame()
    # DataFrames can hold any object, not only text.
    odd = st.one_of(st.none(), st.floats(), st.integers(), st.lists(TEXT, max_size=2),
                    st.dictionaries(TEXT, st.integers(), max_size=1), st.booleans())
    for name in data.draw(st.lists(st.sampled_from(names), max_size=2)) if names else []:
        frame[name] = pd.Series(
            [data.draw(odd) for _ in range(len(frame))], index=frame.index, dtype=object
        )
    load_or_corpus_error(frame)




def xml_safe(text):
    """Drop the characters XML 1.0 cannot hold even escaped (NUL, most controls)."""
    return "".join(
        ch for ch in text
        if ch in "\t\n\r" or "\x20" <= ch <= "\ud7ff" or "\ue000" <= ch <= "\ufffd"
        or ch >= "\U00010000"
    )


XML_TEXT = TEXT.map(xml_safe)
XML_ATTRS = {
    "Id": CELL["id"].map(xml_safe),
    "PostTypeId": CELL["post_type"],
    "Title": XML_TEXT,
    "Body": XML_TEXT,
    "Tags": TAG_VALUE.map(xml_safe),
    "CreationDate": CELL["creation_date"].map(xml_safe),
    "Score": CELL["score"].map(xml_safe),
    "ParentId": XML_TEXT,
}
XML_PRESENT = {"PostTypeId": 80, "Tags": 80, "Title": 70}


@st.composite
def posts_xml(draw):
    rows = []
    for _ in range(draw(st.integers(0, 5))):
        names = [n for n in sorted(XML_ATTRS) if draw(sometimes(XML_PRESENT.get(n, 50)))]
        parts = [f"{name}={quoteattr(draw(XML_ATTRS[name]))}" for name in names]
        if draw(sometimes(5)):  # text XML cannot hold, even escaped
            parts.append(f"Title={quoteattr(draw(TEXT))}")
        rows.append(f"  <row {' '.join(parts)} />")
    document = '<?xml version="1.0" encoding="utf-8"?>\n<posts>\n' + "\n".join(rows) + "\n</posts>"
    if draw(sometimes(15)):  # a damaged file
        document = document[: draw(st.integers(0, len(document)))]
    return document


@fuzz(100)
@given(posts_xml())
def test_load_generated_posts_xml(workdir, document):
    path = workdir / "Posts.xml"
    path.write_text(document, encoding="utf-8")
    q = load_or_corpus_error(path)
    if q is not None:
        assert len(q) <= document.count("<row ")


# --- hostile XML -------------------------------------------------------------------


def billion_laughs(depth, width, name):
    lines = [f'<!ENTITY {name}0 "lol">']
    for level in range(1, depth + 1):
        lines.append(f'<!ENTITY {name}{level} "{f"&{name}{level - 1};" * width}">')
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE posts [' + "\n".join(lines) + "]>\n"
        f'<posts><row Id="1" PostTypeId="1" Title="&{name}{depth};" Tags="&lt;a&gt;" /></posts>'
    )


def external_entity(url, name):
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE posts [<!ENTITY {name} SYSTEM "{url}">]>\n'
        f'<posts><row Id="1" PostTypeId="1" Title="&{name};" Tags="&lt;a&gt;" /></posts>'
    )


HOSTILE = st.one_of(
    st.builds(billion_laughs, st.integers(1, 12), st.integers(2, 12),
              st.from_regex(r"[a-z]{1,6}", fullmatch=True)),
    st.builds(external_entity,
              st.sampled_from(["file:///etc/passwd", "http://127.0.0.1:9/x", "/etc/hostname"]),
              st.from_regex(r"[a-z]{1,6}", fullmatch=True)),
)


@fuzz(40)
@given(HOSTILE)
def test_hostile_posts_xml_is_refused_quickly(workdir, document):
    path = workdir / "Posts.xml"
    path.write_text(document)
    start = time.perf_counter()
    with pytest.raises(CorpusError, match="refused unsafe XML"):
        tt.load_questions(path)
    assert time.perf_counter() - start < 2


@pytest.mark.parametrize(
    "document",
    [billion_laughs(10, 10, "lol"), external_entity("file:///etc/passwd", "xxe")],
    ids=["billion-laughs", "external-entity"],
)
def test_classic_attacks_are_refused(workdir, document):
    path = workdir / "attack.xml"
    path.write_text(document)
    with pytest.raises(CorpusError, match="attack.xml: refused unsafe XML"):
        tt.load_questions(path)
