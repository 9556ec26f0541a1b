"""Exploring fitted topic models: coherence, diversity, drift, topics over time, a browser.

Nothing here imports the taggers: functions take matrices and term lists, or
use a fitted tagger passed in through its public attributes. Choosing the
number of topics, which fits taggers, is :mod:`topictags.selection`.
"""

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:  # what the names are, for type checkers and lint-imports
    from ._coherence import (
        COHERENCE_MEASURES,
        coherence_of_terms,
        coherence_texts,
        top_terms,
        topic_coherence,
        topic_diversity,
    )
    from ._time import TopicDrift, topic_drift, topic_prevalence_over_time
    from ._widget import topic_browser

__all__ = [
    "COHERENCE_MEASURES",
    "TopicDrift",
    "coherence_of_terms",
    "coherence_texts",
    "top_terms",
    "topic_browser",
    "topic_coherence",
    "topic_diversity",
    "topic_drift",
    "topic_prevalence_over_time",
]

# Imported on first use (topictags/_lazy.py): `import topictags` stays fast.
__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "COHERENCE_MEASURES": "._coherence",
        "coherence_of_terms": "._coherence",
        "coherence_texts": "._coherence",
        "top_terms": "._coherence",
        "topic_coherence": "._coherence",
        "topic_diversity": "._coherence",
        "TopicDrift": "._time",
        "topic_drift": "._time",
        "topic_prevalence_over_time": "._time",
        "topic_browser": "._widget",
    },
)
