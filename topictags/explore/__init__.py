"""Exploring fitted topic models: coherence, diversity, drift, topics over time, a browser.

Nothing here imports the taggers: functions take matrices and term lists, or
use a fitted tagger passed in through its public attributes. Choosing the
number of topics, which fits taggers, is :mod:`topictags.selection`.
"""

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
