"""The import layers of docs/design.md ("Data flow"), checked with import-linter.

The contract lives in pyproject.toml (``[tool.importlinter]``). The negative
controls run the same contract on a copy of the package with one bad import
added, so a contract that stopped checking anything would fail here too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _lint_imports(project: Path) -> subprocess.CompletedProcess:
    """``lint-imports`` of the venv running the tests, on the package in ``project``."""
    exe = Path(sys.executable).with_name("lint-imports")
    if not exe.exists():
        pytest.fail(f"{exe} is missing: install the dev extra (pip install -e '.[dev]')")
    # PYTHONPATH first: the package analysed is the one in `project`, not an
    # installed (e.g. editable) copy elsewhere.
    env = {**os.environ, "PYTHONPATH": str(project), "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run(
        [str(exe), "--no-cache"], cwd=project, env=env, capture_output=True, text=True,
        timeout=300,
    )


def test_layers_contract_is_kept():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "topictags layers KEPT" in result.stdout


@pytest.fixture(scope="module")
def copy_of_project(tmp_path_factory) -> Path:
    """The package and its pyproject.toml, copied so a test can break them."""
    project = tmp_path_factory.mktemp("project")
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    shutil.copytree(
        ROOT / "topictags", project / "topictags",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    return project


@pytest.mark.parametrize(
    "module, source, expected",
    [
        # An upward import inside a function counts (grimp reads every import).
        (
            "explore/_upward.py",
            "def f():\n    from ..tagging import TopicTagger\n\n    return TopicTagger\n",
            "topictags.explore is not allowed to import topictags.tagging",
        ),
        # The metrics <-> tracking cycle this contract removed.
        (
            "tracking.py",
            None,  # appended to the real module
            "topictags.tracking is not allowed to import topictags.metrics",
        ),
        (
            "corpus/_upward.py",
            "from ..metrics import evaluate\n",
            "topictags.corpus is not allowed to import topictags.metrics",
        ),
        # Importing the root package reaches every layer through its __init__.
        (
            "models/_root.py",
            "import topictags as tt\n",
            "topictags.models is not allowed to import topictags.tagging",
        ),
        # A new module directly under topictags/ must be given a layer.
        (
            "unplaced.py",
            "X = 1\n",
            "The following modules are not listed as layers: - topictags.unplaced",
        ),
    ],
)
def test_an_upward_import_breaks_the_contract(copy_of_project, module, source, expected):
    path = copy_of_project / "topictags" / module
    original = path.read_text(encoding="utf-8") if path.exists() else None
    if source is None:
        source = original + "\n\ndef _labels():\n    from .metrics._compare import _label\n"
    path.write_text(source, encoding="utf-8")
    try:
        result = _lint_imports(copy_of_project)
    finally:
        if original is None:
            path.unlink()
        else:
            path.write_text(original, encoding="utf-8")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "topictags layers BROKEN" in output
    assert expected in " ".join(output.split()), output


def test_the_copy_alone_keeps_the_contract(copy_of_project):
    # The controls above fail because of the module they add, not the copy.
    result = _lint_imports(copy_of_project)
    assert result.returncode == 0, result.stdout + result.stderr
