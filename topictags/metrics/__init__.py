"""Metrics: multi-label tag scores, evaluation and model comparison."""

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:  # what the names are, for type checkers and lint-imports
    from ._compare import compare, evaluate, evaluation_set
    from ._tags import f1_at_k, jaccard_score, precision_at_k, recall_at_k, tag_scores

__all__ = [
    "compare",
    "evaluate",
    "evaluation_set",
    "f1_at_k",
    "jaccard_score",
    "precision_at_k",
    "recall_at_k",
    "tag_scores",
]

# Imported on first use (topictags/_lazy.py): `import topictags` stays fast.
__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "compare": "._compare",
        "evaluate": "._compare",
        "evaluation_set": "._compare",
        "f1_at_k": "._tags",
        "jaccard_score": "._tags",
        "precision_at_k": "._tags",
        "recall_at_k": "._tags",
        "tag_scores": "._tags",
    },
)
