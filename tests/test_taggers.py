import numpy as np
import pandas as pd
import pytest

import topictags as tt
from topictags.errors import CorpusError, InputTextError, NotFittedError


@pytest.fixture(scope="module")
def nmf(split):
    train, _ = split
    return tt.TopicTagger("nmf", n_topics=4, n_tags=8, min_df=1, random_state=0).fit(train)


@pytest.fixture(scope="module")
def sup(split):
    train, _ = split
    return tt.SupervisedTagger(n_tags=8, min_df=1, random_state=0).fit(train)


def test_fit_returns_self_and_learns_vocabulary(split):
    train, _ = split
    tagger = tt.TopicTagger("nmf", n_topics=4, n_tags=3, min_df=1, random_state=0)
    assert tagger.fit(train) is tagger
    assert tagger.tags_.tolist() == ["css", "javascript", "python"]  # ties: alphabetical
    assert tagger.topic_tag_.shape == (4, 3)
    assert tagger.doc_topic_.shape == (len(train), 4)


def test_init_only_stores_parameters():
    tagger = tt.TopicTagger("bogus", n_topics=-1)
    assert tagger.method == "bogus" and not hasattr(tagger, "tags_")
    with pytest.raises(ValueError, match="method must be"):
        tagger.fit(pd.DataFrame({"title": ["a"], "tags": [["x"]]}))


@pytest.mark.parametrize(
    "text", ["pandas dataframe merge column groupby", "<p>pandas <b>merge</b></p>"]
)
def test_suggest_single_text(nmf, text):
    tags = nmf.suggest_tags(text, k=2)
    assert tags == ["python", "pandas"] or tags == ["pandas", "python"]


def test_suggest_batch_forms_agree(nmf, split):
    _, test = split
    from_frame = nmf.suggest_tags(test, k=3)
    assert len(from_frame) == len(test) and all(1 <= len(t) <= 3 for t in from_frame)
    texts = ["jquery click event", "mysql join query"]
    assert nmf.suggest_tags(texts, k=1) == nmf.suggest_tags(pd.Series(texts), k=1)
    assert nmf.suggest_tags(texts, k=1) == [nmf.suggest_tags(t, k=1) for t in texts]


def test_topic_tagger_never_suggests_zero_score_tags(nmf):
    tags, scores = nmf.suggest_tags("css layout div margin", k=8, return_scores=True)
    all_scores = nmf.decision_function("css layout div margin")[0]
    assert (all_scores == 0).any()  # some tags have no evidence for this question
    assert len(tags) == int((all_scores > 0).sum()) < 8
    assert min(scores) > 0


def test_threshold_and_scores(nmf):
    tags, scores = nmf.suggest_tags(
        "css layout div margin", k=None, threshold=0.05, return_scores=True
    )
    assert tags and all(s >= 0.05 for s in scores)
    assert scores == sorted(scores, reverse=True)
    with pytest.raises(ValueError, match="give k, threshold"):
        nmf.suggest_tags("css", k=None)


@pytest.mark.parametrize(
    "text", ["", "   ", "How do I do this?", "<pre><code>x = 1</code></pre>", "zzzz qqqq"]
)
def test_no_evidence_gives_no_tags(nmf, sup, text):
    assert nmf.suggest_tags(text) == []
    assert sup.suggest_tags(text) == []


@pytest.mark.parametrize("bad", [None, 3, b"bytes", {"a": 1}])
def test_bad_text_is_a_clear_error(nmf, bad):
    with pytest.raises(InputTextError):
        nmf.suggest_tags(bad)


def test_bad_element_in_batch_names_its_position(nmf):
    with pytest.raises(InputTextError, match="#1"):
        nmf.suggest_tags(["fine", 42])


def test_dataframe_without_text_columns(nmf):
    with pytest.raises(CorpusError, match="'title' and/or 'body'"):
        nmf.suggest_tags(pd.DataFrame({"text": ["x"]}))


def test_not_fitted_is_clear():
    with pytest.raises(NotFittedError, match="fit"):
        tt.TopicTagger().suggest_tags("x")


def test_huge_body(nmf):
    body = "<p>" + "pandas dataframe merge " * 45_000 + "</p>"
    assert "pandas" in nmf.suggest_tags(body, k=3)


def test_mappings_differ_and_lexical_uses_no_labels(nmf, split):
    lexical = nmf.with_mapping("lexical")
    assert lexical.mapping == "lexical" and nmf.mapping == "blend"
    assert not np.array_equal(lexical.topic_tag_, nmf.topic_tag_)
    # lexical mapping does not change when the training tags are shuffled
    train, _ = split
    shuffled = train.assign(tags=train["tags"].sample(frac=1, random_state=1).tolist())
    other = tt.TopicTagger("nmf", n_topics=4, n_tags=8, min_df=1, mapping="lexical", random_state=0)
    other.fit(shuffled)
    assert set(other.tags_) == set(nmf.tags_)
    order = [list(other.tags_).index(t) for t in nmf.tags_]
    np.testing.assert_allclose(other.lexical_[:, order], nmf.lexical_)


def test_topics_table(nmf):
    table = nmf.topics(n_terms=5, n_tags=2)
    assert list(table.columns) == [
        "topic",
        "terms",
        "term_weights",
        "tags",
        "tag_scores",
        "prevalence",
    ]
    assert len(table) == 4 and all(len(t) == 5 for t in table["terms"])
    assert table["prevalence"].sum() == pytest.approx(1.0, abs=1e-5)


@pytest.mark.parametrize("method,backend", [("lda", "sklearn"), ("lda", "gensim")])
def test_lda_taggers(split, method, backend):
    train, test = split
    tagger = tt.TopicTagger(method, n_topics=4, n_tags=8, backend=backend, min_df=1, random_state=0)
    scores = tagger.fit(train).score(test, k=2)
    assert scores["jaccard"] > 0.3  # themes are well separated; random is ~0.1


def test_supervised_and_baseline(split, sup):
    train, test = split
    assert sup.score(test, k=2)["jaccard"] > 0.6
    base = tt.MostFrequentTagger(n_tags=8).fit(train)
    assert base.suggest_tags(["anything", ""], k=2) == [base.tags_[:2].tolist()] * 2
    assert base.score(test, k=2)["jaccard"] < sup.score(test, k=2)["jaccard"]


def test_compare_table(split, nmf, sup):
    train, test = split
    table = tt.compare([nmf, sup, tt.MostFrequentTagger(n_tags=8)], train, test, k=2)
    assert list(table.columns) == [
        "jaccard",
        "precision@k",
        "recall@k",
        "f1",
        "n_questions",
        "fit_seconds",
        "suggestions_per_second",
    ]
    assert table.index[-1] == "most-frequent"
    assert table["jaccard"].is_monotonic_decreasing
    assert (table["n_questions"] == len(test)).all()


def test_compare_does_not_change_fitted_models(split, nmf):
    train, test = split
    before = nmf.topic_tag_.copy()
    tt.compare([nmf], train.iloc[:60], test, k=2)
    np.testing.assert_array_equal(nmf.topic_tag_, before)


def test_params_roundtrip():
    tagger = tt.TopicTagger("lda", n_topics=7)
    assert tagger.get_params()["n_topics"] == 7
    assert tagger.set_params(n_topics=9).n_topics == 9
    assert "n_topics=9" in repr(tagger)
    with pytest.raises(ValueError, match="unknown parameter"):
        tagger.set_params(colour="red")
