"""Property tests: a model fitted on any corpus the loaders accept survives
save -> load and deepcopy unchanged, whatever shape its creation dates had.

Corpora are tiny (a few dozen questions over four themes) and generated in the
shapes real files have: ``Posts.xml`` rows with ``.000`` dates and ``<a><b>`` or
``|a|b|`` tags, Data Explorer CSVs, DataFrames; dates with and without
fractional seconds mixed, with time zones, date only, Unix seconds, missing.
"""

from __future__ import annotations

import copy
import csv
from xml.sax.saxutils import quoteattr

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import topictags as tt

THEMES = [
    (("python", "pandas"), "pandas dataframe merge column groupby series index csv"),
    (("javascript", "jquery"), "jquery click event handler selector ajax callback button"),
    (("css", "html"), "css layout div margin float width stylesheet flexbox"),
    (("sql", "mysql"), "mysql query join table select primary key insert"),
]

BASE = pd.Timestamp("2014-01-23 21:26:09")

# Every date text shape load_questions parses, from one timestamp.
DATE_SHAPES = {
    "dump": lambda ts: ts.strftime("%Y-%m-%dT%H:%M:%S") + ".000",  # real Posts.xml
    "fraction": lambda ts: ts.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3],
    "no_fraction": lambda ts: ts.strftime("%Y-%m-%dT%H:%M:%S"),
    "explorer": lambda ts: ts.strftime("%Y-%m-%d %H:%M:%S"),  # Data Explorer CSV
    "offset": lambda ts: ts.strftime("%Y-%m-%dT%H:%M:%S") + "+02:00",
    "zulu": lambda ts: ts.strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z",
    "date_only": lambda ts: ts.strftime("%Y-%m-%d"),
    "missing": lambda ts: "",
}


@st.composite
def corpora(draw):
    """(source kind, rows): 16-28 questions with dates of mixed shapes."""
    n = draw(st.integers(16, 28))
    unix = draw(st.booleans())
    shapes = draw(st.lists(st.sampled_from(sorted(DATE_SHAPES)), min_size=n, max_size=n))
    # A millisecond part on some timestamps, none on others: the mix that broke.
    millis = draw(st.lists(st.sampled_from([0, 0, 123, 500]), min_size=n, max_size=n))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        tags, words = THEMES[i % len(THEMES)]
        vocab = words.split()
        ts = BASE + pd.Timedelta(days=3 * i, milliseconds=millis[i])
        if unix:
            date = None if shapes[i] == "missing" else int(ts.timestamp())
        else:
            date = DATE_SHAPES[shapes[i]](ts)
        rows.append(
            {
                "id": 100 + i,
                "title": " ".join(rng.choice(vocab, size=4)),
                "body": f"<p>{' '.join(rng.choice(vocab, size=14))}</p>",
                "tags": list(tags) if rng.random() > 0.3 else [tags[0]],
                "creation_date": date,
            }
        )
    kind = draw(st.sampled_from(["posts_xml", "posts_xml_pipes", "csv", "frame"]))
    return kind, rows


def write_source(kind: str, rows: list[dict], folder):
    """The rows in the file shape ``kind`` (or a DataFrame)."""
    if kind == "frame":
        return pd.DataFrame(rows)
    if kind == "csv":  # a Data Explorer export: <a><b> tags, CRLF lines
        path = folder / "QueryResults.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["Id", "Title", "Body", "Tags", "CreationDate"])
            for r in rows:
                date = "" if r["creation_date"] is None else r["creation_date"]
                tags = "".join(f"<{t}>" for t in r["tags"])
                writer.writerow([r["id"], r["title"], r["body"], tags, date])
        return path
    path = folder / "Posts.xml"
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<posts>"]
    for r in rows:
        tags = (
            "|" + "|".join(r["tags"]) + "|"
            if kind == "posts_xml_pipes"
            else "".join(f"<{t}>" for t in r["tags"])
        )
        date = r["creation_date"]
        date = "" if date in (None, "") else f" CreationDate={quoteattr(str(date))}"
        lines.append(
            f'  <row Id="{r["id"]}" PostTypeId="1"{date} Score="1" '
            f"Title={quoteattr(r['title'])} Body={quoteattr(r['body'])} Tags={quoteattr(tags)} />"
        )
    lines.append("</posts>")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


MODELS = {
    "nmf": lambda: tt.TopicTagger("nmf", n_topics=3, n_tags=6, min_df=1, random_state=0),
    "lda": lambda: tt.TopicTagger(
        "lda", n_topics=3, n_tags=6, min_df=1, max_iter=5, random_state=0
    ),
    "lda-gensim": lambda: tt.TopicTagger(
        "lda", n_topics=3, n_tags=6, min_df=1, backend="gensim", max_iter=2, random_state=0
    ),
    "supervised": lambda: tt.SupervisedTagger(n_tags=6, min_df=1, random_state=0),
    "most-frequent": lambda: tt.MostFrequentTagger(n_tags=6),
}

PROBES = ["pandas merge column", "jquery click event", "css div margin", ""]


