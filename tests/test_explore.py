"""Exploration: the tagger's viz façade, topic selection, coherence, drift and the browser."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import sys

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from conftest import make_questions
from matplotlib.figure import Figure

import topictags as tt
from topictags.errors import NotFittedError, OutputExistsError, ParameterError
from topictags.explore import (
    TopicDrift,
    top_terms,
    topic_browser,
    topic_coherence,
    topic_diversity,
    topic_drift,
    topic_prevalence_over_time,
)
from topictags.selection import select_n_topics

N_TOPICS = 4
EVIL = '<img src=x onerror="alert(1)">'


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def train() -> pd.DataFrame:
    """The shared synthetic themes, with some ids and dates missing and a hostile title."""
    questions = make_questions(120, seed=3)
    questions["id"] = questions["id"].astype("Int64")
    questions.loc[::10, "id"] = pd.NA
    questions.loc[5::10, "creation_date"] = pd.NaT
    questions.loc[2, "title"] = EVIL + " " + questions.loc[2, "title"]
    return questions


def _fit(train, method, backend="sklearn"):
    return tt.TopicTagger(
        method, n_topics=N_TOPICS, n_tags=8, min_df=1, backend=backend, max_iter=10,
        random_state=0,
    ).fit(train)


@pytest.fixture(scope="module")
def nmf(train):
    return _fit(train, "nmf")


@pytest.fixture(scope="module")
def lda(train):
    return _fit(train, "lda")


@pytest.fixture(scope="module")
def gensim_lda(train):
    return _fit(train, "lda", backend="gensim")


# ---------------------------------------------------------------------------
# façade


def test_topic_labels_are_relevant_terms_then_top_mapped_tags(nmf):
    labels = nmf.topic_labels()
    details = nmf.topic_label_details()
    assert len(labels) == N_TOPICS
    for k, (label, detail) in enumerate(zip(labels, details, strict=True)):
        terms, tags = label.split(" | ")
        assert terms == ", ".join(detail.terms) and len(detail.terms) == 3
        # the tags are the mapping's strongest, in its order, "?" on weak ones
        assert [t.tag for t in detail.tags] == [t for t, _ in nmf.topic_tags(k, 3)]
        assert tags.removesuffix(" (weak)") == ", ".join(
            t.tag + "?" * t.weak for t in detail.tags
        )
    # every theme shows up in some label
    shown = {t.rstrip("?") for lab in labels for t in lab.split(" | ")[1].split(", ")}
    assert {"pandas", "jquery", "css", "mysql"} <= shown


def test_topic_labels_without_positive_tags_say_no_tag(nmf):
    logistic = nmf.with_mapping("logistic")
    logistic.topic_tag_ = -np.abs(logistic.topic_tag_)  # no topic points to any tag
    assert all(label.endswith(" | no tag") for label in logistic.topic_labels())


@pytest.mark.parametrize("name", ["nmf", "lda", "gensim_lda"])
def test_to_ldavis_for_every_model(request, name):
    tagger = request.getfixturevalue(name)
    prepared = tagger.to_ldavis(R=5)
    import pyLDAvis

    assert isinstance(prepared, pyLDAvis.PreparedData)
    assert len(prepared.topic_coordinates) == N_TOPICS
    # unsorted, one-based: page topic k is model topic k - 1
    assert list(prepared.topic_order) == list(range(1, N_TOPICS + 1))
    assert set(prepared.topic_info["Term"]) <= set(tagger.model_.feature_names_)


def test_save_ldavis_labels_and_refuses_overwrite(nmf, tmp_path):
    path = tmp_path / "topics.html"
    assert nmf.save_ldavis(path, R=5) == path
    page = path.read_text(encoding="utf-8")
    assert html_escaped(nmf.topic_labels()[0]) in page
    assert "<script src=" not in page and nmf.name in page
    with pytest.raises(OutputExistsError):
        nmf.save_ldavis(path)
    nmf.save_ldavis(path, overwrite=True, R=5, title="Mine")
    assert "<title>Mine</title>" in path.read_text(encoding="utf-8")


def html_escaped(text: str) -> str:
    import html

    return html.escape(text)


def test_show_ldavis_is_notebook_html(lda):
    from IPython.display import HTML

    shown = lda.show_ldavis(R=5)
    assert isinstance(shown, HTML) and "LDAvis" in shown.data


def test_html_repr_of_the_tagger_is_not_the_ldavis_page(nmf, monkeypatch):
    # Echoing a tagger in a notebook must not build the pyLDAvis page: its
    # HTML repr is scikit-learn's estimator diagram (taggers are estimators).
    def no_page(*args, **kwargs):
        raise AssertionError("the notebook repr built an LDAvis page")

    for name in ("to_ldavis", "show_ldavis", "save_ldavis"):
        monkeypatch.setattr(type(nmf), name, no_page)
    shown = nmf._repr_html_()
    assert "LDAvis" not in shown and "TopicTagger" in shown and "n_topics" in shown
    assert repr(nmf).startswith("TopicTagger(")


def test_chart_facades_return_matplotlib_objects(nmf):
    fig = nmf.visualize_terms(top=3, n_terms=4)
    assert isinstance(fig, Figure) and len(fig.axes) == 3
    fig = nmf.visualize_tag_heatmap(n_tags=5)
    assert isinstance(fig, Figure)
    assert fig.axes[0].images[0].get_array().shape == (N_TOPICS, 5)
    fig = nmf.visualize_prevalence()
    assert isinstance(fig, Figure) and len(fig.axes[0].patches) == N_TOPICS
    fig = nmf.visualize_over_time("Y", top=2, min_questions=1)
    ax = fig.axes[0]
    assert isinstance(fig, Figure) and len(ax.lines) == 2
    assert all(": " in line.get_label() for line in ax.lines)
    fig = nmf.visualize_over_time("M", topics=[3, 0, 1], min_questions=1)
    assert [line.get_label().split(":")[0] for line in fig.axes[0].lines] == ["3", "0", "1"]


def test_facades_need_a_fitted_tagger():
    with pytest.raises(NotFittedError):
        tt.TopicTagger().to_ldavis()
    with pytest.raises(NotFittedError):
        tt.TopicTagger().representative_questions(0)


def test_representative_questions_sorted_with_links(nmf, train):
    table = nmf.representative_questions(1, n=8)
    assert list(table.columns) == ["id", "title", "tags", "weight", "link"]
    assert len(table) == 8
    weights = table["weight"].to_numpy()
    assert np.all(np.diff(weights) <= 0) and weights.max() <= 1 and weights.min() > 0
    assert weights[0] == pytest.approx(nmf.doc_topic_[:, 1].max())
    for row in table.itertuples():
        if pd.isna(row.id):
            assert pd.isna(row.link)
        else:
            assert row.link == f"https://stackoverflow.com/questions/{row.id}"
    # the question most about a topic is found in the training set as it was
    top = table.iloc[0]
    assert top["title"] in set(train["title"])


def test_representative_questions_include_rows_without_id(nmf):
    tables = [nmf.representative_questions(k, n=120) for k in range(N_TOPICS)]
    assert any(t["link"].isna().any() for t in tables)


@pytest.mark.parametrize("topic", [-1, N_TOPICS, 1.5, True])
def test_representative_questions_bad_topic(nmf, topic):
    with pytest.raises(ParameterError):
        nmf.representative_questions(topic)


@pytest.mark.parametrize("freq", ["Y", "M", "Q"])
def test_prevalence_over_time_sums_to_one_per_period(nmf, train, freq):
    shares = nmf.topic_prevalence_over_time(freq)
    assert isinstance(shares.index, pd.PeriodIndex) and shares.index.is_monotonic_increasing
    assert list(shares.columns) == list(range(N_TOPICS))
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)
    # questions without a date are dropped
    assert sum(shares.attrs["n_questions"].values()) == train["creation_date"].notna().sum()


def test_prevalence_over_time_function():
    doc_topic = np.array([[1.0, 0], [0, 3], [1, 1], [0, 0], [2, 0]])
    dates = pd.to_datetime(
        ["2010-01-05", "2010-06-01", "2011-02-01", "2011-03-01", None], utc=True
    )
    shares = topic_prevalence_over_time(doc_topic, dates, "Y")
    assert [str(p) for p in shares.index] == ["2010", "2011"]
    np.testing.assert_allclose(shares.to_numpy(), [[0.5, 0.5], [0.5, 0.5]])
    assert shares.attrs["n_questions"] == {shares.index[0]: 2, shares.index[1]: 1}
    assert len(topic_prevalence_over_time(doc_topic, dates, "Y", min_questions=2)) == 1
    with pytest.raises(ParameterError, match="freq"):
        topic_prevalence_over_time(doc_topic, dates, "fortnight")
    with pytest.raises(ParameterError, match="rows"):
        topic_prevalence_over_time(doc_topic, dates[:3], "Y")
    with pytest.raises(ParameterError, match="min_questions"):
        topic_prevalence_over_time(doc_topic, dates, "Y", min_questions=3)


# ---------------------------------------------------------------------------
# coherence and diversity


def test_top_terms_and_diversity():
    topic_term = np.array([[3.0, 2, 1, 0], [0, 1, 2, 3], [3, 0, 1, 2]])
    vocab = ["a", "b", "c", "d"]
    assert top_terms(topic_term, vocab, 2) == [["a", "b"], ["d", "c"], ["a", "d"]]
    assert topic_diversity(topic_term, 2) == pytest.approx(4 / 6)
    assert topic_diversity(topic_term[:2], 2) == 1.0
    with pytest.raises(ParameterError):
        top_terms(topic_term, vocab[:3])
    with pytest.raises(ParameterError):
        topic_diversity(topic_term, 1)


def test_coherent_topics_score_higher():
    rng = np.random.default_rng(0)
    themes = [["pandas", "dataframe", "merge", "column"], ["css", "div", "margin", "float"]]
    texts = [list(rng.choice(themes[i % 2], 8)) for i in range(60)]
    vocab = themes[0] + themes[1]
    coherent = np.array([[4, 3, 2, 1, 0, 0, 0, 0], [0, 0, 0, 0, 4, 3, 2, 1]], dtype=float)
    mixed = np.array([[4, 0, 2, 0, 3, 0, 1, 0], [0, 4, 0, 2, 0, 3, 0, 1]], dtype=float)
    for measure in ("c_v", "c_npmi"):
        good = topic_coherence(coherent, vocab, texts, measure=measure, top_n=4)
        bad = topic_coherence(mixed, vocab, texts, measure=measure, top_n=4)
        assert good.shape == (2,) and good.mean() > bad.mean()
    # a topic whose terms never occur in the texts cannot be scored
    unknown = topic_coherence(coherent, [f"x{i}" for i in range(8)], texts, top_n=4)
    assert np.isnan(unknown).all()
    with pytest.raises(ParameterError, match="measure"):
        topic_coherence(coherent, vocab, texts, measure="c_w2v")


# ---------------------------------------------------------------------------
# select_n_topics

SELECT = dict(random_state=0, n_tags=8, min_df=1, progress=False, top_n=5)


@pytest.fixture(scope="module")
def selection():
    return select_n_topics(make_questions(160), "nmf", (2, 4, 6), **SELECT)


def test_select_n_topics_columns_and_ranges(selection):
    assert list(selection.columns) == [
        "model", "n_topics", "c_v", "c_npmi", "diversity", "perplexity",
        "reconstruction_error", "jaccard", "fit_seconds",
    ]
    assert selection["n_topics"].tolist() == [2, 4, 6]
    assert (selection["model"] == "nmf").all()
    assert selection["diversity"].between(0, 1).all()
    assert selection["c_v"].between(0, 1).all() and selection["c_npmi"].between(-1, 1).all()
    assert selection["perplexity"].isna().all()
    assert (selection["reconstruction_error"] > 0).all()
    # four themes: four topics tag better than two
    assert selection.loc[1, "jaccard"] > selection.loc[0, "jaccard"]


def test_select_n_topics_parallel_equals_serial(selection):
    parallel = select_n_topics(make_questions(160), "nmf", (2, 4, 6), n_jobs=2, **SELECT)
    cols = [c for c in selection.columns if c != "fit_seconds"]
    pd.testing.assert_frame_equal(parallel[cols], selection[cols])


@pytest.mark.parametrize("backend", ["sklearn", "gensim"])
def test_select_n_topics_lda_perplexity(backend):
    table = select_n_topics(
        make_questions(100), "lda", [4], coherence="c_npmi", backend=backend, max_iter=5,
        **SELECT,
    )
    assert list(table.columns)[2] == "c_npmi" and "c_v" not in table.columns
    assert table.loc[0, "model"] == ("lda" if backend == "sklearn" else "lda-gensim")
    assert np.isfinite(table.loc[0, "perplexity"]) and table.loc[0, "perplexity"] > 1
    assert np.isnan(table.loc[0, "reconstruction_error"])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(n_topics=()), "empty"),
        (dict(n_topics=(4, 4)), "duplicates"),
        (dict(n_topics=(0,)), "positive"),
        (dict(method="plsa"), "method"),
        (dict(coherence=("c_w2v",)), "coherence"),
        (dict(top_n=1), "top_n"),
        (dict(n_components=3), "parameter"),
    ],
)
def test_select_n_topics_rejects_bad_arguments(questions, kwargs, match):
    with pytest.raises(ParameterError, match=match):
        select_n_topics(questions, **{"progress": False, **kwargs})


_fitted: list[tuple[type, int]] = []


class _RecordingTagger(tt.TopicTagger):
    """A user's TopicTagger subclass: selection must fit this class, not a TopicTagger."""

    def fit(self, questions, y=None):
        _fitted.append((type(self), self.n_topics))
        return super().fit(questions)


