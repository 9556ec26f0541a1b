"""The taggers are scikit-learn estimators: clone, pipelines, grid search,
cross-validation, the applicable estimator checks, and fitted state that
set_params does not change."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.base import clone
from sklearn.exceptions import NotFittedError as SklearnNotFittedError
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils import estimator_checks
from sklearn.utils.validation import check_is_fitted

import topictags as tt
from topictags.errors import NotFittedError, ParameterError

TAGGERS = [
    lambda: tt.TopicTagger("nmf", n_topics=4, n_tags=8, min_df=1, random_state=0),
    lambda: tt.SupervisedTagger(n_tags=8, min_df=1, random_state=0),
    lambda: tt.MostFrequentTagger(n_tags=8),
]
IDS = ["topic", "supervised", "most-frequent"]
MERGE = "How do I merge two pandas DataFrames on a column groupby?"


@pytest.mark.parametrize("make", TAGGERS, ids=IDS)
def test_clone_gives_an_unfitted_equal_estimator(make, split):
    train, _ = split
    fitted = make().fit(train)
    copy = clone(fitted)
    assert copy.get_params() == fitted.get_params()
    assert not hasattr(copy, "tags_")
    with pytest.raises(NotFittedError):
        copy.suggest_tags("x")


@pytest.mark.parametrize("make", TAGGERS, ids=IDS)
def test_not_fitted_error_is_also_sklearns(make):
    tagger = make()
    with pytest.raises(SklearnNotFittedError, match="fit"):
        tagger.suggest_tags("pandas")
    with pytest.raises(SklearnNotFittedError):
        check_is_fitted(tagger)


@pytest.mark.parametrize("make", TAGGERS, ids=IDS)
def test_fit_accepts_texts_with_tags_as_y(make, split):
    train, test = split
    from_frame = make().fit(train)
    from_texts = make().fit(train[["title", "body"]], train["tags"].tolist())
    np.testing.assert_array_equal(from_texts.tags_, from_frame.tags_)
    assert from_texts.suggest_tags(test, k=2) == from_frame.suggest_tags(test, k=2)
    # score with the tags inside X or as y: one float
    inside = from_frame.score(test)
    assert isinstance(inside, float) and 0 <= inside <= 1
    assert from_frame.score(test[["title", "body"]], test["tags"]) == inside
    assert inside == from_frame.evaluate(test, k=3)["jaccard"]


def test_fit_on_plain_texts_needs_y(split):
    train, _ = split
    texts = (train["title"] + " " + train["body"]).tolist()
    with pytest.raises(tt.errors.CorpusError, match="tags as y"):
        tt.MostFrequentTagger().fit(texts)
    with pytest.raises(ParameterError, match="one tag list per question"):
        tt.MostFrequentTagger().fit(texts, train["tags"].tolist()[:-1])
    fitted = tt.TopicTagger("nmf", n_topics=4, n_tags=8, min_df=1, random_state=0)
    fitted.fit(texts, train["tags"].tolist())
    assert set(fitted.suggest_tags(MERGE, k=2)) <= {"python", "pandas"}


def test_pipeline_selecting_columns_then_the_tagger(split):
    train, test = split
    select = FunctionTransformer(lambda frame: frame[["title", "body"]])
    pipe = make_pipeline(select, tt.TopicTagger("nmf", n_topics=4, n_tags=8, min_df=1,
                                                random_state=0))
    pipe.fit(train, train["tags"].tolist())
    tagger = pipe[-1]
    assert pipe.score(test, test["tags"].tolist()) == pytest.approx(tagger.score(test))
    assert pipe.get_params()["topictagger__n_topics"] == 4


def test_grid_search_over_n_topics_and_mapping(split):
    train, _ = split
    grid = GridSearchCV(
        tt.TopicTagger("nmf", n_tags=8, min_df=1, random_state=0),
        {"n_topics": [2, 4], "mapping": ["cooccurrence", "logistic"]},
        cv=KFold(2, shuffle=True, random_state=0),
        error_score="raise",
    )
    grid.fit(train, train["tags"].tolist())
    assert len(grid.cv_results_["params"]) == 4
    assert np.isfinite(grid.cv_results_["mean_test_score"]).all()
    # four well-separated themes: four topics beat two
    assert grid.best_params_["n_topics"] == 4
    assert grid.best_estimator_.model_.n_topics == 4
    # the tags may also stay inside X
    GridSearchCV(tt.MostFrequentTagger(), {"n_tags": [2, 8]}, cv=2).fit(train)


def test_cross_val_score(split):
    train, _ = split
    scores = cross_val_score(
        tt.SupervisedTagger(n_tags=8, min_df=1, random_state=0, neighbors=0),
        train[["title", "body"]],
        train["tags"].tolist(),
        cv=KFold(3, shuffle=True, random_state=0),
        error_score="raise",
    )
    assert scores.shape == (3,) and (scores > 0.5).all()


def test_set_params_after_fit_does_not_change_predictions(split):
    # Issue 10: mapping="logistic" set after a "blend" fit used to change the
    # suggestions of the fitted model silently.
    train, test = split
    tagger = tt.TopicTagger("nmf", n_topics=4, n_tags=8, min_df=1, mapping="blend",
                            random_state=0).fit(train)
    before = tagger.decision_function(test)
    suggested = tagger.suggest_tags(MERGE, k=3)
    tagger.set_params(mapping="logistic", title_weight=0, blend_weight=0.1)
    np.testing.assert_array_equal(tagger.decision_function(test), before)
    assert tagger.suggest_tags(MERGE, k=3) == suggested
    assert tagger.name == "nmf-4-blend"  # the label is the fitted model's
    # refitting applies the new parameters
    tagger.fit(train)
    assert tagger.mapping_ == "logistic" and tagger.name == "nmf-4-logistic"
    assert not np.array_equal(tagger.decision_function(test), before)


def test_supervised_set_params_neighbors_after_fit(split):
    # Used to raise AttributeError (no neighbour matrix was kept).
    train, test = split
    sup = tt.SupervisedTagger(n_tags=8, min_df=1, neighbors=0, random_state=0).fit(train)
    before = sup.decision_function(test)
    suggested = sup.suggest_tags(test, k=2)
    sup.set_params(neighbors=30, neighbor_weight=0.9, title_weight=5, classifier="logistic")
    np.testing.assert_array_equal(sup.decision_function(test), before)
    assert sup.suggest_tags(test, k=2) == suggested
    assert sup.name == "supervised-svm"


def test_with_mapping_sets_the_fitted_mapping_on_a_copy(split):
    train, _ = split
    tagger = tt.TopicTagger("nmf", n_topics=4, n_tags=8, min_df=1, random_state=0).fit(train)
    lexical = tagger.with_mapping("lexical")
    assert lexical.mapping_ == lexical.mapping == "lexical" and tagger.mapping_ == "logistic"
    np.testing.assert_array_equal(lexical.topic_tag_, tagger.lexical_)
    with pytest.raises(ParameterError, match="mapping must be one of"):
        tagger.with_mapping("bogus")


@pytest.mark.parametrize(
    ("make", "params", "message"),
    [
        (tt.TopicTagger, {"n_topics": 0}, "n_topics must be a positive integer, got 0"),
        (tt.TopicTagger, {"mapping": "topics"}, "mapping must be one of 'lexical'"),
        (tt.TopicTagger, {"blend_weight": 1.5}, r"blend_weight must be a number in \[0, 1\]"),
        (tt.TopicTagger, {"method": "pca"}, "method must be one of 'nmf', 'lda'"),
        (tt.TopicTagger, {"min_df": -1}, "min_df must be"),
        (tt.TopicTagger, {"random_state": "seed"}, "random_state must be an integer seed"),
        (tt.SupervisedTagger, {"C": 0}, "C must be a number > 0"),
        (tt.SupervisedTagger, {"classifier": "tree"}, "classifier must be one of"),
        (tt.SupervisedTagger, {"ngram_range": (2, 1)}, "ngram_range must be a pair"),
        (tt.SupervisedTagger, {"neighbors": -1}, "neighbors must be a non-negative integer"),
        (tt.MostFrequentTagger, {"n_tags": True}, "n_tags must be a positive integer"),
    ],
)
def test_parameters_are_checked_in_fit_with_library_errors(split, make, params, message):
    train, _ = split
    tagger = make(**params)  # __init__ only stores
    with pytest.raises(ParameterError, match=message):
        tagger.fit(train)


def test_unknown_parameter_is_a_parameter_error():
    with pytest.raises(ParameterError, match="unknown parameter 'colour'.*n_topics"):
        tt.TopicTagger().set_params(colour="red")


def test_tags_say_text_input():
    tags = tt.TopicTagger().__sklearn_tags__()
    assert tags.input_tags.string and not tags.input_tags.two_d_array
    assert tags.requires_fit and not tags.target_tags.required


# The estimator checks that apply to an estimator of text. The others feed
# numeric arrays (X of shape (n, 2) floats, y of class labels), which a tagger
# of questions cannot take; docs/design.md lists them and why.
API_CHECKS = [
    "check_no_attributes_set_in_init",
    "check_get_params_invariance",
    "check_set_params",
    "check_parameters_default_constructible",
    "check_estimator_cloneable",
    "check_estimator_repr",
    "check_do_not_raise_errors_in_init_or_set_params",
    "check_estimator_tags_renamed",
    "check_valid_tag_types",
    "check_mixin_order",
]


@pytest.mark.parametrize("make", TAGGERS, ids=IDS)
@pytest.mark.parametrize("check", API_CHECKS)
def test_sklearn_api_checks(make, check):
    getattr(estimator_checks, check)(type(make()).__name__, make())


@pytest.mark.parametrize("make", TAGGERS, ids=IDS)
def test_fit_does_not_change_parameters_or_overwrite_them(make, split):
    # What check_dont_overwrite_parameters and check_estimators_overwrite_params
    # verify, on questions instead of numeric arrays.
    train, _ = split
    tagger = make()
    params = {k: (v.copy() if hasattr(v, "copy") else v) for k, v in tagger.get_params().items()}
    public_before = {k for k in vars(tagger) if not k.startswith("_")}
    tagger.fit(train)
    assert tagger.get_params() == params
    added = {k for k in vars(tagger) if not k.startswith("_")} - public_before
    assert added and all(k.endswith("_") for k in added), added


def test_sklearn_version_has_the_tags_api():
    # __sklearn_tags__ is the scikit-learn >= 1.6 protocol the project relies on.
    major, minor = (int(p) for p in sklearn.__version__.split(".")[:2])
    assert (major, minor) >= (1, 6)


def test_evaluate_is_the_old_score_dict(split):
    train, test = split
    base = tt.MostFrequentTagger(n_tags=8).fit(train)
    result = base.evaluate(test, k=2)
    assert set(result) >= {"jaccard", "precision@k", "recall@k", "f1", "n_questions"}
    assert result == {**tt.evaluate(base, test, k=2),
                      "suggestions_per_second": result["suggestions_per_second"]}


def test_fit_on_a_path(tmp_path, split):
    train, _ = split
    path = tmp_path / "train.parquet"
    train.to_parquet(path)
    from_path = tt.MostFrequentTagger(n_tags=8).fit(path)
    assert from_path.tags_.tolist() == tt.MostFrequentTagger(n_tags=8).fit(train).tags_.tolist()
    assert isinstance(from_path.score(pd.read_parquet(path)), float)