def assert_same_model(copied, model):
    assert type(copied) is type(model)
    np.testing.assert_array_equal(copied.decision_function(PROBES), model.decision_function(PROBES))
    assert copied.suggest_tags(PROBES, k=2) == model.suggest_tags(PROBES, k=2)
    if hasattr(model, "train_questions_"):
        pd.testing.assert_frame_equal(copied.train_questions_, model.train_questions_)


@settings(
    max_examples=6,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(corpus=corpora())
def test_any_loadable_corpus_fits_saves_loads_and_compares(tmp_path_factory, corpus):
    kind, rows = corpus
    folder = tmp_path_factory.mktemp("corpus")
    questions = tt.load_questions(write_source(kind, rows, folder))
    assert len(questions) == len(rows)
    models = {}
    for name, make in MODELS.items():
        model = make().fit(questions)
        assert_same_model(copy.deepcopy(model), model)
        loaded = tt.load(model.save(folder / f"{name}.topictags"))
        assert_same_model(loaded, model)
        models[name] = loaded
    table = tt.compare(list(models.values()), questions, questions, k=2, refit=False)
    assert len(table) == len(MODELS) and table["jaccard"].notna().all()


@pytest.mark.parametrize("shape", sorted(DATE_SHAPES))
def test_mixed_fractions_survive_every_copy(tmp_path, shape):
    # The shape of real dumps: most dates end in ".000", a few have real
    # milliseconds; each shape is mixed with both.
    rows = []
    for i in range(24):
        tags, words = THEMES[i % len(THEMES)]
        ts = BASE + pd.Timedelta(days=i, milliseconds=123 * (i % 3 == 1))
        date = (DATE_SHAPES[shape] if i % 2 else DATE_SHAPES["dump"])(ts)
        rows.append({"id": i, "title": words, "body": words, "tags": list(tags),
                     "creation_date": date})
    questions = tt.load_questions(write_source("posts_xml", rows, tmp_path))
    model = MODELS["nmf"]().fit(questions)
    expected = questions["creation_date"]
    for copied in (
        copy.deepcopy(model),
        tt.load(model.save(tmp_path / "m.topictags")),
        model.with_mapping("lexical"),
    ):
        pd.testing.assert_series_equal(copied.train_questions_["creation_date"], expected)
    # compare reuses (and copies) a fitted model
    tt.compare([model], questions, questions, k=2, refit=True)


def test_site_column_survives_the_round_trip(tmp_path):
    rows = [
        {"id": i, "title": w, "body": w, "tags": list(t), "creation_date": "2014-01-23"}
        for i, (t, w) in enumerate(THEMES * 5)
    ]
    model = MODELS["nmf"]().fit(pd.DataFrame(rows))
    # Set by hand until load_questions has a site column (then from the file).
    sites = ["beer.stackexchange.com", "coffee.stackexchange.com", ""] * 6 + ["x.com", "y.com"]
    model.train_questions_["site"] = sites
    for copied in (copy.deepcopy(model), tt.load(model.save(tmp_path / "m.topictags"))):
        assert copied.train_questions_["site"].tolist() == sites


def test_cli_fit_then_suggest_on_a_real_dump_shape(tmp_path):
    import subprocess
    import sys

    rows = []
    for i in range(40):
        tags, words = THEMES[i % len(THEMES)]
        ts = BASE + pd.Timedelta(hours=i, milliseconds=457 * (i % 5 == 2))
        rows.append({"id": i, "title": words, "body": words, "tags": list(tags),
                     "creation_date": DATE_SHAPES["fraction"](ts)})
    write_source("posts_xml", rows, tmp_path)

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "topictags.cli", *args],
            capture_output=True, text=True, cwd=tmp_path, timeout=300,
        )

    fitted = run("fit", "Posts.xml", "-o", "m.topictags", "--n-topics", "3")
    assert fitted.returncode == 0, fitted.stderr
    suggested = run("suggest", "--model", "m.topictags", "pandas dataframe merge")
    assert suggested.returncode == 0, suggested.stderr
    assert "pandas" in suggested.stdout


def test_representative_questions_link_to_each_questions_own_site(tmp_path):
    # ids repeat across sites (beer 7 and coffee 7 are different questions):
    # each link must go to the question's own site, Stack Overflow if unknown.
    rows = [
        {"id": i % 4, "title": w, "body": w, "tags": list(t), "creation_date": "2014-01-23"}
        for i, (t, w) in enumerate(THEMES * 6)
    ]
    sites = ["beer.stackexchange.com", "coffee.stackexchange.com", "", "meta.stackexchange.com"]
    frame = pd.DataFrame(rows).assign(id=range(24))
    model = MODELS["nmf"]().fit(frame)
    model.train_questions_["site"] = [sites[i % 4] for i in range(24)]
    model.train_questions_["id"] = pd.array([i % 4 + 7 for i in range(24)], dtype="Int64")
    for copied in (model, tt.load(model.save(tmp_path / "m.topictags"))):
        links = pd.concat([copied.representative_questions(k, n=24) for k in range(3)])
        expected = {
            f"https://{sites[i % 4] or 'stackoverflow.com'}/questions/{i % 4 + 7}"
            for i in range(24)
        }
        assert set(links["link"]) <= expected
        assert any(link.startswith("https://beer.stackexchange.com/") for link in links["link"])
        assert any(link.startswith("https://stackoverflow.com/") for link in links["link"])