def test_select_n_topics_clones_the_given_estimator():
    _fitted.clear()
    base = _RecordingTagger(n_tags=8, min_df=1, random_state=0)
    table = select_n_topics(
        make_questions(160), n_topics=(2, 4, 6), estimator=base,
        random_state=0, progress=False, top_n=5,
    )
    assert _fitted == [(_RecordingTagger, 2), (_RecordingTagger, 4), (_RecordingTagger, 6)]
    # The caller's estimator is a template: cloned, never fitted or changed.
    assert not hasattr(base, "fit_seconds_") and base.n_topics == 150
    assert table["n_topics"].tolist() == [2, 4, 6] and (table["model"] == "nmf").all()


def test_select_n_topics_estimator_equals_the_default(selection):
    # The default is TopicTagger(random_state=random_state) with the extra
    # parameters set: the same table as passing that estimator.
    base = tt.TopicTagger(n_tags=8, min_df=1, random_state=0)
    table = select_n_topics(
        make_questions(160), "nmf", (2, 4, 6), estimator=base,
        random_state=0, progress=False, top_n=5,
    )
    cols = [c for c in selection.columns if c != "fit_seconds"]
    pd.testing.assert_frame_equal(table[cols], selection[cols])


def test_select_n_topics_sets_method_and_params_on_the_estimator():
    base = tt.TopicTagger("nmf", n_tags=8, min_df=1, random_state=0)
    table = select_n_topics(
        make_questions(100), "lda", [4], estimator=base, coherence=(), max_iter=5,
        progress=False, random_state=0,
    )
    assert table.loc[0, "model"] == "lda" and np.isfinite(table.loc[0, "perplexity"])
    assert base.method == "nmf" and base.max_iter is None  # set on a clone only


