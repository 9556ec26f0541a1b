"""One validation layer (issue 10 part 3): constraints declared once, library
errors only, and the matrix helpers in topictags._validation used everywhere."""

from __future__ import annotations

import ast
import numbers
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from conftest import make_questions

import topictags as tt
from topictags import _validation as v
from topictags.errors import CorpusError, ParameterError, TopicTagsError
from topictags.explore import top_terms, topic_diversity, topic_prevalence_over_time
from topictags.models import TopicModel
from topictags.tagging import blend
from topictags.viz import (
    plot_comparison,
    plot_top_terms,
    plot_topic_prevalence,
    plot_topic_tag_heatmap,
)

PACKAGE = Path(tt.__file__).parent


# -- the constraint rules ---------------------------------------------------------
@pytest.mark.parametrize(
    ("constraint", "good", "bad"),
    [
        (v.Interval(numbers.Integral, 1, None), [1, np.int64(7)], [0, 1.0, True, "1", None]),
        (v.Interval(numbers.Real, 0, 1), [0, 0.5, 1, np.float32(1)], [-0.1, 1.01, np.nan, False]),
        (v.Interval(numbers.Real, 0, None, closed="neither"), [1e-9, 10], [0, -1]),
        (v.Interval(v.RealNotInt, 0, 1), [0.0, 0.5, np.float64(1.0)], [0, 1, True]),
        (v.Options(("nmf", "lda")), ["nmf", "lda"], ["NMF", None, ["nmf"]]),
        (v.Pair(1), [(1, 1), [1, 3], (np.int64(2), 3)], [(2, 1), (0, 1), (1,), "12", (1.0, 2)]),
    ],
)
def test_constraints_accept_and_reject(constraint, good, bad):
    for value in good:
        assert v.check_value(value, "x", [constraint]) is value
    for value in bad:
        with pytest.raises(ParameterError, match=re.escape(f"x must be {constraint}, got")):
            v.check_value(value, "x", [constraint])


def test_random_state_and_types():
    for value in (None, 0, np.random.RandomState(0)):
        v.check_value(value, "random_state", ["random_state"])
    for value in ("seed", 1.5, True):
        with pytest.raises(ParameterError, match="random_state must be an integer seed or None"):
            v.check_value(value, "random_state", ["random_state"])
    with pytest.raises(ParameterError, match="keep_code must be True or False, got 1"):
        v.check_value(1, "keep_code", [bool])


def test_document_frequency_int_and_float_mean_different_things():
    # 0 (int) is not a document count; 0.0 is a share. scikit-learn's own
    # check used to raise its InvalidParameterError out of fit.
    rule = r"min_df must be a positive integer or a float in \[0, 1\], got 0"
    with pytest.raises(ParameterError, match=rule):
        tt.TopicTagger("nmf", n_topics=2, min_df=0).fit(make_questions(20))
    with pytest.raises(ParameterError, match="min_df must be"):
        tt.SupervisedTagger(min_df=1.5).fit(make_questions(20))
    tt.TopicTagger("nmf", n_topics=2, n_tags=4, min_df=0.0, random_state=0).fit(make_questions(20))


def test_constraints_are_declared_once():
    # The topic tagger checks its topic-model parameters with TopicModel's
    # declarations, and every tagger shares the same n_tags rule.
    for name in ("method", "n_topics", "backend", "min_df", "max_df", "max_iter"):
        assert tt.TopicTagger._constraints[name] is TopicModel._constraints[name]
    n_tags = tt.TopicTagger._constraints["n_tags"]
    assert tt.SupervisedTagger._constraints["n_tags"] is n_tags
    assert tt.MostFrequentTagger._constraints["n_tags"] is n_tags
    # every constructor parameter has a declared constraint
    import inspect

    for cls in (tt.TopicTagger, tt.SupervisedTagger, tt.MostFrequentTagger, TopicModel):
        params = set(inspect.signature(cls.__init__).parameters) - {"self"}
        assert params == set(cls._constraints), cls


