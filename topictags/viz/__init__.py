"""Offline pyLDAvis pages and matplotlib charts of topic models, on plain arrays."""

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:  # what the names are, for type checkers and lint-imports
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

# Imported on first use (topictags/_lazy.py): `import topictags` stays fast.
__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "plot_comparison": "._charts",
        "plot_model_selection": "._charts",
        "plot_top_terms": "._charts",
        "plot_topic_drift": "._charts",
        "plot_topic_prevalence": "._charts",
        "plot_topic_tag_heatmap": "._charts",
        "plot_topic_trend": "._charts",
        "plot_tag_insights": "._insights",
        "ldavis_html": "._ldavis_page",
        "save_ldavis": "._ldavis_page",
        "show_ldavis": "._ldavis_page",
        "prepare_ldavis": "._ldavis_prepare",
    },
)
