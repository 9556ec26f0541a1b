"""topictags.spark in Spark's local mode (``local[2]``) on small corpora in real shapes.

Skipped, with the reason, where PySpark (``pip install "topictags[spark]"``)
or a Java runtime is missing; ``.ci/run`` installs both. One session is
started for the whole test session (about 10-20 s of JVM start), with the
web UI off and few shuffle partitions.
"""

from __future__ import annotations

import os
import subprocess
import sys
from xml.sax.saxutils import quoteattr

import numpy as np
import pandas as pd
import pytest
from conftest import THEMES, make_questions

import topictags as tt
from topictags.errors import CorpusError, DependencyError, ParameterError, TagFormatError
from topictags.tagging import cooccurrence_mapping

# PySpark 4.3 warns at every conversion that pandas 3 is not "fully supported".
pytestmark = [
    pytest.mark.filterwarnings(
        "ignore:PySpark does not yet fully support pandas:FutureWarning",
        "ignore:The copy keyword is deprecated",
    ),
    # One worker runs the whole file under `pytest -n 2` (--dist loadgroup in
    # pyproject.toml): one JVM, not one per worker on a 2-core machine.
    pytest.mark.xdist_group("spark"),
]


def test_import_topictags_spark_does_not_import_pyspark():
    code = ("import sys, topictags, topictags.spark\n"
            "assert 'pyspark' not in sys.modules, 'pyspark imported'\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env, timeout=120)
    assert result.returncode == 0, result.stderr


def test_missing_pyspark_names_the_extra_and_java(monkeypatch):
    import topictags.spark as tts

    monkeypatch.setitem(sys.modules, "pyspark", None)  # import pyspark -> ImportError
    with pytest.raises(DependencyError, match=r'pip install "topictags\[spark\]"') as info:
        tts.read_questions(None, "questions.parquet")
    assert "Java" in str(info.value) and isinstance(info.value, ImportError)


pytest.importorskip("pyspark", reason='needs PySpark: pip install "topictags[spark]"')

from pyspark.sql import functions as F  # noqa: E402

import topictags.spark as tts  # noqa: E402

if tts.find_java() is None:
    pytest.skip("needs a Java runtime (apt-get install openjdk-17-jre-headless)",
                allow_module_level=True)


def test_missing_java_is_said_before_starting(monkeypatch):
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", "")
    with pytest.raises(DependencyError, match="Java"):
        tts.local_session()


@pytest.fixture(scope="session")
def spark():
    session = tts.local_session("local[2]", shuffle_partitions=2,
                                config={"spark.driver.memory": "1g"})
    yield session
    session.stop()


# --- reading ---------------------------------------------------------------------


def _dump_shaped(questions: pd.DataFrame) -> pd.DataFrame:
    """Questions as a Data Explorer/dump table: ``|a|b|`` and ``<a><b>`` tags, ``.000`` dates,
    answers mixed in, an id repeated on the same site and on another, a missing body."""
    rows = []
    for i, q in enumerate(questions.itertuples()):
        tags = "".join(f"<{t}>" for t in q.tags) if i % 2 else "|" + "|".join(q.tags) + "|"
        rows.append({"Id": q.id, "PostTypeId": 1, "Title": q.title,
                     "Body": None if i == 3 else q.body, "Tags": tags,
                     "CreationDate": q.creation_date.strftime("%Y-%m-%dT%H:%M:%S.000"),
                     "Score": q.score,
                     "Link": f"https://{'superuser.com' if i == 5 else 'stackoverflow.com'}"
                             f"/questions/{q.id}"})
        if i % 10 == 0:
            rows.append({"Id": 90_000 + i, "PostTypeId": 2, "Title": None, "Body": "<p>answer</p>",
                         "Tags": None, "CreationDate": "2014-01-24T08:00:00.000", "Score": 1,
                         "Link": None})
    # Same id as row 5 (now on superuser.com) but on stackoverflow.com: kept;
    # the same id as row 0 on its site: dropped, the first one kept.
    rows.append({**rows[0], "Title": "a repeat", "Link": rows[0]["Link"]})
    rows.append({**rows[6], "Id": questions["id"][5], "Link":
                 f"https://stackoverflow.com/questions/{questions['id'][5]}"})
    return pd.DataFrame(rows)


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.sort_values(["site", "id", "title"]).reset_index(drop=True)
    frame["tags"] = frame["tags"].map(list)
    frame["creation_date"] = frame["creation_date"].astype("datetime64[ns]")
    for column in ("id", "score"):
        frame[column] = frame[column].astype("Int64")
    for column in ("title", "body", "site"):
        frame[column] = frame[column].astype(object)
    return frame


def test_read_parquet_normalises_like_load_questions(spark, tmp_path):
    path = tmp_path / "QueryResults.parquet"
    _dump_shaped(make_questions(40)).to_parquet(path)
    sdf = tts.read_questions(spark, str(path))
    assert sdf.schema.simpleString() == (
        "struct<id:bigint,title:string,body:string,tags:array<string>,"
        "creation_date:timestamp_ntz,score:bigint,site:string>")
    with pytest.warns(tt.errors.CorpusWarning, match="repeat"):
        expected = tt.load_questions(path)
    got = _sorted(sdf.toPandas())
    pd.testing.assert_frame_equal(got, _sorted(expected))
    assert len(got) == 41 and "a repeat" not in set(got["title"])  # answers, repeat dropped
    assert set(got["site"]) == {"stackoverflow.com", "superuser.com"}
    assert got["creation_date"].dt.microsecond.eq(0).all()


def test_read_posts_xml_through_the_loaders_parser(spark, tmp_path):
    questions = make_questions(30)
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<posts>"]
    for i, q in enumerate(questions.itertuples()):
        tags = "".join(f"<{t}>" for t in q.tags) if i % 2 else "|" + "|".join(q.tags) + "|"
        attrs = {"Id": q.id, "PostTypeId": 1, "CreationDate":
                 q.creation_date.strftime("%Y-%m-%dT%H:%M:%S") + ".000", "Score": q.score,
                 "Body": q.body.replace("</p>", "</p>\n"), "Title": q.title, "Tags": tags}
        row = " ".join(f"{k}={quoteattr(str(v), {chr(10): '&#xA;'})}" for k, v in attrs.items())
        lines.append(f"  <row {row} />" if i % 3 else f"  <row {row}></row>")
        lines.append(f'  <row Id="{80_000 + i}" PostTypeId="2" ParentId="{q.id}" Score="1" '
                     'Body="&lt;p&gt;an answer&lt;/p&gt;" '
                     'CreationDate="2014-01-24T08:00:00.000" />')
    lines.append("</posts>")
    folder = tmp_path / "beer.stackexchange.com"
    folder.mkdir()
    path = folder / "Posts.xml"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    got = _sorted(tts.read_questions(spark, str(path)).toPandas())
    pd.testing.assert_frame_equal(got, _sorted(tt.load_questions(path)))
    assert len(got) == 30 and set(got["site"]) == {"beer.stackexchange.com"}
    assert "\n" in got["body"][0]  # &#xA; in an attribute is a newline of the body


EXCEL_EU = (
    "\ufeffId;Title;Body;Tags;CreationDate;Score\r\n"
    '1;Grind size for espresso;"<p>Fine, finer; finest &amp; more.</p>\r\n'
    '<pre><code>a = b; c = d, e</code></pre>";<espresso><grinding>;05/11/2009 13:43;5\r\n'
    '2;Milk "microfoam";"<p>Steam; then swirl, pour.</p>";|milk|;17/11/2009 09:01;2\r\n'
    "3;Decaf;<p>How?</p>;<decaf>;01/12/2010 00:00;0\r\n"
)


def test_read_excel_csv_with_day_first_dates_decided_by_the_whole_column(spark, tmp_path):
    # 17/11 proves the column day-first: 05/11 and 01/12 must read day-first too,
    # whichever Spark partition or batch they are in.
    path = tmp_path / "coffee.stackexchange.com.csv"
    path.write_bytes(EXCEL_EU.replace('Milk "microfoam"', '"Milk ""microfoam"""')
                     .encode("utf-8"))
    got = _sorted(tts.read_questions(spark, str(path), sep=";").toPandas())
    expected = _sorted(tt.load_questions(path))
    # Spark's CSV reader turns a quoted field's CRLF into LF (documented).
    assert expected["body"][0].count("\r\n") == 1
    expected["body"] = expected["body"].str.replace("\r\n", "\n")
    pd.testing.assert_frame_equal(got, expected)
    assert got["creation_date"].tolist() == [pd.Timestamp("2009-11-05 13:43"),
                                             pd.Timestamp("2009-11-17 09:01"),
                                             pd.Timestamp("2010-12-01 00:00")]
    assert set(got["site"]) == {"coffee.stackexchange.com"}
    assert "\n" in got["body"][0] and got["title"][1] == 'Milk "microfoam"'


def test_posts_xml_with_a_doctype_is_refused(spark, tmp_path):
    path = tmp_path / "Posts.xml"
    path.write_text('<?xml version="1.0"?>\n<!DOCTYPE posts [<!ENTITY a "b">]>\n<posts>\n'
                    '<row Id="1" PostTypeId="1" Title="&a;" Tags="|x|" />\n</posts>\n')
    sdf = tts.read_questions(spark, str(path))
    with pytest.raises(CorpusError, match="DOCTYPE"):
        tts.fit_topic_tagger(sdf, "nmf", n_topics=2)


def test_bad_input_is_refused_with_the_way_out(spark, tmp_path):
    path = tmp_path / "no_tags.parquet"
    pd.DataFrame({"Id": [1], "Title": ["t"], "Body": ["b"]}).to_parquet(path)
    with pytest.raises(CorpusError, match="missing required column 'Tags'"):
        tts.read_questions(spark, str(path))
    with pytest.raises(CorpusError, match="Spark cannot read this archive.*iter_questions"):
        tts.read_questions(spark, str(tmp_path / "questions.7z"))
    frame = spark.createDataFrame(pd.DataFrame({"title": ["a"], "body": ["b"]}))
    with pytest.raises(CorpusError, match=r"needs the column\(s\) 'tags'.*read_questions"):
        tts.fit_topic_tagger(frame, "nmf", n_topics=2)
    text_tags = spark.createDataFrame(pd.DataFrame({"tags": ["<a><b>"], "suggested_tags": ["a"]}))
    with pytest.raises(CorpusError, match="array<string>"):
        tts.jaccard_score(text_tags)
    bad = tmp_path / "bad_tags.parquet"
    pd.DataFrame({"Id": [7], "Title": ["t"], "Tags": ["<python<pandas>"]}).to_parquet(bad)
    with pytest.raises(TagFormatError, match=r"id 7"):
        tts.jaccard_score(tts.read_questions(spark, str(bad)).withColumn(
            "suggested_tags", F.col("tags")))


# --- fitting ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus(spark, tmp_path_factory):
    path = tmp_path_factory.mktemp("spark") / "questions.parquet"
    questions = make_questions(160)
    shaped = questions.assign(
        tags=["|" + "|".join(t) + "|" for t in questions["tags"]],
        creation_date=questions["creation_date"].dt.strftime("%Y-%m-%d %H:%M:%S.000"),
    )
    shaped.to_parquet(path)
    return tts.read_questions(spark, str(path), site="stackoverflow").repartition(3).cache()


@pytest.fixture(scope="module")
def fitted(corpus):
    taggers = {}
    for method in ("lda", "nmf"):
        timings = {}
        taggers[method] = tts.fit_topic_tagger(
            corpus, method, n_topics=4, n_tags=8, min_df=1, view_topics=None, random_state=0,
            max_iter=20 if method == "lda" else None, sample_size=100, timings=timings)
        assert {"tags", "clean", "vectorize", "fit", "infer", "mapping"} <= set(timings)
    return taggers


@pytest.mark.parametrize("method", ["lda", "nmf"])
def test_fitted_tagger_is_an_ordinary_topic_tagger(fitted, corpus, method, tmp_path):
    tagger = fitted[method]
    reference = tt.TopicTagger(method, n_topics=4, n_tags=8, min_df=1, view_topics=None,
                               random_state=0).fit(make_questions(40))
    assert set(tagger.__dict__) == set(reference.__dict__)
    # The topics are the four themes of the corpus, by their terms.
    themes = {tags: set(words.split()) for tags, words in THEMES.items()}
    found = {max(themes, key=lambda t: len(themes[t] & set(terms)))
             for terms in tagger.topics(n_terms=5)["terms"]}
    assert found == set(THEMES)
    # The bounded sample, and the tag vocabulary of the whole frame.
    assert len(tagger.train_questions_) == 100 == len(tagger.doc_topic_)
    assert tagger.doc_topic_.shape == (100, 4) and tagger.doc_topic_.dtype == np.float32
    assert tagger.tag_counts_.sum() == corpus.selectExpr("size(tags) AS n").groupBy().sum() \
        .first()[0]
    saved = tagger.save(tmp_path / "spark.topictags")
    loaded = tt.load(saved)
    text = ["How do I merge two pandas DataFrames on a column?", "Center a div with css"]
    assert loaded.suggest_tags(text, k=2) == tagger.suggest_tags(text, k=2)
    assert loaded.suggest_tags(text, k=2)[0][0] in ("pandas", "python")
    assert loaded.topics().shape[0] == 4
    page = loaded.save_ldavis(tmp_path / "topics.html")
    assert "LDAvis" in page.read_text(encoding="utf-8")
    assert len(loaded.visualize_prevalence().axes) == 1
    assert loaded.with_mapping("cooccurrence").suggest_tags(text[1], k=1) == ["css"]


def test_the_sample_is_seeded_and_independent_of_partitioning(fitted, corpus):
    again = tts.fit_topic_tagger(corpus.repartition(1), "nmf", n_topics=4, n_tags=8, min_df=1,
                                 view_topics=None, random_state=0, sample_size=100)
    first = fitted["nmf"]
    assert again.train_questions_["id"].tolist() == first.train_questions_["id"].tolist()
    np.testing.assert_allclose(again.model_.components_, first.model_.components_)
    # Another seed, another sample: the smallest hashes of seed 1 are other questions.
    hashes = tts.clean_questions(first, corpus, seed=1).select(
        "id", "__topictags_hash__").toPandas()
    other = hashes.sort_values("__topictags_hash__")["id"][:100]
    assert set(other) != set(first.train_questions_["id"])
    assert len(set(first.train_questions_["id"])) == 100  # no question twice


@pytest.fixture(scope="module")
def mixtures(fitted, corpus):
    tagger = fitted["lda"]
    docs = tts.clean_questions(tagger, corpus.withColumn(
        "tags", F.concat("tags", F.slice("tags", 1, 1))))  # a tag repeated in every question
    return tts.infer_mixtures(tagger, docs).cache()


@pytest.mark.parametrize("lift", [0.0, 0.5])
def test_cooccurrence_aggregation_equals_the_in_memory_function(fitted, mixtures, lift):
    tagger = fitted["lda"]
    got = tts.cooccurrence_mapping(mixtures, tagger.tags_, lift=lift)
    rows = mixtures.select("theta", "tags").toPandas()
    theta = np.array(rows["theta"].tolist())
    expected = cooccurrence_mapping(theta, tagger.binarize(rows["tags"].map(list)), lift=lift)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-10)
    assert np.abs(expected).max() > 0.1


