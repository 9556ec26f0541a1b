"""Shared helpers of the benchmark scripts: paths, machine description, JSON output."""

from __future__ import annotations

import json
import os
import platform
import sys
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "stackoverflow"
RESULTS = ROOT / "benchmarks" / "results"


def machine() -> dict:
    """What the figures were measured on."""
    import numpy
    import sklearn

    import topictags

    return {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "numpy": numpy.__version__,
        "scikit-learn": sklearn.__version__,
        "topictags": topictags.__version__,
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
    }


def write_results(name: str, results: dict) -> Path:
    """Save ``results`` (plus the machine) as ``benchmarks/results/<name>.json``."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), **results}, indent=2, default=float))
    print(f"saved {path.relative_to(ROOT)}")
    return path


def resampled_questions(n: int, seed: int):
    """``n`` rows of questions.parquet drawn with replacement, with new ids 1..n.

    New ids, so that no row is dropped as a repeat by the loaders.
    """
    import numpy as np
    import pandas as pd

    source = pd.read_parquet(DATA / "questions.parquet")
    rows = np.random.default_rng(seed).integers(0, len(source), size=n)
    frame = source.iloc[rows].reset_index(drop=True)
    frame["id"] = np.arange(1, n + 1)
    return frame


def write_posts_xml(frame, path: Path) -> Path:
    """``frame`` (questions.parquet's columns) as a dump-shaped Posts.xml at ``path``.

    Rows as the dumps write them: CRLF, ``.000`` dates, ``|a|b|`` tags, an
    answer after every second question. Written beside ``path`` and renamed,
    so an interrupted run leaves no truncated file a later run would reuse.
    """
    from xml.sax.saxutils import quoteattr

    import pandas as pd

    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    with open(partial, "w", encoding="utf-8", newline="") as out:
        out.write('<?xml version="1.0" encoding="utf-8"?>\r\n<posts>\r\n')
        answer = len(frame) + 1
        for q in frame.itertuples(index=False):
            date = f"{q.creation_date}.000" if isinstance(q.creation_date, str) else \
                "2014-01-21T20:00:09.000"
            score = 0 if pd.isna(q.score) else int(q.score)
            out.write(
                f'  <row Id="{q.id}" PostTypeId="1" CreationDate="{date}" Score="{score}" '
                f'ViewCount="70" Body={quoteattr(q.body)} Title={quoteattr(q.title)} '
                f'Tags={quoteattr("|" + q.tags + "|")} AnswerCount="1" />\r\n'
            )
            if q.id % 2:  # an answer after every second question, as in a dump
                out.write(f'  <row Id="{answer}" PostTypeId="2" ParentId="{q.id}" '
                          f'CreationDate="2014-01-22T08:00:00.000" Score="2" '
                          f'Body="&lt;p&gt;An answer&lt;/p&gt;" />\r\n')
                answer += 1
        out.write("</posts>\r\n")
    partial.rename(path)
    return path
