"""Links to questions of any Stack Exchange site.

Minimal version written for the taggers' links (estimators branch); the corpus
work brings the full module (site names from files, URLs and API names).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["question_url"]


def question_url(site, id) -> str | None:
    """The link to a question: ``https://{site or 'stackoverflow.com'}/questions/{id}``.

    Parameters
    ----------
    site : str or None
        The question's site host (``"beer.stackexchange.com"``); ``""`` or
        ``None`` (unknown) links to Stack Overflow.
    id : int or None
        The question id; a missing id (``None``, ``pd.NA``, NaN) has no link.

    Returns
    -------
    str or None

    Examples
    --------
    >>> question_url("beer.stackexchange.com", 12)
    'https://beer.stackexchange.com/questions/12'
    >>> question_url("", 4)
    'https://stackoverflow.com/questions/4'
    """
    if id is None or id is pd.NA or (isinstance(id, float) and np.isnan(id)):
        return None
    if isinstance(site, float) or site is pd.NA:  # a missing value in a column
        site = ""
    return f"https://{site or 'stackoverflow.com'}/questions/{int(id)}"
