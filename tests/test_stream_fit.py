"""Streamed fit (issue 12 part 2): fit on chunks, partial_fit, bounded state, CLI --chunksize."""

from __future__ import annotations

import os
from xml.sax.saxutils import quoteattr

import numpy as np
import pandas as pd
import pytest
from conftest import make_questions
from scipy import sparse

import topictags as tt
from topictags.errors import CorpusError, ParameterError
from topictags.tagging import _stream as stream_module
from topictags.tagging import cooccurrence_mapping
from topictags.tagging._stream import CooccurrenceSums


def write_posts(path, questions: pd.DataFrame):
    """A dump-shaped Posts.xml: .000 dates, |a|b| tags, an answer after every second question."""
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<posts>"]
    answer = 10**6
    for i, q in enumerate(questions.itertuples(index=False)):
        date = q.creation_date.strftime("%Y-%m-%dT%H:%M:%S") + ".000"
        lines.append(
            f'  <row Id="{q.id}" PostTypeId="1" CreationDate="{date}" Score="{q.score}" '
            f'Body={quoteattr(q.body)} Title={quoteattr(q.title)} '
            f'Tags={quoteattr("|" + "|".join(q.tags) + "|")} AnswerCount="1" />'
        )
        if i % 2:
            lines.append(f'  <row Id="{answer + i}" PostTypeId="2" ParentId="{q.id}" '
                         'CreationDate="2014-01-22T08:00:00.000" Score="2" '
                         'Body="&lt;p&gt;An answer&lt;/p&gt;" />')
    lines.append("</posts>")
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def posts(tmp_path_factory):
    return write_posts(tmp_path_factory.mktemp("dump") / "Posts.xml", make_questions(240))


def tagger(**params):
    defaults = dict(n_topics=4, view_topics=None, random_state=0)
    return tt.TopicTagger(**{**defaults, **params})


def test_one_chunk_gives_the_in_memory_vocabulary_idf_and_cooccurrence(posts):
    questions = tt.load_questions(posts)
    memory = tagger(mapping="cooccurrence").fit(questions)
    streamed = tagger(mapping="cooccurrence").fit(tt.iter_questions(posts, chunksize=10_000))
    assert streamed.stream_["n_questions"] == len(questions)
    assert streamed.model_.feature_names_.tolist() == memory.model_.feature_names_.tolist()
    np.testing.assert_allclose(streamed.model_.vectorizer_.idf_, memory.model_.vectorizer_.idf_)
    np.testing.assert_array_equal(streamed.term_frequency_, memory.term_frequency_)
    assert streamed.tags_.tolist() == memory.tags_.tolist()
    docs = memory.documents(questions)
    diff = memory.model_.vectorize(docs) - streamed.model_.vectorize(docs)
    assert abs(diff).max() < 1e-12
    # The co-occurrence sums over the streamed model's mixtures of every question.
    theta = streamed.transform(questions)
    expected = cooccurrence_mapping(theta, streamed.binarize(questions["tags"]), lift=0.5)
    np.testing.assert_allclose(streamed.cooccurrence_, expected, rtol=1e-6, atol=1e-9)


def test_cooccurrence_sums_equal_the_in_memory_mapping():
    rng = np.random.default_rng(0)
    theta = rng.dirichlet(np.ones(5), size=200)
    theta[7] = 0.0  # a question with no known term
    labels = sparse.csr_matrix(rng.random((200, 6)) < 0.3, dtype=np.float64)
    sums = CooccurrenceSums(5, 6)
    for lo in range(0, 200, 37):
        sums.add(theta[lo:lo + 37], labels[lo:lo + 37])
    for lift in (0.0, 0.5, 1.0):
        np.testing.assert_allclose(sums.mapping(lift), cooccurrence_mapping(theta, labels,
                                                                            lift=lift))


