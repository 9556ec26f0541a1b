"""Regression tests: the shapes real exports and dumps have (issue 9, part 1, loader side).

Every fixture is written as bytes in the shape a real file has: an Excel
re-save in a European locale (BOM, ``;``, CRLF, day-first dates), cp1252
bytes, data-dump rows with ``.000`` dates, ``|a|b|`` and ``<a><b>`` tags,
``></row>`` rows and answers mixed in, several sites whose ids collide,
Data Explorer joins with ``QuestionTitle`` columns, a dump with a DOCTYPE.
"""

from __future__ import annotations

import warnings
from xml.sax.saxutils import quoteattr

import pandas as pd
import pytest

import topictags as tt
from topictags.corpus import FORMATS, QUESTION_COLUMNS, normalize_site, question_url
from topictags.errors import CorpusError, CorpusWarning, ParameterError


def assert_schema(q):
    assert list(q.columns) == list(QUESTION_COLUMNS)
    assert str(q["id"].dtype) == "Int64" and str(q["score"].dtype) == "Int64"
    assert q["creation_date"].dtype == "datetime64[ns]"
    assert q["site"].map(type).eq(str).all()


def posts_xml(rows, *, doctype=""):
    """A data-dump ``Posts.xml``: questions and answers, written as the dump writes them.

    ``rows`` are dicts of attributes; a row with ``"close": True`` is written
    ``<row ...></row>`` (as some dump excerpts are) instead of ``<row ... />``.
    """
    lines = ['<?xml version="1.0" encoding="utf-8"?>']
    if doctype:
        lines.append(doctype)
    lines.append("<posts>")
    for row in rows:
        attrs = " ".join(f"{k}={quoteattr(str(v))}" for k, v in row.items() if k != "close")
        lines.append(f"  <row {attrs}></row>" if row.get("close") else f"  <row {attrs} />")
    lines.append("</posts>")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def question(qid, title, tags, date="2014-01-23T21:26:09.000", **extra):
    return {"Id": qid, "PostTypeId": 1, "CreationDate": date, "Score": qid % 7,
            "Body": f"<p>{title}: details &amp; more</p>", "Title": title, "Tags": tags,
            **extra}


def answer(aid, parent):
    return {"Id": aid, "PostTypeId": 2, "ParentId": parent, "CreationDate":
            "2014-01-24T08:00:00.000", "Score": 1, "Body": "<p>an answer</p>"}


