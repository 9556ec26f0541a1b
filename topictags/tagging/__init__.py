"""Taggers: topic models mapped to tags, a supervised comparator, a baseline."""

from ._base import BaseTagger, tag_vocabulary
from ._baseline import MostFrequentTagger
from ._explain import Explanation, TagExplanation, TopicContribution, topic_contributions
from ._insights import TagInsights, find_topics, tag_insights
from ._mapping import MAPPINGS, blend, cooccurrence_mapping, lexical_mapping, logistic_mapping
from ._supervised import SupervisedTagger
from ._topic_tagger import TopicTagger

__all__ = [
    "MAPPINGS",
    "BaseTagger",
    "Explanation",
    "MostFrequentTagger",
    "SupervisedTagger",
    "TagExplanation",
    "TagInsights",
    "TopicContribution",
    "TopicTagger",
    "blend",
    "cooccurrence_mapping",
    "find_topics",
    "lexical_mapping",
    "logistic_mapping",
    "tag_insights",
    "tag_vocabulary",
    "topic_contributions",
]
