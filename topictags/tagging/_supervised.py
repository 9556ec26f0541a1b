"""SupervisedTagger: TF-IDF + one-vs-rest linear classifiers, the comparator."""

from __future__ import annotations

import copy
import numbers
import time
from typing import ClassVar

import numpy as np
from scipy import sparse
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from .._progress import progress_bar
from .._validation import DOCUMENT_FREQUENCY, Interval, Options, Pair
from ..errors import CorpusError
from ..text import html_to_text
from ._base import SHARED_CONSTRAINTS, BaseTagger

__all__ = ["SupervisedTagger"]

CLASSIFIERS = ("svm", "logistic")


class SupervisedTagger(BaseTagger):
    """One linear classifier per candidate tag on TF-IDF features.

    The comparator the topic taggers are measured against: same cleaning,
    same tag vocabulary, same metric. Scores are probabilities: logistic
    regression's own, or the linear SVM's margins calibrated per tag (Platt
    scaling, 3-fold) so that tags can be ranked against each other; the
    ``k`` best tags are suggested.

    Rare tags (small corpora) are handled per tag, by how many training
    questions have the tag, or lack it, whichever is fewer:

    - 3 or more: as above (3-fold Platt scaling);
    - 2: Platt scaling with 2 folds;
    - 1: cross-validation is impossible, so the tag gets logistic
      regression's own probabilities (same ``C``) instead of a calibrated SVM;
    - 0 (the tag is on every training question): a constant score of 1,
      no classifier.

    With ``classifier="logistic"`` or ``calibrate=False`` only the last rule
    applies. On corpora of a few thousand questions every candidate tag is in
    the first case and nothing changes.

    Parameters
    ----------
    n_tags : int, default=50
    classifier : {"svm", "logistic"}, default="svm"
        ``LinearSVC`` or ``LogisticRegression``, one-vs-rest.
    C : float, default=0.1
        Inverse regularisation strength. The defaults (calibrated linear SVM,
        C=0.1, word and character n-grams, sublinear TF, code blocks kept,
        title counted twice) were chosen on a validation split of the
        training part of ``questions.parquet`` (see docs/benchmarks.md).
    calibrate : bool, default=True
        Calibrate the SVM's margins into probabilities (ignored for
        ``"logistic"``).
    ngram_range : tuple of int, default=(1, 1)
        Word n-grams of the cleaned text used as features (and for the
        neighbours' similarity).
    char_ngrams : bool, default=True
        Add character n-grams (within words) of the raw text, code included,
        to the word features: symbols such as ``$``, ``->`` or ``#include``
        say much about the language and cleaning drops them.
    char_ngram_range : tuple of int, default=(2, 5)
        Lengths of those character n-grams (the 300,000 most frequent are kept).
    neighbors : int, default=30
        Also let the ``neighbors`` most similar training questions (cosine
        of word TF-IDF) vote for their tags; 0 turns this off. Neighbours
        capture tag combinations that one-vs-rest classifiers score apart.
    neighbor_weight : float, default=0.15
        Share of the neighbours' vote in the score.
    title_weight : int, default=2
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
        Word features of the cleaned text.
    char_vectorizer_ : TfidfVectorizer or None
        Character n-grams of the raw text (``char_ngrams=True``).
    classifiers_ : list of estimators, length n_tags
        The fitted binary classifier of each tag, in ``tags_`` order
        (``None`` for a tag on every training question).
    constant_scores_ : ndarray, shape (n_tags,)
        Score of the tags without a classifier (NaN for the others).
    neighbor_matrix_ : sparse matrix, shape (n_train, n_word_features)
        Word TF-IDF rows of the training questions (when ``neighbors > 0``).
    neighbor_labels_ : sparse matrix, shape (n_train, n_tags)
    neighbors_, neighbor_weight_, title_weight_ : int, float, int
        The parameters prediction uses, as they were at fit time.
    classifier_name_ : str
        ``classifier`` at fit time (the model's label).
    fit_seconds_ : float

    Examples
    --------
    >>> sup = SupervisedTagger(n_tags=50, random_state=0).fit(train)
    >>> sup.suggest_tags("Merge two DataFrames on a column", k=3)
    ['python', 'pandas', 'dataframe']
    """

    _constraints: ClassVar[dict[str, list]] = {
        **SHARED_CONSTRAINTS,
        "classifier": [Options(CLASSIFIERS)],
        "C": [Interval(numbers.Real, 0, None, closed="neither")],
        "calibrate": [bool],
        "ngram_range": [Pair(1)],
        "char_ngrams": [bool],
        "char_ngram_range": [Pair(1)],
        "neighbors": [Interval(numbers.Integral, 0, None)],
        "neighbor_weight": [Interval(numbers.Real, 0, 1)],
        "max_features": [Interval(numbers.Integral, 1, None), None],
        "min_df": DOCUMENT_FREQUENCY,
        "random_state": ["random_state"],
        "n_jobs": [numbers.Integral, None],
    }

    def __init__(
        self,
        n_tags: int = 50,
        *,
        classifier: str = "svm",
        C: float = 0.1,
        calibrate: bool = True,
        ngram_range: tuple[int, int] = (1, 1),
        char_ngrams: bool = True,
        char_ngram_range: tuple[int, int] = (2, 5),
        neighbors: int = 30,
        neighbor_weight: float = 0.15,
        title_weight: int = 2,
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
        self.calibrate = calibrate
        self.ngram_range = ngram_range
        self.char_ngrams = char_ngrams
        self.char_ngram_range = char_ngram_range
        self.neighbors = neighbors
        self.neighbor_weight = neighbor_weight
        self.title_weight = title_weight
        self.keep_code = keep_code
        self.spacy_model = spacy_model
        self.max_features = max_features
        self.min_df = min_df
        self.random_state = random_state
        self.n_jobs = n_jobs

    @property
    def name(self) -> str:
        """Short label used in comparison tables (of the fitted model, once fitted)."""
        return f"supervised-{getattr(self, 'classifier_name_', self.classifier)}"

    def fit(self, X, y=None) -> SupervisedTagger:
        """Fit on labelled questions; returns ``self``.

        ``X`` and ``y`` are as in :meth:`TopicTagger.fit
        <topictags.tagging.TopicTagger.fit>`: questions with their tags, or
        texts and their tag lists.
        """
        self._start_fit()
        start = time.perf_counter()
        corpus, docs, labels = self._prepare_fit(X, y)
        self.vectorizer_ = TfidfVectorizer(
            token_pattern=r"\S+",
            lowercase=False,
            ngram_range=tuple(self.ngram_range),
            sublinear_tf=True,
            min_df=self.min_df,
            max_features=self.max_features,
            dtype=np.float64,
        )
        try:
            X = self.vectorizer_.fit_transform(docs)
        except ValueError as exc:
            raise CorpusError(
                f"no usable terms in the training questions ({exc}): lower min_df or "
                "check that the texts are not empty after cleaning"
            ) from exc
        self.char_vectorizer_ = None
        if self.char_ngrams:
            self.char_vectorizer_ = TfidfVectorizer(
                analyzer="char_wb",
                ngram_range=tuple(self.char_ngram_range),
                sublinear_tf=True,
                min_df=3,
                max_features=300_000,
                dtype=np.float64,
            )
            raw = self._raw_texts(corpus["title"].tolist(), corpus["body"].tolist())
            chars = self.char_vectorizer_.fit_transform(raw)
            words = X
            X = sparse.hstack([words, chars], format="csr")
        else:
            words = X
        Y = labels.toarray().astype(int)
        self.classifiers_, self.constant_scores_ = self._fit_classifiers(X, Y)
        self.classifier_name_ = self.classifier
        # Prediction reads these, never the parameters: set_params after fit
        # changes nothing until the next fit.
        self.neighbors_ = int(self.neighbors)
        self.neighbor_weight_ = float(self.neighbor_weight)
        if self.neighbors_:
            self.neighbor_matrix_ = words
            self.neighbor_labels_ = labels.tocsr()
        self.fit_seconds_ = time.perf_counter() - start
        return self

    def _base_estimator(self, rarest: int):
        """The per-tag estimator for a tag whose rarer class has ``rarest`` questions."""
        if self.classifier == "logistic":
            return LogisticRegression(C=self.C, max_iter=2000, random_state=self.random_state)
        svm = LinearSVC(C=self.C, random_state=self.random_state)
        if not self.calibrate:
            return svm
        if rarest >= 2:
            # Platt scaling needs each class in every fold: fewer folds for
            # tags with fewer than 3 questions with (or without) them.
            return CalibratedClassifierCV(svm, cv=min(3, rarest), method="sigmoid")
        # One question with (or without) the tag cannot be cross-validated:
        # logistic regression's own probabilities, on the same scale.
        return LogisticRegression(C=self.C, max_iter=2000, random_state=self.random_state)

    def _fit_classifiers(self, X, Y: np.ndarray):
        """One fitted estimator per tag (None for a constant tag) and the constant scores."""
        from joblib import Parallel, delayed

        positives = Y.sum(axis=0)
        rarest = np.minimum(positives, Y.shape[0] - positives)
        constant = np.where(rarest == 0, (positives > 0).astype(np.float64), np.nan)
        learned = np.flatnonzero(rarest > 0)
        # return_as="generator": results in order, as each tag's fit ends, so
        # the bar counts finished classifiers (the fits are the same).
        fitted = progress_bar(
            Parallel(n_jobs=self.n_jobs, return_as="generator")(
                delayed(_fit_binary)(
                    self._base_estimator(int(rarest[t])), X, np.ascontiguousarray(Y[:, t])
                )
                for t in learned
            ),
            total=len(learned), desc="supervised: one classifier per tag", unit="tag",
        )
        estimators: list = [None] * Y.shape[1]
        # list(): the bar's iterator must run to its end, which closes it in
        # its final state (zip would stop at `learned`'s end, leaving it open).
        for t, estimator in zip(learned, list(fitted)):
            estimators[t] = estimator
        return estimators, constant

    def _classifier_scores(self, X) -> np.ndarray:
        """Per-tag scores: probabilities (or SVM margins when not calibrated)."""
        scores = np.empty((X.shape[0], len(self.classifiers_)))
        for t, estimator in enumerate(self.classifiers_):
            if estimator is None:  # a tag on every training question
                scores[:, t] = self.constant_scores_[t]
            elif hasattr(estimator, "predict_proba"):
                scores[:, t] = estimator.predict_proba(X)[:, 1]
            else:
                scores[:, t] = estimator.decision_function(X)
        return scores

    def __getstate__(self) -> dict:
        # The vectorizers' stop_words_ (set by the scikit-learn versions before
        # its removal) holds every term min_df/max_features cut, for the
        # character n-grams millions: sklearn documents it as introspection
        # only, safe to remove. Shallow copies, so the tagger in use keeps it.
        state = self.__dict__.copy()
        for name in ("vectorizer_", "char_vectorizer_"):
            vectorizer = state.get(name)
            if vectorizer is not None and "stop_words_" in vectorizer.__dict__:
                vectorizer = copy.copy(vectorizer)
                del vectorizer.__dict__["stop_words_"]
                state[name] = vectorizer
        return state

    def _upgrade_fitted_state(self) -> None:
        super()._upgrade_fitted_state()
        if "neighbors_" not in self.__dict__:
            self.neighbors_ = int(self.neighbors)
            self.neighbor_weight_ = float(self.neighbor_weight)
        if "classifiers_" not in self.__dict__ and "classifier_" in self.__dict__:
            # One OneVsRestClassifier over every tag: its per-tag estimators.
            ovr = self.__dict__.pop("classifier_")
            self.classifiers_ = list(ovr.estimators_)
            self.constant_scores_ = np.full(len(self.classifiers_), np.nan)
        self.__dict__.setdefault("classifier_name_", self.classifier)

    def _raw_texts(self, titles: list[str], bodies: list[str]) -> list[str]:
        weight = self.title_weight_
        return [
            (title + " ") * weight + html_to_text(body, keep_code=True)
            for title, body in zip(titles, bodies)
        ]

    def _neighbor_votes(self, words, chunk: int = 512) -> np.ndarray:
        """Similarity-weighted tag shares of each row's nearest training questions."""
        train, labels = self.neighbor_matrix_, self.neighbor_labels_
        n = min(self.neighbors_, train.shape[0])
        votes = np.zeros((words.shape[0], labels.shape[1]))
        for start in range(0, words.shape[0], chunk):  # bounded memory on big batches
            sims = (words[start : start + chunk] @ train.T).toarray()
            idx = np.argpartition(-sims, n - 1, axis=1)[:, :n]
            weights = np.take_along_axis(sims, idx, axis=1)
            totals = weights.sum(axis=1)
            rows = np.repeat(np.arange(len(idx)), n)
            # Sparse (rows x train) matrix of neighbour weights, times labels.
            picks = sparse.csr_matrix(
                (weights.ravel(), (rows, idx.ravel())), shape=(len(idx), train.shape[0])
            )
            block = np.asarray((picks @ labels).todense())
            votes[start : start + len(idx)] = np.divide(
                block, totals[:, None], out=np.zeros_like(block), where=totals[:, None] > 0
            )
        return votes

    def _scores_from_texts(self, titles: list[str], bodies: list[str]):
        words = self.vectorizer_.transform(self._documents(titles, bodies))
        evidence = words.getnnz(axis=1) > 0
        X = words
        if self.char_vectorizer_ is not None:
            chars = self.char_vectorizer_.transform(self._raw_texts(titles, bodies))
            X = sparse.hstack([words, chars], format="csr")
        scores = self._classifier_scores(X)
        if self.neighbors_ and self.neighbor_weight_:
            w = self.neighbor_weight_
            scores = (1 - w) * scores + w * self._neighbor_votes(words)
        return scores, evidence


def _fit_binary(estimator, X, y):
    # What OneVsRestClassifier does per label, so the fitted estimators (and
    # their scores) are the same as with it.
    return estimator.fit(X, y)
