"""Stack Exchange sites: their host names, and links to their questions."""

from __future__ import annotations

import re
from pathlib import PurePath
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from ..errors import ParameterError

__all__ = ["normalize_site", "question_url", "site_from_path", "site_from_url"]

# Sites that live on their own domain rather than under stackexchange.com,
# by the short name the API uses for them (``site=stackoverflow``).
_OWN_DOMAIN = {
    "stackoverflow": "stackoverflow.com",
    "serverfault": "serverfault.com",
    "superuser": "superuser.com",
    "askubuntu": "askubuntu.com",
    "stackapps": "stackapps.com",
    "mathoverflow": "mathoverflow.net",
}
_FAMILY = ("stackexchange.com", *_OWN_DOMAIN.values())
_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
_NAME = re.compile(rf"{_LABEL}(?:\.{_LABEL})*")
# A host of the Stack Exchange network ("beer.stackexchange.com",
# "ru.stackoverflow.com", "meta.mathoverflow.net"), as it starts a dump's file
# name: "stackoverflow.com-Posts.7z" names the site, then the table.
_HOST = rf"(?:{_LABEL}\.)*(?:{'|'.join(re.escape(d) for d in _FAMILY)})"
_HOST_IN_NAME = re.compile(rf"({_HOST})(?:-[a-z]+)?")
# Suffixes a dump file or an export can carry after the site's name.
_FILE_SUFFIXES = (".7z", ".zip", ".gz", ".bz2", ".zst", ".xml", ".csv", ".tsv", ".json",
                  ".jsonl", ".parquet", ".pq")


def normalize_site(name) -> str:
    """The host of a Stack Exchange site, from a host, a URL or an API name.

    Parameters
    ----------
    name : str or None
        A host (``"beer.stackexchange.com"``), a URL
        (``"https://superuser.com/questions/1"``) or the short name the Stack
        Exchange API uses (``"stackoverflow"``, ``"beer"``, ``"meta"``,
        ``"meta.beer"``, ``"ru.stackoverflow"``). Case and a leading
        ``www.`` do not matter.

    Returns
    -------
    str
        The host, lower-case (``"stackoverflow.com"``,
        ``"beer.stackexchange.com"``, ``"beer.meta.stackexchange.com"``);
        ``""`` for ``None``, a missing value or an empty string.

    Raises
    ------
    ParameterError
        A value that is not a site name (white space, punctuation, not text).

    Examples
    --------
    >>> normalize_site("stackoverflow")
    'stackoverflow.com'
    >>> normalize_site("beer")
    'beer.stackexchange.com'
    >>> normalize_site("meta.beer")
    'beer.meta.stackexchange.com'
    >>> normalize_site("https://Coffee.StackExchange.com/questions/7/x")
    'coffee.stackexchange.com'
    """
    if name is None or name is pd.NA or (isinstance(name, float) and np.isnan(name)):
        return ""
    if not isinstance(name, str):
        raise ParameterError(
            f"a site is a host such as 'beer.stackexchange.com' or an API name such as "
            f"'beer', got {type(name).__name__}: {name!r:.60}"
        )
    text = name.strip().lower()
    if "://" in text:
        text = urlsplit(text).hostname or ""
    text = text.removeprefix("www.").rstrip(".")
    if not text:
        return ""
    if not _NAME.fullmatch(text):
        raise ParameterError(
            f"{name!r:.60} is not a site name: give its host ('superuser.com', "
            "'beer.stackexchange.com') or the API's short name ('superuser', 'beer')"
        )
    if "." in text and text.rsplit(".", 1)[1] in ("com", "net", "org", "io"):
        return text  # already a host
    labels = text.split(".")
    if labels[-1] in _OWN_DOMAIN:  # "ru.stackoverflow", "meta.serverfault"
        return ".".join([*labels[:-1], _OWN_DOMAIN[labels[-1]]])
    if labels[0] == "meta" and len(labels) > 1:  # the API's "meta.beer"
        return ".".join([*labels[1:], "meta.stackexchange.com"])
    return f"{text}.stackexchange.com"  # "beer", "meta" (meta.stackexchange.com)


def question_url(site, id) -> str | None:
    """The link to a question: ``https://{site or 'stackoverflow.com'}/questions/{id}``.

    Parameters
    ----------
    site : str or None
        The question's site (see :func:`normalize_site`); ``""`` or ``None``
        (unknown) links to Stack Overflow, where most corpora come from.
    id : int or None
        The question id; a missing id (``None``, ``pd.NA``, NaN) has no link.

    Returns
    -------
    str or None
        The URL, or ``None`` for a missing id.

    Raises
    ------
    ParameterError
        An id that is not a whole number, or a site that is not a site name.

    Examples
    --------
    >>> question_url("beer.stackexchange.com", 12)
    'https://beer.stackexchange.com/questions/12'
    >>> question_url("", 4)
    'https://stackoverflow.com/questions/4'
    """
    if id is None or id is pd.NA or (isinstance(id, float) and np.isnan(id)):
        return None
    if isinstance(id, (bool, np.bool_)) or not (
        isinstance(id, (int, np.integer)) or (isinstance(id, float) and id.is_integer())
    ):
        raise ParameterError(f"a question id is a whole number, got {id!r:.60}")
    return f"https://{normalize_site(site) or 'stackoverflow.com'}/questions/{int(id)}"


def site_from_url(value) -> str:
    """The site host of a question link, or ``""`` when it names none.

    Links outside the Stack Exchange network, numbers (the Data Explorer's
    ``Post Link`` exports the id) and other values give ``""``.
    """
    if not isinstance(value, str) or "://" not in value:
        return ""
    try:
        host = (urlsplit(value.strip()).hostname or "").removeprefix("www.")
    except ValueError:  # a malformed URL (bad port, brackets)
        return ""
    return host if re.fullmatch(_HOST, host) else ""


def site_from_path(path) -> str:
    """The site a file comes from, by its name or its folder's, or ``""``.

    ``beer.stackexchange.com.7z``, ``stackoverflow.com-Posts.7z``,
    ``coffee.stackexchange.com/Posts.xml`` and
    ``meta.stackexchange.com-Posts.xml.gz`` name their site; names outside
    the Stack Exchange network (``QueryResults.csv`` in ``exports/``) do not.
    """
    path = PurePath(path)
    for name in (path.name, path.parent.name):
        stem = name.lower()
        while stem.endswith(_FILE_SUFFIXES):
            stem = stem.rsplit(".", 1)[0]
        match = _HOST_IN_NAME.fullmatch(stem)
        if match:
            return match.group(1)
    return ""
