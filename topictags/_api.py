"""Module-level conveniences: suggest tags from a saved model file."""

from __future__ import annotations

import os
from pathlib import Path

from .persistence import load

__all__ = ["suggest_tags"]

_CACHE: dict[tuple[str, int, int], object] = {}


def _cached_model(path: str | os.PathLike):
    # A notebook calling suggest_tags in a loop should not reload the file each
    # time; the key includes size and mtime so a rewritten file is reloaded.
    resolved = Path(path).resolve()
    try:
        stat = resolved.stat()
    except OSError:
        return load(resolved)  # raises a ModelFileError naming the path
    key = (str(resolved), stat.st_mtime_ns, stat.st_size)
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = load(resolved)
    return _CACHE[key]


def suggest_tags(text, model, k: int | None = 3, *, threshold: float | None = None,
                 return_scores: bool = False):
    """Suggest tags with a fitted tagger or a saved model file.

    Parameters
    ----------
    text : str, list of str, Series or DataFrame
        One question or a batch (see ``TopicTagger.suggest_tags``).
    model : tagger, str or PathLike
        A fitted tagger, or the path of a file written by ``save``.
    k, threshold, return_scores
        As in ``TopicTagger.suggest_tags``.

    Examples
    --------
    >>> tagger.save("nmf.topictags")
    PosixPath('nmf.topictags')
    >>> tt.suggest_tags("Merge two DataFrames?", model="nmf.topictags", k=3)
    ['pandas', 'python', 'dataframe']
    """
    if isinstance(model, (str, os.PathLike)):
        model = _cached_model(model)
    return model.suggest_tags(text, k, threshold=threshold, return_scores=return_scores)
