"""TopicTagger's defaults (issue 10 part 2): what users get with no arguments.

150 fine NMF topics stopped at 30 iterations without a warning, the logistic
mapping on the square roots of the mixtures (fitted only when used), and
views showing ``view_topics`` groups. Fitted on the 30-question Data Explorer
export users of small exports bring, with few topics so 30 questions carry them.
"""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from small_export import write_data_explorer_csv

import topictags as tt
from topictags.models import TopicModel
from topictags.persistence import load

QUESTIONS = [
    "How do I merge two pandas DataFrames on a column?",
    "jQuery ajax callback returns undefined",
    "Git push rejected after a rebase",
]


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    path = write_data_explorer_csv(tmp_path_factory.mktemp("export") / "QueryResults.csv")
    return tt.load_questions(path)


@pytest.fixture(scope="module")
def logistic(export):
    return tt.TopicTagger(n_topics=8, view_topics=None, random_state=0).fit(export)


def test_the_defaults_are_the_validated_settings():
    params = inspect.signature(tt.TopicTagger).parameters
    assert params["method"].default == "nmf"
    assert params["n_topics"].default == 150
    assert params["mapping"].default == "logistic"
    assert params["max_iter"].default is None
    assert params["view_topics"].default == 30
    # max_iter=None means 30 NMF iterations
    from topictags.models._topic_model import NMF_DEFAULT_ITERATIONS

    assert NMF_DEFAULT_ITERATIONS == 30


def test_logistic_mapping_scores_the_square_roots_of_the_mixtures(logistic):
    assert logistic.mapping_ == "logistic" and logistic.logistic_features_ == "sqrt"
    theta = logistic.transform(QUESTIONS)
    weights, intercept = logistic.logistic_
    expected = 1.0 / (1.0 + np.exp(-(np.sqrt(theta) @ weights + intercept)))
    np.testing.assert_allclose(logistic.decision_function(QUESTIONS), expected, rtol=1e-12)
    # and not the plain mixtures: the two differ on these questions
    plain = 1.0 / (1.0 + np.exp(-(theta @ weights + intercept)))
    assert not np.allclose(plain, expected)


def test_logistic_mapping_is_fitted_only_when_used(export, logistic):
    blend = tt.TopicTagger(n_topics=8, mapping="blend", view_topics=None,
                           random_state=0).fit(export)
    assert blend.logistic_ is None
    # on demand, the same weights as a tagger fitted with it
    on_demand = blend.with_mapping("logistic")
    np.testing.assert_array_equal(on_demand.logistic_[0], logistic.logistic_[0])
    np.testing.assert_array_equal(on_demand.logistic_[1], logistic.logistic_[1])
    assert on_demand.suggest_tags(QUESTIONS, k=3) == logistic.suggest_tags(QUESTIONS, k=3)
    assert blend.logistic_ is None  # the original is not changed


def test_model_files_from_before_keep_scoring_with_plain_mixtures(logistic, tmp_path):
    # Files written before the square-root features had logistic weights for
    # the plain mixtures and no ``logistic_features_``: they must score as
    # they were fitted, not through square roots.
    state = logistic.__getstate__()
    del state["logistic_features_"]
    old = tt.TopicTagger.__new__(tt.TopicTagger)
    old.__setstate__(state)
    theta = old.transform(QUESTIONS)
    weights, intercept = old.logistic_
    plain = 1.0 / (1.0 + np.exp(-(theta @ weights + intercept)))
    np.testing.assert_allclose(old.decision_function(QUESTIONS), plain, rtol=1e-12)
    # and a new file round-trips the marker
    path = logistic.save(tmp_path / "m.topictags")
    assert load(path).logistic_features_ == "sqrt"


def test_default_nmf_cap_warns_nobody_but_a_chosen_cap_does(export):
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        tagger = tt.TopicTagger(n_topics=8, random_state=0).fit(export)
        tagger.suggest_tags(QUESTIONS, k=3)
        TopicModel("nmf", n_topics=3, min_df=1, random_state=0).fit(
            ["pandas merge frame", "jquery ajax event", "git rebase push"] * 4
        )
    assert tagger.model_.model_.max_iter == 30
    with pytest.warns(ConvergenceWarning):
        tt.TopicTagger(n_topics=8, max_iter=1, random_state=0).fit(export)


def test_views_show_view_topics_groups_and_tagging_uses_every_fine_topic(export, logistic):
    grouped = tt.TopicTagger(n_topics=8, view_topics=3, random_state=0).fit(export)
    assert grouped.view_topics_ == 3 and grouped.topic_view().n_topics == 3
    assert len(grouped.topics()) == 3 and len(grouped.topic_labels()) == 3
    assert grouped.transform(QUESTIONS).shape == (3, 8)  # tagging: fine topics
    np.testing.assert_array_equal(grouped.decision_function(QUESTIONS),
                                  logistic.decision_function(QUESTIONS))
    # the same groups as reduce_topics makes
    reduced = logistic.reduce_topics(3)
    np.testing.assert_array_equal(reduced.groups_, grouped.groups_)
    assert reduced.topics()["members"].tolist() == grouped.topics()["members"].tolist()
    # fewer fine topics than view_topics: the views show them all
    assert logistic.topic_view().n_topics == 8
    assert tt.TopicTagger(n_topics=8, random_state=0).fit(export).topic_view().n_topics == 8


def test_set_params_view_topics_after_fit_changes_nothing_fitted(export):
    grouped = tt.TopicTagger(n_topics=8, view_topics=3, random_state=0).fit(export)
    grouped.set_params(view_topics=5)
    assert grouped.topic_view().n_topics == 3 and grouped.view_topics_ == 3
    assert clone(grouped).fit(export).topic_view().n_topics == 5


def test_with_mapping_regroups_the_tags_the_views_show(export):
    grouped = tt.TopicTagger(n_topics=8, view_topics=3, random_state=0).fit(export)
    cooc = grouped.with_mapping("cooccurrence")
    assert cooc.topic_view().n_topics == 3
    expected = grouped.reduce_topics(3)  # same groups
    direct = tt.TopicTagger(n_topics=8, mapping="cooccurrence", view_topics=3,
                            random_state=0).fit(export)
    np.testing.assert_allclose(cooc.topic_view().topic_tag, direct.topic_view().topic_tag)
    assert not np.allclose(cooc.topic_view().topic_tag, expected.topic_view().topic_tag)


def test_bad_view_topics_is_a_parameter_error(export):
    with pytest.raises(tt.errors.ParameterError, match="view_topics"):
        tt.TopicTagger(n_topics=8, view_topics=0).fit(export)
