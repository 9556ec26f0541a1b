"""Matplotlib charts of topic models and tagger evaluations.

Every function draws with the object-oriented API on the ``ax`` (or ``fig``)
it is given, or on a new pyplot figure when none is, so the result shows
inline in Jupyter and can be saved with ``fig.savefig``; none calls
``plt.show()``. Topics are numbered as in the model, from 0.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._validation import as_matrix, check_positive_int, normalize_rows
from ..errors import ParameterError

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

__all__ = [
    "plot_comparison",
    "plot_model_selection",
    "plot_top_terms",
    "plot_topic_prevalence",
    "plot_topic_tag_heatmap",
    "plot_topic_trend",
]

# Model-selection metrics, and whether a higher value is better: every column
# of explore.select_n_topics but its parameters and timing (its coherence
# measures are those of gensim's CoherenceModel; u_mass is negative, higher
# is better). The tests check this against explore.COHERENCE_MEASURES.
_SELECTION_METRICS = {
    "c_v": True,
    "c_npmi": True,
    "c_uci": True,
    "u_mass": True,
    "diversity": True,
    "perplexity": False,
    "reconstruction_error": False,
    "jaccard": True,
}


# ---------------------------------------------------------------------------
# helpers


def _new_axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    # pyplot (not a bare Figure) so that Jupyter's inline backend shows it.
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def _new_figure(fig: Figure | SubFigure | None, figsize: tuple[float, float]):
    if fig is None:
        import matplotlib.pyplot as plt

        return plt.figure(figsize=figsize, layout="constrained")
    if fig.axes:
        raise ParameterError(
            f"fig already has {len(fig.axes)} axes; pass an empty Figure (or SubFigure)"
        )
    return fig


def _names(values: Any, name: str, size: int, what: str) -> list[str]:
    if isinstance(values, str):
        raise ParameterError(f"{name} must be a sequence of str, not a str")
    out = [str(v) for v in values]
    if len(out) != size:
        raise ParameterError(f"{name} has {len(out)} entries but there are {size} {what}")
    return out


def _topic_indices(topics: Sequence[int] | None, n_topics: int) -> list[int]:
    if topics is None:
        return list(range(n_topics))
    out = []
    for t in topics:
        if not isinstance(t, (int, np.integer)) or isinstance(t, bool):
            raise ParameterError(f"topics must be integer topic indices, got {t!r}")
        if not 0 <= t < n_topics:
            raise ParameterError(f"topic {t} out of range: the model has {n_topics} topics")
        out.append(int(t))
    if not out:
        raise ParameterError("topics is empty: nothing to plot")
    return out


def _topic_name(topic: int, labels: list[str] | None) -> str:
    return f"{topic}: {labels[topic]}" if labels is not None else f"Topic {topic}"


def _table(table: Any, name: str = "table") -> pd.DataFrame:
    if not isinstance(table, pd.DataFrame):
        raise ParameterError(f"{name} must be a pandas DataFrame, got {type(table).__name__}")
    if table.empty:
        raise ParameterError(f"{name} is empty")
    return table


def _require_columns(table: pd.DataFrame, columns: Sequence[str], name: str = "table") -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ParameterError(
            f"{name} has no column(s) {missing}; columns are {list(table.columns)}"
        )


def _numeric(table: pd.DataFrame, columns: Sequence[str], name: str = "table") -> pd.DataFrame:
    try:
        return table[list(columns)].astype(np.float64)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"{name} columns {list(columns)} must be numeric: {exc}") from None


# ---------------------------------------------------------------------------
# topics


def plot_top_terms(
    topic_term: Any,
    vocab: Sequence[str],
    *,
    topics: Sequence[int] | None = None,
    n_terms: int = 10,
    n_cols: int = 4,
    topic_labels: Sequence[str] | None = None,
    fig: Figure | SubFigure | None = None,
) -> Figure | SubFigure:
    """Grid of horizontal bar charts: the top terms of each topic.

    Bars show each term's share of its topic's weight (rows are normalised),
    so LDA pseudo-counts and NMF components read the same way.

    Parameters
    ----------
    topic_term : array-like of shape (n_topics, n_terms)
        Non-negative topic-term weights.
    vocab : sequence of str of length n_terms
    topics : sequence of int, optional
        Model topic indices to draw, in this order; all by default.
    n_terms : int, default=10
        Terms per topic.
    n_cols : int, default=4
        Panels per row.
    topic_labels : sequence of str, optional
        One label per model topic, added to panel titles.
    fig : Figure or SubFigure, optional
        Empty figure to draw into; a new one by default.

    Returns
    -------
    Figure or SubFigure
        One Axes per topic, in ``fig.axes``.

    Examples
    --------
    >>> model = tagger.model_
    >>> fig = plot_top_terms(model.components_, model.feature_names_, n_terms=8)
    >>> len(fig.axes)  # a panel per topic
    6
    >>> fig.savefig("top_terms.png")
    """
    weights = as_matrix(topic_term, "topic_term", nonnegative=True)
    n_topics, n_vocab = weights.shape
    vocab = _names(vocab, "vocab", n_vocab, "topic_term columns")
    labels = (
        None if topic_labels is None else _names(topic_labels, "topic_labels", n_topics, "topics")
    )
    selected = _topic_indices(topics, n_topics)
    n_terms = min(check_positive_int(n_terms, "n_terms"), n_vocab)
    n_cols = min(check_positive_int(n_cols, "n_cols"), len(selected))
    n_rows = math.ceil(len(selected) / n_cols)

    fig = _new_figure(fig, (3.4 * n_cols, (0.25 * n_terms + 0.9) * n_rows))
    axes = np.atleast_1d(fig.subplots(n_rows, n_cols, squeeze=False)).ravel()
    shares = normalize_rows(weights)
    for ax, topic in zip(axes, selected, strict=False):  # axes may outnumber topics
        # stable sort: equal weights keep vocabulary order, run to run
        top = np.argsort(-shares[topic], kind="stable")[:n_terms]
        ax.barh(np.arange(len(top)), shares[topic, top], color="#1f77b4")
        ax.set_yticks(np.arange(len(top)), [vocab[i] for i in top], fontsize=8)
        ax.invert_yaxis()  # heaviest term on top
        ax.set_title(_topic_name(topic, labels), fontsize=9, loc="left")
        ax.tick_params(axis="x", labelsize=7)
    for ax in axes[len(selected) :]:
        fig.delaxes(ax)
    fig.supxlabel("share of the topic's weight", fontsize=9)
    return fig


def plot_topic_tag_heatmap(
    topic_tag: Any,
    tags: Sequence[str],
    *,
    topics: Sequence[int] | None = None,
    n_tags: int = 20,
    topic_labels: Sequence[str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Heatmap of a topic -> tag mapping, restricted to its strongest tags.

    The ``n_tags`` tags with the largest total weight over the drawn topics
    are kept, and ordered by the topic they weigh most in, so a mapping that
    gives each topic its own tags shows as a diagonal.

    Parameters
    ----------
    topic_tag : array-like of shape (n_topics, n_all_tags)
        Mapping weights, e.g. ``P(tag | topic)``.
    tags : sequence of str of length n_all_tags
    topics : sequence of int, optional
        Model topic indices (rows) to draw, in this order; all by default.
    n_tags : int, default=20
        Tags (columns) to draw.
    topic_labels : sequence of str, optional
        One label per model topic, added to row labels.
    ax : Axes, optional

    Returns
    -------
    Axes
        Its image is the drawn (n_topics, n_tags) matrix.

    Examples
    --------
    >>> ax = plot_topic_tag_heatmap(tagger.topic_tag_, tagger.tags_, n_tags=15)
    >>> ax.images[0].get_array().shape
    (6, 15)
    """
    matrix = as_matrix(topic_tag, "topic_tag")
    n_topics, n_all = matrix.shape
    tags = _names(tags, "tags", n_all, "topic_tag columns")
    labels = (
        None if topic_labels is None else _names(topic_labels, "topic_labels", n_topics, "topics")
    )
    selected = _topic_indices(topics, n_topics)
    n_tags = min(check_positive_int(n_tags, "n_tags"), n_all)

    rows = matrix[selected]
    keep = np.argsort(-rows.sum(axis=0), kind="stable")[:n_tags]
    best_row = rows[:, keep].argmax(axis=0)
    keep = keep[np.lexsort((-rows[best_row, keep], best_row))]
    shown = rows[:, keep]

    ax = _new_axes(ax, (0.35 * len(keep) + 3.0, 0.3 * len(selected) + 2.0))
    image = ax.imshow(shown, aspect="auto", cmap="viridis", interpolation="nearest")
    ax.set_xticks(np.arange(len(keep)), [tags[i] for i in keep], rotation=90, fontsize=8)
    ax.set_yticks(np.arange(len(selected)), [_topic_name(t, labels) for t in selected], fontsize=8)
    ax.set_xlabel("tag")
    ax.set_title("Topic → tag weights", fontsize=10)
    ax.figure.colorbar(image, ax=ax, label="weight", shrink=0.8)
    return ax


