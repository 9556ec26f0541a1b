"""TopicTagger: an NMF or LDA topic model whose topics are mapped to tags."""

from __future__ import annotations

import numbers
import time
from typing import ClassVar

import numpy as np
import pandas as pd

from .._validation import (
    Interval,
    Options,
    check_positive_int,
    check_value,
    normalize_rows,
    validate_params,
)
from ..corpus import as_texts
from ..errors import ParameterError
from ..models import TopicModel
from ._base import SHARED_CONSTRAINTS, BaseTagger, TextInput
from ._explain import MIN_KNOWN_TERMS, Explanation, explain_suggestions
from ._insights import TagInsights, find_topics, tag_insights
from ._mapping import MAPPINGS, blend, cooccurrence_mapping, lexical_mapping, logistic_mapping
from ._reduce import (
    TopicView,
    group_distributions,
    group_mixtures,
    group_rows,
    topic_groups,
    topic_linkage,
)
from ._stream import STREAM_ATTRIBUTES as _STREAM_ATTRIBUTES
from ._stream import fit_stream, is_stream, partial_fit_chunk
from ._visualize import VisualizeMixin

__all__ = ["TopicTagger"]

# Set by reduce_topics only; dropped by fit.
_VIEW_ATTRIBUTES = ("groups_", "view_components_", "view_doc_topic_", "view_topic_tag_")