def test_the_fitted_mapping_is_the_aggregation_of_every_question(fitted, mixtures):
    # fit_topic_tagger's co-occurrence mapping is that of all 160 questions
    # (a repeated tag counts once), not of the 100 of the sample.
    tagger = fitted["lda"]
    np.testing.assert_allclose(
        tts.cooccurrence_mapping(mixtures, tagger.tags_, lift=tagger.lift),
        tagger.cooccurrence_, atol=1e-10)
    assert mixtures.count() == 160


# --- suggesting and scoring ----------------------------------------------------


@pytest.mark.parametrize("method", ["lda", "nmf"])
def test_suggest_tags_equals_the_in_memory_tagger(fitted, corpus, method):
    tagger = fitted[method]
    # NMF's inference stops on the progress of the whole batch: one batch
    # holding the frame in memory's order gives the in-memory batch exactly.
    frame = corpus.coalesce(1) if method == "nmf" else corpus
    out = tts.suggest_tags(tagger, frame, k=3).toPandas()
    assert out.columns.tolist() == [*corpus.columns, "suggested_tags"]
    got = [list(t) for t in out["suggested_tags"]]
    assert got == tagger.suggest_tags(out[["title", "body"]], k=3)
    assert tts.jaccard_score(spark_frame(corpus, out)) == pytest.approx(
        tt.jaccard_score(out["tags"].map(list).tolist(), got), abs=1e-12)


