"""Docstrings say what the code does: option lists and the attributes examples use."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from conftest import make_questions

import topictags as tt
from topictags.tagging import MAPPINGS

PACKAGE = Path(tt.__file__).parent
SOURCES = sorted(PACKAGE.rglob("*.py"))


def _docstrings():
    """(file, docstring) of every module, class and function of the package."""
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                doc = ast.get_docstring(node)
                if doc:
                    yield path.relative_to(PACKAGE.parent), doc


def test_every_mapping_option_list_names_every_mapping():
    found = []
    for where, doc in _docstrings():
        for options in re.findall(r"^\s*mapping : \{([^}]*)\}", doc, flags=re.MULTILINE):
            found.append(where)
            assert sorted(re.findall(r'"(\w+)"', options)) == sorted(MAPPINGS), where
    assert found  # TopicTagger documents its mapping parameter


@pytest.fixture(scope="module")
def tagger():
    return tt.TopicTagger("nmf", n_topics=4, n_tags=8, min_df=1, random_state=0).fit(
        make_questions(40)
    )


def test_examples_use_attributes_a_fitted_tagger_has(tagger):
    # In the package's examples "tagger" is a fitted TopicTagger.
    used = {}
    for where, doc in _docstrings():
        for line in doc.splitlines():
            if line.lstrip().startswith((">>>", "...")):
                for name in re.findall(r"\btagger\.([A-Za-z_]\w*)", line):
                    used.setdefault(name, where)
    assert "tags_" in used
    missing = {name: str(where) for name, where in used.items() if not hasattr(tagger, name)}
    assert not missing


# A skipped example must say why on its own line, in a comment before the
# directive: ``>>> fetch_questions(...)  # needs the network  # doctest: +SKIP``.
# (doctest reads everything after "doctest:" as option names, so the reason
# cannot follow the directive.)
SKIP = re.compile(r"#\s*doctest:[^\n]*\+SKIP")
SKIP_WITH_REASON = re.compile(r"#\s*\w[^#\n]*#\s*doctest:[^\n]*\+SKIP")
# Examples that cannot run here (the live Stack Exchange API, a Jupyter front
# end, a browser that may be absent). Lower it when one is made to run; raise
# it only for an example that really cannot run offline on small data.
MAX_SKIPPED = 7


def _skip_directives():
    for path in SOURCES:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if SKIP.search(line):
                yield f"{path.relative_to(PACKAGE.parent)}:{number}", line


def test_every_skipped_example_says_why():
    unexplained = [where for where, line in _skip_directives() if not SKIP_WITH_REASON.search(line)]
    assert not unexplained, (
        "docstring examples skipped without a reason: run them (the doctest namespace in "
        "./conftest.py has fitted models and small data), or say on the same line why they "
        f"cannot run, as in '# needs the network  # doctest: +SKIP': {unexplained}"
    )


def test_skipped_examples_do_not_creep_back():
    skipped = [where for where, _ in _skip_directives()]
    assert len(skipped) <= MAX_SKIPPED, (
        f"{len(skipped)} skipped docstring examples (at most {MAX_SKIPPED}): make the new ones "
        f"run on the doctest namespace of ./conftest.py: {skipped}"
    )


@pytest.mark.parametrize(
    ("line", "explained"),
    [
        (">>> tt.fetch_questions(tagged='pandas')  # needs the network  # doctest: +SKIP", True),
        (">>> tagger.show_ldavis()  # doctest: +SKIP", False),
        (">>> x  # doctest: +ELLIPSIS, +SKIP", False),
        (">>> browser  #  # doctest: +SKIP", False),
    ],
)
def test_the_skip_check_tells_a_reason_from_none(line, explained):
    assert SKIP.search(line)
    assert bool(SKIP_WITH_REASON.search(line)) is explained


def test_the_suite_runs_the_docstring_examples(pytestconfig):
    # The README's `python -m pytest -n 2` (and .ci/run) collects them from
    # the package, with the namespace and the temporary folder of ./conftest.py.
    assert "--doctest-modules" in pytestconfig.getini("addopts")
    assert "topictags" in pytestconfig.getini("testpaths")
    assert (Path(__file__).resolve().parents[1] / "conftest.py").is_file()
