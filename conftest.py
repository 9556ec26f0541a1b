"""The namespace the package's docstring examples run in (``pytest --doctest-modules``).

pyproject's pytest options collect the examples of every ``topictags`` module
with the tests, so ``python -m pytest`` runs them. They see:

- ``tt`` (topictags), ``np``, ``pd``;
- ``questions``: a small Data Explorer export (``QueryResults.csv``, 149
  questions over six subjects), loaded with ``tt.load_questions``; ``train``
  and ``test``, its seeded 80/20 split;
- ``tagger`` and ``nmf`` (the same fitted NMF ``TopicTagger``, 6 topics),
  ``lda`` (a fitted LDA one) and ``sup`` (a fitted ``SupervisedTagger``).

Each example runs in a temporary folder of its own that holds only a copy of
``QueryResults.csv``, so an example that saves ``nmf.topictags`` or
``topics.html`` never writes into the repository; environment variables it
sets are undone, and it runs with one BLAS thread. Fitted models are built
once per process, only when an example uses them, and shared: examples must
not change them (``with_mapping`` returns a copy; ``set_params`` would not).
Examples of optional extras (MLflow, ipywidgets, IPython) are skipped, with
the ``pip install`` to run them, where the extra is missing.

This file is the root conftest and not ``tests/conftest.py``: the examples
live in ``topictags/``, outside ``tests/``. It defines no ``make_questions``,
so ``from conftest import make_questions`` in a test cannot pick it up by
mistake (it would fail loudly, not silently use other data).
"""

from __future__ import annotations

import functools
import os
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

# Per subject: the tags every question of it carries, optional extra tags with
# their probability, title templates and body sentences, as real questions of
# that subject read. "python" is the most frequent tag, then "javascript".
_SUBJECTS = [
    {
        "n": 30,
        "tags": ["python", "pandas"],
        "extra": {"dataframe": 0.6, "merge": 0.2, "csv": 0.2},
        "titles": [
            "How do I merge two pandas DataFrames on a column?",
            "Pandas groupby and sum of a {x} column",
            "Select rows from a DataFrame where {x} equals a value",
            "Reading a CSV file into a DataFrame gives wrong {x} dtype",
            "Join two DataFrames on their index in pandas",
            "Rename a {x} column of a pandas DataFrame",
        ],
        "x": ["amount", "price", "date", "customer", "count"],
        "sentences": [
            "I have two DataFrames <code>df1</code> and <code>df2</code> sharing an "
            "<code>id</code> column and want to merge them like an SQL join.",
            "The DataFrame has a <code>{x}</code> column; I want one row per group with "
            "its sum.",
            "After <code>pd.read_csv</code> the <code>{x}</code> column is an object, "
            "not a number.",
            "Which pandas method merges or joins DataFrames on a column or on the index?",
            "Filtering the rows of the DataFrame with a boolean mask drops my index.",
        ],
        "code": "df = pd.merge(df1, df2, on='id', how='left')",
    },
    {
        "n": 25,
        "tags": ["python"],
        "extra": {"list": 0.4, "dictionary": 0.3},
        "titles": [
            "Python list comprehension with if else",
            "How to sort a Python dictionary by {x}?",
            "Iterate over a list and its index in Python",
            "Why does my Python function return None instead of the {x}?",
            "Remove duplicates from a Python list keeping the order",
        ],
        "x": ["value", "key", "length", "result"],
        "sentences": [
            "I want a list comprehension that keeps the {x} when it is positive, else 0.",
            "The dictionary maps names to a {x}; I need its items sorted.",
            "My loop appends to the list but the function returns None.",
            "Is there a Pythonic way to iterate over the list with <code>enumerate</code>?",
        ],
        "code": "result = [x if x > 0 else 0 for x in values]",
    },
    {
        "n": 30,
        "tags": ["javascript", "jquery"],
        "extra": {"ajax": 0.3, "events": 0.3},
        "titles": [
            "jQuery click event not firing on a dynamically added {x}",
            "Ajax request returns undefined in the success callback",
            "How to prevent form submission with jQuery?",
            "Get the value of a selected {x} with jQuery",
            "jQuery selector for an element by data attribute",
        ],
        "x": ["button", "option", "checkbox", "link"],
        "sentences": [
            "I append a {x} to the DOM but the jQuery click handler never runs for it.",
            "The success callback of <code>$.ajax</code> logs <code>undefined</code> "
            "although the server answers JSON.",
            "Pressing Enter in the form reloads the page; the submit event handler does "
            "not stop it.",
            "Which jQuery selector finds the {x} element inside the div?",
        ],
        "code": "$(document).on('click', '.btn', function () { load(); });",
    },
    {
        "n": 22,
        "tags": ["html", "css"],
        "extra": {"flexbox": 0.4, "layout": 0.3},
        "titles": [
            "How do I vertically center a div with CSS?",
            "CSS flexbox items not wrapping to the next {x}",
            "Why does the margin collapse between two divs?",
            "Make a {x} stretch to the full height of the page with CSS",
            "CSS selector for the last child of a div",
        ],
        "x": ["line", "row", "column", "sidebar"],
        "sentences": [
            "The inner div should be centered in its container; vertical-align does "
            "nothing.",
            "My flex items overflow the container instead of wrapping to the next {x}.",
            "Two stacked divs with a 20px margin are only 20px apart in the layout.",
            "The stylesheet sets the width but the {x} ignores it.",
        ],
        "code": ".row { display: flex; flex-wrap: wrap; margin: 0 auto; }",
    },
    {
        "n": 22,
        "tags": ["sql", "mysql"],
        "extra": {"join": 0.4, "indexing": 0.2},
        "titles": [
            "MySQL join three tables and count the {x}",
            "SQL query to find duplicate {x} in a table",
            "Index not used by a MySQL query with LIKE",
            "Insert into a MySQL table only if the {x} does not exist",
            "Select the latest row per group in SQL",
        ],
        "x": ["rows", "orders", "emails", "customers"],
        "sentences": [
            "I need the number of {x} per customer from three joined tables.",
            "EXPLAIN shows a full table scan although the column has an index.",
            "The query should insert the row only when the primary key is new.",
            "Which SQL select returns one row per group with the latest date?",
        ],
        "code": "SELECT c.name, COUNT(*) FROM customers c JOIN orders o ON o.cid = c.id;",
    },
    {
        "n": 20,
        "tags": ["git"],
        "extra": {"github": 0.3, "git-merge": 0.3},
        "titles": [
            "Git: undo the last commit but keep the {x}",
            "How to resolve merge conflicts in Git?",
            "Git push rejected: non-fast-forward on the {x} branch",
            "Delete a remote Git branch",
        ],
        "x": ["changes", "main", "feature", "files"],
        "sentences": [
            "I committed too early; how do I undo the commit and keep my {x}?",
            "After git pull I have conflicts in three files of the repository.",
            "Git rejects my push to the remote branch because it is behind.",
        ],
        "code": "git reset --soft HEAD~1",
    },
]


