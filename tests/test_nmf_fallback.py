"""The NMF fast path survives a changed private scikit-learn kernel.

TopicModel runs scikit-learn's private ``_update_cdnmf_fast`` itself; if a
scikit-learn release changes it, suggestions must still be NMF.transform's.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import make_questions

import topictags as tt
from topictags.models import _topic_model
from topictags.models._topic_model import normalize_rows


@pytest.fixture
def tagger():
    # blend: its top tag for a pandas question is pandas on these 4 topics
    # (the fallback under test does not depend on the mapping)
    return tt.TopicTagger("nmf", n_topics=4, n_tags=8, min_df=1, mapping="blend",
                          random_state=0).fit(
        make_questions(120)
    )


def _sklearn_mixtures(model, X):
    W = model.model_.transform(X)
    W[np.asarray(X.sum(axis=1)).ravel() == 0] = 0.0
    return normalize_rows(W)


def test_a_kernel_with_another_signature_falls_back_to_nmf_transform(tagger, monkeypatch):
    questions = make_questions(30, seed=1)  # unseen questions
    # restored after the test (raising=False: main has no such flag)
    monkeypatch.setattr(_topic_model, "_cdnmf_failed", False, raising=False)
    monkeypatch.setattr(_topic_model, "_update_cdnmf_fast", None)  # plain NMF.transform
    expected = tagger.suggest_tags(questions, k=3)
    one = tagger.suggest_tags("merge two pandas dataframes", k=3)
    assert one[0] == "pandas"

    calls = []

    def changed(W, HHt, XHt, permutation, random_state):  # a future scikit-learn, say
        raise AssertionError("not reached: called with four arguments")

    def counting(*args):
        calls.append(len(args))
        return changed(*args)

    monkeypatch.setattr(_topic_model, "_update_cdnmf_fast", counting)
    model = tagger.model_
    X = model.vectorize([" ".join(["pandas", "dataframe", "merge"] * 3)])
    assert model._nmf_fast_path(X)  # the fast path is taken...
    assert tagger.suggest_tags(questions, k=3) == expected  # ...and gives way
    assert calls == [4]
    assert not model._nmf_fast_path(X)  # remembered: not retried
    np.testing.assert_array_equal(model.transform_matrix(X), _sklearn_mixtures(model, X))
    assert tagger.suggest_tags("merge two pandas dataframes", k=3) == one
    assert calls == [4]


@pytest.mark.parametrize("returned", [None, "0.5", np.array([1.0, 2.0])])
def test_a_kernel_that_returns_something_else_falls_back(tagger, monkeypatch, returned):
    monkeypatch.setattr(_topic_model, "_cdnmf_failed", False, raising=False)
    model = tagger.model_
    X = model.vectorize(["pandas dataframe merge column", "css layout margin div"])
    expected = _sklearn_mixtures(model, X)
    monkeypatch.setattr(_topic_model, "_update_cdnmf_fast", lambda *args: returned)
    np.testing.assert_array_equal(model.transform_matrix(X), expected)