@pytest.mark.parametrize("method", ["nmf", "lda"])
def test_streamed_fit_tags_and_is_deterministic(posts, method):
    questions = tt.load_questions(posts)
    a = tagger(method=method).fit(tt.iter_questions(posts, chunksize=50))
    b = tagger(method=method).fit(tt.iter_questions(posts, chunksize=50))
    np.testing.assert_array_equal(a.model_.components_, b.model_.components_)
    np.testing.assert_array_equal(a.doc_topic_, b.doc_topic_)
    assert a.suggest_tags(questions) == b.suggest_tags(questions)
    assert a.score(questions) > 0.5  # four clear themes: tagged well


def test_streamed_state_is_bounded(posts, tmp_path, monkeypatch):
    monkeypatch.setattr(stream_module, "STREAM_SAMPLE", 60)
    small = make_questions(240, seed=1)
    large = pd.concat([make_questions(240, seed=s) for s in (1, 2, 3)], ignore_index=True)
    large["id"] = np.arange(len(large))
    fitted = []
    for frame in (small, large):
        path = write_posts(tmp_path / f"{len(frame)}.xml", frame)
        model = tagger().fit(tt.iter_questions(path, chunksize=40))
        assert model.stream_["n_questions"] == len(frame)
        model.save(tmp_path / f"{len(frame)}.tt")
        fitted.append((model, os.path.getsize(tmp_path / f"{len(frame)}.tt")))
    (a, size_a), (b, size_b) = fitted
    for name in ("doc_topic_", "doc_lengths_"):
        assert getattr(a, name).shape == getattr(b, name).shape
    assert len(a.train_questions_) == len(b.train_questions_) == 60
    # The over-time chart reads the sample, and says so.
    title = b.visualize_over_time(min_questions=1).axes[0].get_title()
    assert "sample of 60 of the 720 training questions" in title
    assert size_b < 1.2 * size_a


