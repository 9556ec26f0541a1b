"""Topic models on token documents: NMF on TF-IDF, LDA on counts."""

from __future__ import annotations

import copy
import numbers
import warnings
from collections.abc import Sequence
from typing import ClassVar

import numpy as np
from scipy import sparse
from sklearn.decomposition import NMF, LatentDirichletAllocation
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from .._progress import lda_iterations, step
from .._validation import (
    DOCUMENT_FREQUENCY,
    Interval,
    Options,
    Pair,
    as_matrix,
    normalize_rows,
    validate_params,
)
from ..errors import CorpusError, NotFittedError, ParameterError

try:  # scikit-learn's coordinate-descent kernel of NMF: private, hence guarded
    from sklearn.decomposition._cdnmf_fast import _update_cdnmf_fast
except ImportError:  # pragma: no cover - other scikit-learn layout: NMF.transform is used
    _update_cdnmf_fast = None
# Set when the kernel failed once (e.g. its signature changed): NMF.transform
# is used from then on, without retrying the kernel at every call.
_cdnmf_failed = False

__all__ = ["METHODS", "TopicModel", "normalize_rows"]

METHODS = ("nmf", "lda")
BACKENDS = ("sklearn", "gensim")
# NMF iterations when max_iter is None (see TopicModel's max_iter).
NMF_DEFAULT_ITERATIONS = 30
# Stands, in a saved state, for "components_ is model_.components_".
_SHARED_COMPONENTS = "model_.components_"


