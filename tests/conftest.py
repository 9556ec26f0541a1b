"""Shared fixtures: a small synthetic corpus with four clear themes."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "stackoverflow"

THEMES = {
    ("python", "pandas"): "pandas dataframe merge column groupby series index csv rows",
    ("javascript", "jquery"): "jquery click event handler dom selector ajax callback button",
    ("css", "html"): "css layout div margin float width stylesheet flexbox border",
    ("sql", "mysql"): "mysql query join table select index primary key insert",
}


def make_questions(n: int = 160, seed: int = 0) -> pd.DataFrame:
    """``n`` questions, each drawn from one theme, with HTML bodies and code."""
    rng = np.random.default_rng(seed)
    rows = []
    themes = list(THEMES.items())
    for i in range(n):
        tags, words = themes[i % len(themes)]
        vocab = words.split()
        title = " ".join(rng.choice(vocab, size=5))
        body = (
            f"<p>{' '.join(rng.choice(vocab, size=25))}</p>"
            "<pre><code>x = call(arg)  # some code</code></pre>"
            f"<p>{' '.join(rng.choice(vocab, size=10))} &amp; more</p>"
        )
        rows.append(
            {
                "id": 1000 + i,
                "title": title,
                "body": body,
                "tags": list(tags) if rng.random() > 0.2 else [tags[0]],
                "creation_date": pd.Timestamp("2010-01-01") + pd.Timedelta(days=7 * i),
                "score": int(rng.integers(0, 50)),
            }
        )
    return pd.DataFrame(rows)


@pytest.fixture(scope="session")
def questions() -> pd.DataFrame:
    return make_questions()


@pytest.fixture(scope="session")
def split(questions):
    return questions.iloc[:120].reset_index(drop=True), questions.iloc[120:].reset_index(drop=True)


@pytest.fixture(scope="session")
def shared_questions_path() -> Path:
    path = SHARED / "questions.parquet"
    if not path.exists():
        pytest.skip(f"shared corpus not found at {path}")
    return path


@pytest.fixture(scope="session")
def shared_titles_path() -> Path:
    path = SHARED / "titles_only.parquet"
    if not path.exists():
        pytest.skip(f"shared corpus not found at {path}")
    return path


@pytest.fixture(scope="session")
def chromium() -> str:
    """Path of a headless Chromium; skipped with the reason where there is none
    (a failure instead with ``TOPICTAGS_REQUIRE_BROWSER=1``)."""
    from topictags.viz._browser import find_chromium

    path = find_chromium()
    if path is None:
        reason = (
            "chromium not installed: install chromium (apt-get install chromium) or set "
            "TOPICTAGS_CHROMIUM to a Chrome/Chromium executable"
        )
        if os.environ.get("TOPICTAGS_REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    return path
