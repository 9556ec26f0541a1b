"""Metrics: multi-label tag scores, evaluation and model comparison."""

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
