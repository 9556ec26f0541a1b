"""Topic models: NMF on TF-IDF and LDA on counts (scikit-learn or gensim)."""

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:  # what the names are, for type checkers and lint-imports
    from ._topic_model import METHODS, TopicModel, normalize_rows

__all__ = ["METHODS", "TopicModel", "normalize_rows"]

# Imported on first use (topictags/_lazy.py): `import topictags` stays fast.
__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "METHODS": "._topic_model",
        "TopicModel": "._topic_model",
        "normalize_rows": "._topic_model",
    },
)
