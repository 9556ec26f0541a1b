import doctest
import json

import numpy as np
import pandas as pd
import pytest

import topictags as tt
from topictags.corpus import QUESTION_COLUMNS, _load, _split, _tags, parse_tags
from topictags.errors import CorpusError, CorpusWarning, TagFormatError

EXPLORER_CSV = """Id,Title,Body,Tags,CreationDate,Score,PostTypeId
1,Merge DataFrames,"<p>How to <code>merge</code>?</p>",<python><Pandas>,2011-03-01 10:00:00,5,1
2,,"<p>an answer</p>",,2011-03-01 11:00:00,2,2
3,CSS float,"<p>float &amp; clear</p>",<css><html>,2012-01-02T08:00:00,,1
"""

POSTS_XML = """<?xml version="1.0" encoding="utf-8"?>
<posts>
  <row Id="4" PostTypeId="1" CreationDate="2008-07-31T21:42:52.667" Score="10"
       Body="&lt;p&gt;How do I convert a &lt;b&gt;Double&lt;/b&gt;?&lt;/p&gt;"
       Title="Convert Decimal to Double?" Tags="&lt;c#&gt;&lt;floating-point&gt;" />
  <row Id="7" PostTypeId="2" ParentId="4" Body="&lt;p&gt;answer&lt;/p&gt;" Score="3" />
  <row Id="9" PostTypeId="1" Title="Age from birthday" Body="&lt;p&gt;age&lt;/p&gt;"
       Tags="|c#|.net|datetime|" CreationDate="2008-07-31T23:40:59.743" Score="2" />
</posts>
"""

BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<posts><row Id="1" PostTypeId="1" Title="&lol3;" Body="x" Tags="&lt;a&gt;" /></posts>
"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE posts [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<posts><row Id="1" PostTypeId="1" Title="&xxe;" Body="x" Tags="&lt;a&gt;" /></posts>
"""


def assert_schema(q):
    assert list(q.columns) == list(QUESTION_COLUMNS)
    assert isinstance(q.index, pd.RangeIndex) and q.index.start == 0
    assert str(q["id"].dtype) == "Int64" and str(q["score"].dtype) == "Int64"
    assert q["creation_date"].dtype == "datetime64[ns]"
    for column in ("title", "body"):
        assert q[column].map(type).eq(str).all()
    assert q["tags"].map(type).eq(list).all()


# --- parse_tags -------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("<python><Pandas>", ["python", "pandas"]),
        ("<python> <pandas>", ["python", "pandas"]),
        ("<c#><.net><c#>", ["c#", ".net"]),
        ("|c#|.net|", ["c#", ".net"]),
        ("python|pandas|python", ["python", "pandas"]),
        ("python pandas", ["python", "pandas"]),
        ("python, pandas", ["python", "pandas"]),
        (" Node.js ", ["node.js"]),
        ("['python', 'node.js']", ["python", "node.js"]),
        ("('c++',)", ["c++"]),
        (["C++", " objective-c ", ""], ["c++", "objective-c"]),
        (("asp.net-core",), ["asp.net-core"]),
        (np.array(["Python", "python"]), ["python"]),
        (None, []),
        (pd.NA, []),
        (float("nan"), []),
        (np.float32("nan"), []),
        ("", []),
        ("   ", []),
        ([], []),
    ],
)
def test_parse_tags_formats(value, expected):
    assert parse_tags(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("<python<pandas>", "malformed tags"),
        ("<python>pandas", "malformed tags"),
        ("<python><pandas", "malformed tags"),
        ("<>", "malformed tags"),
        ("<py thon>", "malformed tags"),
        ("['a', 3]", "holds a int"),
        ("['a b']", "white space"),
        ("[oops", "malformed tag list"),
        ("[{[]: 1}]", "malformed tag list"),
        ("[1][2]", "malformed tag list"),
        (3.5, "got float"),
        ({"a": 1}, "got dict"),
        ([1, 2], "holds a int"),
        (["machine learning"], "white space"),
        (np.array([["a"]]), "2-d array"),
        (np.array("a"), "0-d array"),
    ],
)
def test_malformed_tags_are_clear_errors(value, message):
    with pytest.raises(TagFormatError, match=message):
        parse_tags(value)


def test_tag_error_value_is_truncated():
    with pytest.raises(TagFormatError) as info:
        parse_tags("<" + "x" * 10_000)
    assert len(str(info.value)) < 200


# --- formats ----------------------------------------------------------------


def test_data_explorer_csv(tmp_path):
    path = tmp_path / "QueryResults.csv"
    path.write_text(EXPLORER_CSV)
    q = tt.load_questions(path)
    assert_schema(q)
    assert q["id"].tolist() == [1, 3]  # the answer (PostTypeId 2) is dropped
    assert q["tags"].tolist() == [["python", "pandas"], ["css", "html"]]
    assert q["score"].isna().tolist() == [False, True]
    assert q["creation_date"].tolist() == [
        pd.Timestamp("2011-03-01 10:00"),
        pd.Timestamp("2012-01-02 08:00"),
    ]
    assert q["body"][0] == "<p>How to <code>merge</code>?</p>"


def test_csv_with_byte_order_mark_and_tsv(tmp_path):
    (tmp_path / "excel.csv").write_bytes(b"\xef\xbb\xbfId,Title,Tags\n5,t,<a>\n")
    assert tt.load_questions(tmp_path / "excel.csv")["id"].tolist() == [5]
    (tmp_path / "q.tsv").write_text("ID\tTITLE\tTAGS\n6\ta, b\tx y\n")
    q = tt.load_questions(tmp_path / "q.tsv")
    assert q["title"].tolist() == ["a, b"] and q["tags"].tolist() == [["x", "y"]]


def test_posts_xml_streamed_questions_only(tmp_path):
    path = tmp_path / "Posts.xml"
    path.write_text(POSTS_XML)
    q = tt.load_questions(path)
    assert_schema(q)
    assert q["id"].tolist() == [4, 9]
    assert q["tags"].tolist() == [["c#", "floating-point"], ["c#", ".net", "datetime"]]
    assert q["body"][0] == "<p>How do I convert a <b>Double</b>?</p>"
    assert q["creation_date"][0] == pd.Timestamp("2008-07-31 21:42:52.667")


def test_posts_xml_with_only_answers_has_no_questions(tmp_path):
    path = tmp_path / "Posts.xml"
    path.write_text('<posts><row Id="1" PostTypeId="2" Body="x" /></posts>')
    with pytest.raises(CorpusError, match="Posts.xml: no questions"):
        tt.load_questions(path)


@pytest.mark.parametrize("xml", [BOMB, EXTERNAL])
def test_hostile_xml_is_refused(tmp_path, xml):
    path = tmp_path / "Posts.xml"
    path.write_text(xml)
    with pytest.raises(CorpusError, match="Posts.xml: refused unsafe XML"):
        tt.load_questions(path)


@pytest.mark.parametrize("content", [b"<posts><row Id='1'", b"", b"<posts>\xff</posts>"])
def test_malformed_xml(tmp_path, content):
    path = tmp_path / "Posts.xml"
    path.write_bytes(content)
    with pytest.raises(CorpusError, match="Posts.xml: malformed XML"):
        tt.load_questions(path)


def test_parquet_glob_and_duplicates(tmp_path):
    pd.DataFrame({"id": [1, 2], "title": ["a", "b"], "tags": ["x|y", "z"]}).to_parquet(
        tmp_path / "part1.parquet"
    )
    pd.DataFrame({"id": [2, 3], "title": ["b again", "c"], "tags": ["z", "w"]}).to_parquet(
        tmp_path / "part2.parquet"
    )
    with pytest.warns(CorpusWarning, match=r"1 question\(s\) repeat an id .* \(such as id 2\)"):
        q = tt.load_questions(str(tmp_path / "part*.parquet"))
    assert_schema(q)
    assert q["id"].tolist() == [1, 2, 3]
    assert q["title"].tolist() == ["a", "b", "c"]  # first copy of id 2 wins
    assert q["body"].tolist() == ["", "", ""]
    assert q["creation_date"].isna().all()
    both = tt.load_questions(
        [tmp_path / "part1.parquet", tmp_path / "part2.parquet"], drop_duplicates=False
    )
    assert len(both) == 4


def test_rows_without_id_are_never_duplicates():
    frame = pd.DataFrame({"Id": [None, None, 1, 1], "Title": list("abcd"), "Tags": ["x"] * 4})
    with pytest.warns(CorpusWarning, match="1 question"):
        assert tt.load_questions(frame)["title"].tolist() == ["a", "b", "c"]


def test_dataframe_with_list_tags_and_custom_tag_column():
    frame = pd.DataFrame(
        {"Title": ["t"], "Body": ["<p>b</p>"], "Labels": [["Python"]], "Views": [3]}
    )
    q = tt.load_questions(frame, tags_column="labels")
    assert_schema(q)
    assert q["tags"].tolist() == [["python"]] and q["id"].isna().all()


def test_stack_exchange_api_json_and_jsonl(tmp_path):
    items = [
        {"question_id": 11, "title": "t", "body": "<p>b</p>", "tags": ["Python", "pandas"],
         "creation_date": 1234567890, "score": 4},
        {"question_id": 12, "title": "u", "tags": [], "creation_date": 1234567891, "score": 0},
    ]
    (tmp_path / "api.json").write_text(json.dumps({"items": items, "has_more": False}))
    q = tt.load_questions(tmp_path / "api.json")
    assert_schema(q)
    assert q["id"].tolist() == [11, 12] and q["body"].tolist() == ["<p>b</p>", ""]
    assert q["creation_date"][0] == pd.Timestamp("2009-02-13 23:31:30")  # Unix seconds
    (tmp_path / "api.jsonl").write_text("\n".join(json.dumps(i) for i in items) + "\n")
    assert tt.load_questions(tmp_path / "api.jsonl")["tags"].tolist() == [["python", "pandas"], []]


def test_stack_exchange_api_titles_are_unescaped(tmp_path):
    # The API escapes titles as HTML; other sources do not, so only API responses change.
    items = [{"question_id": 1, "title": "Can&#39;t use &lt;T&gt; &amp; co", "tags": ["c#"]}]
    (tmp_path / "api.json").write_text(json.dumps({"items": items}))
    assert tt.load_questions(tmp_path / "api.json")["title"].tolist() == ["Can't use <T> & co"]
    (tmp_path / "plain.json").write_text(json.dumps(items))
    assert tt.load_questions(tmp_path / "plain.json")["title"].tolist() == [items[0]["title"]]


def test_stray_values_become_missing():
    frame = pd.DataFrame(
        {
            "Id": ["1", "x", "2.5", "1e400"],
            "Title": [None, 3, "t", "u"],
            "Tags": ["a"] * 4,
            "CreationDate": ["2020-01-01T00:00:00+02:00", "soon", "9999-01-01", None],
            "Score": ["-2", "", "many", None],
        }
    )
    q = tt.load_questions(frame)
    assert q["id"].isna().tolist() == [False, True, True, True]
    assert q["title"].tolist() == ["", "3", "t", "u"]
    assert q["creation_date"][0] == pd.Timestamp("2019-12-31 22:00")  # to UTC, then naive
    assert q["creation_date"][1:].isna().all()  # year 9999 does not fit datetime64[ns]
    assert q["score"].tolist()[0] == -2 and q["score"][1:].isna().all()


def test_huge_body_loads(tmp_path):
    body = "<p>" + "x" * 1_000_000 + "</p>"
    pd.DataFrame({"Title": ["t"], "Body": [body], "Tags": ["<a>"]}).to_csv(tmp_path / "big.csv")
    assert len(tt.load_questions(tmp_path / "big.csv")["body"][0]) == len(body)


# --- errors name the file and the problem -------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Id,Title,Body\n1,a,b\n", r"missing required column 'Tags' \(found: Id, Title, Body\)"),
        ("Id,Tags\n1,<a>\n", r"needs a 'Title' or 'Body' column \(found: Id, Tags\)"),
        ("", "the file is empty"),
        ("Id,Title,Tags\n", "no questions"),
        ("Id,Title,Tags,PostTypeId\n1,a,<a>,2\n", "no questions"),
        ("Id,Title,Tags\n1,a,<a<b>\n", r"row 1 \(id 1\): malformed tags '<a<b>'"),
        ("Id,Title,Tags\n,a,<a<b>\n", "row 1: malformed tags"),
        # Row numbers count the rows of the file, answers included.
        ("Id,Title,Tags,PostTypeId\n1,a,<a>,2\n3,b,<b>c,1\n", r"row 2 \(id 3\): malformed"),
        ("Id,Title,TAGS,tags\n1,a,<a>,<b>\n", "columns 'TAGS' and 'tags' are ambiguous"),
        ('Id,Title,Tags\n1,"a,<a>\n', "cannot be read"),
        # pandas would shift the columns into an index; this must not pass silently.
        ("Id,Title,Tags\n1,a,<a>,x,y\n", "a row has more fields than the header"),
        ("Id,Title,Tags\n1,a,<a>,x\n2,b,<b>\n", "a row has more fields than the header"),
        ("Id,Title,Tags\n1,a,<a>\n2,b,<b>,x\n", "cannot be read"),
    ],
)
def test_bad_csv_names_file_and_problem(tmp_path, content, message):
    path = tmp_path / "QueryResults.csv"
    path.write_text(content)
    with pytest.raises(CorpusError, match=message) as info:
        tt.load_questions(path)
    assert "QueryResults.csv" in str(info.value)


def test_missing_custom_tags_column_is_named(tmp_path):
    with pytest.raises(CorpusError, match=r"DataFrame: missing required column 'Labels'"):
        tt.load_questions(pd.DataFrame({"Title": ["t"], "Tags": ["a"]}), tags_column="Labels")


def test_invalid_utf8(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"Id,Title,Tags\n1,caf\xe9,<a>\n")
    with pytest.raises(CorpusError, match="bad.csv: not valid UTF-8 at byte 19"):
        tt.load_questions(path)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("broken.parquet", b"PAR1 not really", "broken.parquet: cannot be read"),
        ("broken.json", b"{", "broken.json: cannot be read"),
        ("numbers.json", b"[1, 2]", "numbers.json: expected a list of objects"),
        ("deep.json", b"[" * 100_000, "deep.json: cannot be read"),
        ("scalar.json", b"3", "scalar.json: expected a list of objects, got a JSON int"),
    ],
)
def test_damaged_files(tmp_path, name, content, message):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(CorpusError, match=message):
        tt.load_questions(tmp_path / name)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("missing.csv", "missing.csv: no such file"),
        ("nothing*.csv", "nothing\\*.csv: no file matches"),
        ("notes.txt", "notes.txt: unknown file type .txt"),
        ("folder", "folder: is a folder"),
        ("x" * 5000 + ".csv", "no such file"),
        ("nul\x00.csv", "no such file"),
        ([], "no corpus file given"),
        (3, "got int"),
        ([3], "expected a path, got int"),
        (b"q.csv", "got bytes"),
    ],
)
def test_bad_sources(tmp_path, monkeypatch, source, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "folder").mkdir()
    with pytest.raises(CorpusError, match=message):
        tt.load_questions(source)


def test_empty_dataframe_has_no_questions():
    with pytest.raises(CorpusError, match="DataFrame: no questions"):
        tt.load_questions(pd.DataFrame({"title": [], "tags": []}))


# --- split ---------------------------------------------------------------------


def test_split_is_seeded_and_disjoint(questions):
    a_train, a_test = tt.train_test_split(questions, test_size=0.25, random_state=3)
    b_train, b_test = tt.train_test_split(questions, test_size=0.25, random_state=3)
    c_train, _ = tt.train_test_split(questions, test_size=0.25, random_state=4)
    assert a_test["id"].tolist() == b_test["id"].tolist()
    assert a_train["id"].tolist() != c_train["id"].tolist()
    assert len(a_test) == 40 and set(a_train["id"]).isdisjoint(a_test["id"])
    assert set(a_train["id"]) | set(a_test["id"]) == set(questions["id"])
    assert isinstance(a_train.index, pd.RangeIndex)
    assert tt.train_test_split(questions, test_size=10, random_state=0)[1].shape[0] == 10


def test_split_returns_copies(questions):
    train, _ = tt.train_test_split(questions, random_state=0)
    before = questions.copy(deep=True)
    train.loc[0, "title"] = "changed"
    pd.testing.assert_frame_equal(questions, before)


@pytest.mark.parametrize(
    ("data", "test_size", "error", "message"),
    [
        ("frame", 1.5, ValueError, "test_size must be a float in \\(0, 1\\) or an int"),
        ("frame", 0.0, ValueError, "test_size must be"),
        ("frame", True, ValueError, "test_size must be"),
        ("frame", "0.2", ValueError, "test_size must be"),
        ("frame", 160, ValueError, "leaves an empty part"),
        ("frame", 0.001, ValueError, "leaves an empty part"),
        ("empty", 0.2, CorpusError, "cannot split 0 question"),
        ("list", 0.2, CorpusError, "expected a DataFrame"),
    ],
)
def test_split_validates(questions, data, test_size, error, message):
    source = {"frame": questions, "empty": questions.iloc[:0], "list": [1, 2, 3]}[data]
    with pytest.raises(error, match=message):
        tt.train_test_split(source, test_size=test_size)


@pytest.mark.parametrize("module", [_load, _split, _tags])
def test_docstring_examples(module):
    assert doctest.testmod(module).failed == 0


@pytest.mark.corpus
def test_shared_corpus_loads(shared_questions_path):
    q = tt.load_questions(shared_questions_path)
    assert len(q) == 27050
    assert_schema(q)
    assert q["tags"].map(len).min() >= 1
    assert q["id"].notna().sum() == 26646
    assert q["creation_date"].notna().sum() > 26000
