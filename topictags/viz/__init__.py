"""Offline pyLDAvis pages and matplotlib charts of topic models, on plain arrays."""

from ._charts import (
    plot_comparison,
    plot_model_selection,
    plot_top_terms,
    plot_topic_drift,
    plot_topic_prevalence,
    plot_topic_tag_heatmap,
    plot_topic_trend,
)
from ._insights import plot_tag_insights
from ._ldavis_page import ldavis_html, save_ldavis, show_ldavis
from ._ldavis_prepare import prepare_ldavis

__all__ = [
    "ldavis_html",
    "plot_comparison",
    "plot_model_selection",
    "plot_tag_insights",
    "plot_top_terms",
    "plot_topic_drift",
    "plot_topic_prevalence",
    "plot_topic_tag_heatmap",
    "plot_topic_trend",
    "prepare_ldavis",
    "save_ldavis",
    "show_ldavis",
]
