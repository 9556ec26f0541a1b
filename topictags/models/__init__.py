"""Topic models: NMF on TF-IDF and LDA on counts (scikit-learn or gensim)."""

from ._topic_model import METHODS, TopicModel, normalize_rows

__all__ = ["METHODS", "TopicModel", "normalize_rows"]
