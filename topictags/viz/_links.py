"""Links from pages to the questions they list, on each question's own site."""

from __future__ import annotations

from typing import Any

import pandas as pd

try:
    from ..corpus import question_url
except ImportError:  # pragma: no cover - until topictags.corpus._sites is merged
    # The contract of topictags.corpus.question_url, which is the one to use.
    def question_url(site: str, question_id: int) -> str:
        return f"https://{site or 'stackoverflow.com'}/questions/{int(question_id)}"


__all__ = ["question_links"]


def question_links(frame: pd.DataFrame) -> list[str | None]:
    """``question_url(site, id)`` of each row; None where the id is missing.

    Uses the ``site`` column when the frame has one (questions loaded from
    several Stack Exchange sites), else Stack Overflow.
    """
    ids = frame["id"].tolist()
    sites: list[Any] = frame["site"].tolist() if "site" in frame else [""] * len(ids)
    return [
        None if pd.isna(qid) else question_url("" if pd.isna(site) else str(site), int(qid))
        for qid, site in zip(ids, sites, strict=True)
    ]