class TopicTagger(VisualizeMixin, BaseTagger):
    """Fit a topic model on questions and suggest tags through its topics.

    Questions are cleaned (:class:`topictags.text.TextCleaner`), their titles
    repeated ``title_weight`` times, and a topic model is fitted: NMF on
    TF-IDF or LDA on counts (:class:`topictags.models.TopicModel`). Topics are
    mapped to the ``n_tags`` most frequent training tags by ``mapping``:

    - ``"lexical"``: purely unsupervised; a topic's terms are matched against
      tag names (no tag of any question is used, only the vocabulary).
    - ``"cooccurrence"``: P(tag | topic) from the training questions' topic
      mixtures and their tags.
    - ``"blend"``: ``blend_weight`` x co-occurrence + (1 - ``blend_weight``) x
      lexical.
    - ``"logistic"`` (the default): one logistic regression per tag on the
      square roots of the topic mixture, learned on the training questions
      (the topics are the only features). The square root (the mixture's
      Hellinger embedding) spreads the small shares a question gives to its
      secondary topics so a linear model can use them: +0.02 to +0.05
      Jaccard over the plain mixture at every size measured.

    A question's tag scores are its topic mixture times the mapping (for
    ``"logistic"``, the sigmoid of its root mixture times the weights plus a
    bias per tag); the ``k`` best, or those above a threshold, are suggested.

    The defaults are the settings validated best for tagging
    (``benchmarks/tune_defaults.py``, a validation split inside the training
    part; figures in ``docs/benchmarks.md``): 150 fine NMF topics, stopped at
    30 iterations, with the logistic mapping. A person reads a few dozen
    topics, not 150: the views (:meth:`topics`, charts, the pyLDAvis page,
    the topic browser) show ``view_topics`` groups of the fine topics (see
    :meth:`reduce_topics`), while tagging always uses every fine topic.

    Parameters
    ----------
    method : {"nmf", "lda"}, default="nmf"
    n_topics : int, default=150
        Fine topics the tags are learned from.
    n_tags : int, default=50
        Size of the candidate tag vocabulary (most frequent training tags).
    mapping : {"lexical", "cooccurrence", "blend", "logistic"}, default="logistic"
    blend_weight : float, default=0.85
        Weight of the co-occurrence mapping in ``"blend"``.
    lift : float, default=0.5
        Tag-frequency correction of the co-occurrence mapping, see
        :func:`~topictags.tagging.cooccurrence_mapping`.
    backend : {"sklearn", "gensim"}, default="sklearn"
        LDA implementation.
    title_weight : int, default=3
        How many times a question's title tokens are counted.
    keep_code : bool, default=False
        Keep ``<pre>`` code blocks when cleaning.
    spacy_model : str, optional
        Cleaning engine, see :class:`topictags.text.TextCleaner`.
    max_features, min_df, max_df : vectorizer settings
    max_iter : int, optional
        NMF iterations or LDA passes. By default NMF stops after 30
        iterations on purpose, without a ``ConvergenceWarning``: tagging
        quality is the same at 30 iterations as at convergence (about 200 for
        150 topics; measured, ``docs/benchmarks.md``) for a seventh of the
        time. Pass a number to choose; scikit-learn then warns when it does
        not converge.
    view_topics : int or None, default=30
        How many topics the views show: when ``n_topics`` is larger, they
        show this many groups of the fine topics (:meth:`reduce_topics`);
        ``None`` shows every fine topic. Tagging is not affected.
    random_state : int, optional
        Seed of every stochastic step: same seed, same topics.

    Attributes
    ----------
    tags_ : ndarray of str, shape (n_tags,)
        Candidate tags, most frequent first.
    tag_counts_ : ndarray of int, shape (n_tags,)
    cleaner_ : TextCleaner
    model_ : TopicModel
    cooccurrence_ : ndarray, shape (n_topics, n_tags)
    lexical_ : ndarray, shape (n_topics, n_tags)
    logistic_ : tuple of ndarray, shapes (n_topics, n_tags) and (n_tags,), or None
        Weights and intercepts of the logistic mapping, on the square roots
        of the mixtures; fitted only when it is the mapping in use (or on
        demand by :meth:`with_mapping`), else None.
    mapping_, blend_weight_ : str, float
        The mapping in use and its blend weight, as at fit time (or as set by
        :meth:`with_mapping`); ``set_params`` does not change them.
    title_weight_ : int
    topic_tag_ : ndarray, shape (n_topics, n_tags)
        The mapping in use (for ``"logistic"``, its weights).
    doc_topic_ : ndarray of float32, shape (n_train, n_topics)
        Topic mixtures of the training questions.
    doc_lengths_ : ndarray of int, shape (n_train,)
        Number of in-vocabulary tokens of each training document.
    term_frequency_ : ndarray, shape (n_features,)
        Count of each vocabulary term in the training documents.
    train_questions_ : DataFrame, shape (n_train, 5)
        ``id``, ``title``, ``tags``, ``creation_date`` and ``site`` of the
        training questions (for browsing topics and linking to them).
    fit_seconds_ : float
    groups_ : ndarray of int, shape (n_topics,)
        Only on a copy made by :meth:`reduce_topics`: the group of each fine
        topic. The views then read ``view_components_``, ``view_doc_topic_``
        and ``view_topic_tag_`` (one row or column per group; not set when
        every group is one topic) through :meth:`topic_view`; inference reads
        the fine ``model_`` and ``topic_tag_`` as before.

    Examples
    --------
    >>> import topictags as tt
    >>> tagger = tt.TopicTagger("nmf", n_topics=6, random_state=0).fit(train)
    >>> tagger.suggest_tags("How do I merge two DataFrames on a column?", k=3)
    ['pandas', 'python', 'dataframe']
    >>> topic = tagger.topics(n_terms=4).loc[0]
    >>> topic["terms"], topic["tags"]  # doctest: +NORMALIZE_WHITESPACE
    (['dataframe', 'pandas', 'column', 'index'],
     ['pandas', 'python', 'dataframe', 'csv', 'merge'])
    """

    _zero_is_no_evidence = True
    _constraints: ClassVar[dict[str, list]] = {
        **SHARED_CONSTRAINTS,
        # the topic model's own, declared once in TopicModel
        **{
            name: TopicModel._constraints[name]
            for name in ("method", "n_topics", "backend", "max_features", "min_df", "max_df",
                         "max_iter", "random_state")
        },
        "mapping": [Options(MAPPINGS)],
        "blend_weight": [Interval(numbers.Real, 0, 1)],
        "lift": [Interval(numbers.Real, 0, None)],
        "view_topics": [Interval(numbers.Integral, 1, None), None],
    }

    def __init__(
        self,
        method: str = "nmf",
        n_topics: int = 150,
        n_tags: int = 50,
        *,
        mapping: str = "logistic",
        blend_weight: float = 0.85,
        lift: float = 0.5,
        backend: str = "sklearn",
        title_weight: int = 3,
        keep_code: bool = False,
        spacy_model: str | None = None,
        max_features: int | None = 20_000,
        min_df: int | float = 2,
        max_df: int | float = 0.5,
        max_iter: int | None = None,
        view_topics: int | None = 30,
        random_state: int | None = None,
    ) -> None:
        self.method = method
        self.n_topics = n_topics
        self.n_tags = n_tags
        self.mapping = mapping
        self.blend_weight = blend_weight
        self.lift = lift
        self.backend = backend
        self.title_weight = title_weight
        self.keep_code = keep_code
        self.spacy_model = spacy_model
        self.max_features = max_features
        self.min_df = min_df
        self.max_df = max_df
        self.max_iter = max_iter
        self.view_topics = view_topics
        self.random_state = random_state

    @property
    def name(self) -> str:
        """Short label used in comparison tables (of the fitted model, once fitted)."""
        if self.__sklearn_is_fitted__():
            method, backend = self.model_.method, self.model_.backend
            n_topics, mapping = self.model_.n_topics, self.mapping_
        else:
            method, backend = self.method, self.backend
            n_topics, mapping = self.n_topics, self.mapping
        backend = f"-{backend}" if method == "lda" and backend != "sklearn" else ""
        return f"{method}{backend}-{n_topics}-{mapping}"

    def fit(self, X, y=None) -> TopicTagger:
        """Fit on labelled questions.

        Parameters
        ----------
        X : DataFrame, path or glob, texts, or an iterable of DataFrame chunks
            Questions with their tags (see :func:`~topictags.load_questions`),
            or texts (strings, a DataFrame with ``title``/``body``) whose tags
            are ``y``; or a stream of question chunks, such as
            ``iter_questions(path, chunksize=10_000)``, fitted in memory
            bounded by a chunk (mini-batch NMF or online LDA, ``max_iter``
            passes over the stream; the views and the logistic mapping
            read a uniform sample of up to 20,000 questions, the
            co-occurrence mapping sums over all of them: see
            ``docs/performance.md``).
        y : sequence of lists of str, optional
            One tag list per question of ``X`` (not with a stream).

        Returns
        -------
        self
        """
        self._start_fit()
        for name in _VIEW_ATTRIBUTES:  # a refitted reduced copy shows its new topics
            self.__dict__.pop(name, None)
        start = time.perf_counter()
        model = self._new_model()
        model.validate_params()  # before the (slow) cleaning of the corpus
        for name in _STREAM_ATTRIBUTES:
            self.__dict__.pop(name, None)
        if is_stream(X, y):
            # Bounded memory: one pass over the chunks (tagging/_stream.py);
            # the views and the logistic mapping read a uniform sample.
            fit_stream(self, X, model)
            labels = self.binarize(self.train_questions_["tags"])
        else:
            corpus, docs, labels = self._prepare_fit(X, y)
            self.model_ = model
            doc_topic = model.fit_transform(docs)
            self.doc_topic_ = doc_topic.astype(np.float32)
            self.doc_lengths_ = model.doc_lengths_
            self.term_frequency_ = model.term_frequency_
            self.cooccurrence_ = cooccurrence_mapping(doc_topic, labels, lift=self.lift)
            kept = ["id", "title", "tags", "creation_date", "site"]
            self.train_questions_ = corpus[[c for c in kept if c in corpus.columns]].reset_index(
                drop=True
            )
        self._finish_fit(labels)
        self.fit_seconds_ = time.perf_counter() - start
        return self

    def partial_fit(self, X, y=None) -> TopicTagger:
        """Fit on one more chunk of labelled questions (online).

        The first call fixes what later chunks are read with: the tag
        vocabulary (the chunk's ``n_tags`` most frequent tags), the cleaner's
        protected terms, the term vocabulary and IDF weights (the
        vectorizer fitted on that chunk, with ``min_df``/``max_df``), and
        starts a mini-batch NMF or online LDA; every call updates the topics
        with its chunk (one pass). The co-occurrence mapping sums each
        chunk's mixtures as the model gave them when the chunk came; the
        views and the logistic mapping read a seeded uniform sample of up to
        20,000 questions seen so far, re-inferred with the current model at
        every call. Prefer :meth:`fit` on the whole stream (vocabulary from
        every question, several passes, every mapping from the final model)
        when the questions can be read in one go.

        Parameters
        ----------
        X : DataFrame
            One chunk of questions with their tags (the columns of
            :func:`~topictags.load_questions`, or raw rows it normalises);
            the same columns at every call.
        y : None
            Tags come in ``X``.

        Returns
        -------
        self

        Raises
        ------
        ParameterError
            This tagger was fitted by :meth:`fit` or loaded from a file (its
            online state is not kept): continue on a fresh tagger.
        CorpusError
            The chunk has no tags column, no question, or other columns than
            the first chunk.
        """
        state = self.__dict__.get("partial_state_")
        if state is None:
            if self.__sklearn_is_fitted__():
                raise ParameterError(
                    "partial_fit cannot continue this tagger: it was fitted by fit() or loaded "
                    "from a file, which keep no online training state; call partial_fit on a "
                    "fresh TopicTagger (clone(tagger)), or fit(stream) on all the questions"
                )
            self._start_fit()
            model = self._new_model()
            model.validate_params()
            for name in (*_VIEW_ATTRIBUTES, *_STREAM_ATTRIBUTES):
                self.__dict__.pop(name, None)
        else:
            model = None
        start = time.perf_counter()
        labels = partial_fit_chunk(self, X, y, model)
        self.__dict__.pop("fit_seconds_", None)
        for name in _VIEW_ATTRIBUTES:
            self.__dict__.pop(name, None)
        self._finish_fit(labels)
        self.partial_state_.seconds += time.perf_counter() - start
        self.fit_seconds_ = self.partial_state_.seconds
        return self

    def _new_model(self) -> TopicModel:
        return TopicModel(
            self.method,
            self.n_topics,
            backend=self.backend,
            max_features=self.max_features,
            min_df=self.min_df,
            max_df=self.max_df,
            max_iter=self.max_iter,
            random_state=self.random_state,
        )

    def _finish_fit(self, labels) -> None:
        """The mappings and views, once the model, mixtures and co-occurrence are set."""
        # The logistic mapping costs more than the others together: fitted
        # only when it is used (with_mapping fits it on demand).
        self.logistic_ = self._fit_logistic(labels) if self.mapping == "logistic" else None
        self.lexical_ = lexical_mapping(
            self.model_.components_, self.model_.feature_names_, self.tags_, self._tag_terms
        )
        self.mapping_, self.blend_weight_ = self.mapping, float(self.blend_weight)
        self.topic_tag_ = self._mapping_matrix()
        self.view_topics_ = self.view_topics
        if self.view_topics is not None and self.view_topics < self.doc_topic_.shape[1]:
            self.__dict__.update(self._view_state(self.view_topics))

    def _fit_logistic(self, labels) -> tuple[np.ndarray, np.ndarray]:
        # On the stored float32 mixtures, so that fitting it now or later (by
        # with_mapping) gives the same weights; square roots: see the class
        # docstring.
        self.logistic_features_ = "sqrt"
        features = np.sqrt(np.asarray(self.doc_topic_, dtype=np.float64))
        return logistic_mapping(features, labels, random_state=self.random_state)

    def __getstate__(self) -> dict:
        # DataFrames cannot go through skops' safe loader: store plain columns.
        # Dates go as int64 nanoseconds since the epoch (NaT is numpy's own
        # sentinel, the smallest int64): a typed, exact form. ISO strings
        # re-parsed with an inferred format broke on the mixed
        # ``...:09`` / ``...:09.123`` values of real dumps.
        state = self.__dict__.copy()
        # partial_fit's online state (a live estimator and its sample) is not saved
        state.pop("partial_state_", None)
        frame = state.pop("train_questions_", None)
        if frame is not None:
            # Arrays, not lists: skops writes each list item as a JSON node
            # (~100 bytes for a 5-byte tag), arrays as one deflated block.
            ids = pd.array(frame["id"], dtype="Int64")
            tags = [list(t) for t in frame["tags"]]
            names, codes = _codes([tag for row in tags for tag in row])
            columns = {
                "id_int64": ids.to_numpy(dtype=np.int64, na_value=0),
                "id_missing": np.asarray(ids.isna(), dtype=bool),
                "tag_names_utf8": _pack(names),
                "tag_codes": codes,
                "tag_counts": np.array([len(row) for row in tags], dtype=np.int32),
                "creation_date_ns": _date_nanoseconds(frame["creation_date"]),
            }
            titles = frame["title"].tolist()
            if all(isinstance(t, str) for t in titles):
                columns["title_utf8"] = _pack(titles)
            else:  # e.g. a missing title of texts given to fit: kept as it is
                columns["title"] = titles
            if "site" in frame.columns:
                sites, site_codes = _codes([str(v) for v in frame["site"].fillna("")])
                columns["site_names_utf8"], columns["site_codes"] = _pack(sites), site_codes
            state["train_questions_"] = columns
        if "view_doc_topic_" in state:  # rebuilt from groups_ and the fine arrays on load
            state["views_rebuilt_on_load_"] = int(state["view_doc_topic_"].shape[1])
            for name in _VIEW_ATTRIBUTES[1:]:
                state.pop(name, None)
        return state

    def __setstate__(self, state: dict) -> None:
        columns = state.get("train_questions_")
        if isinstance(columns, dict):
            if "creation_date_ns" in columns:
                ns = np.asarray(columns["creation_date_ns"], dtype=np.int64)
                dates = pd.Series(ns.view("datetime64[ns]"), dtype="datetime64[ns]")
            else:  # files written before 2026-12 stored ISO strings
                dates = pd.to_datetime(
                    pd.Series(columns["creation_date"], dtype=object), format="ISO8601"
                ).astype("datetime64[ns]")
            if "id_int64" in columns:  # the array layout (2026-12, issue 11)
                ids = pd.array(columns["id_int64"], dtype="Int64")
                ids[np.asarray(columns["id_missing"], dtype=bool)] = pd.NA
                names = np.array(_unpack(columns["tag_names_utf8"]), dtype=object)
                flat = names[np.asarray(columns["tag_codes"], dtype=np.int64)].tolist()
                ends = np.cumsum(columns["tag_counts"]).tolist()
                tags = [flat[start:end] for start, end in zip([0, *ends[:-1]], ends)]
            else:  # lists, as files written before 2026-12 hold them
                ids, tags = pd.array(columns["id"], dtype="Int64"), columns["tags"]
            titles = _unpack(columns["title_utf8"]) if "title_utf8" in columns else columns["title"]
            frame = {
                "id": ids,
                "title": pd.Series(titles, dtype=object),
                "tags": pd.Series(tags, dtype=object),
                "creation_date": dates,
            }
            if "site_codes" in columns:
                sites = np.array(_unpack(columns["site_names_utf8"]), dtype=object)
                codes = np.asarray(columns["site_codes"], dtype=np.int64)
                frame["site"] = pd.Series(sites[codes], dtype=object)
            elif "site" in columns:
                frame["site"] = pd.Series(columns["site"], dtype=object)
            state["train_questions_"] = pd.DataFrame(frame)
        n_shown = state.pop("views_rebuilt_on_load_", None)
        super().__setstate__(state)
        if n_shown is not None:
            self.__dict__.update(self._view_arrays(self.groups_, n_shown))

    def _upgrade_fitted_state(self) -> None:
        super()._upgrade_fitted_state()
        if "mapping_" not in self.__dict__:
            self.mapping_, self.blend_weight_ = self.mapping, float(self.blend_weight)
        if "logistic_features_" not in self.__dict__:
            # Files written before 2026-12 fitted the logistic mapping on the
            # plain mixtures: they keep scoring that way.
            self.logistic_features_ = "plain"
        self.__dict__.setdefault("view_topics_", None)
        if "view_topics" not in self.__dict__:
            self.view_topics = None

    def _tag_terms(self, tag: str) -> list[str]:
        # A tag's name, split on hyphens and cleaned like a document, so that
        # "ruby-on-rails" meets the terms "ruby" and "rail".
        return self.cleaner_.clean(tag.replace("-", " "))

    def _mapping_matrix(self) -> np.ndarray:
        if self.mapping_ == "lexical":
            return self.lexical_
        if self.mapping_ == "cooccurrence":
            return self.cooccurrence_
        if self.mapping_ == "logistic":
            if self.logistic_ is None:
                self.logistic_ = self._fit_logistic(self.binarize(self.train_questions_["tags"]))
            return self.logistic_[0]
        return blend(self.cooccurrence_, self.lexical_, self.blend_weight_)

    def with_mapping(self, mapping: str, *, blend_weight: float | None = None) -> TopicTagger:
        """A copy of this fitted tagger using another mapping (no refit).

        The copy's fitted mapping (``mapping_``, ``topic_tag_``) and its
        ``mapping`` parameter are both set, so it describes itself.

        Examples
        --------
        >>> lexical = tagger.with_mapping("lexical")
        >>> lexical.mapping_, tagger.mapping_
        ('lexical', 'logistic')
        >>> lexical.suggest_tags("How do I merge two DataFrames on a column?", k=3)
        ['dataframe', 'pandas', 'join']
        """
        import copy

        self.check_is_fitted()
        other = copy.copy(self)
        other.mapping = mapping
        if blend_weight is not None:
            other.blend_weight = blend_weight
        validate_params(other, {k: self._constraints[k] for k in ("mapping", "blend_weight")})
        other.mapping_, other.blend_weight_ = other.mapping, float(other.blend_weight)
        other.topic_tag_ = other._mapping_matrix()
        if "view_doc_topic_" in other.__dict__:  # the views show the new mapping's tags
            # Same topics, same groups: only the arrays, not the linkage, again.
            other.__dict__.update(other._view_arrays(other.groups_, other.view_doc_topic_.shape[1]))
        return other

    def reduce_topics(self, n: int) -> TopicTagger:
        """A copy of this fitted tagger whose views show ``n`` groups of its topics.

        Tagging is best with many fine topics, reading with a few dozen. The
        copy tags exactly as this tagger (``suggest_tags``,
        ``decision_function``, ``score`` and ``transform`` use the fine
        topics), while every view (:meth:`topics`, :meth:`topic_terms`,
        :meth:`topic_tags`, :meth:`topic_labels`, the pyLDAvis page, the
        ``visualize_*`` charts, :meth:`representative_questions`,
        :meth:`topic_prevalence_over_time`, :meth:`topic_browser`) shows ``n``
        groups, numbered 0 .. n - 1.

        Topics are grouped by a Ward linkage of their Hellinger embeddings
        (square roots of their term distributions), cut into ``n`` clusters:
        deterministic, no refit. A group's share of a question is the sum of
        its members' shares; its terms are the prevalence-weighted mean of the
        members' term distributions; its tags are the mass-weighted mean of
        the members' rows of the mapping in use (for ``"cooccurrence"``, the
        co-occurrence mapping of the grouped mixtures). :meth:`topics` gains a
        ``members`` column. Reducing a reduced copy regroups the fine topics.

        Parameters
        ----------
        n : int
            Number of groups, from 1 to the number of fine topics (which
            gives the same views as this tagger).

        Returns
        -------
        TopicTagger
            A fitted copy; this tagger is not changed. The fine arrays are
            shared with it, not copied.

        Raises
        ------
        ParameterError
            ``n`` is not an integer in [1, n_topics].

        Examples
        --------
        >>> reduced = tagger.reduce_topics(3)
        >>> reduced.topics(n_terms=3)[["topic", "members"]].to_dict("list")
        {'topic': [0, 1, 2], 'members': [[0, 5], [1, 3, 4], [2]]}
        >>> reduced.topic_labels()  # doctest: +NORMALIZE_WHITESPACE
        ['dataframe, row, join | pandas, csv, dataframe',
         'python, list, div | javascript?, jquery?, ajax? (weak)',
         'git, commit, branch | git, github, git-merge']
        >>> text = "How do I merge two DataFrames on a column?"
        >>> reduced.suggest_tags(text, k=3) == tagger.suggest_tags(text, k=3)
        True
        """
        import copy

        self.check_is_fitted()
        n_topics = self.doc_topic_.shape[1]
        if not isinstance(n, numbers.Integral) or isinstance(n, bool) or not 1 <= n <= n_topics:
            raise ParameterError(
                f"n must be an integer from 1 to {n_topics} (the number of fine topics), "
                f"got {n!r}; pass e.g. reduce_topics({min(30, n_topics)})"
            )
        other = copy.copy(self)  # shallow: the fine arrays are shared, not copied
        for name in _VIEW_ATTRIBUTES:
            other.__dict__.pop(name, None)
        other.__dict__.update(self._view_state(int(n)))
        # The copy describes itself, as with_mapping's copies do.
        other.view_topics = other.view_topics_ = int(n)
        return other

    def _view_state(self, n: int) -> dict:
        """Fitted attributes of views showing ``n`` groups of the fine topics."""
        n_topics = self.doc_topic_.shape[1]
        groups = topic_groups(topic_linkage(self.model_.components_), n_topics, n)
        if n == n_topics:
            # One topic per group, numbered as itself: the views read the fine
            # arrays, exactly (the formulas below agree up to rounding), and
            # a model file does not hold them twice.
            return {"groups_": groups}
        return {"groups_": groups, **self._view_arrays(groups, n)}

    def _view_arrays(self, groups: np.ndarray, n: int) -> dict:
        """The views' arrays for ``groups``: what the fine arrays give, so not saved."""
        doc_topic = np.asarray(self.doc_topic_)
        mass = doc_topic.sum(axis=0, dtype=np.float64)
        return {
            "view_components_": group_distributions(
                self.model_.components_, mass / max(len(doc_topic), 1), groups, n
            ),
            "view_doc_topic_": group_mixtures(doc_topic, groups, n),
            "view_topic_tag_": group_rows(self.topic_tag_, mass, groups, n),
        }

    def topic_view(self) -> TopicView:
        """The arrays the views read: the groups of a reduced copy, else the fine topics.

        Returns
        -------
        TopicView
            ``components``, ``doc_topic``, ``topic_tag`` and ``members`` (the
            fine topics of each shown topic).
        """
        self.check_is_fitted()
        groups = self.__dict__.get("groups_")
        if "view_doc_topic_" not in self.__dict__:  # not reduced, or one topic per group
            return TopicView(
                self.model_.components_, self.doc_topic_, self.topic_tag_,
                [np.array([k]) for k in range(self.doc_topic_.shape[1])],
            )
        n = self.view_doc_topic_.shape[1]
        return TopicView(
            self.view_components_, self.view_doc_topic_, self.view_topic_tag_,
            [np.flatnonzero(groups == g) for g in range(n)],
        )

    def view_transform(self, X: TextInput) -> np.ndarray:
        """Topic mixtures in the topics the views show, shape (n_questions, n_shown).

        :meth:`transform` grouped like :meth:`reduce_topics`'s views (a
        group's share is the sum of its members' shares); for a tagger that
        is not reduced, :meth:`transform` itself.
        """
        theta = self.transform(X)
        if "view_doc_topic_" not in self.__dict__:
            return theta
        return group_mixtures(theta, self.groups_, self.view_doc_topic_.shape[1])

    # -- inference ----------------------------------------------------------------
    def transform(self, X: TextInput) -> np.ndarray:
        """Topic mixtures, shape (n_questions, n_topics); rows sum to 1 (or 0
        for a question with no known term)."""
        return self.model_.transform(self.documents(X))

    def _scores_from_documents(self, docs: list[str]):
        theta = self.model_.transform(docs)
        evidence = theta.sum(axis=1) > 0
        if self.mapping_ == "logistic":
            features = np.sqrt(theta) if self.logistic_features_ == "sqrt" else theta
            scores = 1.0 / (1.0 + np.exp(-(features @ self.topic_tag_ + self.logistic_[1])))
        else:
            scores = theta @ self.topic_tag_
        return scores, evidence

    def suggest_tags(
        self,
        X: TextInput,
        k: int | None = 3,
        *,
        threshold: float | None = None,
        return_scores: bool = False,
        explain: bool = False,
    ):
        """Suggested tags of one question or of a batch, optionally explained.

        As :meth:`BaseTagger.suggest_tags <topictags.tagging.BaseTagger.suggest_tags>`;
        with ``explain=True``, :meth:`explain_tags` (the same tags, with why).

        Parameters
        ----------
        X, k, threshold, return_scores : see ``BaseTagger.suggest_tags``
        explain : bool, default=False
            Return an :class:`~topictags.tagging.Explanation` per question
            (its ``tags`` hold the scores) instead of tag lists.

        Returns
        -------
        list of str, list of lists, a (tags, scores) pair, or Explanation(s)

        Examples
        --------
        >>> explanation = tagger.suggest_tags("Undo a git commit", k=2, explain=True)
        >>> [t.tag for t in explanation.tags] == tagger.suggest_tags("Undo a git commit", k=2)
        True
        """
        if not explain:
            return super().suggest_tags(X, k, threshold=threshold, return_scores=return_scores)
        if return_scores:
            raise ParameterError(
                "explain=True already gives each tag's score (Explanation.tags[i].score): "
                "drop return_scores"
            )
        return self.explain_tags(X, k, threshold=threshold)

    def explain_tags(
        self,
        X: TextInput,
        k: int | None = 3,
        *,
        threshold: float | None = None,
        n_topics: int = 3,
        n_terms: int = 3,
        min_known_terms: int = MIN_KNOWN_TERMS,
    ) -> Explanation | list[Explanation]:
        """Why each tag is suggested, and what the tagger could not see.

        Per suggested tag: its score, the topics that carried it (for the
        non-negative mappings ``theta_k * M[k, t]``, summing to the score;
        for ``"logistic"`` ``sqrt(theta_k) * W[k, t]``, summing with the
        tag's bias to the logit) and the question's terms that drove each
        topic (term weight in the document x topic-term probability).
        Warnings: fewer than ``min_known_terms`` known terms (little
        evidence), and tag names in the question that are not candidate
        tags. The maths: :mod:`topictags.tagging._explain`.

        Parameters
        ----------
        X : str, list of str, Series or DataFrame
            As in :meth:`suggest_tags`.
        k, threshold : as in :meth:`suggest_tags`
            The explained tags are the ones ``suggest_tags`` returns.
        n_topics : int, default=3
            Topics listed per tag (the rest are summed in ``other``).
        n_terms : int, default=3
            Question terms listed per topic.
        min_known_terms : int, default=3
            Fewer distinct in-vocabulary terms than this: ``low_evidence``.

        Returns
        -------
        Explanation, or list of Explanation for a batch
            Printable (``str``), shown as a table in notebooks, and
            ``to_dict()`` for JSON.

        Examples
        --------
        >>> explanation = tagger.explain_tags("Undo a git commit", k=1)
        >>> explanation.tags[0].tag, explanation.low_evidence
        ('git', False)
        """
        self.check_is_fitted()
        if k is None and threshold is None:
            raise ParameterError("give k, threshold or both")
        check_value(k, "k", [Interval(numbers.Integral, 1, None), None])
        for name, value in (("n_topics", n_topics), ("n_terms", n_terms),
                            ("min_known_terms", min_known_terms)):
            check_positive_int(value, name)
        titles, bodies, single = as_texts(X)
        out = explain_suggestions(
            self, titles, bodies, k=k, threshold=threshold, n_topics=n_topics,
            n_terms=n_terms, min_known_terms=min_known_terms,
        )
        return out[0] if single else out

    # -- exploration --------------------------------------------------------------
    def topic_terms(self, topic: int, n: int = 10) -> list[tuple[str, float]]:
        """The ``n`` heaviest terms of a topic with their probabilities."""
        phi = normalize_rows(self.topic_view().components[topic : topic + 1])[0]
        order = np.argsort(-phi, kind="stable")[:n]
        return [(str(self.model_.feature_names_[j]), float(phi[j])) for j in order]

    def topic_tags(self, topic: int, n: int = 5) -> list[tuple[str, float]]:
        """The ``n`` tags a topic maps to most strongly, with their mapping weight."""
        row = self.topic_view().topic_tag[topic]
        order = np.argsort(-row, kind="stable")[:n]
        # For "logistic" these are coefficients: only positive ones point to a tag.
        return [(str(self.tags_[j]), float(row[j])) for j in order if row[j] > 0]

    def topics(self, n_terms: int = 10, n_tags: int = 5) -> pd.DataFrame:
        """One row per topic: top terms with weights, mapped tags, prevalence.

        Returns
        -------
        DataFrame
            Columns ``topic``, ``terms`` (list of str), ``term_weights``
            (list of float), ``tags`` (list of str), ``tag_scores`` (list of
            float), ``prevalence`` (mean topic share in training questions);
            for a copy made by :meth:`reduce_topics`, one row per group and
            a ``members`` column (list of the group's fine topics).
        """
        view = self.topic_view()
        prevalence = view.doc_topic.mean(axis=0)
        reduced = "groups_" in self.__dict__
        rows = []
        for k in range(view.n_topics):
            terms = self.topic_terms(k, n_terms)
            tags = self.topic_tags(k, n_tags)
            rows.append(
                {
                    "topic": k,
                    "terms": [t for t, _ in terms],
                    "term_weights": [w for _, w in terms],
                    "tags": [t for t, _ in tags],
                    "tag_scores": [s for _, s in tags],
                    "prevalence": float(prevalence[k]),
                }
            )
            if reduced:
                rows[-1]["members"] = view.members[k].tolist()
        return pd.DataFrame(rows)

    def tag_insights(self, **kwargs) -> TagInsights:
        """Candidate tag merges, gaps in the tag set, over-broad tags: see
        :func:`~topictags.tagging.tag_insights` (keyword arguments go there).

        Examples
        --------
        >>> insights = tagger.tag_insights()
        >>> insights.table().columns.tolist()
        ['kind', 'subject', 'figure', 'detail']
        """
        return tag_insights(self, **kwargs)

    def find_topics(self, query: str, k: int = 5) -> pd.DataFrame:
        """The ``k`` shown topics closest to a term or a question: see
        :func:`~topictags.tagging.find_topics`.

        Examples
        --------
        >>> tagger.find_topics("undo a commit", k=1)["label"].tolist()
        ['git, commit, branch | git, github, git-merge']
        """
        return find_topics(self, query, k)


