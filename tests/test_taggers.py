import numpy as np
import pandas as pd
import pytest

import topictags as tt
from topictags.errors import CorpusError, InputTextError, NotFittedError, ParameterError


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
    # Scores of exactly 0 come from the non-negative mappings (the default
    # logistic mapping's sigmoid is never 0).
    nmf = nmf.with_mapping("cooccurrence")
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
    assert lexical.mapping == "lexical" and nmf.mapping == "logistic"
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
    scores = tagger.fit(train).evaluate(test, k=2)
    assert scores["jaccard"] > 0.3  # themes are well separated; random is ~0.1


def test_supervised_and_baseline(split, sup):
    train, test = split
    assert sup.evaluate(test, k=2)["jaccard"] > 0.6
    base = tt.MostFrequentTagger(n_tags=8).fit(train)
    assert base.suggest_tags(["anything", ""], k=2) == [base.tags_[:2].tolist()] * 2
    assert base.evaluate(test, k=2)["jaccard"] < sup.evaluate(test, k=2)["jaccard"]


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
    tt.compare([nmf], train.iloc[:60], test, k=2, refit=True)
    np.testing.assert_array_equal(nmf.topic_tag_, before)


def test_params_roundtrip():
    tagger = tt.TopicTagger("lda", n_topics=7)
    assert tagger.get_params()["n_topics"] == 7
    assert tagger.set_params(n_topics=9).n_topics == 9
    assert "n_topics=9" in repr(tagger)
    with pytest.raises(ValueError, match="unknown parameter"):
        tagger.set_params(colour="red")


def small_dump(path, n=30):
    """A 30-question ``Posts.xml`` of the shape real dumps have (``.000``
    dates, ``|a|b|`` tags), where most tags are rare and one is on every
    question."""
    themes = [
        ("python|pandas", "pandas dataframe merge column groupby"),
        ("javascript|jquery", "jquery click event handler selector"),
        ("css|html", "css layout div margin float"),
    ]
    rows = []
    for i in range(n):
        tags, words = themes[i % 3]
        extra = {0: "|numpy", 1: "|numpy", 2: "|ajax", 4: "|flexbox", 7: "|flexbox"}.get(i, "")
        rows.append(
            f'<row Id="{i + 1}" PostTypeId="1" CreationDate="2014-01-{1 + i % 28:02d}T21:26:09.000"'
            f' Score="0" Title="{words} {i}" Body="&lt;p&gt;{words} question&lt;/p&gt;"'
            f' Tags="|beginner|{tags}{extra}|" />'
        )
    path.write_text("<posts>\n" + "\n".join(rows) + "\n</posts>\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "params", [{}, {"classifier": "logistic"}, {"calibrate": False}, {"neighbors": 0}]
)
def test_supervised_fits_a_small_corpus_with_rare_tags(tmp_path, params):
    # Tags on 1 or 2 questions, and one on every question: sklearn's 3-fold
    # calibration used to raise a raw ValueError here.
    questions = tt.load_questions(small_dump(tmp_path / "Posts.xml"))
    sup = tt.SupervisedTagger(n_tags=12, min_df=1, random_state=0, **params).fit(questions)
    counts = dict(zip(sup.tags_, sup.tag_counts_))
    assert counts["beginner"] == 30 and counts["ajax"] == 1 and counts["numpy"] == 2
    scores = sup.decision_function(["pandas dataframe merge", "css margin"])
    assert np.isfinite(scores).all()
    tags = sup.suggest_tags("pandas dataframe merge column", k=3)
    assert "pandas" in tags or "python" in tags
    assert tt.load(sup.save(tmp_path / "sup.topictags")).suggest_tags("css margin") == (
        sup.suggest_tags("css margin")
    )


def test_supervised_rare_tag_rules(tmp_path):
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression

    questions = tt.load_questions(small_dump(tmp_path / "Posts.xml"))
    sup = tt.SupervisedTagger(n_tags=12, min_df=1, random_state=0, neighbors=0).fit(questions)
    by_tag = dict(zip(sup.tags_, sup.classifiers_))
    assert by_tag["beginner"] is None  # on every question: constant score 1
    assert sup.decision_function(["anything at all css"])[0][list(sup.tags_).index("beginner")] == 1
    assert isinstance(by_tag["ajax"], LogisticRegression)  # 1 question: no CV possible
    assert isinstance(by_tag["numpy"], CalibratedClassifierCV) and by_tag["numpy"].cv == 2
    assert isinstance(by_tag["python"], CalibratedClassifierCV) and by_tag["python"].cv == 3


class _Broken(tt.MostFrequentTagger):
    name = "broken"

    def fit(self, questions, y=None):
        raise RuntimeError("boom: this model cannot fit")


