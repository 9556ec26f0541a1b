"""Model selection: fit clones of any estimator over candidate settings and score them.

This layer sits above the estimators (:mod:`topictags.tagging`) and the
metrics: it works on any scikit-learn style estimator through
``sklearn.base.clone(estimator).set_params(...)``.
"""

from ._n_topics import select_n_topics

__all__ = ["select_n_topics"]