class TopicModel:
    """A vectorizer and a topic model fitted together on token documents.

    Documents are strings of space-separated tokens (the output of
    :class:`topictags.text.TextCleaner`, joined). NMF factorises their TF-IDF
    matrix, LDA models their counts (scikit-learn's variational Bayes, or
    gensim's ``LdaModel`` with ``backend="gensim"``).

    Parameters
    ----------
    method : {"nmf", "lda"}, default="nmf"
    n_topics : int, default=40
    backend : {"sklearn", "gensim"}, default="sklearn"
        Backend of LDA; NMF always uses scikit-learn.
    max_features, min_df, max_df, sublinear_tf, ngram_range
        Passed to the vectorizer (``sublinear_tf`` only for NMF's TF-IDF).
    max_iter : int, optional
        Iterations of NMF (default 30) or LDA passes (default 20 for
        scikit-learn, 10 for gensim). The NMF default stops before
        convergence on purpose and without a ``ConvergenceWarning``: tagging
        quality at 30 iterations equals that at convergence (about 200
        iterations for 150 topics on ``questions.parquet``, measured by
        ``benchmarks/tune_defaults.py``). A given ``max_iter`` is used as is,
        and scikit-learn warns when it is not enough.
    nmf_alpha_W, nmf_l1_ratio : float
        Regularisation of NMF's document weights (sparser topic mixtures).
    random_state : int, optional
        Seed of every stochastic step (initialisation, inference).

    Attributes
    ----------
    vectorizer_ : TfidfVectorizer or CountVectorizer
    feature_names_ : ndarray of str, shape (n_features,)
    term_frequency_ : ndarray, shape (n_features,)
        Count of each term in the training documents.
    doc_lengths_ : ndarray of int, shape (n_train,)
        Number of in-vocabulary tokens of each training document.
    components_ : ndarray, shape (n_topics, n_features)
        Non-negative topic-term weights (NMF factor H, or LDA's topic-word
        pseudo-counts).
    model_ : NMF, LatentDirichletAllocation or None
        The scikit-learn estimator (None for the gensim backend, whose state
        is kept as arrays in ``gensim_state_`` and rebuilt on demand).

    Examples
    --------
    >>> docs = ["pandas dataframe merge", "css html layout", "pandas dataframe join"] * 5
    >>> model = TopicModel("nmf", n_topics=2, min_df=1, max_df=1.0, random_state=0).fit(docs)
    >>> model.transform(["merge dataframe"]).shape
    (1, 2)
    """

    def __init__(
        self,
        method: str = "nmf",
        n_topics: int = 40,
        *,
        backend: str = "sklearn",
        max_features: int | None = 20_000,
        min_df: int | float = 2,
        max_df: int | float = 0.5,
        sublinear_tf: bool = True,
        ngram_range: tuple[int, int] = (1, 1),
        max_iter: int | None = None,
        nmf_alpha_W: float = 0.0,
        nmf_l1_ratio: float = 0.0,
        random_state: int | None = None,
    ) -> None:
        self.method = method
        self.n_topics = n_topics
        self.backend = backend
        self.max_features = max_features
        self.min_df = min_df
        self.max_df = max_df
        self.sublinear_tf = sublinear_tf
        self.ngram_range = ngram_range
        self.max_iter = max_iter
        self.nmf_alpha_W = nmf_alpha_W
        self.nmf_l1_ratio = nmf_l1_ratio
        self.random_state = random_state

    # -- fitting ---------------------------------------------------------------
    _constraints: ClassVar[dict[str, list]] = {
        "method": [Options(METHODS)],
        "n_topics": [Interval(numbers.Integral, 1, None)],
        "backend": [Options(BACKENDS)],
        "max_features": [Interval(numbers.Integral, 1, None), None],
        "min_df": DOCUMENT_FREQUENCY,
        "max_df": DOCUMENT_FREQUENCY,
        "sublinear_tf": [bool],
        "ngram_range": [Pair(1)],
        "max_iter": [Interval(numbers.Integral, 1, None), None],
        "nmf_alpha_W": [Interval(numbers.Real, 0, None)],
        "nmf_l1_ratio": [Interval(numbers.Real, 0, 1)],
        "random_state": ["random_state"],
    }

    def validate_params(self) -> None:
        """Check the parameters; raises :class:`~topictags.errors.ParameterError`
        naming the bad one and what it accepts."""
        validate_params(self)
        if self.method == "nmf" and self.backend != "sklearn":
            raise ParameterError(
                "NMF is only available with backend='sklearn': pass backend='sklearn' "
                "or method='lda'"
            )

    def supported_topics(self, n_docs: int, n_terms: int) -> int:
        """The most topics a corpus of ``n_docs`` documents and ``n_terms``
        distinct terms (after ``min_df``/``max_df``) can give: one topic per
        document or per term at most (NMF's initialisation needs both)."""
        return min(n_docs, n_terms)

    def _check_supported(self, n_docs: int, n_terms: int) -> None:
        supported = self.supported_topics(n_docs, n_terms)
        if self.n_topics > supported:
            raise ParameterError(
                f"cannot fit {self.n_topics} topics: this corpus supports at most "
                f"{supported} topics (it has {n_terms} distinct terms after "
                f"min_df={self.min_df!r}, max_df={self.max_df!r}, and {n_docs} documents); "
                f"pass n_topics={supported} or fewer, or fit on more questions"
                + (" or lower min_df" if n_terms <= n_docs else "")
            )

    def _make_vectorizer(self):
        # Documents are already tokenised and normalised: split on spaces only.
        common = dict(
            token_pattern=r"\S+",
            lowercase=False,
            max_features=self.max_features,
            min_df=self.min_df,
            max_df=self.max_df,
            ngram_range=tuple(self.ngram_range),
            dtype=np.float64,
        )
        if self.method == "nmf":
            return TfidfVectorizer(sublinear_tf=self.sublinear_tf, **common)
        return CountVectorizer(**common)

    def fit(self, docs: Sequence[str]) -> TopicModel:
        """Fit on documents of space-separated tokens; returns ``self``."""
        self.fit_transform(docs)
        return self

    def fit_transform(self, docs: Sequence[str]) -> np.ndarray:
        """Fit, and return the training documents' topic mixtures (rows sum to 1)."""
        self.validate_params()
        self.vectorizer_ = self._make_vectorizer()
        try:
            X = self.vectorizer_.fit_transform(docs)
        except ValueError as exc:  # e.g. "empty vocabulary" after min_df/max_df
            raise CorpusError(
                f"no usable terms to fit a topic model on {len(docs)} documents ({exc}); "
                "lower min_df or check that the texts are not empty after cleaning"
            ) from exc
        self._check_supported(*X.shape)
        self.feature_names_ = np.asarray(self.vectorizer_.get_feature_names_out(), dtype=str)
        counts = X if self.method == "lda" else self._counts(docs)
        self.term_frequency_ = np.asarray(counts.sum(axis=0)).ravel()
        self.doc_lengths_ = np.asarray(counts.sum(axis=1)).ravel().astype(np.int64)
        if self.method == "nmf":
            self.model_ = NMF(
                n_components=self.n_topics,
                init="nndsvda",
                max_iter=self.max_iter or NMF_DEFAULT_ITERATIONS,
                alpha_W=self.nmf_alpha_W,
                alpha_H="same",
                l1_ratio=self.nmf_l1_ratio,
                random_state=self.random_state,
            )
            # No per-iteration hook in scikit-learn's NMF: one step, timed.
            with step(f"NMF, {self.n_topics} topics, at most {self.model_.max_iter} iterations"), \
                    warnings.catch_warnings():
                if self.max_iter is None:  # the default cap is deliberate: see max_iter
                    warnings.simplefilter("ignore", ConvergenceWarning)
                W = self.model_.fit_transform(X)
            self.components_ = self.model_.components_
        elif self.backend == "sklearn":
            self.model_ = LatentDirichletAllocation(
                n_components=self.n_topics,
                learning_method="batch",
                max_iter=self.max_iter or 20,
                random_state=self.random_state,
                n_jobs=1,
            )
            with lda_iterations(self.model_, f"LDA, {self.n_topics} topics"):
                W = self.model_.fit_transform(X)
            self.components_ = self.model_.components_
        else:
            self.model_ = None
            with step(f"LDA (gensim), {self.n_topics} topics"):
                W = self._fit_gensim(X)
        return normalize_rows(W)

    def _counts(self, docs: Sequence[str]) -> sparse.csr_matrix:
        # Raw counts in the fitted vocabulary: pyLDAvis and coherence need
        # term frequencies, which TF-IDF weights are not.
        vectorizer = CountVectorizer(
            token_pattern=r"\S+",
            lowercase=False,
            ngram_range=tuple(self.ngram_range),
            vocabulary=self.vectorizer_.vocabulary_,
            dtype=np.float64,
        )
        return vectorizer.transform(docs)

    def _fit_gensim(self, X: sparse.csr_matrix) -> np.ndarray:
        from gensim.matutils import Sparse2Corpus
        from gensim.models import LdaModel

        corpus = Sparse2Corpus(X, documents_columns=False)
        id2word = dict(enumerate(self.feature_names_.tolist()))
        # One worker and a fixed seed: gensim's multicore LDA is not
        # reproducible, so it is not offered.
        lda = LdaModel(
            corpus,
            num_topics=self.n_topics,
            id2word=id2word,
            passes=self.max_iter or 10,
            iterations=100,
            chunksize=2000,
            alpha="symmetric",
            eta=None,
            random_state=self.random_state,
            dtype=np.float64,
        )
        self.gensim_state_ = {
            "sstats": lda.state.sstats.copy(),
            "alpha": np.asarray(lda.alpha, dtype=np.float64),
            "eta": np.asarray(lda.eta, dtype=np.float64),
        }
        self.components_ = lda.state.get_lambda().copy()
        self._gensim = lda
        return self._gensim_transform(X)

    # -- inference -------------------------------------------------------------
    def _check_fitted(self) -> None:
        if not hasattr(self, "components_"):
            raise NotFittedError("this TopicModel is not fitted yet: call fit first")

    def vectorize(self, docs: Sequence[str]) -> sparse.csr_matrix:
        """Document-term matrix of ``docs`` in the fitted vocabulary."""
        self._check_fitted()
        return self.vectorizer_.transform(docs)

    def transform(self, docs: Sequence[str]) -> np.ndarray:
        """Topic mixtures of new documents, shape (n_docs, n_topics).

        Rows sum to one; a document with no known term gets a row of zeros.
        """
        # The vectoriser's own output needs no check: straight to the mixtures.
        return self._mixtures(self.vectorize(docs))

    def transform_matrix(self, X: sparse.spmatrix) -> np.ndarray:
        """Topic mixtures from an already vectorised document-term matrix.

        Raises
        ------
        ParameterError
            ``X`` is not a finite, non-negative matrix with one column per
            term of the fitted vocabulary.
        """
        self._check_fitted()
        return self._mixtures(self._check_term_matrix(X))

    def _mixtures(self, X) -> np.ndarray:
        if self.model_ is None:
            W = self._gensim_transform(X)
        elif self._nmf_fast_path(X):
            W = self._nmf_transform(X)
        else:
            W = self._sklearn_transform(X)
        empty = np.asarray(X.sum(axis=1)).ravel() == 0
        W[empty] = 0.0  # LDA returns its prior for empty documents: not evidence
        return normalize_rows(W)

    def _sklearn_transform(self, X) -> np.ndarray:
        with warnings.catch_warnings():
            if self.method == "nmf" and self.max_iter is None:  # deliberate cap: see max_iter
                warnings.simplefilter("ignore", ConvergenceWarning)
            return self.model_.transform(X)

    def _check_term_matrix(self, X):
        # Checked here so that scikit-learn's and gensim's own errors (each
        # its own wording and type) never reach the caller. The matrix itself
        # is passed on as given (sparse or dense, its dtype).
        if sparse.issparse(X):
            values = X.data
        else:
            X = as_matrix(X, "X")
            values = X.ravel()
        n_terms = len(self.feature_names_)
        if X.ndim != 2 or X.shape[1] != n_terms:
            raise ParameterError(
                f"X has shape {X.shape} but the model knows {n_terms} terms: pass "
                "vectorize(docs) of this model, or transform(docs)"
            )
        if values.size and not (np.isfinite(values).all() and values.min() >= 0):
            raise ParameterError(
                "X must hold finite, non-negative term counts or weights (it has negative, "
                "NaN or infinite values): pass vectorize(docs) of this model"
            )
        return X

    def _nmf_fast_path(self, X) -> bool:
        """Whether :meth:`_nmf_transform` computes exactly what ``NMF.transform`` would.

        Anything unusual (another solver, a dense, negative or non-finite
        matrix, no rows) goes to scikit-learn, which validates it and raises.
        """
        nmf = self.model_
        if _update_cdnmf_fast is None or _cdnmf_failed or not isinstance(nmf, NMF):
            return False
        if nmf.solver != "cd" or nmf.shuffle:
            return False
        if not (sparse.issparse(X) and X.format == "csr" and X.dtype == np.float64):
            return False
        if X.shape[0] == 0 or X.shape[1] != nmf.components_.shape[1]:
            return False
        data = X.data
        # min() is NaN if any value is; max() catches +inf.
        return data.size == 0 or bool(data.min() >= 0 and np.isfinite(data.max()))

    def _nmf_gram(self) -> tuple[np.ndarray, np.ndarray]:
        """``H.T`` and the Gram matrix ``H @ H.T`` of the fitted NMF, computed once.

        ``NMF.transform`` recomputes ``H @ H.T`` (n_topics^2 x n_features flops)
        at every coordinate-descent iteration of every call: that product, not
        the documents, dominated the time of one question. It is cached here,
        keyed on the ``components_`` array so a refit recomputes it.
        """
        nmf = self.model_
        cached = self.__dict__.get("_nmf_cache")
        if cached is not None and cached[0] is nmf.components_:
            return cached[1], cached[2]
        # Same operations, in the same memory layout, as scikit-learn's
        # _fit_coordinate_descent and _update_coordinate_descent.
        Ht = np.ascontiguousarray(nmf.components_.T)
        HHt = np.dot(Ht.T, Ht)
        l2_reg = Ht.shape[0] * nmf.alpha_W * (1.0 - nmf.l1_ratio)
        if l2_reg != 0.0:
            HHt.flat[:: HHt.shape[0] + 1] += l2_reg
        self._nmf_cache = (nmf.components_, Ht, HHt)
        return Ht, HHt

    def _nmf_transform(self, X: sparse.csr_matrix) -> np.ndarray:
        """``NMF.transform(X)`` with the Gram matrix cached; identical results.

        The loop is scikit-learn's coordinate descent on W with H fixed (same
        kernel, start, stopping rule and warning), minus the per-call
        validation and the per-iteration recomputation of constants. The
        kernel is private to scikit-learn: if it fails in any way (another
        signature, return type or behaviour), ``NMF.transform`` gives the
        result, now and for every later call.
        """
        global _cdnmf_failed
        nmf = self.model_
        Ht, HHt = self._nmf_gram()
        n_components = Ht.shape[1]
        W = np.zeros((X.shape[0], n_components), dtype=X.dtype)
        XHt = X @ Ht
        l1_reg = X.shape[1] * nmf.alpha_W * nmf.l1_ratio
        if l1_reg != 0.0:
            XHt -= l1_reg
        permutation = np.arange(n_components, dtype=np.intp)
        violation_init = 0.0
        n_iter = 0
        try:
            for n_iter in range(1, nmf.max_iter + 1):
                violation = _update_cdnmf_fast(W, HHt, XHt, permutation)
                if n_iter == 1:
                    violation_init = violation
                if violation_init == 0 or violation / violation_init <= nmf.tol:
                    break
        except Exception:  # any failure of the private kernel, not only ImportError
            _cdnmf_failed = True
            return self._sklearn_transform(X)
        if n_iter == nmf.max_iter and nmf.tol > 0 and self.max_iter is not None:
            warnings.warn(
                f"Maximum number of iterations {nmf.max_iter} reached. Increase it to "
                "improve convergence.",
                ConvergenceWarning,
                stacklevel=3,
            )
        return W

    def _gensim_model(self):
        if getattr(self, "_gensim", None) is None:
            from gensim.models import LdaModel

            id2word = dict(enumerate(self.feature_names_.tolist()))
            lda = LdaModel(
                num_topics=self.n_topics,
                id2word=id2word,
                alpha=self.gensim_state_["alpha"],
                eta=self.gensim_state_["eta"],
                iterations=100,
                random_state=self.random_state,
                dtype=np.float64,
            )
            lda.state.sstats[...] = self.gensim_state_["sstats"]
            lda.sync_state()
            self._gensim = lda
        return self._gensim

    def _gensim_transform(self, X: sparse.spmatrix) -> np.ndarray:
        from gensim.matutils import Sparse2Corpus
        from gensim.utils import get_random_state

        lda = self._gensim_model()
        docs = list(Sparse2Corpus(X, documents_columns=False))
        gamma = np.empty((len(docs), lda.num_topics))
        for i, doc in enumerate(docs):
            # inference() draws each document's starting point from the model's
            # generator: reseeding it per document gives a text the same mixture
            # alone, in any batch and at any position.
            lda.random_state = get_random_state(self.random_state)
            gamma[i] = lda.inference([doc])[0][0]
        return gamma - lda.alpha  # variational counts minus the prior

    def topic_term_distributions(self) -> np.ndarray:
        """``components_`` with rows normalised to probability distributions."""
        self._check_fitted()
        return normalize_rows(self.components_)

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state.pop("_gensim", None)  # rebuilt from gensim_state_ when needed
        state.pop("_nmf_cache", None)  # recomputed on first use
        # Shared in memory, written twice by skops: keep the estimator's copy.
        model = state.get("model_")
        if model is not None and state.get("components_") is getattr(model, "components_", None):
            state["components_"] = _SHARED_COMPONENTS
        # The vectorizer's term -> column dict is feature_names_ again (the
        # largest part of the schema): rebuilt by __setstate__. A shallow copy,
        # so the vectorizer in use keeps its dict.
        vectorizer = state.get("vectorizer_")
        if vectorizer is not None and "feature_names_" in state:
            vectorizer = copy.copy(vectorizer)
            vectorizer.__dict__.pop("vocabulary_", None)
            # older scikit-learn: "only for introspection, can be removed"
            vectorizer.__dict__.pop("stop_words_", None)
            state["vectorizer_"] = vectorizer
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        if isinstance(state.get("components_"), str) and state["components_"] == _SHARED_COMPONENTS:
            self.components_ = self.model_.components_
        vectorizer = state.get("vectorizer_")
        if vectorizer is not None and not hasattr(vectorizer, "vocabulary_"):
            vectorizer.vocabulary_ = {
                term: column for column, term in enumerate(self.feature_names_.tolist())
            }
