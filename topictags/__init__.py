"""topictags: topic models on Stack Overflow questions, turned into tag suggestions.

Examples
--------
A Stack Exchange Data Explorer export, its questions split, a topic tagger
fitted and asked for tags:

>>> import topictags as tt
>>> questions = tt.load_questions("QueryResults.csv")
>>> questions.columns.tolist()
['id', 'title', 'body', 'tags', 'creation_date', 'score', 'site']
>>> train, test = tt.train_test_split(questions, test_size=0.2, random_state=0)
>>> nmf = tt.TopicTagger(method="nmf", n_topics=40, random_state=0).fit(train)
>>> nmf.suggest_tags("How do I merge two DataFrames on a column?", k=3)
['pandas', 'python', 'dataframe']
>>> round(nmf.score(test), 2)  # mean Jaccard of 3 suggestions and the real tags
0.69
"""

from typing import TYPE_CHECKING

from ._lazy import lazy_exports
from ._version import __version__

if TYPE_CHECKING:  # what the names are, for type checkers and lint-imports
    from ._api import suggest_tags
    from ._progress import show_progress
    from .corpus import fetch_questions, iter_questions, load_questions, train_test_split
    from .explore import topic_drift, topic_prevalence_over_time
    from .metrics import (
        compare,
        evaluate,
        f1_at_k,
        jaccard_score,
        precision_at_k,
        recall_at_k,
        tag_scores,
    )
    from .persistence import load, save
    from .selection import select_n_topics
    from .tagging import (
        MostFrequentTagger,
        SupervisedTagger,
        TopicTagger,
        find_topics,
        tag_insights,
    )
    from .text import TextCleaner, clean_chunks

__all__ = [
    "MostFrequentTagger",
    "SupervisedTagger",
    "TextCleaner",
    "TopicTagger",
    "__version__",
    "clean_chunks",
    "compare",
    "evaluate",
    "f1_at_k",
    "fetch_questions",
    "find_topics",
    "iter_questions",
    "jaccard_score",
    "load",
    "load_questions",
    "precision_at_k",
    "recall_at_k",
    "save",
    "select_n_topics",
    "show_progress",
    "suggest_tags",
    "tag_insights",
    "tag_scores",
    "topic_drift",
    "topic_prevalence_over_time",
    "train_test_split",
]

# Imported on first use (topictags/_lazy.py): `import topictags` stays fast.
__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "suggest_tags": "._api",
        "fetch_questions": ".corpus",
        "iter_questions": ".corpus",
        "load_questions": ".corpus",
        "train_test_split": ".corpus",
        "topic_drift": ".explore",
        "topic_prevalence_over_time": ".explore",
        "compare": ".metrics",
        "evaluate": ".metrics",
        "f1_at_k": ".metrics",
        "jaccard_score": ".metrics",
        "precision_at_k": ".metrics",
        "recall_at_k": ".metrics",
        "tag_scores": ".metrics",
        "load": ".persistence",
        "save": ".persistence",
        "select_n_topics": ".selection",
        "show_progress": "._progress",
        "MostFrequentTagger": ".tagging",
        "SupervisedTagger": ".tagging",
        "TopicTagger": ".tagging",
        "find_topics": ".tagging",
        "tag_insights": ".tagging",
        "TextCleaner": ".text",
        "clean_chunks": ".text",
    },
)