def test_every_view_works_on_a_streamed_tagger(posts, tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    questions = tt.load_questions(posts)
    model = tagger(n_topics=6, view_topics=3).fit(tt.iter_questions(posts, chunksize=70))
    assert len(model.topics(n_terms=3)) == 3
    assert model.suggest_tags("pandas dataframe merge column", k=2)
    assert model.explain_tags("pandas dataframe merge column", k=1).tags
    model.visualize_terms()
    model.visualize_tag_heatmap()
    model.visualize_prevalence()
    model.visualize_over_time()
    model.visualize_drift(questions.iloc[:100], questions.iloc[100:])
    assert len(model.topic_prevalence_over_time()) > 0
    assert len(model.representative_questions(0, n=2)) == 2
    assert model.topic_labels()
    assert model.save_ldavis(tmp_path / "page.html").exists()
    reduced = model.reduce_topics(2)
    assert len(reduced.topics()) == 2
    lexical = model.with_mapping("lexical")
    assert lexical.suggest_tags(questions.iloc[:3], k=2)
    loaded = tt.load(model.save(tmp_path / "m.tt"))
    assert loaded.suggest_tags(questions) == model.suggest_tags(questions)
    assert loaded.stream_ == model.stream_


def test_partial_fit_updates_and_matches_its_sums(posts):
    questions = tt.load_questions(posts)
    chunks = list(tt.iter_questions(posts, chunksize=60))
    model = tagger(mapping="cooccurrence")
    for chunk in chunks:
        model.partial_fit(chunk)
    assert model.stream_["n_questions"] == len(questions)
    assert model.stream_["n_chunks"] == len(chunks)
    assert model.score(questions) > 0.5
    again = tagger(mapping="cooccurrence")
    for chunk in chunks:
        again.partial_fit(chunk)
    np.testing.assert_array_equal(model.cooccurrence_, again.cooccurrence_)
    one = tagger(mapping="cooccurrence").partial_fit(questions)
    # One call: the sums over the mixtures of its model (in-memory function, same mixtures).
    theta = one.transform(questions)
    np.testing.assert_allclose(
        one.cooccurrence_, cooccurrence_mapping(theta, one.binarize(questions["tags"]), lift=0.5),
        rtol=1e-6, atol=1e-9,
    )


def test_partial_fit_refuses_to_continue_a_saved_tagger(posts, tmp_path):
    chunk = next(tt.iter_questions(posts, chunksize=80))
    model = tagger().partial_fit(chunk)
    loaded = tt.load(model.save(tmp_path / "p.tt"))
    with pytest.raises(ParameterError, match="fresh TopicTagger"):
        loaded.partial_fit(chunk)
    fitted = tagger().fit(tt.load_questions(posts))
    with pytest.raises(ParameterError, match="fresh TopicTagger"):
        fitted.partial_fit(chunk)


def test_bad_streams_raise_corpus_errors_with_a_way_out(posts):
    questions = tt.load_questions(posts)
    with pytest.raises(CorpusError, match="no questions"):
        tagger().fit(iter([]))
    untagged = [questions.drop(columns="tags").iloc[:50]]
    with pytest.raises(CorpusError, match="no tags column"):
        tagger().fit(iter(untagged))
    with pytest.raises(CorpusError, match="one schema"):
        tagger().fit(iter([questions.iloc[:100], questions.iloc[100:][["title", "tags"]]]))
    with pytest.raises(CorpusError, match="DataFrame"):
        tagger().fit(iter([questions.iloc[:100], ["a text"]]))
    no_tags = questions.assign(tags=[[] for _ in range(len(questions))])
    with pytest.raises(CorpusError, match="no tags"):
        tagger().fit(iter([no_tags]))
    with pytest.raises(ParameterError, match="backend='sklearn'"):
        tagger(method="lda", backend="gensim").fit(iter([questions]))
    with pytest.raises(CorpusError, match="one schema"):
        tagger().partial_fit(questions).partial_fit(questions[["title", "body", "tags"]])
    with pytest.raises(CorpusError, match="first chunk has no tags"):
        tagger().partial_fit(no_tags)


def test_raw_dump_rows_as_chunks_are_normalised():
    raw = pd.DataFrame({
        "Id": range(1, 121),
        "Title": make_questions(120)["title"],
        "Body": make_questions(120)["body"],
        "Tags": ["|" + "|".join(t) + "|" for t in make_questions(120)["tags"]],
        "CreationDate": ["2014-01-21T20:00:09.000"] * 120,
    })
    model = tagger().fit(iter([raw.iloc[:60], raw.iloc[60:]]))
    assert model.stream_["n_questions"] == 120
    assert "|" not in "".join(model.tags_)


def test_cli_fit_chunksize_streams(posts, tmp_path, monkeypatch):
    from topictags.cli import _main

    messages = []
    monkeypatch.setattr(_main, "_status", messages.append)
    out = tmp_path / "model.tt"
    assert _main.main(["fit", str(posts), "-o", str(out), "--n-topics", "4",
                       "--view-topics", "all", "--chunksize", "50"]) in (0, None)
    model = tt.load(out)
    assert model.stream_["n_questions"] == 240
    assert model.stream_["n_chunks"] == 5
    assert any("streamed" in m and "peak memory" in m for m in messages)
    # Small files fit in memory by default.
    out2 = tmp_path / "model2.tt"
    _main.main(["fit", str(posts), "-o", str(out2), "--n-topics", "4", "--view-topics", "all"])
    assert "stream_" not in tt.load(out2).__dict__
    # Above the threshold, streaming is the default.
    monkeypatch.setattr(_main, "STREAM_ABOVE_BYTES", 1)
    out3 = tmp_path / "model3.tt"
    _main.main(["fit", str(posts), "-o", str(out3), "--n-topics", "4", "--view-topics", "all"])
    assert tt.load(out3).stream_["n_chunks"] == 1


def test_streamed_fit_does_not_depend_on_the_source_chunk_size(posts, monkeypatch):
    monkeypatch.setattr(stream_module, "STREAM_SAMPLE", 60)  # the sample is drawn
    a = tagger().fit(tt.iter_questions(posts, chunksize=50))
    b = tagger().fit(tt.iter_questions(posts, chunksize=70))
    assert a.train_questions_["id"].tolist() == b.train_questions_["id"].tolist()
    np.testing.assert_array_equal(a.model_.components_, b.model_.components_)
    np.testing.assert_array_equal(a.cooccurrence_, b.cooccurrence_)