def _export_rows(seed: int = 0) -> list[dict]:
    """The rows of a Data Explorer ``QueryResults.csv``: ids, HTML bodies with
    code and entities, ``<a><b>`` tags and ``2014-01-23 21:26:09`` dates."""
    rng = np.random.default_rng(seed)
    subjects = [s for s in _SUBJECTS for _ in range(s["n"])]
    order = rng.permutation(len(subjects))
    start = pd.Timestamp("2009-06-01 08:26:09")
    rows = []
    for i, which in enumerate(order):
        subject = subjects[which]

        def fill(text, subject=subject):
            return text.replace("{x}", str(rng.choice(subject["x"])))

        title = fill(str(rng.choice(subject["titles"])))
        sentences = [fill(str(s)) for s in rng.choice(subject["sentences"], 2, replace=False)]
        body = f"<p>{sentences[0]}</p>"
        if rng.random() < 0.6:
            code = subject["code"].replace("&", "&amp;").replace("<", "&lt;")
            body += f"<pre><code>{code}</code></pre>"
        body += f"<p>{sentences[1]} Thanks &amp; regards.</p>"
        tags = list(subject["tags"])
        tags += [tag for tag, p in subject["extra"].items() if rng.random() < p]
        rows.append(
            {
                "Id": 1_300_000 + 7919 * i,
                "Title": title,
                "Body": body,
                "Tags": "".join(f"<{t}>" for t in tags),
                # about four years, so the examples can split by date
                "CreationDate": (start + pd.Timedelta(hours=233 * i)).strftime(
                    "%Y-%m-%d %H:%M:%S"
                ),
                "Score": int(rng.integers(-2, 40)),
                "ViewCount": int(rng.integers(20, 5000)),
                "AnswerCount": int(rng.integers(0, 6)),
            }
        )
    return rows


