"""SupervisedTagger: TF-IDF + one-vs-rest linear classifiers, the comparator."""

from __future__ import annotations

import time

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.svm import LinearSVC

from ._base import BaseTagger

__all__ = ["SupervisedTagger"]

CLASSIFIERS = ("svm", "logistic")


class SupervisedTagger(BaseTagger):
    """One linear classifier per candidate tag on TF-IDF features.

    The comparator the topic taggers are measured against: same cleaning,
    same tag vocabulary, same metric. Scores are decision-function values
    (``"svm"``) or probabilities (``"logistic"``); the ``k`` best tags are
    suggested.

    Parameters
    ----------
    n_tags : int, default=50
    classifier : {"svm", "logistic"}, default="svm"
        ``LinearSVC`` or ``LogisticRegression``, one-vs-rest.
    C : float, default=0.1
        Inverse regularisation strength. The defaults (linear SVM, C=0.1,
        sublinear TF, code blocks kept) were chosen on a validation split of
        the training part of ``questions.parquet`` (see docs/benchmarks.md).
    title_weight : int, default=1
    keep_code : bool, default=True
        Code is strong evidence of the language; keeping it helps here.
    spacy_model : str, optional
    max_features : int, default=50_000
    min_df : int, default=2
    random_state : int, optional
        Seed of the classifiers (``LinearSVC`` dual coordinate descent).
    n_jobs : int, optional
        Parallel classifiers (joblib); results do not depend on it.

    Attributes
    ----------
    tags_ : ndarray of str, shape (n_tags,)
    cleaner_ : TextCleaner
    vectorizer_ : TfidfVectorizer
    classifier_ : OneVsRestClassifier
    fit_seconds_ : float

    Examples
    --------
    >>> sup = SupervisedTagger(n_tags=50, random_state=0).fit(train)  # doctest: +SKIP
    >>> sup.suggest_tags("Merge two DataFrames on a column", k=3)  # doctest: +SKIP
    ['pandas', 'python', 'dataframe']
    """

    def __init__(
        self,
        n_tags: int = 50,
        *,
        classifier: str = "svm",
        C: float = 0.1,
        title_weight: int = 1,
        keep_code: bool = True,
        spacy_model: str | None = None,
        max_features: int | None = 50_000,
        min_df: int | float = 2,
        random_state: int | None = None,
        n_jobs: int | None = None,
    ) -> None:
        self.n_tags = n_tags
        self.classifier = classifier
        self.C = C
        self.title_weight = title_weight
        self.keep_code = keep_code
        self.spacy_model = spacy_model
        self.max_features = max_features
        self.min_df = min_df
        self.random_state = random_state
        self.n_jobs = n_jobs

    @property
    def name(self) -> str:
        """Short label used in comparison tables."""
        return f"supervised-{self.classifier}"

    def fit(self, questions, y=None) -> SupervisedTagger:
        """Fit on labelled questions; returns ``self``."""
        if self.classifier not in CLASSIFIERS:
            raise ValueError(f"classifier must be one of {CLASSIFIERS}, got {self.classifier!r}")
        start = time.perf_counter()
        _, docs, labels = self._prepare_fit(questions)
        self.vectorizer_ = TfidfVectorizer(
            token_pattern=r"\S+",
            lowercase=False,
            sublinear_tf=True,
            min_df=self.min_df,
            max_features=self.max_features,
            dtype=np.float64,
        )
        try:
            X = self.vectorizer_.fit_transform(docs)
        except ValueError as exc:
            raise ValueError(f"no usable terms in the training questions ({exc})") from exc
        Y = labels.toarray().astype(int)
        constant = (Y.min(axis=0) == Y.max(axis=0))
        if constant.any():
            # A tag on every (or no) question cannot be learned one-vs-rest;
            # this only happens on tiny corpora.
            raise ValueError(
                "every candidate tag needs training questions with and without it; "
                f"these tags are constant: {', '.join(self.tags_[constant][:5])}"
            )
        if self.classifier == "svm":
            base = LinearSVC(C=self.C, random_state=self.random_state)
        else:
            base = LogisticRegression(C=self.C, max_iter=2000, random_state=self.random_state)
        self.classifier_ = OneVsRestClassifier(base, n_jobs=self.n_jobs).fit(X, Y)
        self.fit_seconds_ = time.perf_counter() - start
        return self

    def _scores_from_documents(self, docs: list[str]):
        X = self.vectorizer_.transform(docs)
        evidence = X.getnnz(axis=1) > 0
        if self.classifier == "logistic":
            return self.classifier_.predict_proba(X), evidence
        return self.classifier_.decision_function(X), evidence