def plot_topic_prevalence(
    doc_topic: Any,
    *,
    topic_labels: Sequence[str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Horizontal bars of each topic's mean share of the documents, largest on top.

    Each row of ``doc_topic`` is first normalised to sum to 1; documents with
    no weight at all (all-zero NMF rows) are left out rather than counted as
    uniform, and their number is given in the x label.

    Parameters
    ----------
    doc_topic : array-like of shape (n_docs, n_topics)
        Non-negative document-topic weights (NMF ``W`` or LDA theta).
    topic_labels : sequence of str, optional
        One label per model topic.
    ax : Axes, optional

    Returns
    -------
    Axes

    Examples
    --------
    >>> ax = plot_topic_prevalence(tagger.doc_topic_, topic_labels=tagger.topic_labels())
    >>> len(ax.patches)
    6
    """
    weights = as_matrix(doc_topic, "doc_topic", nonnegative=True)
    n_topics = weights.shape[1]
    labels = (
        None if topic_labels is None else _names(topic_labels, "topic_labels", n_topics, "topics")
    )
    has_weight = weights.sum(axis=1) > 0
    if not has_weight.any():
        raise ParameterError("every row of doc_topic is zero: no topic prevalence to plot")
    prevalence = normalize_rows(weights[has_weight]).mean(axis=0)
    order = np.argsort(-prevalence, kind="stable")

    ax = _new_axes(ax, (6.0, 0.28 * n_topics + 1.2))
    ax.barh(np.arange(n_topics), prevalence[order], color="#1f77b4")
    ax.set_yticks(np.arange(n_topics), [_topic_name(t, labels) for t in order], fontsize=8)
    ax.invert_yaxis()
    n_empty = int((~has_weight).sum())
    xlabel = "mean share of a document's topic weight"
    if n_empty:
        xlabel += f" ({n_empty} document(s) with no weight left out)"
    ax.set_xlabel(xlabel)
    ax.set_title("Topic prevalence", fontsize=10)
    return ax


def plot_topic_trend(
    prevalence: pd.DataFrame,
    *,
    topics: Sequence[Any] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Lines of topic shares over time, one per topic.

    Parameters
    ----------
    prevalence : DataFrame
        Index: periods (``DatetimeIndex`` or ``PeriodIndex``; a PeriodIndex
        is drawn at period starts). Columns: topics. Values: share of the
        period's questions (or weight) in each topic.
    topics : sequence, optional
        Column labels to draw; all columns by default.
    ax : Axes, optional

    Returns
    -------
    Axes
        One line per topic, labelled with its column name.

    Examples
    --------
    >>> W = pd.DataFrame(tagger.doc_topic_)
    >>> dates = tagger.train_questions_["creation_date"]
    >>> shares = W.groupby(dates.dt.to_period("Q")).mean()
    >>> ax = plot_topic_trend(shares, topics=[0, 3, 5])
    >>> [line.get_label() for line in ax.get_lines()]
    ['0', '3', '5']
    """
    table = _table(prevalence, "prevalence")
    columns = list(table.columns) if topics is None else list(topics)
    if not columns:
        raise ParameterError("topics is empty: nothing to plot")
    _require_columns(table, columns, "prevalence")
    values = _numeric(table, columns, "prevalence")
    if isinstance(values.index, pd.PeriodIndex):
        values.index = values.index.to_timestamp()
    values = values.sort_index()

    ax = _new_axes(ax, (8.0, 4.0))
    for column in columns:
        ax.plot(values.index, values[column].to_numpy(), marker=".", label=str(column))
    ax.set_xlabel(str(values.index.name) if values.index.name is not None else "period")
    ax.set_ylabel("share")
    ax.set_title("Topic prevalence over time", fontsize=10)
    if len(columns) > 8:  # a long legend would cover the lines
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    else:
        ax.legend(fontsize="small")
    return ax


# ---------------------------------------------------------------------------
# evaluation


def plot_comparison(
    table: pd.DataFrame,
    *,
    metrics: Sequence[str] = ("jaccard", "precision@k", "recall@k", "f1"),
    ax: Axes | None = None,
) -> Axes:
    """Grouped bars of tagging metrics, one group per model.

    Parameters
    ----------
    table : DataFrame
        One row per model, as returned by :func:`topictags.compare`. Model
        names come from a ``model`` column if there is one, else the index.
    metrics : sequence of str, default=("jaccard", "precision@k", "recall@k", "f1")
        Columns to draw, one bar each per model.
    ax : Axes, optional

    Returns
    -------
    Axes
        ``len(table) * len(metrics)`` bars, with a legend of the metrics.

    Examples
    --------
    >>> ax = plot_comparison(tt.compare([nmf, lda, sup], train, test, refit=False))
    >>> len(ax.patches)  # 3 models x 4 metrics
    12
    """
    table = _table(table)
    if isinstance(metrics, str):
        metrics = [metrics]
    metrics = list(metrics)
    if not metrics:
        raise ParameterError("metrics is empty: nothing to plot")
    _require_columns(table, metrics)
    models = (
        table["model"].astype(str).tolist()
        if "model" in table.columns
        else [str(i) for i in table.index]
    )
    values = _numeric(table, metrics)

    ax = _new_axes(ax, (max(6.0, 1.2 * len(models) * max(1, len(metrics) / 2)), 4.0))
    x = np.arange(len(models))
    width = 0.8 / len(metrics)
    for j, metric in enumerate(metrics):
        bars = ax.bar(
            x + (j - (len(metrics) - 1) / 2) * width,
            values[metric].to_numpy(),
            width,
            label=metric,
        )
        ax.bar_label(bars, fmt="%.2f", fontsize=7, padding=1)
    ax.set_xticks(x, models)
    ax.set_ylabel("score")
    top = np.nanmax(values.to_numpy()) if np.isfinite(values.to_numpy()).any() else 1.0
    ax.set_ylim(0, max(1.0, float(top)) * 1.08)  # headroom for the value labels
    ax.set_title("Tagging metrics by model", fontsize=10)
    ax.legend(fontsize="small", ncols=min(len(metrics), 4), loc="upper right")
    return ax


def plot_model_selection(
    table: pd.DataFrame,
    *,
    x: str = "n_topics",
    metrics: Sequence[str] | None = None,
    fig: Figure | SubFigure | None = None,
) -> Figure | SubFigure:
    """One panel per metric against a hyper-parameter, e.g. the number of topics.

    Parameters
    ----------
    table : DataFrame
        One row per fitted model. ``x`` is a column (or the index name); a
        ``model`` column, if present, draws one line per model (e.g. NMF and
        LDA side by side).
    x : str, default="n_topics"
    metrics : sequence of str, optional
        Columns to draw. By default those present among ``c_v``, ``c_npmi``,
        ``c_uci``, ``u_mass``, ``diversity``, ``perplexity``,
        ``reconstruction_error``, ``jaccard`` (every measure of
        :func:`topictags.explore.select_n_topics`).
    fig : Figure or SubFigure, optional
        Empty figure to draw into; a new one by default.

    Returns
    -------
    Figure or SubFigure
        One Axes per metric, titled with the metric and whether higher or
        lower is better.

    Examples
    --------
    >>> scores = pd.DataFrame(
    ...     {"n_topics": [10, 20, 40], "c_v": [0.41, 0.46, 0.44], "jaccard": [0.22, 0.27, 0.29]}
    ... )
    >>> fig = plot_model_selection(scores, x="n_topics")
    >>> [ax.get_title() for ax in fig.axes]
    ['c_v (higher is better)', 'jaccard (higher is better)']
    """
    table = _table(table)
    if x not in table.columns and table.index.name == x:
        table = table.reset_index()
    _require_columns(table, [x])
    if metrics is None:
        metrics = [m for m in _SELECTION_METRICS if m in table.columns]
        if not metrics:
            raise ParameterError(
                f"table has none of the metric columns {list(_SELECTION_METRICS)}; "
                f"columns are {list(table.columns)}"
            )
    else:
        metrics = [metrics] if isinstance(metrics, str) else list(metrics)
        if not metrics:
            raise ParameterError("metrics is empty: nothing to plot")
        _require_columns(table, metrics)
    values = _numeric(table, metrics)
    values[x] = table[x].to_numpy()
    group = "model" in table.columns and x != "model"
    if group:
        values["model"] = table["model"].astype(str).to_numpy()

    n_cols = min(3, len(metrics))
    n_rows = math.ceil(len(metrics) / n_cols)
    fig = _new_figure(fig, (4.0 * n_cols, 3.0 * n_rows))
    axes = np.atleast_1d(fig.subplots(n_rows, n_cols, squeeze=False)).ravel()
    groups = list(values.groupby("model", sort=False)) if group else [(None, values)]
    for ax, metric in zip(axes, metrics, strict=False):  # idem
        for name, part in groups:
            part = part.sort_values(x)
            ax.plot(part[x].to_numpy(), part[metric].to_numpy(), marker="o", label=name)
        better = _SELECTION_METRICS.get(metric)
        hint = "" if better is None else (" (higher is better)" if better else " (lower is better)")
        ax.set_title(metric + hint, fontsize=9)
        ax.set_xlabel(x)
        if group:
            ax.legend(fontsize="small")
    for ax in axes[len(metrics) :]:
        fig.delaxes(ax)
    return fig