@pytest.fixture
def strict():
    """Any warning fails the test (a silent pass must stay silent)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


# --- 4. CSV dialects ------------------------------------------------------------

EXCEL_EU = (
    "\ufeffId;Title;Body;Tags;CreationDate;Score\r\n"
    '1;Grind size for espresso;"<p>Fine, finer; finest &amp; more.</p>\r\n'
    '<pre><code>a = b; c = d, e</code></pre>";<espresso><grinding>;17/11/2009 13:43;5\r\n'
    '2;Milk "microfoam";"<p>Steam; then swirl, pour.</p>";<milk>;05/11/2009 09:01;2\r\n'
    "3;Decaf;<p>How?</p>;<decaf>;01/12/2010 00:00;0\r\n"
)


def test_excel_european_csv_bom_semicolon_crlf(tmp_path):
    # Excel (French/German locale) re-save of a Data Explorer export.
    path = tmp_path / "QueryResults.csv"
    path.write_bytes(EXCEL_EU.encode("utf-8"))
    q = tt.load_questions(path)
    assert_schema(q)
    assert q["id"].tolist() == [1, 2, 3]
    assert q["title"].tolist() == ["Grind size for espresso", 'Milk "microfoam"', "Decaf"]
    assert q["body"][0].startswith("<p>Fine, finer; finest &amp; more.</p>\r\n<pre>")
    assert q["tags"].tolist() == [["espresso", "grinding"], ["milk"], ["decaf"]]
    # Day-first, decided by 17/11: 05/11 is 5 November, 01/12 is 1 December.
    assert q["creation_date"].tolist() == [
        pd.Timestamp("2009-11-17 13:43"), pd.Timestamp("2009-11-05 09:01"),
        pd.Timestamp("2010-12-01 00:00"),
    ]
    assert q["score"].tolist() == [5, 2, 0]


@pytest.mark.parametrize("sep", [";", "\t", "|", ","])
def test_separator_detected_despite_html_full_of_separators(tmp_path, sep):
    body = '"<p>a, b; c | d\tx &lt;T&gt; &amp;</p>"'
    text = sep.join(["Id", "Title", "Body", "Tags"]) + "\r\n"
    text += sep.join(["7", "t", body, "<a><b>"]) + "\r\n"
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode("utf-8"))
    q = tt.load_questions(path)
    assert q["body"].tolist() == ["<p>a, b; c | d\tx &lt;T&gt; &amp;</p>"]
    assert q["tags"].tolist() == [["a", "b"]]


def test_explicit_sep(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_bytes(b"Id;Title;Tags\r\n1;a,b;<x>\r\n")
    assert tt.load_questions(path, sep=";")["title"].tolist() == ["a,b"]
    with pytest.raises(CorpusError, match="sep must be one character"):
        tt.load_questions(path, sep=";;")


CP1252 = "Id;Title;Body;Tags\r\n1;Café crème – l’espresso;<p>Très “bon”</p>;<espresso>\r\n"


def test_cp1252_export_is_refused_with_the_way_out(tmp_path):
    path = tmp_path / "QueryResults.csv"
    data = CP1252.encode("cp1252")
    path.write_bytes(data)
    with pytest.raises(CorpusError) as info:
        tt.load_questions(path)
    message = str(info.value)
    offset = data.index("é".encode("cp1252"))
    assert f"not valid UTF-8 at byte {offset}" in message
    assert 'encoding="cp1252"' in message and "Café" in message  # shows the cp1252 reading


def test_cp1252_export_reads_with_encoding(tmp_path, strict):
    path = tmp_path / "QueryResults.csv"
    path.write_bytes(CP1252.encode("cp1252"))
    q = tt.load_questions(path, encoding="cp1252")
    assert q["title"].tolist() == ["Café crème – l’espresso"]
    assert q["body"].tolist() == ["<p>Très “bon”</p>"]


def test_bad_byte_offset_is_exact_far_into_a_file(tmp_path):
    # Past the first read chunk: the offset counts from the file's start.
    rows = "".join(f"{i},title {i},<a>\n" for i in range(120_000))
    data = ("Id,Title,Tags\n" + rows).encode() + b"999,caf\xe9,<a>\n"
    (tmp_path / "big.csv").write_bytes(data)
    offset = data.index(b"caf\xe9") + 3
    assert offset > 1 << 20
    with pytest.raises(CorpusError, match=f"at byte {offset} "):
        tt.load_questions(tmp_path / "big.csv")


def test_utf16_unicode_text_from_excel(tmp_path):
    # Excel's "Unicode text" is UTF-16 with a BOM and tabs.
    text = "Id\tTitle\tTags\r\n3\tCafé\t<coffee>\r\n"
    (tmp_path / "export.csv").write_bytes(text.encode("utf-16"))
    assert tt.load_questions(tmp_path / "export.csv")["title"].tolist() == ["Café"]


def test_unknown_encoding_is_named(tmp_path):
    (tmp_path / "q.csv").write_text("Id,Title,Tags\n1,a,<b>\n")
    with pytest.raises(CorpusError, match="unknown encoding 'klingon'"):
        tt.load_questions(tmp_path / "q.csv", encoding="klingon")


def test_json_encoding(tmp_path):
    (tmp_path / "q.json").write_bytes('[{"id": 1, "title": "Crème", "tags": "<a>"}]'.encode(
        "cp1252"))
    assert tt.load_questions(tmp_path / "q.json", encoding="cp1252")["title"][0] == "Crème"


# --- 5. Day-first dates -----------------------------------------------------------


def dated_csv(tmp_path, dates, name="dates.csv"):
    rows = "".join(f"{i},q{i},<a>,{d}\r\n" for i, d in enumerate(dates, 1))
    path = tmp_path / name
    path.write_bytes(("Id,Title,Tags,CreationDate\r\n" + rows).encode())
    return path


def test_day_first_dates_are_not_swapped(tmp_path, strict):
    path = dated_csv(tmp_path, ["17/11/2009 13:43", "05/11/2009 13:43", "03.02.2010 08:15"])
    assert tt.load_questions(path)["creation_date"].tolist() == [
        pd.Timestamp("2009-11-17 13:43"), pd.Timestamp("2009-11-05 13:43"),
        pd.Timestamp("2010-02-03 08:15"),
    ]


def test_month_first_dates_detected(tmp_path, strict):
    path = dated_csv(tmp_path, ["11/17/2009 1:43:00 PM", "05/11/2009 13:43"])
    assert tt.load_questions(path)["creation_date"].tolist() == [
        pd.Timestamp("2009-11-17 13:43"), pd.Timestamp("2009-05-11 13:43"),
    ]


def test_ambiguous_dates_warn_naming_column_and_dayfirst(tmp_path):
    path = dated_csv(tmp_path, ["05/11/2009 13:43", "01/02/10"])
    with pytest.warns(CorpusWarning, match=r"'CreationDate'.*dayfirst=True") as record:
        q = tt.load_questions(path)
    assert record[0].filename == __file__  # points at the caller, not at topictags
    assert q["creation_date"].tolist() == [pd.Timestamp("2009-05-11 13:43"),
                                           pd.Timestamp("2010-01-02")]


def test_dayfirst_argument(tmp_path, strict):
    path = dated_csv(tmp_path, ["05/11/2009 13:43", "01/02/10"])
    assert tt.load_questions(path, dayfirst=True)["creation_date"].tolist() == [
        pd.Timestamp("2009-11-05 13:43"), pd.Timestamp("2010-02-01")]
    assert tt.load_questions(path, dayfirst=False)["creation_date"][0] == pd.Timestamp(
        "2009-05-11 13:43")


def test_dates_proving_both_orders_are_an_error(tmp_path):
    path = dated_csv(tmp_path, ["17/11/2009", "11/17/2009"])
    with pytest.raises(CorpusError, match="mixes day-first.*dayfirst=True"):
        tt.load_questions(path)
    with pytest.warns(CorpusWarning, match="1 date.*cannot be read day-first"):
        q = tt.load_questions(path, dayfirst=True)
    assert q["creation_date"].isna().tolist() == [False, True]  # never swapped


def test_other_date_shapes_still_read(tmp_path, strict):
    dates = ["2014-01-23T21:26:09.000", "2014-01-23T21:26:09", "2014-01-23",
             "2014-01-23T21:26:09Z", "2014-01-23T23:26:09+02:00", "1390512369", ""]
    q = tt.load_questions(dated_csv(tmp_path, dates))
    expected = [pd.Timestamp("2014-01-23 21:26:09")] * 2 + [pd.Timestamp("2014-01-23")]
    expected += [pd.Timestamp("2014-01-23 21:26:09")] * 3
    assert q["creation_date"][:6].tolist() == expected
    assert pd.isna(q["creation_date"][6])


def test_bad_dayfirst_value():
    frame = pd.DataFrame({"Title": ["a"], "Tags": ["<b>"]})
    with pytest.raises(CorpusError, match="dayfirst must be None, True or False"):
        tt.load_questions(frame, dayfirst="yes")


# --- 6. Several sites at once -------------------------------------------------------


@pytest.fixture
def three_sites(tmp_path):
    """Three tiny dumps whose question ids collide (1, 2, 3 on each site)."""
    sites = {
        "beer.stackexchange.com": [("What is an IPA?", "|ipa|hops|"),
                                   ("Stout or porter", "|stout|")],
        "coffee.stackexchange.com": [("Espresso grind", "<espresso><grinding>"),
                                     ("Milk foam", "<milk>"), ("Decaf", "<decaf>")],
        "quantumcomputing.stackexchange.com": [("What is a qubit?", "|qubit|"),
                                               ("Grover", "|grovers-algorithm|")],
    }
    paths = []
    for site, questions in sites.items():
        rows = []
        for i, (title, tags) in enumerate(questions, 1):
            rows.append(question(i, title, tags, close=i % 2 == 0))
            rows.append(answer(100 + i, i))
        folder = tmp_path / site
        folder.mkdir()
        (folder / "Posts.xml").write_bytes(posts_xml(rows))
        paths.append(folder / "Posts.xml")
    return paths


def test_several_sites_keep_every_question(three_sites, strict):
    q = tt.load_questions(three_sites)
    assert len(q) == 7  # 2 + 3 + 2: the colliding ids are different questions
    assert_schema(q)
    assert q["site"].tolist() == ["beer.stackexchange.com"] * 2 + [
        "coffee.stackexchange.com"] * 3 + ["quantumcomputing.stackexchange.com"] * 2
    assert q["id"].tolist() == [1, 2, 1, 2, 3, 1, 2]
    assert q["tags"][0] == ["ipa", "hops"] and q["tags"][2] == ["espresso", "grinding"]


def test_repeats_within_a_site_are_dropped_with_their_count(three_sites):
    with pytest.warns(CorpusWarning, match=r"3 question\(s\) repeat an id .*coffee") as record:
        q = tt.load_questions([three_sites[1], three_sites[1]])
    assert len(record) == 1
    assert len(q) == 3
    assert len(tt.load_questions([three_sites[1]] * 2, drop_duplicates=False)) == 6


def test_unknown_sites_that_collide_say_how_to_name_them(tmp_path):
    for name in ("a.csv", "b.csv"):
        (tmp_path / name).write_text("Id,Title,Tags\n1,t,<x>\n")
    with pytest.warns(CorpusWarning, match="site="):
        q = tt.load_questions([tmp_path / "a.csv", tmp_path / "b.csv"])
    assert len(q) == 1
    q = tt.load_questions([tt.load_questions(tmp_path / "a.csv", site="beer"),
                           tt.load_questions(tmp_path / "b.csv", site="coffee")])
    assert q["site"].tolist() == ["beer.stackexchange.com", "coffee.stackexchange.com"]


def test_site_from_link_column_and_argument(tmp_path, strict):
    # An API response (``link``) and a Data Explorer export with a Link column.
    frame = pd.DataFrame({
        "question_id": [5, 5], "title": ["a", "b"], "tags": [["x"], ["y"]],
        "link": ["https://superuser.com/questions/5/a", "https://askubuntu.com/questions/5/b"],
    })
    assert tt.load_questions(frame)["site"].tolist() == ["superuser.com", "askubuntu.com"]
    (tmp_path / "QueryResults.csv").write_text("Id,Title,Tags\n5,a,<x>\n")
    q = tt.load_questions(tmp_path / "QueryResults.csv", site="superuser")
    assert q["site"].tolist() == ["superuser.com"]
    assert tt.load_questions(tmp_path / "QueryResults.csv")["site"].tolist() == [""]


def test_site_argument_names_rows_whose_file_does_not(three_sites, strict):
    q = tt.load_questions(three_sites[0], site="meta.beer")
    assert set(q["site"]) == {"beer.meta.stackexchange.com"}


def test_site_column_is_normalised_and_checked():
    frame = pd.DataFrame(
        {"Title": ["a", "b"], "Tags": ["<x>"] * 2, "Site": ["beer", "superuser.com"]}
    )
    assert tt.load_questions(frame)["site"].tolist() == ["beer.stackexchange.com",
                                                         "superuser.com"]
    frame["Site"] = ["beer", "not a site!"]
    with pytest.raises(CorpusError, match="column 'Site'.*is not a site name"):
        tt.load_questions(frame)


def test_normalised_frame_loads_back_unchanged(three_sites):
    q = tt.load_questions(three_sites)
    pd.testing.assert_frame_equal(tt.load_questions(q), q)


@pytest.mark.parametrize(
    ("name", "host"),
    [("stackoverflow", "stackoverflow.com"), ("beer", "beer.stackexchange.com"),
     ("meta", "meta.stackexchange.com"), ("meta.stackoverflow", "meta.stackoverflow.com"),
     ("ru.stackoverflow", "ru.stackoverflow.com"), ("mathoverflow.net", "mathoverflow.net"),
     ("Coffee.StackExchange.com", "coffee.stackexchange.com"),
     ("https://www.superuser.com/questions/1/x", "superuser.com"), ("", ""), (None, "")],
)
def test_normalize_site(name, host):
    assert normalize_site(name) == host


def test_question_url():
    assert question_url("beer.stackexchange.com", 12) == "https://beer.stackexchange.com/questions/12"
    assert question_url("beer", 12) == "https://beer.stackexchange.com/questions/12"
    assert question_url("", 4) == "https://stackoverflow.com/questions/4"
    assert question_url(None, pd.NA) is None
    with pytest.raises(ParameterError, match="whole number"):
        question_url("", "12; rm")
    with pytest.raises(ParameterError, match="not a site name"):
        question_url("evil.com/x?", 1)


# --- 7. DOCTYPE -----------------------------------------------------------------------


def test_doctype_dump_says_what_to_do(tmp_path):
    path = tmp_path / "Posts.xml"
    path.write_bytes(posts_xml([question(1, "t", "|a|")], doctype="<!DOCTYPE posts>"))
    with pytest.raises(CorpusError, match="refused unsafe XML") as info:
        tt.load_questions(path)
    message = str(info.value)
    assert "Stack Exchange data dumps have none" in message
    assert "delete the <!DOCTYPE" in message


# --- 8. Column names -----------------------------------------------------------------

JOIN = (
    "QuestionId,QuestionTitle,QuestionBody,QuestionTags,QuestionCreationDate,QuestionScore,"
    "AnswerId,AnswerBody,AnswerScore\r\n"
    '11,How to merge?,"<p>merge, join</p>",<python><pandas>,2019-03-01 10:00:00,4,12,'
    '"<p>use merge</p>",9\r\n'
    '11,How to merge?,"<p>merge, join</p>",<python><pandas>,2019-03-01 10:00:00,4,13,'
    '"<p>or join</p>",1\r\n'
    '14,Sort a dict,<p>sort</p>,<python>,2019-03-02 11:00:00,2,15,<p>sorted()</p>,3\r\n'
)


def test_data_explorer_join_with_answers(tmp_path):
    path = tmp_path / "QueryResults.csv"
    path.write_bytes(JOIN.encode())
    with pytest.warns(CorpusWarning, match="1 question"):  # one row per answer
        q = tt.load_questions(path)
    assert_schema(q)
    assert q["id"].tolist() == [11, 14]
    assert q["title"].tolist() == ["How to merge?", "Sort a dict"]
    assert q["body"].tolist() == ["<p>merge, join</p>", "<p>sort</p>"]  # not the answers'
    assert q["score"].tolist() == [4, 2]
    assert q["creation_date"][0] == pd.Timestamp("2019-03-01 10:00")


def test_post_prefixed_columns(strict):
    frame = pd.DataFrame({"PostId": [3], "PostTitle": ["t"], "PostBody": ["<p>b</p>"],
                          "PostTags": ["|a|b|"], "PostCreationDate": ["2020-01-01"]})
    q = tt.load_questions(frame)
    assert q[["id", "title", "body"]].values.tolist() == [[3, "t", "<p>b</p>"]]
    assert q["tags"][0] == ["a", "b"]


def test_repeated_header_of_a_join_warns(tmp_path):
    (tmp_path / "q.csv").write_text("Id,Title,Body,Tags,Id,Body\n1,t,<p>q</p>,<a>,2,<p>a</p>\n")
    with pytest.warns(CorpusWarning, match="repeats 'Body', 'Id'.*columns="):
        q = tt.load_questions(tmp_path / "q.csv")
    assert q["body"].tolist() == ["<p>q</p>"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # named by the user: nothing to warn about
        q = tt.load_questions(tmp_path / "q.csv", columns={"body": "Body.1", "id": "Id.1"})
    assert q["body"].tolist() == ["<p>a</p>"] and q["id"].tolist() == [2]


def test_columns_mapping(strict):
    frame = pd.DataFrame({"Headline": ["a"], "Text": ["<p>b</p>"], "Labels": ["<x>"],
                          "Number": ["9"], "When": ["2020-02-03"], "Votes": ["4"],
                          "Where": ["beer"], "Score": ["100"]})
    q = tt.load_questions(frame, columns={
        "title": "Headline", "body": "text", "tags": "Labels", "id": "Number",
        "creation_date": "When", "score": "Votes", "site": "Where"})
    assert q.iloc[0].tolist()[:3] == [9, "a", "<p>b</p>"]
    assert q["score"][0] == 4 and q["site"][0] == "beer.stackexchange.com"
    assert q["creation_date"][0] == pd.Timestamp("2020-02-03")
    assert tt.load_questions(frame, columns={"title": "Headline", "tags": "Labels",
                                             "score": None})["score"].isna().all()


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ({"titel": "Headline", "tag": "x"},
         r"unknown field\(s\) 'titel', 'tag'; the fields are id"),
        ({"title": "Nope", "body": "Neither", "tags": "Labels"},
         r"missing required columns 'Nope' \(for 'title'\), 'Neither' \(for 'body'\) "
         r"\(found: Headline, Labels\)"),
        ({"tags": 3}, "must map to a column name or None"),
        (["title"], "columns must be a dict"),
    ],
)
def test_bad_columns_mapping(columns, message):
    frame = pd.DataFrame({"Headline": ["a"], "Labels": ["<x>"]})
    with pytest.raises(CorpusError, match=message):
        tt.load_questions(frame, columns=columns)


# --- a 30-question dump, as the small real excerpts are ---------------------------------


def test_thirty_question_dump(tmp_path, strict):
    rows = []
    for i in range(1, 31):
        tags = "|python|pandas|" if i % 2 else "&lt;python&gt;&lt;numpy&gt;"
        tags = tags.replace("&lt;", "<").replace("&gt;", ">")
        date = f"2008-08-{i:02d}T{i % 24:02d}:26:09" + (".000" if i % 3 else ".457")
        rows.append(question(i, f"Question {i}", tags, date=date, close=i % 5 == 0))
        rows += [answer(1000 + 2 * i, i), answer(1001 + 2 * i, i)]
    (tmp_path / "Posts.xml").write_bytes(posts_xml(rows))
    q = tt.load_questions(tmp_path / "Posts.xml")
    assert_schema(q)
    assert q["id"].tolist() == list(range(1, 31))
    assert q["tags"][0] == ["python", "pandas"] and q["tags"][1] == ["python", "numpy"]
    assert q["creation_date"][2] == pd.Timestamp("2008-08-03 03:26:09.457")
    assert q["creation_date"].notna().all() and (q["site"] == "").all()


def test_formats_constant_lists_every_reader():
    for suffix in (".csv", ".tsv", ".parquet", ".json", ".jsonl", ".xml", ".xml.gz",
                   ".xml.bz2", ".xml.zst", ".7z"):
        assert suffix in FORMATS


# --- the real corpus ---------------------------------------------------------------


@pytest.mark.corpus
def test_shared_corpus_has_no_site_and_loads_whole(shared_questions_path, strict):
    q = tt.load_questions(shared_questions_path)
    assert len(q) == 27050 and (q["site"] == "").all()


@pytest.mark.corpus
def test_real_questions_through_a_dump_and_its_archive(shared_questions_path, tmp_path):
    """A sample of the real corpus written as a dump (answers between the
    questions, `.000` dates, `|a|b|` tags) and as its .7z loads the same rows."""
    import libarchive

    q = tt.load_questions(shared_questions_path).sample(400, random_state=0)
    q = q.reset_index(drop=True)
    rows = []
    for i, row in enumerate(q.itertuples()):
        attrs = {"PostTypeId": 1, "Title": row.title, "Body": row.body,
                 "Tags": "|" + "|".join(row.tags) + "|"}
        if not pd.isna(row.id):
            attrs["Id"] = int(row.id)
        if not pd.isna(row.creation_date):
            attrs["CreationDate"] = row.creation_date.strftime("%Y-%m-%dT%H:%M:%S.000")
        if not pd.isna(row.score):
            attrs["Score"] = int(row.score)
        rows += [{**attrs, "close": i % 3 == 0}, answer(10**9 + i, attrs.get("Id", 0))]
    folder = tmp_path / "stackoverflow.com"
    folder.mkdir()
    (folder / "Posts.xml").write_bytes(posts_xml(rows))
    archive = tmp_path / "stackoverflow.com-Posts.7z"
    with libarchive.file_writer(str(archive), "7zip") as writer:
        writer.add_files(str(folder / "Posts.xml"), pathname="Posts.xml")
    expected = q.assign(site=pd.Series(["stackoverflow.com"] * len(q), dtype=object))
    for path in (folder / "Posts.xml", archive):
        pd.testing.assert_frame_equal(tt.load_questions(path), expected)
