"""The example scripts run end to end on the shared corpus (on a seeded sample)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

pytestmark = [pytest.mark.corpus, pytest.mark.slow]


def run(script: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "MPLBACKEND": "Agg"}
    return subprocess.run(
        [sys.executable, str(EXAMPLES / script), *args],
        capture_output=True, text=True, cwd=cwd, env=env, timeout=900,
    )


def test_quickstart_prints_the_comparison_table(shared_questions_path, tmp_path):
    result = run("quickstart.py", str(shared_questions_path), "--sample", "3000", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert "2400 to fit, 600 to test" in out
    for model in ("nmf-150-logistic", "nmf-150-blend", "nmf-150-lexical", "lda-150-logistic",
                  "supervised-svm", "most-frequent"):
        assert model in out, model
    assert "from the saved model:" in out
    # Each long step says when it starts and how long it took.
    for name in ("fit NMF at the defaults (150 topics, logistic mapping)", "fit LDA, 150 topics",
                 "fit the supervised comparator",
                 "compare (fitted models are scored as they are)"):
        assert f"{name} ..." in out, name
        assert re.search(rf"{re.escape(name)}: \d+\.\d s", out), name
    assert re.search(r"^total: \d+\.\d s$", out, re.MULTILINE)
    assert list(tmp_path.iterdir()) == []  # the saved model went to a temporary folder


def test_charts_example_writes_every_chart(shared_questions_path, tmp_path):
    out = tmp_path / "charts"
    result = run("charts.py", str(out), "--questions", str(shared_questions_path),
                 "--sample", "1500", "--no-show", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(f"{n}.png" for n in ("top_terms", "topic_tags", "prevalence",
                                                "over_time", "drift", "model_selection",
                                                "comparison", "tag_insights"))
    assert all((out / n).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for n in names)
    again = run("charts.py", str(out), "--questions", str(shared_questions_path),
                "--sample", "1500", "--no-show", cwd=tmp_path)
    assert again.returncode == 2 and "--force" in again.stderr  # no silent overwrite