def spark_frame(corpus, pandas_frame):
    return corpus.sparkSession.createDataFrame(pandas_frame[["tags", "suggested_tags"]])


def test_an_in_memory_tagger_suggests_on_spark(spark, corpus):
    tagger = tt.TopicTagger("lda", n_topics=4, n_tags=8, min_df=1, view_topics=None,
                            random_state=0).fit(make_questions(120))
    out = tts.suggest_tags(tagger, corpus, k=2).toPandas()
    assert [list(t) for t in out["suggested_tags"]] == tagger.suggest_tags(
        out[["title", "body"]], k=2)
    result = tts.evaluate(tagger, corpus, k=2)
    expected = tt.evaluate(tagger, out.drop(columns="suggested_tags"), k=2)
    for name in ("jaccard", "precision@k", "recall@k", "f1", "n_questions"):
        assert result[name] == pytest.approx(expected[name], abs=1e-12), name


def test_jaccard_conventions_match_topictags_metrics(spark):
    true = [["python", "pandas"], [], [], ["css"], ["a", "a", "b"], ["x"]]
    pred = [["python", "numpy"], [], ["css"], [], ["a", "b", "b"], ["y", "x", "z"]]
    frame = spark.createDataFrame(pd.DataFrame({"tags": true, "suggested_tags": pred}),
                                  "tags array<string>, suggested_tags array<string>")
    assert tts.jaccard_score(frame) == pytest.approx(tt.jaccard_score(true, pred), abs=1e-15)
    for k in (None, 3):
        got = tts.tag_scores(frame, k=k)
        for name, value in tt.tag_scores(true, pred, k=k).items():
            assert got[name] == pytest.approx(value, abs=1e-15), (name, k)
    nulls = spark.createDataFrame([(["a"], None)], "tags array<string>, suggested_tags "
                                                   "array<string>")
    with pytest.raises(TagFormatError, match="null"):
        tts.jaccard_score(nulls)
    with pytest.raises(ParameterError, match="no question"):
        tts.jaccard_score(frame.limit(0))
