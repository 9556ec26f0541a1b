"""Exceptions raised by topictags.

Every error the library raises on purpose derives from :class:`TopicTagsError`,
so callers can catch one type. Each also derives from the built-in type a
Python user would expect (``ValueError``, ``FileNotFoundError``...), so
``except ValueError`` keeps working.
"""

from __future__ import annotations

import threading

__all__ = [
    "CorpusError",
    "CorpusWarning",
    "DependencyError",
    "FetchError",
    "InputTextError",
    "InputTextWarning",
    "ModelFileError",
    "NotFittedError",  # noqa: F822 (made on first use by __getattr__ below)
    "OutputExistsError",
    "ParameterError",
    "QuotaExceededError",
    "TagFormatError",
    "TopicTagsError",
]


class TopicTagsError(Exception):
    """Base class of every error raised by topictags."""


class CorpusError(TopicTagsError, ValueError):
    """A corpus cannot be read or lacks what is needed (file, column, rows)."""


class CorpusWarning(UserWarning):
    """A corpus loaded, but something in it deserves a look (repeated ids,
    dates that read both day-first and month-first...)."""


class TagFormatError(CorpusError):
    """A tag value is malformed (e.g. ``<python<pandas>`` or a non-string)."""


class InputTextError(TopicTagsError, ValueError):
    """Text given to a fitted model is not usable (``None``, not a string...)."""


class InputTextWarning(UserWarning):
    """Text given to a fitted model was used, but says nothing to it (no known term)."""


class ParameterError(TopicTagsError, ValueError):
    """A parameter has an invalid value (``k=0``, ``n_tags=-1``...)."""


class ModelFileError(TopicTagsError, ValueError):
    """A model file is missing, corrupt, untrusted or of another version."""


class OutputExistsError(TopicTagsError, FileExistsError):
    """An output file exists and overwriting it was not asked for."""


class FetchError(TopicTagsError, OSError):
    """A remote API answered with an error, kept failing, or could not be reached.

    An ``OSError``, as network failures are in Python (``urllib.error.URLError``,
    ``requests.RequestException``).
    """


class QuotaExceededError(FetchError):
    """The API's request quota is used up; what was fetched stays cached."""


class DependencyError(TopicTagsError, ImportError):
    """An optional dependency (a Python package or a system runtime) is missing.

    Also an ``ImportError``; the message names what to install, e.g.
    ``pip install "topictags[spark]"`` and a Java runtime for
    :mod:`topictags.spark`.
    """


_LOCK = threading.Lock()


def _not_fitted_error() -> type:
    from sklearn.exceptions import NotFittedError as _SklearnNotFittedError

    class NotFittedError(TopicTagsError, _SklearnNotFittedError):
        """A model was used before ``fit``.

        Also scikit-learn's ``NotFittedError`` (itself a ``ValueError`` and an
        ``AttributeError``), so code written for scikit-learn estimators catches it.
        """

    NotFittedError.__module__ = __name__
    NotFittedError.__qualname__ = "NotFittedError"
    return NotFittedError


def __getattr__(name: str) -> type:
    # NotFittedError subclasses scikit-learn's, and importing scikit-learn
    # takes a second: the class is made when first asked for (PEP 562), so
    # that `import topictags` and `topictags --help` do not wait for it.
    if name == "NotFittedError":
        with _LOCK:  # one class, even when two threads ask at once
            if "NotFittedError" not in globals():
                globals()["NotFittedError"] = _not_fitted_error()
        return globals()["NotFittedError"]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
