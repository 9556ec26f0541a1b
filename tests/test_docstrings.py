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