class _Interrupted(tt.MostFrequentTagger):
    name = "interrupted"

    def fit(self, questions, y=None):
        raise KeyboardInterrupt


def test_compare_keeps_the_other_rows_when_one_model_fails(split):
    train, test = split
    base = tt.MostFrequentTagger(n_tags=8)
    with pytest.warns(RuntimeWarning, match="1 of 2 models failed"):
        table = tt.compare([_Broken(n_tags=8), base], train, test, k=2)
    assert table.index.tolist() == ["most-frequent", "broken"]
    assert table.loc["broken", "error"] == "RuntimeError: boom: this model cannot fit"
    assert np.isnan(table.loc["broken", "jaccard"])
    assert table.loc["most-frequent", "error"] == ""
    assert table.loc["most-frequent", "jaccard"] > 0


def test_compare_small_corpus_with_supervised_gives_a_full_table(tmp_path):
    questions = tt.load_questions(small_dump(tmp_path / "Posts.xml"))
    models = [
        tt.SupervisedTagger(n_tags=12, min_df=1, random_state=0),
        tt.TopicTagger("nmf", n_topics=3, n_tags=12, min_df=1, random_state=0),
        tt.MostFrequentTagger(n_tags=12),
    ]
    table = tt.compare(models, questions.iloc[:24], questions.iloc[24:], k=2)
    assert "error" not in table.columns and table["jaccard"].notna().all()


def test_compare_is_stopped_by_keyboard_interrupt(split):
    train, test = split
    with pytest.raises(KeyboardInterrupt):
        tt.compare([_Interrupted(n_tags=8), tt.MostFrequentTagger(n_tags=8)], train, test)


def test_compare_never_changes_caller_models_and_returns_the_fitted_ones(split, nmf):
    train, test = split
    unfitted = tt.MostFrequentTagger(n_tags=8)
    before = nmf.topic_tag_.copy()
    table, fitted = tt.compare([unfitted, nmf], train, test, k=2, refit=True,
                               return_models=True)
    assert not hasattr(unfitted, "tags_")  # was fitted in place before
    np.testing.assert_array_equal(nmf.topic_tag_, before)
    assert list(fitted) == ["most-frequent", nmf.name]
    assert fitted["most-frequent"] is not unfitted and fitted[nmf.name] is not nmf
    assert fitted["most-frequent"].suggest_tags("x", k=2) == unfitted.fit(train).tags_[:2].tolist()
    # refit=False scores a fitted model as it is, without copying it
    _, reused = tt.compare([nmf], train, test, k=2, refit=False, return_models=True)
    assert reused[nmf.name] is nmf


def test_compare_does_not_refit_fitted_models_by_default(split, nmf):
    # It did (refit=True was the default): the README's snippet fitted its
    # three models again, doubling the run for the same figures.
    train, test = split
    unfitted = tt.MostFrequentTagger(n_tags=8)
    table, used = tt.compare([nmf, unfitted], train, test, k=2, return_models=True)
    assert used[nmf.name] is nmf
    assert table.loc[nmf.name, "fit_seconds"] == nmf.fit_seconds_
    assert used["most-frequent"] is not unfitted and not hasattr(unfitted, "tags_")


def test_small_corpus_says_how_many_topics_it_supports(tmp_path):
    # A 30-question dump under the CLI's 40-topic default used to fail with
    # "only 18 distinct terms for 20 topics" (or "cannot fit 40 topics on 30
    # documents"), without saying which number would work.
    questions = tt.load_questions(small_dump(tmp_path / "Posts.xml"))
    with pytest.raises(ParameterError, match=r"supports at most (\d+) topics") as info:
        tt.TopicTagger("nmf", n_topics=40, random_state=0).fit(questions)
    import re

    supported = int(re.search(r"pass n_topics=(\d+) or fewer", str(info.value)).group(1))
    assert 3 <= supported < 30
    fitted = tt.TopicTagger("nmf", n_topics=supported, random_state=0).fit(questions)
    assert fitted.doc_topic_.shape == (30, supported)


def test_lda_20_topics_on_30_questions(tmp_path):
    rng = np.random.default_rng(0)
    words = [f"term{i}" for i in range(60)]
    rows = [
        {"id": i, "title": " ".join(rng.choice(words, 6)), "body": " ".join(rng.choice(words, 30)),
         "tags": [["python", "pandas"], ["css"], ["sql"]][i % 3],
         "creation_date": "2014-01-23T21:26:09.000"}
        for i in range(30)
    ]
    tagger = tt.TopicTagger("lda", n_topics=20, random_state=0).fit(pd.DataFrame(rows))
    assert tagger.doc_topic_.shape == (30, 20)
    assert tagger.topics()["prevalence"].sum() == pytest.approx(1.0, abs=1e-4)
