"""`import topictags` and `topictags --help` import no heavy library (issue 11, part 6).

They took 2.7 s because the package imported every layer, and with them
scikit-learn, spaCy, pandas, matplotlib and gensim. The names now load on
first use (PEP 562, topictags/_lazy.py). Behaviour, not timing: which modules
a fresh interpreter has imported.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("sklearn", "spacy", "matplotlib", "pandas", "gensim", "pyLDAvis", "scipy", "skops",
         "simplemma", "selectolax", "requests", "jinja2")
PACKAGES = ("topictags", "topictags.corpus", "topictags.explore", "topictags.metrics",
            "topictags.models", "topictags.persistence", "topictags.selection",
            "topictags.tagging", "topictags.text", "topictags.viz")


def _imported_after(code: str) -> list[str]:
    probe = code + (
        "\nimport json, sys\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))\n"
    )
    path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    env = dict(os.environ, PYTHONPATH=path)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          env=env, check=True, timeout=120)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_import_topictags_imports_no_heavy_library():
    assert _imported_after("import topictags") == []


def test_cli_help_imports_no_heavy_library():
    code = (
        "import contextlib, io\n"
        "from topictags.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        "        main(['--help'])\n"
        "    except SystemExit:\n"
        "        pass\n"
        "    try:\n"
        "        main(['fit', '--help'])\n"
        "    except SystemExit:\n"
        "        pass\n"
    )
    assert _imported_after(code) == []


def test_errors_import_no_heavy_library_until_not_fitted_error_is_used():
    assert _imported_after("import topictags.errors as e; e.ParameterError") == []
    assert "sklearn" in _imported_after("from topictags.errors import NotFittedError")


@pytest.mark.parametrize("package", PACKAGES)
def test_every_exported_name_resolves(package):
    module = importlib.import_module(package)
    for name in module.__all__:
        assert getattr(module, name) is not None, f"{package}.{name}"
    assert set(module.__all__) <= set(dir(module))
    with pytest.raises(AttributeError, match="has no attribute 'no_such_name'"):
        module.no_such_name  # noqa: B018


def test_not_fitted_error_is_one_class_and_scikit_learns():
    from sklearn.exceptions import NotFittedError as SklearnNotFittedError

    import topictags.errors as errors
    from topictags.errors import NotFittedError

    assert NotFittedError is errors.NotFittedError
    assert issubclass(NotFittedError, SklearnNotFittedError)
    assert issubclass(NotFittedError, errors.TopicTagsError)
    assert f"{NotFittedError.__module__}.{NotFittedError.__qualname__}" == (
        "topictags.errors.NotFittedError"
    )
