"""Exploration methods of a fitted topic tagger: thin calls into ``topictags.viz``.

Kept apart from :mod:`._topic_tagger` so the tagger's fitting and inference
code stays short; :class:`~topictags.tagging.TopicTagger` inherits them.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._validation import check_positive_int
from ..corpus._sites import question_url
from ..errors import ParameterError
from ._labels import DEFAULT_LAMBDA, TopicLabel, label_topics

if TYPE_CHECKING:  # pragma: no cover
    from IPython.display import HTML
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure
    from pyLDAvis import PreparedData

__all__ = ["VisualizeMixin"]


# pandas period aliases -> the x label of the over-time chart
_PERIOD_NAMES = {"Y": "year", "A": "year", "Q": "quarter", "M": "month", "W": "week",
                 "D": "day", "H": "hour", "h": "hour"}


def _axes_in(fig: Figure | SubFigure | None) -> Axes | None:
    """A single Axes filling ``fig`` (None: the chart makes its own figure)."""
    if fig is None:
        return None
    if fig.axes:
        raise ParameterError(
            f"fig already has {len(fig.axes)} axes; pass an empty Figure (or SubFigure)"
        )
    return fig.add_subplot()

class VisualizeMixin:
    """Pages, charts and tables to explore the topics of a fitted tagger.

    Mixed into :class:`~topictags.tagging.TopicTagger`; every method needs a
    fitted tagger. In a notebook, call :meth:`show_ldavis` to see the pyLDAvis
    page: the tagger deliberately has no ``_repr_html_``, which would build
    that heavy page each time the tagger is echoed.

    Topics are numbered as in the model, from 0, in every view: the charts,
    the pyLDAvis page (whose own numbers, from 1, are replaced), the topic
    browser, the CLI's report. Every view reads its
    arrays through ``topic_view()``: on a copy made by ``reduce_topics(n)``
    the "topics" shown are the ``n`` groups of the fine topics.
    """

    # -- labels ---------------------------------------------------------------
    def topic_labels(
        self, n_terms: int = 3, n_tags: int = 3, *, lambda_: float = DEFAULT_LAMBDA
    ) -> list[str]:
        """A short label per shown topic: its distinctive terms, then its mapped tags.

        ``"file, directory, csv | git?, linux, windows?"``: the topic's
        ``n_terms`` most relevant terms (pyLDAvis's relevance, λ = 0.6), then
        the ``n_tags`` tags it maps to most strongly, a ``?`` after each tag
        the topic does not support (its terms do not name it and its
        questions do not carry it, or it labels too many topics), and
        ``" (weak)"`` when no tag is supported; ``"... | no tag"`` for a topic
        that maps to no tag. The rule is in :mod:`topictags.tagging._labels`
        and docs/exploration.md; :meth:`topic_label_details` gives the
        evidence behind each mark. Every chart, page, browser and report
        shows these labels.

        Parameters
        ----------
        n_terms, n_tags : int, default=3
        lambda_ : float, default=0.6
            λ of the relevance ranking (1: by probability in the topic, 0: by
            lift over the corpus).

        Returns
        -------
        list of str
            One per topic of :meth:`topic_view` (the groups of a reduced
            copy), in topic order, from topic 0.

        Examples
        --------
        >>> tagger.topic_labels()[:2]  # doctest: +NORMALIZE_WHITESPACE
        ['dataframe, pandas, column | pandas, python, dataframe',
         'jquery, element, selector | javascript, jquery, ajax']
        """
        return [label.text for label in self.topic_label_details(n_terms, n_tags,
                                                                  lambda_=lambda_)]

    def topic_label_details(
        self, n_terms: int = 3, n_tags: int = 3, *, lambda_: float = DEFAULT_LAMBDA
    ) -> list[TopicLabel]:
        """The labels of :meth:`topic_labels` with the evidence behind them.

        Returns
        -------
        list of TopicLabel
            Per topic: ``topic``, ``terms``, ``prevalence`` and ``tags``, each
            a ``LabelTag`` with its mapping ``weight``, ``share`` (part of the
            topic's training questions carrying it: the strength shown with
            it), ``prior``, ``term_lift``, ``n_topics`` it labels, ``broad``,
            ``weak`` and, for a weak tag, the ``reason`` in words.

        Examples
        --------
        >>> label = tagger.topic_label_details()[0]
        >>> label.terms
        ('dataframe', 'pandas', 'column')
        >>> [(t.tag, round(t.share, 2), t.weak) for t in label.tags]
        [('pandas', 0.92, False), ('python', 0.93, False), ('dataframe', 0.48, False)]

        In three groups, the jQuery topic shares a group with Python's list
        questions, whose terms win: its tags are marked weak, and say why.

        >>> group = tagger.reduce_topics(3).topic_label_details()[1]
        >>> group.text
        'python, list, div | javascript?, jquery?, ajax? (weak)'
        >>> group.tags[0].reason  # doctest: +NORMALIZE_WHITESPACE
        "its name is not a term of the model; 39% of the topic's questions carry it
        against 20% of all (odds ratio 2.5; support from 3 with 10%)"
        """
        self.check_is_fitted()
        return label_topics(self, n_terms, n_tags, lambda_=lambda_)

    def _page_labels(self) -> list[dict]:
        """The labels as the pyLDAvis page shows them: text, terms, tags and evidence."""
        return [label.as_dict() for label in self.topic_label_details()]

    def _prevalent_topics(self, top: int | None) -> list[int] | None:
        """The ``top`` most prevalent topics, or None (all) for ``top=None``."""
        if top is None:
            return None
        top = check_positive_int(top, "top")
        prevalence = self.topic_view().doc_topic.mean(axis=0)
        return np.argsort(-prevalence, kind="stable")[:top].tolist()

    # -- pyLDAvis -------------------------------------------------------------
    def to_ldavis(self, R: int = 30, *, n_jobs: int = 1) -> PreparedData:
        """The pyLDAvis data of the fitted model, for NMF and LDA alike.

        NMF's components and document weights are normalised to distributions
        like LDA's (see :func:`topictags.viz.prepare_ldavis`); the term
        frequencies and document lengths are raw counts in both cases.

        Parameters
        ----------
        R : int, default=30
            Terms shown in the bar chart.
        n_jobs : int, default=1
            Workers of pyLDAvis's relevance computation.

        Returns
        -------
        pyLDAvis.PreparedData
            pyLDAvis's own numbering: its topic ``k`` is model topic
            ``k - 1`` (pages made by :func:`topictags.viz.save_ldavis` show
            the model's numbers).

        Examples
        --------
        >>> prepared = tagger.to_ldavis()
        >>> len(prepared.topic_coordinates)
        6
        >>> from topictags.viz import save_ldavis
        >>> save_ldavis(prepared, "topics.html", topic_labels=tagger.topic_labels())
        PosixPath('topics.html')
        """
        from ..viz import prepare_ldavis

        view = self.topic_view()
        return prepare_ldavis(
            view.components,
            view.doc_topic,
            self.doc_lengths_,
            self.model_.feature_names_,
            self.term_frequency_,
            R=R,
            n_jobs=n_jobs,
        )

    def save_ldavis(
        self,
        path: str | os.PathLike,
        *,
        overwrite: bool = False,
        R: int = 30,
        title: str | None = None,
    ) -> Path:
        """Write the pyLDAvis page, labelled as :meth:`topic_labels` labels topics.

        The page is self-contained (d3 and LDAvis inlined): it opens offline
        and requests nothing from any host. Beside the map: the label, terms
        and tags (with their shares and weak marks) of the hovered or
        selected topic, a topic picker and the table of all labels, most
        prevalent topic first; topics are numbered as in the model, from 0;
        the relevance slider opens at λ = 0.6, the ranking of the labels'
        terms.

        Parameters
        ----------
        path : str or path-like
            Target ``.html`` file; its folder must exist.
        overwrite : bool, default=False
            Replace an existing file.
        R : int, default=30
            Terms shown in the bar chart.
        title : str, optional
            Page title; by default names the model, e.g.
            ``"topictags — nmf-40-blend"`` (``"topictags — nmf-150-blend, 30
            groups"`` for ``reduce_topics(30)``).

        Returns
        -------
        pathlib.Path

        Raises
        ------
        OutputExistsError
            ``path`` exists and ``overwrite`` is false.

        Examples
        --------
        >>> tagger.save_ldavis("topics.html")
        PosixPath('topics.html')
        >>> "<script src=" in open("topics.html", encoding="utf-8").read()  # all inlined
        False
        """
        from ..viz import save_ldavis

        if title is None:
            title = f"topictags — {self.name}"
            if "groups_" in self.__dict__:  # reduce_topics: say what the circles are
                title += f", {self.topic_view().n_topics} groups"
        return save_ldavis(
            self.to_ldavis(R=R),
            path,
            topic_labels=self._page_labels(),
            overwrite=overwrite,
            title=title,
        )

    def show_ldavis(self, R: int = 30) -> HTML:
        """The pyLDAvis page as an ``IPython.display.HTML`` object, for notebooks.

        Works offline, like :meth:`save_ldavis`; the notebook must be trusted
        for the page's script to run.

        Examples
        --------
        >>> page = tagger.show_ldavis()  # end a notebook cell with it to display it
        >>> type(page).__name__, "<script src=" in page.data
        ('HTML', False)
        """
        from ..viz import show_ldavis

        return show_ldavis(self.to_ldavis(R=R), topic_labels=self._page_labels())

    # -- charts ---------------------------------------------------------------
    # Every visualize_* returns the Figure (or the SubFigure passed as fig):
    # the object to save, whatever the number of panels.

    def visualize_terms(
        self,
        topics: Sequence[int] | None = None,
        *,
        top: int | None = 12,
        n_terms: int = 10,
        n_cols: int = 4,
        fig: Figure | SubFigure | None = None,
    ) -> Figure | SubFigure:
        """Bar charts of the top terms of topics (:func:`topictags.viz.plot_top_terms`).

        Parameters
        ----------
        topics : sequence of int, optional
            Topics to draw, in this order. By default the ``top`` most
            prevalent ones (all with ``top=None``): a grid of 150 panels
            helps nobody.
        top : int or None, default=12
        n_terms : int, default=10
        n_cols : int, default=4
        fig : Figure or SubFigure, optional
            Empty figure to draw into; a new one by default.

        Returns
        -------
        Figure or SubFigure
            A panel per topic in ``fig.axes``.

        Examples
        --------
        >>> fig = tagger.visualize_terms(top=4)
        >>> len(fig.axes), fig.axes[0].get_title(loc="left")  # most prevalent topic first
        (4, '1: jquery, element, selector |\\njavascript, jquery, ajax')
        >>> fig.savefig("terms.png")
        """
        from ..viz import plot_top_terms

        return plot_top_terms(
            self.topic_view().components,
            self.model_.feature_names_,
            topics=self._prevalent_topics(top) if topics is None else topics,
            n_terms=n_terms,
            n_cols=n_cols,
            topic_labels=self.topic_labels(),
            fig=fig,
        )

    def visualize_tag_heatmap(
        self,
        topics: Sequence[int] | None = None,
        *,
        top: int | None = 20,
        n_tags: int = 20,
        order: str = "cluster",
        clip: float = 98.0,
        fig: Figure | SubFigure | None = None,
    ) -> Figure | SubFigure:
        """Heatmap of the topic -> tag mapping in use (see ``viz.plot_topic_tag_heatmap``).

        Rows are clustered (similar topics together), each tag sits under
        the topic it weighs most in, and the colour scale stops at the
        ``clip`` percentile so that one strong cell does not darken the rest.

        Parameters
        ----------
        topics : sequence of int, optional
            Rows to draw; by default the ``top`` most prevalent topics.
        top : int or None, default=20
        n_tags : int, default=20
            Columns: the tags with the largest total weight over the rows.
        order : {"cluster", "given"}, default="cluster"
        clip : float, default=98.0
        fig : Figure or SubFigure, optional
            Empty figure to draw into; a new one by default.

        Returns
        -------
        Figure or SubFigure
            The heatmap's Axes is ``fig.axes[0]`` (its colour bar the second).

        Examples
        --------
        >>> fig = tagger.visualize_tag_heatmap(n_tags=15)
        >>> fig.axes[0].images[0].get_array().shape  # topics x tags
        (6, 15)
        >>> fig.savefig("tags.png")
        """
        from ..viz import plot_topic_tag_heatmap

        ax = plot_topic_tag_heatmap(
            self.topic_view().topic_tag,
            self.tags_,
            topics=self._prevalent_topics(top) if topics is None else topics,
            n_tags=n_tags,
            topic_labels=self.topic_labels(),
            order=order,
            clip=clip,
            ax=_axes_in(fig),
        )
        return ax.figure

    def visualize_prevalence(self, *, fig: Figure | SubFigure | None = None) -> Figure | SubFigure:
        """Bars of each topic's mean share of the training questions, largest on top.

        Returns
        -------
        Figure or SubFigure
            The bars are on ``fig.axes[0]``.

        Examples
        --------
        >>> fig = tagger.visualize_prevalence()
        >>> len(fig.axes[0].patches)  # a bar per topic
        6
        """
        from ..viz import plot_topic_prevalence

        ax = plot_topic_prevalence(
            self.topic_view().doc_topic, topic_labels=self.topic_labels(), ax=_axes_in(fig)
        )
        return ax.figure

    def visualize_over_time(
        self,
        freq: str = "Y",
        *,
        topics: Sequence[int] | None = None,
        top: int = 8,
        min_questions: int = 50,
        smooth: int = 1,
        fig: Figure | SubFigure | None = None,
    ) -> Figure | SubFigure:
        """Lines of topic shares of the training questions per period, over their counts.

        Grey bars along the bottom give each period's number of dated
        questions. Periods with fewer than ``min_questions`` (hatched) and
        periods without questions are gaps: the lines break there rather
        than join distant periods.

        Parameters
        ----------
        freq : str, default="Y"
            ``"Y"`` (years), ``"Q"`` (quarters), ``"M"`` (months) or another
            pandas period alias.
        topics : sequence of int, optional
            Topics to draw; by default the ``top`` most prevalent ones.
        top : int, default=8
        min_questions : int, default=50
            Periods with fewer dated questions are left out of the lines.
            A period of 50 questions still moves a topic of 5 % share by
            about ±2 points from sampling alone; with fewer, the lines show
            noise. Lower it (or use a longer ``freq``) on small corpora.
        smooth : int, default=1
            Centred moving average over this many periods (weighted by
            their question counts, never across a gap).
        fig : Figure or SubFigure, optional
            Empty figure to draw into; a new one by default.

        Returns
        -------
        Figure or SubFigure
            ``fig.axes[0]`` has one line per topic, labelled
            ``"<topic>: <label>"``; the count bars are on its twin.

        Raises
        ------
        ParameterError
            No period has ``min_questions`` dated questions.

        Examples
        --------
        >>> fig = tagger.visualize_over_time("Y", top=3, min_questions=10)
        >>> [line.get_label() for line in fig.axes[0].get_lines()]  # doctest: +NORMALIZE_WHITESPACE
        ['1: jquery, element, selector | javascript, jque…',
         '0: dataframe, pandas, column | pandas, python…',
         '5: table, mysql, query | mysql, sql, join']
        """
        from ..viz import plot_topic_trend

        # All periods, so that the bars show those below min_questions too.
        shares = self.topic_prevalence_over_time(freq, min_questions=1)
        counts = shares.attrs["n_questions"]
        if topics is None:
            topics = self._prevalent_topics(top)
        labels = self.topic_labels()
        shares = shares[list(topics)]
        shares.columns = [f"{k}: {labels[k]}" for k in topics]
        # the x axis says what a period is
        shares.index.name = _PERIOD_NAMES.get(str(freq).upper().rstrip("SE"), "period")
        ax = plot_topic_trend(
            shares, counts=counts, min_questions=min_questions, smooth=smooth, ax=_axes_in(fig)
        )
        stream = self.__dict__.get("stream_")
        if stream and stream["sample_size"] < stream["n_questions"]:
            # A streamed fit keeps a uniform sample: the bars count it, not the corpus.
            note = (f"uniform sample of {stream['sample_size']:,} of the "
                    f"{stream['n_questions']:,} training questions")
            ax.set_title(f"{ax.get_title()}\n{note}" if ax.get_title() else note)
        return ax.figure

    def visualize_drift(
        self,
        reference_questions,
        new_questions,
        *,
        top: int = 12,
        random_state: int | None = 0,
        fig: Figure | SubFigure | None = None,
    ) -> Figure | SubFigure:
        """Bars of the topics whose share moved most from reference to new questions.

        Draws :func:`topictags.explore.topic_drift` (which gives the numbers):
        each topic's change of share with its 95 % interval, both shares,
        and in the title the Jensen-Shannon distance against its noise level.

        Parameters
        ----------
        reference_questions, new_questions : DataFrame or sequence of str
            Anything ``transform`` accepts, e.g. the questions the model was
            fitted on and this month's.
        top : int, default=12
            Topics drawn, largest moves first.
        random_state : int, optional
            Seed of the noise level's split of the reference set.
        fig : Figure or SubFigure, optional
            Empty figure to draw into; a new one by default.

        Returns
        -------
        Figure or SubFigure
            The bars are on ``fig.axes[0]``.

        Examples
        --------
        >>> old = questions[questions.creation_date < "2011"]
        >>> new = questions[questions.creation_date >= "2011"]
        >>> fig = tagger.visualize_drift(old, new, top=4)
        >>> len(fig.axes[0].patches), fig.axes[0].get_title().splitlines()[0]
        (4, 'Topic drift: Jensen-Shannon distance 0.213')
        """
        from ..explore import topic_drift
        from ..viz import plot_topic_drift

        drift = topic_drift(self, reference_questions, new_questions, random_state=random_state)
        ax = plot_topic_drift(
            drift.topics,
            distance=drift.distance,
            baseline_distance=drift.baseline_distance,
            top=top,
            ax=_axes_in(fig),
        )
        return ax.figure

    # -- tables ---------------------------------------------------------------
    def topic_prevalence_over_time(
        self, freq: str = "Y", *, min_questions: int = 1
    ) -> pd.DataFrame:
        """Topic shares of the training questions per period.

        Uses ``train_questions_.creation_date`` and ``doc_topic_``. Questions
        without a creation date (``NaT``) are dropped, and so are questions
        with no known term (all-zero topic mixture); each remaining row sums
        to 1. See :func:`topictags.explore.topic_prevalence_over_time` to do
        the same for other questions (``tagger.transform(questions)``).

        Parameters
        ----------
        freq : str, default="Y"
            ``"Y"`` (years), ``"M"`` (months) or another pandas period alias.
        min_questions : int, default=1
            Leave out periods with fewer dated questions.

        Returns
        -------
        DataFrame
            Index: periods; columns: topics (0 .. n_topics - 1); values:
            shares.

        Examples
        --------
        >>> shares = tagger.topic_prevalence_over_time("Y")
        >>> shares.index.astype(str).tolist(), shares.shape
        (['2009', '2010', '2011', '2012', '2013'], (5, 6))
        >>> shares.sum(axis=1).round(6).tolist()
        [1.0, 1.0, 1.0, 1.0, 1.0]
        """
        from ..explore import topic_prevalence_over_time

        return topic_prevalence_over_time(
            self.topic_view().doc_topic,
            self.train_questions_["creation_date"],
            freq,
            min_questions=min_questions,
        )

    def representative_questions(self, topic: int, n: int = 5) -> pd.DataFrame:
        """The training questions that weigh most on a topic.

        Parameters
        ----------
        topic : int
            Model topic index, from 0.
        n : int, default=5

        Returns
        -------
        DataFrame
            At most ``n`` rows, heaviest first (questions with no weight on
            the topic are never listed): ``id``, ``title``, ``tags``,
            ``weight`` (the topic's share of the question, in [0, 1]) and
            ``link`` (``https://<site>/questions/<id>`` on the question's own
            site, Stack Overflow when unknown; missing, ``pd.isna``, without
            an id).

        Examples
        --------
        >>> top = tagger.representative_questions(0, n=3)
        >>> top.columns.tolist()
        ['id', 'title', 'tags', 'weight', 'link']
        >>> top.loc[0, "title"], top.loc[0, "link"]
        ('Rename a price column of a pandas DataFrame', 'https://stackoverflow.com/questions/1814735')
        """
        doc_topic = self.topic_view().doc_topic
        n_topics = doc_topic.shape[1]
        if not isinstance(topic, (int, np.integer)) or isinstance(topic, bool):
            raise ParameterError(f"topic must be an integer, got {topic!r}")
        if not 0 <= topic < n_topics:
            raise ParameterError(f"topic {topic} out of range: the model has {n_topics} topics")
        n = check_positive_int(n, "n")
        weights = doc_topic[:, int(topic)].astype(np.float64)
        # Stable: equal weights keep training order, run after run.
        order = np.argsort(-weights, kind="stable")[:n]
        order = order[weights[order] > 0]
        train = self.train_questions_.iloc[order]
        frame = train[["id", "title", "tags"]].reset_index(drop=True)
        frame["weight"] = weights[order]
        # Each question links to its own site (models fitted before the site
        # column existed link to Stack Overflow).
        sites = train["site"].tolist() if "site" in train.columns else [""] * len(train)
        frame["link"] = [question_url(site, i) for site, i in zip(sites, frame["id"])]
        return frame

    # -- notebook widget --------------------------------------------------------
    def topic_browser(self, **kwargs: Any):
        """An ipywidgets browser of the topics, and a box to try questions.

        A dropdown picks a topic (listed with its tag label) and shows its top
        terms, mapped tags with their scores and representative questions; a
        text box takes a question and shows its topic mixture (top 5 topics)
        and suggested tags. Keyword arguments go to
        :func:`topictags.explore.topic_browser`.

        Returns
        -------
        ipywidgets.VBox

        Raises
        ------
        ImportError
            ipywidgets is not installed (``pip install 'topictags[notebook]'``).

        Examples
        --------
        >>> browser = tagger.topic_browser()
        >>> [type(child).__name__ for child in browser.children]
        ['Dropdown', 'HTML', 'Text', 'HTML']
        >>> browser  # shows the widget: needs a Jupyter front end  # doctest: +SKIP
        """
        from ..explore import topic_browser

        return topic_browser(self, **kwargs)