class _NoTopics(tt.MostFrequentTagger):
    """Has an n_topics parameter but no topic model: nothing to measure."""

    def __init__(self, n_tags: int = 8, n_topics: int = 2) -> None:
        super().__init__(n_tags=n_tags)
        self.n_topics = n_topics


@pytest.mark.parametrize(
    "estimator, match",
    [
        (tt.MostFrequentTagger(n_tags=8), "n_topics"),
        (_NoTopics(), "no fitted topic model"),
        ("nmf", "scikit-learn style estimator"),
    ],
)
def test_select_n_topics_rejects_unusable_estimators(questions, estimator, match):
    with pytest.raises(ParameterError, match=match):
        select_n_topics(questions, n_topics=[2], estimator=estimator, progress=False)


# ---------------------------------------------------------------------------
# drift


def test_drift_of_identical_sets_is_zero(nmf, train):
    drift = topic_drift(nmf, train, train)
    assert isinstance(drift, TopicDrift)
    assert drift.distance == 0.0
    assert np.allclose(drift.topics["change"], 0)
    assert drift.n_reference == drift.n_new == len(train)
    assert "distance=0.0000" in repr(drift)


def test_drift_puts_the_grown_topic_first(nmf):
    questions = make_questions(200, seed=7)
    is_css = questions["tags"].map(lambda tags: "css" in tags)
    reference = pd.concat([questions[~is_css], questions[is_css].iloc[:5]])
    new = pd.concat([questions[~is_css].iloc[:40], questions[is_css]])
    drift = topic_drift(nmf, reference, new)
    table = drift.topics
    assert list(table.columns) == [
        "topic", "label", "reference_share", "new_share", "change", "change_se",
        "relative_change",
    ]
    assert (table["change_se"] > 0).all()
    assert table.loc[0, "change"] > 4 * table.loc[0, "change_se"]  # the planted move is no chance
    assert "css" in table.loc[0, "label"] and table.loc[0, "change"] > 0.2
    assert np.all(np.diff(np.abs(table["change"])) <= 1e-12)  # sorted by |change|
    np.testing.assert_allclose(table[["reference_share", "new_share"]].sum(), 1.0)
    np.testing.assert_allclose(
        table["relative_change"], table["change"] / table["reference_share"]
    )
    assert drift.distance > 3 * drift.baseline_distance > 0
    assert sorted(table["topic"]) == list(range(N_TOPICS))