@pytest.fixture(scope="session")
def _doctest_export(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("doctest-data") / "QueryResults.csv"
    pd.DataFrame(_export_rows()).to_csv(path, index=False)
    return path


# The shared fitted models: class name in topictags and parameters.
_MODELS = {
    "nmf": ("TopicTagger", {"method": "nmf", "n_topics": 6, "random_state": 0}),
    "lda": ("TopicTagger", {"method": "lda", "n_topics": 6, "random_state": 0}),
    "sup": ("SupervisedTagger", {"random_state": 0}),
}


class _Objects:
    """The example objects, each built on first use and then kept."""

    def __init__(self, export: Path) -> None:
        self.export = export
        self.models: dict[str, object] = {}

    @functools.cached_property
    def questions(self):
        import topictags as tt

        return tt.load_questions(self.export)

    @functools.cached_property
    def split(self):
        import topictags as tt

        return tt.train_test_split(self.questions, test_size=0.2, random_state=0)

    def _model(self, name: str):
        import topictags as tt

        if name not in self.models:
            cls, params = _MODELS[name]
            self.models[name] = getattr(tt, cls)(**params).fit(self.split[0])
        return self.models[name]

    def get(self, name: str):
        import topictags as tt

        if name in ("tt", "np", "pd"):
            return {"tt": tt, "np": np, "pd": pd}[name]
        if name in ("train", "test"):
            return self.split[0 if name == "train" else 1]
        if name == "questions":
            return self.questions
        return self._model("nmf" if name == "tagger" else name)

    def changed_models(self) -> list[str]:
        """The built models whose parameters are no longer those they were
        fitted with (an example called ``set_params`` on a shared model)."""
        return [
            name
            for name, model in self.models.items()
            if model.get_params() != type(model)(**_MODELS[name][1]).get_params()
        ]


NAMES = ("tt", "np", "pd", "questions", "train", "test", "tagger", "nmf", "lda", "sup")

# Examples that need an optional dependency (an extra of pyproject), by the
# prefix of their doctest name: skipped, with the way to install it, without it.
OPTIONAL = {
    "topictags.tracking.": ("mlflow", "mlflow"),
    "topictags.explore._widget.topic_browser": ("ipywidgets", "notebook"),
    "topictags.tagging._visualize.VisualizeMixin.topic_browser": ("ipywidgets", "notebook"),
    "topictags.tagging._visualize.VisualizeMixin.show_ldavis": ("IPython", "notebook"),
    "topictags.viz._ldavis_page.show_ldavis": ("IPython", "notebook"),
}


@pytest.fixture(scope="session")
def _doctest_objects(_doctest_export) -> _Objects:
    return _Objects(_doctest_export)


@pytest.fixture(autouse=True)
def _doctest_setup(request):
    """For a docstring example: the namespace it uses, in an empty folder of its own."""
    from _pytest.doctest import DoctestItem

    if not isinstance(request.node, DoctestItem):
        yield
        return
    doctest_name = request.node.dtest.name
    for prefix, (module, extra) in OPTIONAL.items():
        if doctest_name.startswith(prefix):
            pytest.importorskip(module, reason=f"needs {module}: pip install 'topictags[{extra}]'")
    import matplotlib
    import matplotlib.pyplot as plt
    from threadpoolctl import threadpool_limits

    matplotlib.use("Agg")  # charts are drawn, never shown
    monkeypatch = request.getfixturevalue("monkeypatch")
    # Runs go to the example's folder, not to a server the developer set up.
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    environ = dict(os.environ)  # examples may set variables, e.g. MLFLOW_ALLOW_FILE_STORE
    # One BLAS/OpenMP thread, for the examples and the models they use: on
    # matrices this small threads only wait for each other, and under
    # ``pytest -n 2`` two workers already fill two cores (select_n_topics'
    # example took 6.4 s with OpenBLAS's 2 threads, 0.7 s with one, on a busy
    # 2-core machine). Results do not depend on it.
    with threadpool_limits(limits=1):
        objects = request.getfixturevalue("_doctest_objects")
        namespace = request.getfixturevalue("doctest_namespace")
        source = "\n".join(example.source for example in request.node.dtest.examples)
        used = set(re.findall(r"\b\w+\b", source))
        for name in NAMES:  # exactly the names this example uses, whatever ran before
            if name in used:
                namespace[name] = objects.get(name)
            else:
                namespace.pop(name, None)
        folder = request.getfixturevalue("tmp_path")
        shutil.copy(objects.export, folder / "QueryResults.csv")
        monkeypatch.chdir(folder)
        yield
    changed = objects.changed_models()
    assert not changed, f"the example changed the shared fitted {changed}: work on a copy"
    os.environ.clear()
    os.environ.update(environ)
    plt.close("all")
