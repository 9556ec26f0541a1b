"""Taggers: topic models mapped to tags, a supervised comparator, a baseline."""

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:  # what the names are, for type checkers and lint-imports
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

# Imported on first use (topictags/_lazy.py): `import topictags` stays fast.
__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "BaseTagger": "._base",
        "tag_vocabulary": "._base",
        "MostFrequentTagger": "._baseline",
        "Explanation": "._explain",
        "TagExplanation": "._explain",
        "TopicContribution": "._explain",
        "topic_contributions": "._explain",
        "TagInsights": "._insights",
        "find_topics": "._insights",
        "tag_insights": "._insights",
        "MAPPINGS": "._mapping",
        "blend": "._mapping",
        "cooccurrence_mapping": "._mapping",
        "lexical_mapping": "._mapping",
        "logistic_mapping": "._mapping",
        "SupervisedTagger": "._supervised",
        "TopicTagger": "._topic_tagger",
    },
)