def test_drift_accepts_texts_and_refuses_unknown_words(nmf):
    drift = topic_drift(nmf, ["pandas dataframe merge"] * 3, ["css div margin", "mysql join"])
    assert 0 < drift.distance <= 1
    with pytest.raises(ParameterError, match="new_questions"):
        topic_drift(nmf, ["pandas dataframe"], ["zzz qqq"])


# ---------------------------------------------------------------------------
# browser widget


def test_topic_browser_builds_and_reacts(nmf):
    import ipywidgets

    browser = nmf.topic_browser(n_questions=3)
    assert isinstance(browser, ipywidgets.VBox)
    dropdown, topic_pane, text, question_pane = browser.children
    assert isinstance(dropdown, ipywidgets.Dropdown) and isinstance(text, ipywidgets.Text)
    labels = nmf.topic_labels()
    # most prevalent first, numbered as in the model, labelled as everywhere
    prevalence = nmf.topic_view().doc_topic.mean(axis=0)
    assert [value for _, value in dropdown.options] == list(np.argsort(-prevalence, kind="stable"))
    assert dict((v, text) for text, v in dropdown.options)[1] == f"1: {labels[1]}"
    assert dropdown.value == dropdown.options[0][1]
    assert "Label" in topic_pane.value
    assert "Top terms" in topic_pane.value and "stackoverflow.com/questions/" in topic_pane.value

    dropdown.value = 2
    assert "Topic 2" in topic_pane.value
    before = question_pane.value
    text.value = "jquery click event handler on a button"
    assert question_pane.value != before
    assert "Topic mixture" in question_pane.value and "jquery" in question_pane.value
    text.value = "zzz qqq"
    assert "No term" in question_pane.value


def test_topic_browser_escapes_user_text(nmf):
    browser = topic_browser(nmf, n_questions=120)
    _, topic_pane, text, question_pane = browser.children
    panes = []
    for k in range(N_TOPICS):
        browser.children[0].value = k
        panes.append(topic_pane.value)
    assert any("&lt;img src=x" in pane for pane in panes)
    assert not any("<img" in pane for pane in panes)
    text.value = EVIL
    assert "<img" not in question_pane.value


def test_topic_browser_without_ipywidgets(nmf, monkeypatch):
    monkeypatch.setitem(sys.modules, "ipywidgets", None)
    with pytest.raises(ImportError, match="topictags\\[notebook\\]"):
        nmf.topic_browser()
