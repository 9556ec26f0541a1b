"""Exceptions raised by topictags.

Every error the library raises on purpose derives from :class:`TopicTagsError`,
so callers can catch one type. Each also derives from the built-in type a
Python user would expect (``ValueError``, ``FileNotFoundError``...), so
``except ValueError`` keeps working.
"""

from __future__ import annotations

from sklearn.exceptions import NotFittedError as _SklearnNotFittedError

__all__ = [
    "CorpusError",
    "CorpusWarning",
    "DependencyError",
    "FetchError",
    "InputTextError",
    "ModelFileError",
    "NotFittedError",
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


class ParameterError(TopicTagsError, ValueError):
    """A parameter has an invalid value (``k=0``, ``n_tags=-1``...)."""


class ModelFileError(TopicTagsError, ValueError):
    """A model file is missing, corrupt, untrusted or of another version."""


class NotFittedError(TopicTagsError, _SklearnNotFittedError):
    """A model was used before ``fit``.

    Also scikit-learn's ``NotFittedError`` (itself a ``ValueError`` and an
    ``AttributeError``), so code written for scikit-learn estimators catches it.
    """


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
