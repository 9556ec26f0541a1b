"""The tag-insights chart: candidate merges, gap topics, over-broad tags, on tables.

Drawn from the tables of ``TopicTagger.tag_insights()`` (how they are
computed: :mod:`topictags.tagging._insights`); like the other charts it
returns a Figure with constrained layout, titles and axis labels, and
shortens long labels so a plain ``savefig`` clips nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .._validation import check_positive_int
from ..errors import ParameterError
from ._charts import _new_figure, _require_columns, _short, _table

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

__all__ = ["plot_tag_insights"]

_CANDIDATE, _OTHER, _FLAG = "#1f77b4", "0.75", "#d95f02"


def plot_tag_insights(
    pairs: pd.DataFrame,
    coverage: pd.DataFrame,
    spread: pd.DataFrame,
    *,
    max_distance: float,
    broad_limit: float,
    min_prevalence: float | None = None,
    n_shown_topics: int | None = None,
    top: int = 12,
    fig: Figure | SubFigure | None = None,
) -> Figure | SubFigure:
    """Three panels: the closest tag pairs, the gap topics, the most spread tags.

    Parameters
    ----------
    pairs : DataFrame
        ``TagInsights.pairs``: ``tag_a``, ``tag_b``, ``distance``, ``noise``,
        ``n_a``, ``n_b``, ``n_both``, ``candidate``.
    coverage : DataFrame
        ``TagInsights.coverage``: ``topic``, ``new_tag_terms``,
        ``prevalence``, ``untagged_share``, ``best_tag``, ``best_tag_share``,
        ``gap`` (and optionally ``best_tag_weak``, marked ``?``).
    spread : DataFrame
        ``TagInsights.spread``: ``tag``, ``effective_topics``, ``n_questions``,
        ``broad``.
    max_distance, broad_limit : float
        The thresholds, drawn as dashed lines.
    min_prevalence : float, optional
        Named in the gap panel's title.
    n_shown_topics : int, optional
        Named in the axis label of the spread panel.
    top : int, default=12
        Rows per panel at most.
    fig : Figure or SubFigure, optional
        Empty figure to draw into; a new one by default.

    Returns
    -------
    Figure or SubFigure
        ``fig.axes``: the pairs, the gaps, the spread, in this order.

    Examples
    --------
    >>> insights = tagger.tag_insights()
    >>> fig = plot_tag_insights(insights.pairs, insights.coverage, insights.spread,
    ...                         max_distance=0.1, broad_limit=insights.broad_limit)
    >>> [ax.get_title(loc="left").split(":")[0] for ax in fig.axes]
    ['(a) Candidate merges', '(b) Gaps in the tag set', '(c) Over-broad tags']
    """
    pairs = _table(pairs, "pairs")
    coverage = _table(coverage, "coverage")
    spread = _table(spread, "spread")
    _require_columns(pairs, ["tag_a", "tag_b", "distance", "noise", "n_a", "n_b", "n_both",
                             "candidate"], "pairs")
    _require_columns(coverage, ["topic", "new_tag_terms", "prevalence", "untagged_share",
                                "best_tag", "best_tag_share", "gap"], "coverage")
    _require_columns(spread, ["tag", "effective_topics", "n_questions", "broad"], "spread")
    top = check_positive_int(top, "top")
    for name, value in (("max_distance", max_distance), ("broad_limit", broad_limit)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value):
            raise ParameterError(f"{name} must be a finite number, got {value!r}")

    pairs = pairs.sort_values("distance", kind="stable").head(top)
    gaps = coverage[coverage["gap"].astype(bool)].sort_values(
        "prevalence", ascending=False, kind="stable").head(top)
    spread = spread.sort_values("effective_topics", ascending=False, kind="stable").head(top)
    heights = [max(len(pairs), 1), max(len(gaps), 1), max(len(spread), 1)]
    fig = _new_figure(fig, (9.5, 0.3 * sum(heights) + 4.2))
    axes = fig.subplots(3, 1, height_ratios=[h + 2.5 for h in heights])
    _pairs_panel(axes[0], pairs, float(max_distance))
    _gaps_panel(axes[1], gaps, min_prevalence)
    _spread_panel(axes[2], spread, float(broad_limit), n_shown_topics)
    fig.suptitle("What the topics say about the tag set", fontsize=11)
    return fig


def _empty(ax: Axes, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, fontsize=9,
            color="0.3")
    ax.set_yticks([])


def _pairs_panel(ax: Axes, pairs: pd.DataFrame, max_distance: float) -> None:
    y = np.arange(len(pairs))
    distance = pairs["distance"].to_numpy(dtype=float)
    candidate = pairs["candidate"].to_numpy(dtype=bool)
    ax.barh(y, distance, color=np.where(candidate, _CANDIDATE, _OTHER))
    noise = pairs["noise"].to_numpy(dtype=float)
    ax.plot(noise, y, linestyle="none", marker="|", markersize=11, color="black",
            label="noise: two halves of the smaller tag")
    reach = float(np.nanmax(np.r_[distance, noise, max_distance]))
    # The counts in a column of their own, clear of the bars and noise marks.
    for yi, r in zip(y, pairs.itertuples()):
        ax.text(reach * 1.06, yi, f"{r.n_a:,} / {r.n_b:,} questions, {r.n_both:,} with both",
                va="center", fontsize=7)
    ax.axvline(max_distance, color=_CANDIDATE, linestyle="--", linewidth=1,
               label=f"threshold {max_distance:g}")
    ax.set_xlim(0, reach * 1.8)
    ax.set_yticks(y, [_short(f"{r.tag_a} / {r.tag_b}", 40) for r in pairs.itertuples()],
                  fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("Hellinger distance of the tags' topic profiles (fine topics; 0 = identical)",
                  fontsize=8)
    ax.set_ylabel("tag pair", fontsize=8)
    ax.tick_params(axis="x", labelsize=7)
    n = int(candidate.sum())
    ax.set_title(f"(a) Candidate merges: {n} pair(s) under the threshold (blue)",
                 fontsize=9, loc="left")
    # Below the axis: inside, it would sit on the bars or the counts.
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=2,
              frameon=False)


def _gaps_panel(ax: Axes, gaps: pd.DataFrame, min_prevalence: float | None) -> None:
    title = "(b) Gaps in the tag set: topics no candidate tag covers"
    ax.set_title(title, fontsize=9, loc="left")
    ax.set_xlabel("share of the training questions (topic prevalence)", fontsize=8)
    ax.set_ylabel("topic: terms for a new tag", fontsize=8)
    ax.tick_params(axis="x", labelsize=7)
    from ._charts import _percent_formatter

    ax.xaxis.set_major_formatter(_percent_formatter())
    if gaps.empty:
        floor = "" if min_prevalence is None else f" with at least {min_prevalence:.1%} prevalence"
        _empty(ax, f"no gap: every topic{floor} has a supported tag")
        return
    y = np.arange(len(gaps))
    prevalence = gaps["prevalence"].to_numpy(dtype=float)
    ax.barh(y, prevalence, color=_FLAG)
    for yi, p, r in zip(y, prevalence, gaps.itertuples()):
        mark = "?" if getattr(r, "best_tag_weak", False) else ""
        best = f"best tag {r.best_tag}{mark} on {r.best_tag_share:.0%}" if r.best_tag else "no tag"
        ax.annotate(f"{r.untagged_share:.0%} untagged · {best}", (p, yi), xytext=(4, 0),
                    textcoords="offset points", va="center", fontsize=7)
    names = [_short(f"{r.topic}: {', '.join(list(r.new_tag_terms)[:4])}", 40)
             for r in gaps.itertuples()]
    ax.set_yticks(y, names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, float(prevalence.max()) * 2.2)


def _spread_panel(ax: Axes, spread: pd.DataFrame, limit: float, n_shown: int | None) -> None:
    y = np.arange(len(spread))
    effective = spread["effective_topics"].to_numpy(dtype=float)
    broad = spread["broad"].to_numpy(dtype=bool)
    ax.barh(y, effective, color=np.where(broad, _FLAG, _OTHER))
    for yi, e, r in zip(y, effective, spread.itertuples()):
        ax.annotate(f"{r.n_questions:,} questions", (e, yi), xytext=(4, 0),
                    textcoords="offset points", va="center", fontsize=7)
    ax.axvline(limit, color=_FLAG, linestyle="--", linewidth=1,
               label=f"over-broad limit {limit:.1f}")
    ax.set_xlim(0, float(max(effective.max(), limit)) * 1.3)
    ax.set_yticks(y, [_short(str(t), 30) for t in spread["tag"]], fontsize=8)
    ax.invert_yaxis()
    of = f" of {n_shown}" if n_shown else ""
    ax.set_xlabel(f"effective number of topics{of} where the tag's questions are over-"
                  "represented (exp entropy)", fontsize=8)
    ax.set_ylabel("tag", fontsize=8)
    ax.tick_params(axis="x", labelsize=7)
    ax.set_title(f"(c) Over-broad tags: {int(broad.sum())} spread over more topics than the "
                 "limit (orange)", fontsize=9, loc="left")
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.16), frameon=False)