def _pack(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Strings as (their UTF-8 bytes end to end, each one's byte length)."""
    # surrogatepass: a lone surrogate (seen in scraped titles) comes back as it was
    encoded = [text.encode("utf-8", "surrogatepass") for text in texts]
    data = np.frombuffer(b"".join(encoded), dtype=np.uint8).copy()
    return data, np.array([len(b) for b in encoded], dtype=np.int64)


def _unpack(packed) -> list[str]:
    data, lengths = packed
    data = np.asarray(data, dtype=np.uint8).tobytes()
    ends = np.cumsum(lengths).tolist()
    return [
        data[start:end].decode("utf-8", "surrogatepass")
        for start, end in zip([0, *ends[:-1]], ends)
    ]


def _codes(values: list[str]) -> tuple[list[str], np.ndarray]:
    """(distinct values, in first-seen order; each value's index among them)."""
    index: dict[str, int] = {}
    codes = np.array([index.setdefault(v, len(index)) for v in values], dtype=np.int32)
    return list(index), codes


def _date_nanoseconds(dates: pd.Series) -> np.ndarray:
    """Naive dates as int64 nanoseconds since the epoch, NaT as numpy's NaT value."""
    values = pd.to_datetime(dates)
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    return values.to_numpy(dtype="datetime64[ns]").view(np.int64).copy()
