import numpy as np
import pytest

from topictags.errors import NotFittedError, ParameterError
from topictags.models import TopicModel, normalize_rows

DOCS = (
    ["pandas dataframe merge column"] * 10
    + ["css html layout margin"] * 10
    + ["mysql query join table"] * 10
)


@pytest.mark.parametrize(
    ("method", "backend"), [("nmf", "sklearn"), ("lda", "sklearn"), ("lda", "gensim")]
)
def test_fit_transform_shapes_and_distributions(method, backend):
    model = TopicModel(method, 3, backend=backend, min_df=1, max_df=1.0, random_state=0)
    theta = model.fit_transform(DOCS)
    assert theta.shape == (30, 3)
    np.testing.assert_allclose(theta.sum(axis=1), 1.0)
    assert model.components_.shape == (3, len(model.feature_names_))
    new = model.transform(["merge dataframe column", "unknownword"])
    np.testing.assert_allclose(new[0].sum(), 1.0)
    assert new[1].sum() == 0.0  # no known term: no topic
    # documents of one theme share their dominant topic
    dominant = theta.argmax(axis=1)
    assert len(set(dominant[:10])) == 1 and len(set(dominant)) == 3


@pytest.mark.parametrize(
    ("method", "backend"), [("nmf", "sklearn"), ("lda", "sklearn"), ("lda", "gensim")]
)
def test_same_seed_same_topics(method, backend):
    fit = lambda: TopicModel(method, 3, backend=backend, min_df=1, max_df=1.0, random_state=7).fit(
        DOCS
    )
    a, b = fit(), fit()
    np.testing.assert_array_equal(a.components_, b.components_)
    np.testing.assert_array_equal(a.transform(DOCS[:5]), b.transform(DOCS[:5]))


def test_gensim_transform_is_repeatable_in_one_process():
    model = TopicModel("lda", 3, backend="gensim", min_df=1, max_df=1.0, random_state=1).fit(DOCS)
    np.testing.assert_array_equal(model.transform(DOCS[:3]), model.transform(DOCS[:3]))


@pytest.mark.parametrize(
    ("kwargs", "n_docs", "message"),
    [
        ({"method": "pca"}, 30, "method must be"),
        ({"method": "nmf", "backend": "gensim"}, 30, "only available"),
        ({"method": "lda", "backend": "torch"}, 30, "backend must be"),
        ({"n_topics": 0}, 30, "positive integer"),
        ({"n_topics": 50}, 30, "cannot fit 50 topics: this corpus supports at most 12"),
    ],
)
def test_bad_parameters(kwargs, n_docs, message):
    with pytest.raises(ValueError, match=message):
        TopicModel(**{"min_df": 1, "max_df": 1.0, **kwargs}).fit(DOCS[:n_docs])


def test_empty_documents_error_is_clear():
    with pytest.raises(ValueError, match="no usable terms"):
        TopicModel("nmf", 2, min_df=1).fit(["", "", ""])


def test_not_fitted():
    with pytest.raises(NotFittedError):
        TopicModel().transform(["x"])


def test_normalize_rows_keeps_zero_rows():
    out = normalize_rows(np.array([[1.0, 3.0], [0.0, 0.0]]))
    np.testing.assert_allclose(out, [[0.25, 0.75], [0.0, 0.0]])


def _sklearn_mixtures(model, docs):
    """What NMF.transform gives, with topictags' empty-row rule and normalisation."""
    X = model.vectorize(docs)
    W = model.model_.transform(X)
    W[np.asarray(X.sum(axis=1)).ravel() == 0] = 0.0
    return normalize_rows(W)


def test_nmf_inference_equals_sklearn_transform_bit_for_bit():
    # TopicModel runs NMF's coordinate descent itself with the Gram matrix
    # cached (docs/performance.md); it must not change a single bit.
    rng = np.random.default_rng(0)
    words = " ".join(DOCS).split()
    docs = DOCS + [" ".join(rng.choice(words, size=rng.integers(0, 12))) for _ in range(40)]
    model = TopicModel("nmf", 3, min_df=1, max_df=1.0, random_state=0).fit(DOCS)
    assert model._nmf_fast_path(model.vectorize(docs))
    np.testing.assert_array_equal(model.transform(docs), _sklearn_mixtures(model, docs))
    for doc in docs[::7]:  # one row at a time converges after other iteration counts
        np.testing.assert_array_equal(model.transform([doc]), _sklearn_mixtures(model, [doc]))


def test_nmf_inference_follows_a_refit():
    model = TopicModel("nmf", 3, min_df=1, max_df=1.0, random_state=0).fit(DOCS)
    model.transform(DOCS[:3])  # caches the Gram matrix of this fit
    model.fit(list(reversed(DOCS))[:25] + ["pandas css mysql"] * 5)
    np.testing.assert_array_equal(model.transform(DOCS), _sklearn_mixtures(model, DOCS))


def test_unusual_matrices_go_through_sklearn():
    model = TopicModel("nmf", 3, min_df=1, max_df=1.0, random_state=0).fit(DOCS)
    X = model.vectorize(DOCS[:4])
    assert not model._nmf_fast_path(X.astype(np.float32))
    assert not model._nmf_fast_path(X.toarray())
    negative = X.copy()
    negative.data[0] = -1.0
    assert not model._nmf_fast_path(negative)
    # ...but its errors do not: the matrix is checked first (issue 10 part 3)
    with pytest.raises(ParameterError, match="non-negative term counts"):
        model.transform_matrix(negative)
    with pytest.raises(ParameterError, match="non-negative term counts"):
        model.transform_matrix(negative.toarray())
    with pytest.raises(ParameterError, match=r"shape \(4, 2\) but the model knows"):
        model.transform_matrix(X[:, :2])
    np.testing.assert_allclose(model.transform_matrix(X.toarray()), model.transform_matrix(X))


def test_too_many_topics_says_how_many_the_corpus_supports():
    # 12 distinct terms, 30 documents: at most 12 topics, and 12 fit.
    with pytest.raises(ParameterError, match=r"at most 12 topics .*pass n_topics=12 or fewer"):
        TopicModel("nmf", 13, min_df=1, max_df=1.0).fit(DOCS)
    assert TopicModel("nmf", 12, min_df=1, max_df=1.0, random_state=0).fit(DOCS).n_topics == 12
    # fewer documents than terms: the documents are the limit
    with pytest.raises(ParameterError, match=r"at most 3 topics .*and 3 documents"):
        TopicModel("lda", 4, min_df=1, max_df=1.0).fit(DOCS[::10])