# -- library errors only ----------------------------------------------------------
@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: TopicModel("pca").validate_params(), ParameterError, "method must be one of"),
        (lambda: TopicModel("nmf", backend="gensim").validate_params(), ParameterError,
         "backend='sklearn'"),
        (lambda: TopicModel("nmf", ngram_range=(2, 1)).validate_params(), ParameterError,
         "ngram_range must be a pair"),
        (lambda: blend(np.ones((2, 2)), np.ones((2, 2)), 1.5), ParameterError,
         r"blend weight must be in \[0, 1\]"),
        (lambda: plot_top_terms(-np.ones((2, 3)), list("abc")), ParameterError, "negative"),
        (lambda: plot_top_terms(np.ones((2, 3)), list("abc"), n_terms=0), ParameterError,
         "n_terms must be a positive integer, got 0"),
        (lambda: plot_top_terms(np.ones((2, 3)), "abc"), ParameterError, "not a str"),
        (lambda: plot_topic_tag_heatmap(np.ones(3), list("abc")), ParameterError, "2-D"),
        (lambda: plot_topic_prevalence(np.zeros((3, 2))), ParameterError, "every row"),
        (lambda: plot_comparison([1, 2]), ParameterError, "must be a pandas DataFrame"),
        (lambda: plot_comparison(pd.DataFrame({"a": [1]})), ParameterError, "no column"),
        (lambda: top_terms(np.ones(3), ["a"]), ParameterError, "2-D"),
        (lambda: top_terms(np.ones((2, 3)), list("abc"), top_n=1), ParameterError,
         "top_n must be an integer >= 2, got 1"),
        (lambda: topic_diversity(np.full((2, 3), np.inf), list("abc")), ParameterError,
         "NaN or infinite"),
        (lambda: topic_prevalence_over_time(-np.ones((2, 2)), ["2020", "2021"]), ParameterError,
         "negative"),
        (lambda: topic_prevalence_over_time(np.ones((2, 2)), ["2020", "2021"], min_questions=0),
         ParameterError, "min_questions must be a positive integer, got 0"),
    ],
)
def test_bad_arguments_raise_library_errors(call, error, match):
    with pytest.raises(error, match=match) as caught:
        call()
    assert isinstance(caught.value, TopicTagsError) and isinstance(caught.value, ValueError)


def test_a_spacy_pipeline_that_is_not_installed_is_a_parameter_error():
    tagger = tt.TopicTagger("nmf", n_topics=2, min_df=1, spacy_model="xx_no_such_pipeline")
    with pytest.raises(ParameterError, match="'xx_no_such_pipeline' is not installed; use"):
        tagger.fit(make_questions(20))


def test_evaluate_without_candidate_tags_is_a_corpus_error():
    train = make_questions(20)
    base = tt.MostFrequentTagger(n_tags=2).fit(train)
    other = train.assign(tags=[["cobol"]] * len(train))
    with pytest.raises(CorpusError, match="fit with a larger n_tags"):
        tt.evaluate(base, other)


# -- shared helpers ---------------------------------------------------------------
def test_row_normalisation_is_one_function_everywhere():
    import topictags.models as models

    assert models.normalize_rows is v.normalize_rows
    weights = np.array([[1.0, 3.0], [0.0, 0.0], [2.0, 2.0]])
    # explore's shares, the charts' prevalence and the helper agree
    by_year = topic_prevalence_over_time(weights, ["2020-01-01", "2020-06-01", "2021-01-01"])
    np.testing.assert_allclose(by_year.to_numpy(), [[0.25, 0.75], [0.5, 0.5]])
    ax = plot_topic_prevalence(weights)
    np.testing.assert_allclose(
        sorted(p.get_width() for p in ax.patches),
        sorted(v.normalize_rows(weights[[0, 2]]).mean(axis=0)),
    )


DUPLICATES = {"as_matrix", "normalize_rows", "_row_shares", "_positive_int", "_nonnegative_2d",
              "check_pair"}


def test_no_module_redefines_the_shared_helpers():
    defined = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "_validation.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name in DUPLICATES:
                defined.append(f"{path.relative_to(PACKAGE)}:{node.name}")
    assert not defined, "use topictags._validation instead: " + ", ".join(defined)
