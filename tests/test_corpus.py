import pandas as pd
import pytest

import topictags as tt
from topictags.corpus import QUESTION_COLUMNS, parse_tags
from topictags.errors import CorpusError, TagFormatError

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


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("<python><Pandas>", ["python", "pandas"]),
        ("|c#|.net|", ["c#", ".net"]),
        ("python|pandas|python", ["python", "pandas"]),
        ("python pandas", ["python", "pandas"]),
        ("python, pandas", ["python", "pandas"]),
        ("['python', 'node.js']", ["python", "node.js"]),
        (["C++", " objective-c "], ["c++", "objective-c"]),
        (("asp.net-core",), ["asp.net-core"]),
        (None, []),
        (float("nan"), []),
        ("", []),
    ],
)
def test_parse_tags_formats(value, expected):
    assert parse_tags(value) == expected


@pytest.mark.parametrize(
    "value",
    ["<python<pandas>", "<python>pandas", "<py thon>", "['a', 3]", "[oops", 3.5, {"a": 1}, [1, 2]],
)
def test_malformed_tags_are_clear_errors(value):
    with pytest.raises(TagFormatError):
        parse_tags(value)


def test_data_explorer_csv(tmp_path):
    path = tmp_path / "QueryResults.csv"
    path.write_text(EXPLORER_CSV)
    q = tt.load_questions(path)
    assert list(q.columns) == list(QUESTION_COLUMNS)
    assert q["id"].tolist() == [1, 3]  # the answer (PostTypeId 2) is dropped
    assert q["tags"].tolist() == [["python", "pandas"], ["css", "html"]]
    assert str(q["id"].dtype) == "Int64" and str(q["score"].dtype) == "Int64"
    assert q["score"].isna().tolist() == [False, True]
    assert q["creation_date"].dt.year.tolist() == [2011, 2012]
    assert q["body"][0] == "<p>How to <code>merge</code>?</p>"


def test_posts_xml_streamed_questions_only(tmp_path):
    path = tmp_path / "Posts.xml"
    path.write_text(POSTS_XML)
    q = tt.load_questions(path)
    assert q["id"].tolist() == [4, 9]
    assert q["tags"].tolist() == [["c#", "floating-point"], ["c#", ".net", "datetime"]]
    assert q["body"][0] == "<p>How do I convert a <b>Double</b>?</p>"


BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<posts><row Id="1" PostTypeId="1" Title="&lol3;" Body="x" Tags="&lt;a&gt;" /></posts>
"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE posts [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<posts><row Id="1" PostTypeId="1" Title="&xxe;" Body="x" Tags="&lt;a&gt;" /></posts>
"""


@pytest.mark.parametrize("xml", [BOMB, EXTERNAL])
def test_hostile_xml_is_refused(tmp_path, xml):
    path = tmp_path / "Posts.xml"
    path.write_text(xml)
    with pytest.raises(CorpusError, match="Posts.xml: refused unsafe XML"):
        tt.load_questions(path)


def test_malformed_xml(tmp_path):
    path = tmp_path / "Posts.xml"
    path.write_text("<posts><row Id='1'")
    with pytest.raises(CorpusError, match="malformed XML"):
        tt.load_questions(path)


def test_parquet_glob_and_duplicates(tmp_path):
    pd.DataFrame({"id": [1, 2], "title": ["a", "b"], "tags": ["x|y", "z"]}).to_parquet(
        tmp_path / "part1.parquet"
    )
    pd.DataFrame({"id": [2, 3], "title": ["b again", "c"], "tags": ["z", "w"]}).to_parquet(
        tmp_path / "part2.parquet"
    )
    q = tt.load_questions(str(tmp_path / "part*.parquet"))
    assert q["id"].tolist() == [1, 2, 3]
    assert q["title"].tolist() == ["a", "b", "c"]  # first copy of id 2 wins
    assert q["body"].tolist() == ["", "", ""]
    both = tt.load_questions(
        [tmp_path / "part1.parquet", tmp_path / "part2.parquet"], drop_duplicates=False
    )
    assert len(both) == 4


def test_dataframe_with_list_tags_and_custom_tag_column():
    frame = pd.DataFrame({"Title": ["t"], "Body": ["<p>b</p>"], "Labels": [["Python"]]})
    q = tt.load_questions(frame, tags_column="Labels")
    assert q["tags"].tolist() == [["python"]] and q["id"].isna().all()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Id,Title,Body\n1,a,b\n", r"missing required column 'Tags' \(found: Id, Title, Body\)"),
        ("Id,Tags\n1,<a>\n", "needs a 'Title' or 'Body' column"),
        ("", "empty"),
        ("Id,Title,Tags\n", "no questions"),
        ("Id,Title,Tags\n1,a,<a<b>\n", "row 1: malformed tags"),
    ],
)
def test_bad_csv_names_file_and_problem(tmp_path, content, message):
    path = tmp_path / "QueryResults.csv"
    path.write_text(content)
    with pytest.raises(CorpusError, match=message) as info:
        tt.load_questions(path)
    assert "QueryResults.csv" in str(info.value)


def test_invalid_utf8(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"Id,Title,Tags\n1,caf\xe9,<a>\n")
    with pytest.raises(CorpusError, match="bad.csv: not valid UTF-8"):
        tt.load_questions(path)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("missing.csv", "no such file"),
        ("nothing*.csv", "no file matches"),
        ("notes.txt", "unknown file type"),
    ],
)
def test_bad_paths(tmp_path, monkeypatch, source, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(CorpusError, match=message):
        tt.load_questions(source)


def test_huge_body_loads(tmp_path):
    body = "<p>" + "x" * 1_000_000 + "</p>"
    pd.DataFrame({"Title": ["t"], "Body": [body], "Tags": ["<a>"]}).to_csv(tmp_path / "big.csv")
    assert len(tt.load_questions(tmp_path / "big.csv")["body"][0]) == len(body)


def test_split_is_seeded_and_disjoint(questions):
    a_train, a_test = tt.train_test_split(questions, test_size=0.25, random_state=3)
    b_train, b_test = tt.train_test_split(questions, test_size=0.25, random_state=3)
    c_train, _ = tt.train_test_split(questions, test_size=0.25, random_state=4)
    assert a_test["id"].tolist() == b_test["id"].tolist()
    assert a_train["id"].tolist() != c_train["id"].tolist()
    assert len(a_test) == 40 and set(a_train["id"]).isdisjoint(a_test["id"])
    assert tt.train_test_split(questions, test_size=10, random_state=0)[1].shape[0] == 10
    with pytest.raises(ValueError, match="test_size"):
        tt.train_test_split(questions, test_size=1.5)


@pytest.mark.corpus
def test_shared_corpus_loads(shared_questions_path):
    q = tt.load_questions(shared_questions_path)
    assert len(q) == 27050 and list(q.columns) == list(QUESTION_COLUMNS)
    assert q["tags"].map(len).min() >= 1
    assert q["id"].notna().sum() == 26646
