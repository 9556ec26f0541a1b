"""TopicTagger.reduce_topics: fine topics for tagging, n groups of them for the views.

Fitted on the 30-question Data Explorer export (tests/small_export.py), loaded
as a user loads it; 8 topics on 30 questions is what users of small exports ask.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from scipy.cluster.hierarchy import fcluster, linkage
from small_export import write_data_explorer_csv

import topictags as tt
from topictags.errors import NotFittedError, ParameterError
from topictags.tagging._mapping import cooccurrence_mapping
from topictags.tagging._reduce import (
    group_distributions,
    group_mixtures,
    group_rows,
    membership,
    topic_groups,
    topic_linkage,
)

K = 8
QUESTIONS = [
    "How do I merge two pandas DataFrames on a column?",
    "jQuery ajax callback returns undefined",
    "Git push rejected after a rebase",
    "MySQL query with three joins is slow",
    "zzzz qqqq",  # no known term: no evidence
]


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    path = write_data_explorer_csv(tmp_path_factory.mktemp("export") / "QueryResults.csv")
    return tt.load_questions(path)


@pytest.fixture(scope="module", params=["blend", "logistic"])
def tagger(request, export):
    return tt.TopicTagger("nmf", n_topics=K, mapping=request.param, random_state=0).fit(export)


@pytest.fixture(scope="module")
def cooc_tagger(export):
    return tt.TopicTagger("nmf", n_topics=K, mapping="cooccurrence", random_state=0).fit(export)


@pytest.mark.parametrize("n", [1, 3, 5, K])
def test_tagging_is_exactly_unchanged(tagger, n):
    before = tagger.decision_function(QUESTIONS)
    reduced = tagger.reduce_topics(n)
    np.testing.assert_array_equal(reduced.decision_function(QUESTIONS), before)
    np.testing.assert_array_equal(reduced.transform(QUESTIONS), tagger.transform(QUESTIONS))
    for text in QUESTIONS:
        assert reduced.suggest_tags(text, k=3, return_scores=True) == tagger.suggest_tags(
            text, k=3, return_scores=True
        )
    assert reduced.suggest_tags(QUESTIONS, k=2) == tagger.suggest_tags(QUESTIONS, k=2)
    # the original is not changed by reducing
    assert "groups_" not in tagger.__dict__
    assert tagger.topic_view().n_topics == K


@pytest.mark.parametrize("n", [1, 2, 4, 7])
def test_groups_partition_the_fine_topics(tagger, n):
    reduced = tagger.reduce_topics(n)
    groups = reduced.groups_
    assert groups.shape == (K,)
    assert sorted(set(groups.tolist())) == list(range(n))  # n non-empty groups
    members = reduced.topics()["members"].tolist()
    assert len(members) == n
    assert sorted(k for group in members for k in group) == list(range(K))  # each exactly once
    for g, group in enumerate(members):
        assert (groups[group] == g).all()
    # groups are numbered by their smallest fine topic
    assert [group[0] for group in members] == sorted(group[0] for group in members)


@pytest.mark.parametrize("n", [1, 3, 6])
def test_group_mixtures_are_sums_of_member_shares(tagger, n):
    reduced = tagger.reduce_topics(n)
    view = reduced.topic_view()
    fine = tagger.doc_topic_.astype(np.float64)
    assert view.doc_topic.shape == (len(fine), n)
    for g, group in enumerate(view.members):
        np.testing.assert_allclose(view.doc_topic[:, g], fine[:, group].sum(axis=1), rtol=1e-6)
    has = fine.sum(axis=1) > 0
    np.testing.assert_allclose(view.doc_topic[has].sum(axis=1), 1.0, rtol=1e-5)
    mixtures = reduced.view_transform(QUESTIONS)
    assert mixtures.shape == (len(QUESTIONS), n)
    np.testing.assert_allclose(mixtures[:-1].sum(axis=1), 1.0)
    assert mixtures[-1].sum() == 0  # no known term: still no evidence
    # one of the 30 questions has no known term (no mixture): prevalences sum to 29/30
    assert (~has).sum() == 1
    prevalence = reduced.topics()["prevalence"]
    assert prevalence.sum() == pytest.approx(has.mean(), rel=1e-5)


def test_one_group_holds_everything(tagger):
    reduced = tagger.reduce_topics(1)
    table = reduced.topics(n_terms=5)
    assert table["members"].tolist() == [list(range(K))]
    has = tagger.doc_topic_.sum(axis=1) > 0
    assert table["prevalence"].iloc[0] == pytest.approx(has.mean(), rel=1e-5)
    assert len(reduced.topic_labels()) == 1
    assert len(table["terms"].iloc[0]) == 5
    # every question with a known term weighs on it, with its whole mixture
    top = reduced.representative_questions(0, n=30)
    assert len(top) == has.sum()
    np.testing.assert_allclose(top["weight"], 1.0, rtol=1e-5)


def test_n_topics_groups_give_the_original_views(tagger):
    same = tagger.reduce_topics(K)
    table = same.topics()
    assert table["members"].tolist() == [[k] for k in range(K)]
    pd.testing.assert_frame_equal(table.drop(columns="members"), tagger.topics())
    assert same.topic_labels() == tagger.topic_labels()
    for k in range(K):
        assert same.topic_terms(k) == tagger.topic_terms(k)
        assert same.topic_tags(k) == tagger.topic_tags(k)
        pd.testing.assert_frame_equal(
            same.representative_questions(k), tagger.representative_questions(k)
        )
    pd.testing.assert_frame_equal(
        same.topic_prevalence_over_time("Y"), tagger.topic_prevalence_over_time("Y")
    )
    a, b = same.to_ldavis(), tagger.to_ldavis()
    pd.testing.assert_frame_equal(a.topic_coordinates, b.topic_coordinates)
    pd.testing.assert_frame_equal(a.topic_info, b.topic_info)
    np.testing.assert_array_equal(same.view_transform(QUESTIONS), tagger.transform(QUESTIONS))


def test_the_formulas_reduce_to_the_fine_arrays_for_one_topic_groups(tagger):
    # reduce_topics(K) takes the fine arrays as they are; the group formulas
    # give them too, up to rounding.
    groups = np.arange(K)
    mass = tagger.doc_topic_.sum(axis=0, dtype=np.float64)
    np.testing.assert_allclose(
        group_distributions(tagger.model_.components_, mass, groups, K),
        tagger.model_.topic_term_distributions(),
    )
    np.testing.assert_array_equal(group_rows(tagger.topic_tag_, mass, groups, K), tagger.topic_tag_)
    np.testing.assert_array_equal(group_mixtures(tagger.doc_topic_, groups, K), tagger.doc_topic_)


def test_group_terms_are_prevalence_weighted_means(tagger):
    reduced = tagger.reduce_topics(3)
    phi = tagger.model_.topic_term_distributions()
    prevalence = tagger.doc_topic_.mean(axis=0, dtype=np.float64)
    for g, group in enumerate(reduced.topic_view().members):
        expected = (prevalence[group, None] * phi[group]).sum(axis=0) / prevalence[group].sum()
        np.testing.assert_allclose(reduced.view_components_[g], expected, rtol=1e-9)
    assert reduced.topic_terms(0, 3)[0][1] == pytest.approx(
        np.sort(reduced.view_components_[0])[-1]
    )


def _labels(tagger) -> np.ndarray:
    index = {tag: j for j, tag in enumerate(tagger.tags_)}
    Y = np.zeros((len(tagger.train_questions_), len(tagger.tags_)))
    for i, tags in enumerate(tagger.train_questions_["tags"]):
        for tag in tags:
            if tag in index:
                Y[i, index[tag]] = 1
    return Y


@pytest.mark.parametrize("lift", [0.0, 0.5, 1.0])
def test_mass_weighted_mean_is_the_cooccurrence_of_grouped_mixtures(cooc_tagger, lift):
    Y = _labels(cooc_tagger)
    theta = cooc_tagger.doc_topic_.astype(np.float64)
    groups = topic_groups(topic_linkage(cooc_tagger.model_.components_), K, 3)
    fine = cooccurrence_mapping(theta, Y, lift=lift)
    recomputed = cooccurrence_mapping(theta @ membership(groups, 3), Y, lift=lift)
    np.testing.assert_allclose(group_rows(fine, theta.sum(axis=0), groups, 3), recomputed,
                               rtol=1e-10, atol=1e-12)


def test_cooccurrence_tagger_groups_show_their_cooccurrence_tags(cooc_tagger):
    reduced = cooc_tagger.reduce_topics(3)
    theta = reduced.topic_view().doc_topic.astype(np.float64)
    recomputed = cooccurrence_mapping(theta, _labels(cooc_tagger), lift=cooc_tagger.lift)
    np.testing.assert_allclose(reduced.view_topic_tag_, recomputed, rtol=1e-5, atol=1e-7)
    top = recomputed[0].argsort(kind="stable")[::-1][:3]
    assert [t for t, _ in reduced.topic_tags(0, 3)] == cooc_tagger.tags_[top].tolist()


def test_grouping_is_ward_on_hellinger_embeddings(tagger):
    phi = tagger.model_.topic_term_distributions()
    Z = linkage(np.sqrt(phi), method="ward")
    np.testing.assert_array_equal(topic_linkage(tagger.model_.components_), Z)
    labels = fcluster(Z, t=4, criterion="maxclust")
    ours = tagger.reduce_topics(4).groups_
    # the same partition (numbered by smallest member)
    assert {frozenset(np.flatnonzero(labels == v)) for v in set(labels)} == {
        frozenset(np.flatnonzero(ours == g)) for g in range(4)
    }


def test_deterministic(export, tagger):
    again = tt.TopicTagger("nmf", n_topics=K, mapping=tagger.mapping_, random_state=0).fit(export)
    a, b, c = tagger.reduce_topics(4), tagger.reduce_topics(4), again.reduce_topics(4)
    for other in (b, c):
        np.testing.assert_array_equal(a.groups_, other.groups_)
        np.testing.assert_array_equal(a.view_components_, other.view_components_)
        np.testing.assert_array_equal(a.view_doc_topic_, other.view_doc_topic_)
        np.testing.assert_array_equal(a.view_topic_tag_, other.view_topic_tag_)
        assert a.topic_labels() == other.topic_labels()


def test_tied_merges_still_give_n_groups():
    # Duplicate topics (e.g. two that never got weight) tie at height 0:
    # fcluster's maxclust then returns fewer clusters than asked.
    rng = np.random.default_rng(0)
    components = rng.random((6, 20))
    components[3] = components[1]
    components[5] = components[1]
    Z = topic_linkage(components)
    # the case is real: two merges at height 0, so 5 clusters cannot be had by a height
    assert len(set(fcluster(Z, t=5, criterion="maxclust"))) == 4
    for n in range(1, 7):
        groups = topic_groups(Z, 6, n)
        assert sorted(set(groups.tolist())) == list(range(n))
    np.testing.assert_array_equal(topic_groups(Z, 6, 6), np.arange(6))


def test_reducing_a_reduced_copy_regroups_the_fine_topics(tagger):
    twice = tagger.reduce_topics(2).reduce_topics(5)
    once = tagger.reduce_topics(5)
    np.testing.assert_array_equal(twice.groups_, once.groups_)
    np.testing.assert_array_equal(twice.view_doc_topic_, once.view_doc_topic_)
    back = tagger.reduce_topics(2).reduce_topics(K)
    assert back.topic_labels() == tagger.topic_labels()


def test_refit_drops_the_groups(export):
    reduced = tt.TopicTagger("nmf", n_topics=K, random_state=0).fit(export).reduce_topics(3)
    # the copy describes itself (view_topics=3): a refit groups its new topics
    assert reduced.get_params()["view_topics"] == 3
    reduced.set_params(n_topics=6).fit(export)
    assert reduced.groups_.shape == (6,) and len(reduced.topic_labels()) == 3
    reduced.set_params(view_topics=None).fit(export)
    assert "groups_" not in reduced.__dict__ and "view_doc_topic_" not in reduced.__dict__
    assert len(reduced.topic_labels()) == 6


@pytest.mark.parametrize("n", [0, -1, K + 1, 2.5, True, "3", None, np.float64(3)])
def test_bad_n_is_refused(tagger, n):
    with pytest.raises(ParameterError, match=rf"n must be an integer from 1 to {K}"):
        tagger.reduce_topics(n)


def test_numpy_integer_n_is_accepted(tagger):
    assert tagger.reduce_topics(np.int64(3)).topic_view().n_topics == 3


def test_unfitted_tagger_cannot_be_reduced():
    with pytest.raises(NotFittedError):
        tt.TopicTagger().reduce_topics(3)


def test_reduced_page_and_charts_show_the_groups(tagger, tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    n = 3
    reduced = tagger.reduce_topics(n)
    labels = reduced.topic_labels()
    prepared = reduced.to_ldavis()
    assert len(prepared.topic_coordinates) == n
    path = reduced.save_ldavis(tmp_path / "groups.html")
    page = path.read_text(encoding="utf-8")
    assert "<script src=" not in page
    data = re.search(r'"mdsDat":\s*(\{.*?\})', page)[1]
    assert len(re.search(r'"topics":\s*\[([^\]]*)\]', data)[1].split(",")) == n
    for label in labels:
        assert label in page
    assert len(reduced.visualize_terms(top=None).axes) == n
    heatmap = reduced.visualize_tag_heatmap(top=None, n_tags=6).axes[0]
    assert heatmap.images[0].get_array().shape == (n, 6)
    assert len(reduced.visualize_prevalence().axes[0].patches) == n
    lines = reduced.visualize_over_time("Y", top=2, min_questions=1).axes[0].get_lines()
    from topictags.viz._charts import _short  # legends shorten long labels with "…"

    assert [line.get_label() for line in lines] == [
        _short(f"{k}: {labels[k]}") for k in reduced._prevalent_topics(2)
    ]
    shares = reduced.topic_prevalence_over_time("Y")
    assert shares.shape[1] == n
    top = reduced.representative_questions(0, n=3)
    np.testing.assert_allclose(top["weight"], np.sort(reduced.view_doc_topic_[:, 0])[::-1][:3])
    with pytest.raises(ParameterError, match="out of range"):
        reduced.representative_questions(n)


def test_reduced_topic_browser_and_drift_use_the_groups(tagger, export):
    pytest.importorskip("ipywidgets")  # the notebook extra; installed in the dev venv
    from topictags.explore import topic_drift

    reduced = tagger.reduce_topics(3)
    browser = reduced.topic_browser()
    dropdown, _, text, pane = browser.children
    # the groups, most prevalent first (as on the pyLDAvis page and in the charts)
    prevalence = reduced.topic_view().doc_topic.mean(axis=0)
    assert [value for _, value in dropdown.options] == list(np.argsort(-prevalence, kind="stable"))
    assert sorted(value for _, value in dropdown.options) == [0, 1, 2]
    text.value = QUESTIONS[0]
    mixture = reduced.view_transform(QUESTIONS[:1])[0]
    best = int(np.argmax(mixture))
    assert f"{mixture[best]:.1%}" in pane.value
    drift = topic_drift(reduced, export.iloc[:15], export.iloc[15:])
    assert len(drift.topics) == 3
    assert set(drift.topics["label"]) == set(reduced.topic_labels())


def test_reduced_tagger_saves_and_loads(tagger, tmp_path):
    reduced = tagger.reduce_topics(3)
    path = tt.save(reduced, tmp_path / "reduced.skops")
    loaded = tt.load(path)
    np.testing.assert_array_equal(loaded.groups_, reduced.groups_)
    pd.testing.assert_frame_equal(loaded.topics(), reduced.topics())
    np.testing.assert_array_equal(
        loaded.decision_function(QUESTIONS), tagger.decision_function(QUESTIONS)
    )
    same = tt.load(tt.save(tagger.reduce_topics(K), tmp_path / "same.skops"))
    assert same.topic_labels() == tagger.topic_labels()
    assert "view_components_" not in same.__dict__  # the fine arrays are not stored twice
