"""Exploring topic models: choosing the number of topics, coherence, drift, a browser."""

from ._coherence import (
    COHERENCE_MEASURES,
    coherence_texts,
    top_terms,
    topic_coherence,
    topic_diversity,
)
from ._select import select_n_topics
from ._time import TopicDrift, topic_drift, topic_prevalence_over_time
from ._widget import topic_browser

__all__ = [
    "COHERENCE_MEASURES",
    "TopicDrift",
    "coherence_texts",
    "select_n_topics",
    "top_terms",
    "topic_browser",
    "topic_coherence",
    "topic_diversity",
    "topic_drift",
    "topic_prevalence_over_time",
]
