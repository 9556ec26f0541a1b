"""Taggers: topic models mapped to tags, a supervised comparator, a baseline."""

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:  # what the names are, for type checkers and lint-imports
    from ._base import BaseTagger, tag_vocabulary
    from ._baseline import MostFrequentTagger
    from ._mapping import MAPPINGS, blend, cooccurrence_mapping, lexical_mapping, logistic_mapping
    from ._supervised import SupervisedTagger
    from ._topic_tagger import TopicTagger

__all__ = [
    "MAPPINGS",
    "BaseTagger",
    "MostFrequentTagger",
    "SupervisedTagger",
    "TopicTagger",
    "blend",
    "cooccurrence_mapping",
    "lexical_mapping",
    "logistic_mapping",
    "tag_vocabulary",
]

# Imported on first use (topictags/_lazy.py): `import topictags` stays fast.
__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "BaseTagger": "._base",
        "tag_vocabulary": "._base",
        "MostFrequentTagger": "._baseline",
        "MAPPINGS": "._mapping",
        "blend": "._mapping",
        "cooccurrence_mapping": "._mapping",
        "lexical_mapping": "._mapping",
        "logistic_mapping": "._mapping",
        "SupervisedTagger": "._supervised",
        "TopicTagger": "._topic_tagger",
    },
)
