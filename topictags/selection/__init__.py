"""Model selection: fit clones of any estimator over candidate settings and score them.

This layer sits above the estimators (:mod:`topictags.tagging`) and the
metrics: it works on any scikit-learn style estimator through
``sklearn.base.clone(estimator).set_params(...)``.
"""

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:  # what the names are, for type checkers and lint-imports
    from ._n_topics import select_n_topics

__all__ = ["select_n_topics"]

# Imported on first use (topictags/_lazy.py): `import topictags` stays fast.
__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "select_n_topics": "._n_topics",
    },
)
