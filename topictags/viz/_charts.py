"""Matplotlib charts of topic models and tagger evaluations.

Two kinds of function, as in seaborn: those that draw one panel take an
``ax`` and return that Axes (``plot_topic_tag_heatmap``,
``plot_topic_prevalence``, ``plot_topic_trend``, ``plot_topic_drift``,
``plot_comparison``); those that draw a grid of panels take an empty ``fig``
(Figure or SubFigure) and return it (``plot_top_terms``,
``plot_model_selection``). The tagger's ``visualize_*`` methods all return
the Figure. Without ``ax``/``fig`` a new pyplot figure with constrained
layout is made, so the result shows inline in Jupyter and saves unclipped
with a plain ``fig.savefig``; none calls ``plt.show()``. Every chart has a
title and axis labels; long topic labels are shortened (with "…") so they
never run off the canvas. Topics are numbered as in the model, from 0.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence
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
    "plot_topic_drift",
    "plot_topic_prevalence",
    "plot_topic_tag_heatmap",
    "plot_topic_trend",
]

# Tick labels and legend entries longer than this are shortened with "…": a
# long label would squeeze the plot or run off the canvas.
_LABEL_WIDTH = 48

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


def _short(text: str, width: int = _LABEL_WIDTH) -> str:
    """``text`` cut to ``width`` characters, ending in "…" when cut."""
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1].rstrip(" ,;:") + "…"


def _wrap(text: str, width: int) -> str:
    """``text`` on lines of at most ``width`` characters (titles of narrow panels)."""
    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


def _percent_formatter():
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(xmax=1.0, decimals=0)


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

    fig = _new_figure(fig, (3.4 * n_cols, (0.25 * n_terms + 1.1) * n_rows + 0.6))
    axes = np.atleast_1d(fig.subplots(n_rows, n_cols, squeeze=False)).ravel()
    shares = normalize_rows(weights)
    for ax, topic in zip(axes, selected, strict=False):  # axes may outnumber topics
        # stable sort: equal weights keep vocabulary order, run to run
        top = np.argsort(-shares[topic], kind="stable")[:n_terms]
        ax.barh(np.arange(len(top)), shares[topic, top], color="#1f77b4")
        ax.set_yticks(np.arange(len(top)), [vocab[i] for i in top], fontsize=8)
        ax.invert_yaxis()  # heaviest term on top
        # Two lines at most: a panel is narrow, and labels can be long.
        ax.set_title(_wrap(_short(_topic_name(topic, labels), 68), 34), fontsize=9, loc="left")
        ax.tick_params(axis="x", labelsize=7)
    for ax in axes[len(selected) :]:
        fig.delaxes(ax)
    fig.suptitle("Top terms per topic", fontsize=11)
    fig.supxlabel("share of the topic's weight", fontsize=9)
    fig.supylabel("term", fontsize=9)
    return fig


def _cluster_order(rows: np.ndarray) -> np.ndarray:
    """Row order that puts similar rows side by side (average linkage, optimal leaves).

    Rows are compared by direction (scaled to unit length), so two topics
    that favour the same tags sit together whatever their overall weight.
    """
    if len(rows) < 3:
        return np.arange(len(rows))
    from scipy.cluster.hierarchy import leaves_list, linkage, optimal_leaf_ordering
    from scipy.spatial.distance import pdist

    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    unit = np.divide(rows, norms, out=np.zeros_like(rows), where=norms > 0)
    distances = pdist(unit)
    tree = optimal_leaf_ordering(linkage(distances, method="average"), distances)
    return leaves_list(tree)


def plot_topic_tag_heatmap(
    topic_tag: Any,
    tags: Sequence[str],
    *,
    topics: Sequence[int] | None = None,
    n_tags: int = 20,
    topic_labels: Sequence[str] | None = None,
    order: str = "cluster",
    clip: float = 98.0,
    ax: Axes | None = None,
) -> Axes:
    """Heatmap of a topic -> tag mapping, restricted to its strongest tags.

    The ``n_tags`` tags with the largest total (positive) weight over the
    drawn topics are kept. Rows are ordered by hierarchical clustering
    (``order="cluster"``: topics that favour the same tags side by side), and
    each tag sits under the row it weighs most in, so a mapping that gives
    groups of topics their own tags shows as blocks along the diagonal.

    The colour scale stops at the ``clip`` percentile of the drawn weights
    (the colour bar's arrow marks the cells above it), so one very strong
    cell does not leave every other cell dark. Weights of both signs (the
    ``"logistic"`` mapping's coefficients) are drawn on a diverging scale
    centred on 0.

    Parameters
    ----------
    topic_tag : array-like of shape (n_topics, n_all_tags)
        Mapping weights, e.g. ``P(tag | topic)``.
    tags : sequence of str of length n_all_tags
    topics : sequence of int, optional
        Model topic indices (rows) to draw; all by default.
    n_tags : int, default=20
        Tags (columns) to draw.
    topic_labels : sequence of str, optional
        One label per model topic, added to row labels.
    order : {"cluster", "given"}, default="cluster"
        Row order: by hierarchical clustering (average linkage of the rows'
        directions, with optimal leaf ordering; scipy), or that of
        ``topics``.
    clip : float, default=98.0
        Percentile (in (0, 100]) of the drawn weights' magnitudes where the
        colour scale stops; 100 keeps the maximum.
    ax : Axes, optional

    Returns
    -------
    Axes
        Its image is the drawn (n_topics, n_tags) matrix (weights unclipped).

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
    if order not in ("cluster", "given"):
        raise ParameterError(f"order must be 'cluster' or 'given', got {order!r}")
    if isinstance(clip, bool) or not isinstance(clip, (int, float)) or not 0 < clip <= 100:
        raise ParameterError(f"clip must be a percentile in (0, 100], got {clip!r}")

    rows = matrix[selected]
    keep = np.argsort(-np.clip(rows, 0, None).sum(axis=0), kind="stable")[:n_tags]
    if order == "cluster":
        row_order = _cluster_order(rows[:, keep])
        selected = [selected[i] for i in row_order]
        rows = rows[row_order]
    best_row = rows[:, keep].argmax(axis=0)
    keep = keep[np.lexsort((-rows[best_row, keep], best_row))]
    shown = rows[:, keep]

    from matplotlib.colors import Normalize

    signed = bool((shown < 0).any())
    top = float(np.percentile(np.abs(shown), clip))
    if top <= 0:  # an all-zero block: any scale shows it
        top = 1.0
    norm = Normalize(vmin=-top if signed else 0.0, vmax=top)
    clipped_high = bool((shown > top).any())
    clipped_low = signed and bool((shown < -top).any())
    extend = {(False, False): "neither", (True, False): "max", (False, True): "min"}.get(
        (clipped_high, clipped_low), "both"
    )

    ax = _new_axes(ax, (0.35 * len(keep) + 4.5, 0.3 * len(selected) + 2.4))
    image = ax.imshow(
        shown, aspect="auto", cmap="RdBu_r" if signed else "viridis", norm=norm,
        interpolation="nearest",
    )
    ax.set_xticks(np.arange(len(keep)), [_short(tags[i], 30) for i in keep], rotation=90,
                  fontsize=8)
    ax.set_yticks(np.arange(len(selected)),
                  [_short(_topic_name(t, labels)) for t in selected], fontsize=8)
    ax.set_xlabel("tag")
    ax.set_ylabel("topic")
    title = "Topic → tag weights"
    if extend != "neither":
        title += f"\n(colour scale capped at the {clip:g}th percentile, {top:.3g})"
    ax.set_title(title, fontsize=10)
    ax.figure.colorbar(image, ax=ax, label="weight", shrink=0.8, extend=extend)
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

    ax = _new_axes(ax, (7.5, 0.28 * n_topics + 1.4))
    bars = ax.barh(np.arange(n_topics), prevalence[order], color="#1f77b4")
    ax.bar_label(bars, labels=[f"{v:.1%}" for v in prevalence[order]], fontsize=7, padding=2)
    ax.set_yticks(np.arange(n_topics),
                  [_short(_topic_name(t, labels)) for t in order], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, float(prevalence.max()) * 1.15)  # room for the value labels
    ax.xaxis.set_major_formatter(_percent_formatter())
    n_empty = int((~has_weight).sum())
    xlabel = "mean share of a document's topic weight"
    if n_empty:
        # on its own line: a long label wider than the figure would be clipped
        xlabel += f"\n({n_empty} document(s) with no weight left out)"
    ax.set_xlabel(xlabel)
    ax.set_ylabel("topic")
    ax.set_title("Topic prevalence", fontsize=10)
    return ax


def _period_positions(index: pd.Index) -> tuple[pd.Index, pd.DatetimeIndex, np.ndarray]:
    """Every period from the first to the last (gaps included), their midpoints and widths.

    A ``PeriodIndex`` is completed with the periods it lacks, so that a
    period without questions shows as a gap; a ``DatetimeIndex`` is kept as
    it is (its spacing is not known), its points drawn where they are.
    """
    if isinstance(index, pd.PeriodIndex):
        full = pd.period_range(index.min(), index.max(), freq=index.freq, name=index.name)
        starts, ends = full.start_time, full.end_time
        widths = (ends - starts) / pd.Timedelta(days=1)
        return full, starts + (ends - starts) / 2, np.asarray(widths, dtype=float)
    stamps = pd.DatetimeIndex(index)
    step = np.diff(stamps.asi8).min() / 8.64e13 if len(stamps) > 1 else 1.0  # ns -> days
    return index, stamps, np.full(len(stamps), float(step))


def _smooth_runs(values: pd.DataFrame, weights: np.ndarray, window: int) -> pd.DataFrame:
    """Centred moving averages of ``window`` periods, weighted by ``weights``.

    Each run of periods between gaps (NaN) is smoothed on its own: an
    average never reaches across a gap, and gaps stay gaps.
    """
    present = values.notna().all(axis=1).to_numpy()
    run = np.cumsum(~present)  # a new run id after every gap
    out = values.copy()
    w = pd.Series(np.where(present, weights, 0.0), index=values.index)
    for _, rows in pd.Series(np.arange(len(values)))[present].groupby(run[present]):
        part = values.iloc[rows.to_numpy()]
        pw = w.iloc[rows.to_numpy()]
        num = part.mul(pw, axis=0).rolling(window, center=True, min_periods=1).sum()
        den = pw.rolling(window, center=True, min_periods=1).sum()
        out.iloc[rows.to_numpy()] = num.div(den, axis=0).to_numpy()
    return out


def plot_topic_trend(
    prevalence: pd.DataFrame,
    *,
    topics: Sequence[Any] | None = None,
    counts: Mapping[Any, int] | pd.Series | None = None,
    min_questions: int = 1,
    smooth: int = 1,
    ax: Axes | None = None,
) -> Axes:
    """Lines of topic shares over time, one per topic, over the questions per period.

    A period with no questions, or with fewer than ``min_questions``, is a
    gap: the lines break there instead of joining the periods either side.
    The number of questions of each period is drawn as grey bars along the
    bottom (right-hand axis); periods below ``min_questions`` are hatched.

    Parameters
    ----------
    prevalence : DataFrame
        Index: periods (``PeriodIndex``, or ``DatetimeIndex``). Columns:
        topics. Values: share of the period's questions (or weight) in each
        topic, as :func:`topictags.explore.topic_prevalence_over_time` returns.
    topics : sequence, optional
        Column labels to draw; all columns by default.
    counts : mapping or Series, optional
        Questions per period (index: the same periods). By default
        ``prevalence.attrs["n_questions"]`` when present (set by
        ``topic_prevalence_over_time``); without counts no bars are drawn.
    min_questions : int, default=1
        Periods with fewer questions are left out of the lines (shown as
        gaps); needs ``counts``.
    smooth : int, default=1
        Centred moving average over this many periods, weighted by the
        periods' question counts, never across a gap; 1 draws the shares
        as they are.
    ax : Axes, optional

    Returns
    -------
    Axes
        One line per topic, labelled with its column name; the bars are on
        a twin Axes (``ax.figure.axes``).

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
    min_questions = check_positive_int(min_questions, "min_questions")
    smooth = check_positive_int(smooth, "smooth")
    if counts is None:
        counts = table.attrs.get("n_questions")
    values = _numeric(table, columns, "prevalence").sort_index()
    if isinstance(values.index, pd.PeriodIndex) and values.index.has_duplicates:
        raise ParameterError("prevalence has a period twice; give one row per period")

    periods, positions, widths = _period_positions(values.index)
    values = values.reindex(periods)  # missing periods: NaN, a gap in the lines
    n_questions = None
    if counts is not None:
        try:
            n_questions = pd.Series(counts, dtype="float64").reindex(periods)
        except (TypeError, ValueError) as exc:
            raise ParameterError(f"counts must map periods to numbers: {exc}") from None
        if n_questions.isna().all():
            raise ParameterError(
                "counts has no entry for any period of prevalence; key it by the same "
                "periods (topic_prevalence_over_time's .attrs['n_questions'] is)"
            )
        n_questions = n_questions.fillna(0.0)
        values.loc[n_questions.to_numpy() < min_questions, :] = np.nan
    elif min_questions > 1:
        raise ParameterError(
            "min_questions needs the questions per period: pass counts (or a table "
            "from topic_prevalence_over_time, which carries them)"
        )
    if values.isna().all(axis=None):
        raise ParameterError(
            f"no period has {min_questions} or more questions; lower min_questions"
        )
    if smooth > 1:
        weights = np.ones(len(values)) if n_questions is None else n_questions.to_numpy()
        values = _smooth_runs(values, weights, smooth)

    ax = _new_axes(ax, (9.0, 4.8))
    bars = None
    if n_questions is not None:
        # Behind the lines, on its own scale, kept to the lower quarter.
        bars = ax.twinx()
        count = n_questions.to_numpy()
        low = (count < min_questions) & (count > 0)  # empty periods: no bar at all
        ok = count >= min_questions
        bars.bar(positions[ok], count[ok], width=0.8 * widths[ok],
                 color="0.82", label="questions per period")
        if low.any():
            bars.bar(positions[low], count[low], width=0.8 * widths[low],
                     color="white", edgecolor="0.6", hatch="///",
                     label=f"fewer than {min_questions} questions (left out)")
            # Their bars can be too short to see: hatch the whole period too.
            for x, w in zip(positions[low], widths[low], strict=True):
                span = pd.Timedelta(days=float(w) / 2)
                ax.axvspan(x - span, x + span, facecolor="none", edgecolor="0.88",
                           hatch="///", linewidth=0, zorder=0)
        bars.set_ylim(0, max(1.0, float(n_questions.max())) * 4)
        bars.set_ylabel("questions per period", color="0.4")
        bars.tick_params(axis="y", colors="0.4", labelsize=8)
        ax.set_zorder(bars.get_zorder() + 1)
        ax.patch.set_visible(False)
    for column in columns:
        ax.plot(positions, values[column].to_numpy(), marker=".", label=_short(str(column)))
    name = values.index.name if values.index.name is not None else "period"
    ax.set_xlabel(str(name))
    ax.set_ylabel("share of the period's questions")
    ax.yaxis.set_major_formatter(_percent_formatter())
    ax.set_ylim(bottom=0)
    title = "Topic prevalence over time"
    if smooth > 1:
        title += f" (moving average of {smooth} periods)"
    ax.set_title(title, fontsize=10)
    # Below the plot: beside it, a legend of long labels would squeeze the lines.
    handles, names = ax.get_legend_handles_labels()
    if bars is not None:
        extra_handles, extra_names = bars.get_legend_handles_labels()
        handles, names = handles + extra_handles, names + extra_names
    ax.legend(handles, names, loc="upper center", bbox_to_anchor=(0.5, -0.14),
              ncols=2 if len(names) > 3 else len(names), fontsize="small", frameon=False)
    return ax


def plot_topic_drift(
    topics: pd.DataFrame,
    *,
    distance: float | None = None,
    baseline_distance: float | None = None,
    top: int = 12,
    ax: Axes | None = None,
) -> Axes:
    """Bars of the topics whose share moved most between two sets of questions.

    One bar per topic, the ``top`` largest moves by size: the change of the
    topic's share (new minus reference), growth to the right in blue,
    decline to the left in orange, with each side's share written at the
    bar. When the table has a ``change_se`` column (standard error of the
    change, as :func:`topictags.explore.topic_drift` gives), whiskers show
    the 95 % interval: a bar whose whisker crosses 0 may be chance.

    Parameters
    ----------
    topics : DataFrame
        One row per topic with columns ``topic``, ``reference_share``,
        ``new_share``, ``change``, and optionally ``label`` and
        ``change_se``: ``TopicDrift.topics``.
    distance, baseline_distance : float, optional
        The Jensen-Shannon distance of the two mixtures and the noise level
        (two halves of the reference set), given in the title.
    top : int, default=12
        Topics drawn.
    ax : Axes, optional

    Returns
    -------
    Axes
        ``top`` bars (fewer if the table is shorter), largest move on top.

    Examples
    --------
    >>> table = pd.DataFrame({"topic": [0, 1], "label": ["pandas", "jquery"],
    ...                       "reference_share": [0.3, 0.7], "new_share": [0.5, 0.5],
    ...                       "change": [0.2, -0.2]})
    >>> ax = plot_topic_drift(table, distance=0.14, baseline_distance=0.02)
    >>> len(ax.patches)
    2
    """
    table = _table(topics, "topics")
    _require_columns(table, ["topic", "reference_share", "new_share", "change"], "topics")
    top = check_positive_int(top, "top")
    columns = ["reference_share", "new_share", "change"]
    has_se = "change_se" in table.columns
    values = _numeric(table, columns + (["change_se"] if has_se else []), "topics")
    order = np.argsort(-np.abs(values["change"].to_numpy()), kind="stable")[:top]
    rows = values.iloc[order]
    names = [
        _short(f"{t}: {lab}" if "label" in table.columns and str(lab) else f"Topic {t}")
        for t, lab in zip(table["topic"].iloc[order],
                          table["label"].iloc[order] if "label" in table.columns
                          else [""] * len(order))
    ]
    change = rows["change"].to_numpy()
    y = np.arange(len(rows))

    ax = _new_axes(ax, (8.0, 0.38 * len(rows) + 1.8))
    colors = np.where(change >= 0, "#1f77b4", "#ff7f0e")  # colour-blind safe pair
    xerr = 1.96 * rows["change_se"].to_numpy() if has_se else None
    ax.barh(y, change, color=colors, xerr=xerr,
            error_kw={"ecolor": "0.25", "capsize": 2, "linewidth": 0.8})
    # Both shares, past the end of the whisker (a bar label would sit on it).
    ends = change + np.sign(change) * (xerr if xerr is not None else 0)
    for yi, end, c, a, b in zip(y, ends, change, rows["reference_share"], rows["new_share"]):
        ax.annotate(f"{a:.1%} → {b:.1%}", (end, yi), xytext=(4 if c >= 0 else -4, 0),
                    textcoords="offset points", ha="left" if c >= 0 else "right",
                    va="center", fontsize=7)
    ax.axvline(0, color="black", linewidth=0.8)
    reach = np.abs(change) + (xerr if xerr is not None else 0)
    span = float(reach.max()) if len(reach) and reach.max() > 0 else 0.01
    ax.set_xlim(-1.6 * span, 1.6 * span)  # room for the share labels on both sides
    ax.set_yticks(y, names, fontsize=8)
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(_percent_formatter())
    xlabel = "change of the topic's share (new − reference)"
    if has_se:
        xlabel += "; whiskers: 95 % interval"
    ax.set_xlabel(xlabel)
    ax.set_ylabel("topic")
    title = "Topic drift"
    if distance is not None:
        title += f": Jensen-Shannon distance {distance:.3f}"
        if baseline_distance is not None and np.isfinite(baseline_distance):
            ratio = distance / baseline_distance if baseline_distance > 0 else float("inf")
            title += f"\nnoise level {baseline_distance:.3f} (distance = {ratio:.1f} × noise)"
    ax.set_title(title, fontsize=10)
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
    ax.set_xticks(x, [_short(m, 28) for m in models])
    ax.set_xlabel("model")
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
        :func:`topictags.selection.select_n_topics`) that have a value: a
        measure that does not apply to the models of the table (perplexity
        for NMF, reconstruction error for LDA: all NaN) gets no panel.
    fig : Figure or SubFigure, optional
        Empty figure to draw into; a new one by default.

    Returns
    -------
    Figure or SubFigure
        One Axes per metric, titled with the metric and whether higher or
        lower is better; the best value of each line is ringed.

    Raises
    ------
    ParameterError
        A metric asked for by name has no value at all (NaN throughout).

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
        present = [m for m in _SELECTION_METRICS if m in table.columns]
        if not present:
            raise ParameterError(
                f"table has none of the metric columns {list(_SELECTION_METRICS)}; "
                f"columns are {list(table.columns)}"
            )
        # NaN throughout: the measure does not apply (perplexity of NMF...).
        measured = _numeric(table, present).notna().any()
        metrics = [m for m in present if measured[m]]
        if not metrics:
            raise ParameterError(
                f"every metric column {present} is NaN throughout: nothing was measured"
            )
    else:
        metrics = [metrics] if isinstance(metrics, str) else list(metrics)
        if not metrics:
            raise ParameterError("metrics is empty: nothing to plot")
        _require_columns(table, metrics)
        empty = [m for m in metrics if _numeric(table, [m])[m].isna().all()]
        if empty:
            raise ParameterError(
                f"metric(s) {empty} have no value (NaN throughout; perplexity is "
                "measured for LDA only, reconstruction_error for NMF only); leave "
                "them out of metrics"
            )
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
        better = _SELECTION_METRICS.get(metric)
        for name, part in groups:
            part = part.sort_values(x).dropna(subset=[metric])
            if part.empty:  # this model has no such measure (perplexity of NMF)
                continue
            (line,) = ax.plot(part[x].to_numpy(), part[metric].to_numpy(), marker="o",
                              label=name)
            if better is not None:
                best = part[metric].idxmax() if better else part[metric].idxmin()
                ax.plot([part.loc[best, x]], [part.loc[best, metric]], marker="o",
                        markersize=12, markerfacecolor="none",
                        markeredgecolor=line.get_color(), linestyle="none")
        hint = "" if better is None else (" (higher is better)" if better else " (lower is better)")
        ax.set_title(metric + hint, fontsize=9)
        ax.set_xlabel(x)
        ax.set_ylabel(metric, fontsize=8)
        ax.tick_params(labelsize=8)
        if group:
            # only the models' lines, not the rings of their best values
            lines = [line for line in ax.get_lines() if not line.get_label().startswith("_")]
            ax.legend(lines, [line.get_label() for line in lines], fontsize="small")
    for ax in axes[len(metrics) :]:
        fig.delaxes(ax)
    fig.suptitle(f"Model selection: measures against {x} (best value ringed)", fontsize=11)
    return fig
