"""topictags.viz: offline LDAvis pages (without a browser) and matplotlib charts."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import json
import os
import re
from types import SimpleNamespace

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from markupsafe import escape
from matplotlib.figure import Figure
from small_export import write_data_explorer_csv

from topictags.errors import OutputExistsError, ParameterError
from topictags.viz import (
    _browser,
    ldavis_html,
    plot_comparison,
    plot_model_selection,
    plot_top_terms,
    plot_topic_prevalence,
    plot_topic_tag_heatmap,
    plot_topic_trend,
    prepare_ldavis,
    save_ldavis,
    show_ldavis,
)

EVIL_TERM = "</script><script>alert(1)</script>"
EVIL_LABEL = '<img src=x onerror="alert(2)">'
N_TOPICS, N_TERMS, N_DOCS = 4, 25, 30


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def make_model(seed=0, n_topics=N_TOPICS, n_terms=N_TERMS, n_docs=N_DOCS):
    """Unnormalised NMF-like arrays with exact zeros and an all-zero document."""
    rng = np.random.default_rng(seed)
    topic_term = rng.gamma(0.3, size=(n_topics, n_terms))
    topic_term[topic_term < 0.05] = 0.0
    doc_topic = rng.gamma(0.5, size=(n_docs, n_topics))
    doc_topic[0] = 0.0
    doc_topic[1, :2] = 0.0
    doc_lengths = rng.integers(5, 60, size=n_docs)
    vocab = [f"term{i}" for i in range(n_terms)]
    term_frequency = rng.integers(1, 100, size=n_terms)
    return topic_term, doc_topic, doc_lengths, vocab, term_frequency


@pytest.fixture(scope="module")
def model():
    return make_model()


@pytest.fixture(scope="module")
def evil_prepared():
    topic_term, doc_topic, doc_lengths, vocab, term_frequency = make_model(seed=1)
    vocab[0] = EVIL_TERM
    vocab[1] = "line\u2028separator & <b>bold</b>"
    topic_term[0, :2] = 50.0  # salient, so both are among the displayed terms
    return prepare_ldavis(
        topic_term, doc_topic, doc_lengths, vocab, term_frequency, lambda_step=0.1
    )


@pytest.fixture(scope="module")
def page(evil_prepared):
    labels = ["python, pandas", EVIL_LABEL, "css & html", "sql"]
    return ldavis_html(evil_prepared, topic_labels=labels, title="<b>Topics</b>")


# ---------------------------------------------------------------------------
# prepare_ldavis


def test_prepare_ldavis_handles_zeros_and_keeps_topic_order(model):
    prepared = prepare_ldavis(*model, R=10, lambda_step=0.1)
    assert type(prepared).__name__ == "PreparedData"
    assert len(prepared.topic_coordinates) == N_TOPICS
    # sort_topics=False: page topic k is model topic k - 1
    assert list(prepared.topic_order) == [1, 2, 3, 4]
    assert list(prepared.topic_coordinates["topics"]) == [1, 2, 3, 4]
    coords = prepared.topic_coordinates[["x", "y", "Freq"]].to_numpy()
    assert np.isfinite(coords).all()
    info = prepared.topic_info[["Freq", "Total", "logprob", "loglift"]].to_numpy()
    assert np.isfinite(info).all()
    assert prepared.R == 10


def test_prepare_ldavis_accepts_dead_topic_and_sorting(model):
    topic_term, doc_topic, *rest = model
    topic_term = topic_term.copy()
    topic_term[2] = 0.0  # a dead NMF component
    doc_topic = doc_topic.copy()
    doc_topic[:, 3] += 5.0  # topic 3 dominates
    prepared = prepare_ldavis(topic_term, doc_topic, *rest, lambda_step=0.5, sort_topics=True)
    assert prepared.topic_order[0] == 4  # model topic 3, shown first


def _bad(model, **changes):
    names = ["topic_term", "doc_topic", "doc_lengths", "vocab", "term_frequency"]
    args = dict(zip(names, model, strict=True))
    args.update(changes)
    return args


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"doc_topic": np.ones((N_DOCS, N_TOPICS + 1))}, "number of topics"),
        ({"vocab": [f"t{i}" for i in range(N_TERMS - 1)]}, "vocab has 24 terms"),
        ({"vocab": ["same"] * N_TERMS}, "duplicated"),
        ({"vocab": "abc"}, "not a string"),
        ({"term_frequency": np.ones(3)}, "term_frequency has 3"),
        ({"doc_lengths": np.ones(3)}, "doc_lengths has 3"),
        ({"doc_lengths": np.zeros(N_DOCS)}, "all zero"),
        ({"topic_term": -np.ones((N_TOPICS, N_TERMS))}, "negative"),
        ({"topic_term": np.full((N_TOPICS, N_TERMS), np.nan)}, "NaN"),
        ({"topic_term": np.ones(N_TERMS)}, "2-D"),
        ({"topic_term": np.ones((N_TOPICS, 0))}, "empty"),
    ],
)
def test_prepare_ldavis_rejects_bad_input(model, changes, match):
    with pytest.raises(ParameterError, match=match):
        prepare_ldavis(**_bad(model, **changes))


@pytest.mark.parametrize(
    ("kw", "match"),
    [({"R": 0}, "R must"), ({"R": True}, "R must"), ({"lambda_step": 0}, "lambda"),
     ({"lambda_step": "0.1"}, "lambda")],
)
def test_prepare_ldavis_rejects_bad_options(model, kw, match):
    with pytest.raises(ParameterError, match=match):
        prepare_ldavis(*model, **kw)


# ---------------------------------------------------------------------------
# ldavis_html / show_ldavis / save_ldavis


def test_page_loads_nothing_from_the_network(page):
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.IGNORECASE)
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.IGNORECASE)
    assert not re.search(r"<link\b", page, re.IGNORECASE)
    assert "Content-Security-Policy" in page
    assert "default-src 'none'" in page


def test_page_inlines_d3_and_ldavis(page):
    assert "https://d3js.org v5" in page  # the header comment of the bundled d3.v5.min.js
    assert "var LDAvis = function" in page
    assert "Slide to adjust relevance metric" in page  # the λ slider is LDAvis's own


def test_page_escapes_terms_inside_the_script(page):
    # the page's one script element is the only thing that may close a script
    assert page.lower().count("</script") == 1
    assert page.lower().count("<script") == 1
    assert EVIL_TERM not in page
    assert "\\u003c/script\\u003e\\u003cscript\\u003ealert(1)" in page
    assert "\u2028" not in page
    assert "<b>bold</b>" not in page


def test_page_shows_escaped_labels_and_title(page):
    assert EVIL_LABEL not in page
    assert "&lt;img src=x onerror=&#34;alert(2)&#34;&gt;" in page  # markupsafe's escapes
    assert "css &amp; html" in page
    assert "<title>&lt;b&gt;Topics&lt;/b&gt;</title>" in page
    # (LDAvis's number, the model's number shown), most prevalent first
    rows = re.findall(r'<tr data-page="(\d+)"><td>(\d+)</td><td>([\d.]+)%</td><td>', page)
    assert sorted(r[:2] for r in rows) == [("1", "0"), ("2", "1"), ("3", "2"), ("4", "3")]
    shares = [float(r[2]) for r in rows]
    assert shares == sorted(shares, reverse=True)


def test_page_label_table_follows_sorted_topics(model):
    topic_term, doc_topic, *rest = model
    doc_topic = doc_topic.copy()
    doc_topic[:, 2] += 5.0
    prepared = prepare_ldavis(topic_term, doc_topic, *rest, lambda_step=0.5, sort_topics=True)
    html = ldavis_html(prepared, topic_labels=["a", "b", "c", "d"])
    assert re.search(r'<tr data-page="1"><td>2</td><td>[\d.]+%</td><td>c</td></tr>', html)


def test_page_ids_are_unique_per_call(evil_prepared):
    ids = {
        re.search(r'<div id="(topictags-ldavis-[0-9a-f]+)"', ldavis_html(evil_prepared))[1]
        for _ in range(2)
    }
    assert len(ids) == 2


def test_page_without_labels(evil_prepared):
    html = ldavis_html(evil_prepared)
    assert re.findall(r'<tr data-page="\d+"><td>\d+</td><td>[\d.]+%</td></tr>', html)
    assert "Label</th>" not in html


@pytest.mark.parametrize(
    ("labels", "match"),
    [(["a", "b"], "2 labels but there are 4"), ([1, 2, 3, 4], "must be a str"), ("abcd", "str")],
)
def test_page_rejects_bad_labels(evil_prepared, labels, match):
    with pytest.raises(ParameterError, match=match):
        ldavis_html(evil_prepared, topic_labels=labels)


def test_page_rejects_other_objects():
    with pytest.raises(ParameterError, match="prepare_ldavis"):
        ldavis_html({"mdsDat": {}})


def test_show_ldavis_returns_notebook_html(evil_prepared):
    pytest.importorskip("IPython")
    shown = show_ldavis(evil_prepared, topic_labels=list("abcd"))
    assert type(shown).__name__ == "HTML"
    assert shown.data.count("<script>") == 1
    assert "Content-Security-Policy" not in shown.data  # ignored outside <head>
    assert EVIL_TERM not in shown.data
    # scoped CSS: the vis's rules must not style the rest of a notebook
    # (the layout's container query only wraps scoped rules)
    style = re.search(r"<style>(.*?)</style>", shown.data, re.DOTALL)[1]
    assert "@container" in style
    flat = re.sub(r"@container[^{]*\{", "", style)
    rules = [rule for rule in flat.split("}") if rule.strip()]
    assert rules and all(rule.lstrip().startswith("#topictags-ldavis-") for rule in rules)


def test_save_ldavis_refuses_to_overwrite(evil_prepared, tmp_path):
    target = tmp_path / "topics.html"
    assert save_ldavis(evil_prepared, target, topic_labels=list("abcd")) == target
    first = target.read_text(encoding="utf-8")
    assert first.startswith("<!DOCTYPE html>")
    with pytest.raises(OutputExistsError, match="overwrite=True"):
        save_ldavis(evil_prepared, target)
    assert isinstance(OutputExistsError("x"), FileExistsError)
    assert target.read_text(encoding="utf-8") == first
    save_ldavis(evil_prepared, target, overwrite=True)
    assert target.read_text(encoding="utf-8") != first
    assert [p.name for p in tmp_path.iterdir()] == ["topics.html"]  # no temp file left
    if os.name == "posix":
        umask = os.umask(0)
        os.umask(umask)
        assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_save_ldavis_leaves_nothing_on_failure(evil_prepared, tmp_path, monkeypatch):
    def broken(*args):
        raise OSError("disk full")

    # Fails in the last steps of the write, whichever way the file is moved.
    monkeypatch.setattr(os, "replace", broken)
    monkeypatch.setattr(os, "link", broken)
    with pytest.raises(OSError, match="disk full"):
        save_ldavis(evil_prepared, tmp_path / "topics.html")
    assert list(tmp_path.iterdir()) == []


def test_save_ldavis_needs_an_existing_folder(evil_prepared, tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        save_ldavis(evil_prepared, tmp_path / "missing" / "topics.html")


# ---------------------------------------------------------------------------
# the intertopic map is always real (issue 9 item 3)


def page_data(page: str) -> dict:
    """The LDAvis data a page embeds (its JSON is also a JavaScript literal)."""
    return json.loads(re.search(r"^var data = (.*);$", page, re.MULTILINE)[1])


def near_duplicate_topics(seed=0):
    """15 topics equal up to 1e-9 and 5 distinct ones: LDA topics that no
    document uses stay at the prior, and pyLDAvis's PCoA (numpy.linalg.eig on
    the double-centred matrix) then returns complex coordinates."""
    rng = np.random.default_rng(seed)
    base = rng.random(50)
    return np.vstack(
        [base + 1e-9 * rng.random(50) for _ in range(15)]
        + [rng.gamma(0.3, size=50) for _ in range(5)]
    )


def test_js_pcoa_is_real_where_pyldavis_pcoa_is_complex():
    from pyLDAvis._prepare import js_PCoA

    from topictags.viz._ldavis_prepare import _to_distributions, js_pcoa

    p = _to_distributions(near_duplicate_topics())
    assert np.iscomplexobj(js_PCoA(p))  # the failure this guards against
    coords = js_pcoa(p)
    assert coords.shape == (20, 2) and coords.dtype == np.float64
    assert np.isfinite(coords).all()
    # the near-identical topics sit on one point, the distinct ones elsewhere
    assert np.ptp(coords[:15], axis=0).max() < 1e-6
    assert np.abs(coords[15:] - coords[0]).max() > 1e-3


def test_js_pcoa_is_pyldavis_map_when_that_one_is_real():
    from pyLDAvis._prepare import js_PCoA

    from topictags.viz._ldavis_prepare import _to_distributions, js_pcoa

    p = _to_distributions(np.random.default_rng(1).gamma(0.3, size=(8, 40)))
    theirs, ours = js_PCoA(p), js_pcoa(p)
    assert not np.iscomplexobj(theirs)
    # the same map up to the orientation of each axis
    for axis in range(2):
        assert np.allclose(ours[:, axis], theirs[:, axis]) or np.allclose(
            ours[:, axis], -theirs[:, axis]
        )
    # oriented the same way every time: the largest coordinate is positive
    assert all(ours[np.argmax(np.abs(ours[:, a])), a] > 0 for a in range(2))


def test_page_of_near_duplicate_topics_has_real_coordinates():
    topic_term = near_duplicate_topics()
    rng = np.random.default_rng(2)
    prepared = prepare_ldavis(
        topic_term, rng.random((30, 20)), rng.integers(5, 50, size=30),
        [f"t{i}" for i in range(50)], rng.integers(1, 20, size=50), lambda_step=0.5,
    )
    mds = page_data(ldavis_html(prepared))["mdsDat"]
    assert len(mds["x"]) == 20
    assert all(isinstance(v, float) and np.isfinite(v) for v in mds["x"] + mds["y"])


def test_page_json_never_holds_complex_numbers():
    from topictags.viz._templates import script_json

    value = {"a": 1 + 0j, "b": np.complex128(2 - 1e-17j), "c": np.array([3 + 0j, 4 + 1e-18j]),
             "d": np.float32(0.5), "e": np.int64(7), "f": "</script>\u2028"}
    text = str(script_json(value))
    assert json.loads(text) == {"a": 1.0, "b": 2.0, "c": [3.0, 4.0], "d": 0.5, "e": 7,
                                "f": "</script>\u2028"}
    assert "<" not in text and "\u2028" not in text  # escaped, as \\u003c and \\u2028
    with pytest.raises(TypeError, match="set is not JSON serialisable"):
        script_json({"s": {1}})


@pytest.mark.parametrize("n_topics", [1, 2])
def test_pages_with_one_or_two_topics(model, n_topics):
    topic_term, doc_topic, *rest = model
    prepared = prepare_ldavis(
        topic_term[:n_topics], doc_topic[:, :n_topics], *rest, lambda_step=0.5
    )
    page = ldavis_html(prepared, topic_labels=[f"label{i}" for i in range(n_topics)])
    mds = page_data(page)["mdsDat"]
    assert mds["topics"] == list(range(1, n_topics + 1))
    assert np.isfinite(mds["x"] + mds["y"]).all()
    if n_topics == 1:
        assert mds["x"] == [0.0] and mds["y"] == [0.0]
    else:  # two points on one axis
        assert np.isclose(mds["x"][0], -mds["x"][1]) and mds["x"][0] != 0
        assert np.allclose(mds["y"], 0.0)
    rows = re.findall(r'<tr data-page="(\d+)"><td>(\d+)</td><td>[\d.]+%</td><td>label', page)
    assert sorted(rows) == [(str(k + 1), str(k)) for k in range(n_topics)]


# ---------------------------------------------------------------------------
# every fitted model makes a page, on a small real-shaped export


@pytest.fixture(scope="module")
def small_export(tmp_path_factory):
    import topictags as tt

    path = write_data_explorer_csv(tmp_path_factory.mktemp("export") / "QueryResults.csv")
    questions = tt.load_questions(path)
    assert len(questions) == 30
    return questions


def test_lda_with_20_topics_on_30_questions_makes_a_page(small_export, tmp_path):
    # Issue 9 item 3: "TypeError: complex is not JSON serialisable" here.
    import topictags as tt

    tagger = tt.TopicTagger("lda", n_topics=20, random_state=0).fit(small_export)
    path = tagger.save_ldavis(tmp_path / "topics.html")
    mds = page_data(path.read_text(encoding="utf-8"))["mdsDat"]
    assert mds["topics"] == list(range(1, 21))
    assert all(isinstance(v, float) and np.isfinite(v) for v in mds["x"] + mds["y"])


@pytest.mark.parametrize("method", ["nmf", "lda"])
@pytest.mark.parametrize("n_topics", [1, 2])
def test_models_with_one_or_two_topics_make_a_page(small_export, tmp_path, method, n_topics):
    import topictags as tt

    tagger = tt.TopicTagger(method, n_topics=n_topics, random_state=0).fit(small_export)
    page = tagger.save_ldavis(tmp_path / "topics.html").read_text(encoding="utf-8")
    assert page_data(page)["mdsDat"]["topics"] == list(range(1, n_topics + 1))
    for page_topic, label in enumerate(tagger.topic_labels(), start=1):
        assert f'<tr data-page="{page_topic}"><td>{page_topic - 1}</td><td>' in page
        assert str(escape(label)) in page


# ---------------------------------------------------------------------------
# templates


def test_templates_are_autoescaped_and_strict():
    import jinja2

    from topictags.viz._templates import Link, Table, frame_table, render

    table = Table(["a<b"], [["<i>x</i>"], [[Link("t&t", "https://x.org/?a=1&b=2")]]])
    pane = render("question_pane.html", message=None, mixture=table, tags=Table(["tag"], []))
    assert "<th" in pane and "a&lt;b" in pane and "&lt;i&gt;x&lt;/i&gt;" in pane
    assert '<a href="https://x.org/?a=1&amp;b=2"' in pane and ">t&amp;t</a>" in pane
    assert "<p>No tag.</p>" in pane
    with pytest.raises(jinja2.UndefinedError):
        render("question_pane.html", message=None)  # a forgotten variable is an error
    frame = pd.DataFrame({"n": [2000.0, 3.08], "s": ["x", None]}, index=["rows", "mean"])
    assert frame_table(frame, index=True).rows == [["rows", "2000", "x"], ["mean", "3.08", ""]]


def questions_from_three_sites() -> pd.DataFrame:
    """Rows as load_questions returns them from several sites: ids repeat across
    sites, one site unknown (""), one id missing."""
    return pd.DataFrame(
        {
            "id": pd.array([42, 42, 7, None], dtype="Int64"),
            "title": ["IPA or stout?", "Espresso <crema>", "Merge DataFrames", "no id"],
            "tags": [["ipa"], ["espresso"], ["pandas"], []],
            "site": ["beer.stackexchange.com", "coffee.stackexchange.com", "", "x.org"],
            "weight": [0.9, 0.8, 0.7, 0.6],
        }
    )


def test_question_links_point_to_each_questions_own_site():
    from topictags.viz._links import question_links

    frame = questions_from_three_sites()
    assert question_links(frame) == [
        "https://beer.stackexchange.com/questions/42",
        "https://coffee.stackexchange.com/questions/42",
        "https://stackoverflow.com/questions/7",
        None,
    ]
    # frames without a site column (older models): Stack Overflow
    assert question_links(frame.drop(columns="site"))[:2] == [
        "https://stackoverflow.com/questions/42"
    ] * 2


def test_topic_browser_pane_links_to_each_questions_own_site():
    from topictags.explore._widget import topic_pane

    class Tagger:  # the five things a pane reads from a fitted tagger
        def topic_view(self):  # the shown topics' training mixtures
            return SimpleNamespace(doc_topic=np.array([[0.25, 0.75]]))

        def topic_terms(self, topic, n):
            return [("ipa", 0.5), ("<b>hop</b>", 0.25)]

        def topic_tags(self, topic, n):
            return []

        def representative_questions(self, topic, n):
            return questions_from_three_sites()

        def topic_label_details(self):
            label = {"label": "ipa, <b>hop</b> | no tag", "tags": []}
            return [SimpleNamespace(as_dict=lambda: label)] * 2

    pane = topic_pane(Tagger(), 1)
    assert "Topic 1 <small>(75.0% of the training questions' weight)</small>" in pane
    assert '<a href="https://beer.stackexchange.com/questions/42"' in pane
    assert '<a href="https://coffee.stackexchange.com/questions/42"' in pane
    assert ">Espresso &lt;crema&gt;</a>" in pane and "&lt;b&gt;hop&lt;/b&gt;" in pane
    assert "<p><b>Label</b>: ipa, &lt;b&gt;hop&lt;/b&gt; | no tag</p>" in pane
    assert "<td style=\"border:1px solid #ddd;padding:2px 6px;text-align:left\">no id</td>" in pane
    assert "No tag: this topic does not point to any candidate tag." in pane


# ---------------------------------------------------------------------------
# browser helper (the parts that need no browser)


def test_find_chromium_honours_override(monkeypatch):
    monkeypatch.setenv("TOPICTAGS_CHROMIUM", "no-such-browser-topictags")
    assert _browser.find_chromium() is None


def test_dump_dom_errors(monkeypatch, tmp_path):
    with pytest.raises(FileNotFoundError):
        _browser.dump_dom(tmp_path / "missing.html")
    page = tmp_path / "p.html"
    page.write_text("<p>x</p>", encoding="utf-8")
    monkeypatch.setenv("TOPICTAGS_CHROMIUM", "no-such-browser-topictags")
    with pytest.raises(RuntimeError, match="no Chromium found"):
        _browser.dump_dom(page)


# ---------------------------------------------------------------------------
# charts


@pytest.fixture(scope="module")
def arrays():
    rng = np.random.default_rng(42)
    return {
        "topic_term": rng.gamma(0.5, size=(5, 30)),
        "vocab": [f"w{i}" for i in range(30)],
        "doc_topic": rng.gamma(0.5, size=(40, 5)),
        "topic_tag": rng.random((5, 12)),
        "tags": [f"tag{i}" for i in range(12)],
        "labels": ["python", "java", "css", "sql", "git"],
    }


def test_plot_top_terms(arrays):
    fig = plot_top_terms(
        arrays["topic_term"], arrays["vocab"], n_terms=6, n_cols=2, topic_labels=arrays["labels"]
    )
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 5  # 3x2 grid, the spare panel removed
    for topic, ax in enumerate(fig.axes):
        assert len(ax.patches) == 6
        expected = [arrays["vocab"][i] for i in np.argsort(-arrays["topic_term"][topic])[:6]]
        assert [t.get_text() for t in ax.get_yticklabels()] == expected
        assert ax.get_title(loc="left") == f"{topic}: {arrays['labels'][topic]}"
        widths = [p.get_width() for p in ax.patches]
        assert widths == sorted(widths, reverse=True)
        assert max(widths) <= 1.0  # shares of the topic


def test_plot_top_terms_subset_into_given_figure(arrays):
    fig = Figure()
    out = plot_top_terms(arrays["topic_term"], arrays["vocab"], topics=[3, 1], n_terms=50, fig=fig)
    assert out is fig
    assert [ax.get_title(loc="left") for ax in fig.axes] == ["Topic 3", "Topic 1"]
    assert all(len(ax.patches) == 30 for ax in fig.axes)  # n_terms capped at the vocabulary


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"vocab": ["a", "b"]}, "vocab has 2 entries"),
        ({"topics": [7]}, "topic 7 out of range"),
        ({"topics": []}, "empty"),
        ({"n_terms": 0}, "n_terms"),
        ({"topic_labels": ["a"]}, "topic_labels has 1"),
    ],
)
def test_plot_top_terms_rejects_bad_input(arrays, kwargs, match):
    args = {"topic_term": arrays["topic_term"], "vocab": arrays["vocab"], **kwargs}
    with pytest.raises(ValueError, match=match):
        plot_top_terms(**args)


def test_plot_top_terms_rejects_used_figure(arrays):
    fig = Figure()
    fig.add_subplot()
    with pytest.raises(ValueError, match="already has 1 axes"):
        plot_top_terms(arrays["topic_term"], arrays["vocab"], fig=fig)


def test_plot_topic_tag_heatmap(arrays):
    ax = plot_topic_tag_heatmap(
        arrays["topic_tag"],
        arrays["tags"],
        topics=[0, 2, 4],
        n_tags=8,
        topic_labels=arrays["labels"],
        order="given",
    )
    assert ax.images[0].get_array().shape == (3, 8)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["0: python", "2: css", "4: git"]
    assert len(ax.get_xticklabels()) == 8
    assert len(ax.figure.axes) == 2  # with its colorbar


def test_plot_topic_tag_heatmap_orders_tags_as_a_diagonal():
    mapping = np.array([[0.0, 0.0, 0.9, 0.1], [0.8, 0.0, 0.0, 0.2], [0.0, 0.7, 0.0, 0.0]])
    _, ax = plt.subplots()
    out = plot_topic_tag_heatmap(mapping, ["a", "b", "c", "d"], order="given", ax=ax)
    assert out is ax
    assert [t.get_text() for t in ax.get_xticklabels()] == ["c", "a", "d", "b"]
    assert ax.images[0].get_array().shape == (3, 4)


def test_plot_topic_tag_heatmap_rejects_bad_input(arrays):
    with pytest.raises(ValueError, match="tags has 3 entries but there are 12"):
        plot_topic_tag_heatmap(arrays["topic_tag"], ["a", "b", "c"])
    with pytest.raises(ValueError, match="2-D"):
        plot_topic_tag_heatmap(np.ones(3), ["a", "b", "c"])


def test_plot_topic_prevalence(arrays):
    doc_topic = arrays["doc_topic"].copy()
    doc_topic[0] = 0.0
    ax = plot_topic_prevalence(doc_topic, topic_labels=arrays["labels"])
    widths = [p.get_width() for p in ax.patches]
    assert len(widths) == 5
    assert widths == sorted(widths, reverse=True)
    expected = doc_topic[1:] / doc_topic[1:].sum(axis=1, keepdims=True)
    np.testing.assert_allclose(sorted(widths), np.sort(expected.mean(axis=0)))
    assert np.isclose(sum(widths), 1.0)
    top = int(np.argmax(expected.mean(axis=0)))
    assert ax.get_yticklabels()[0].get_text() == f"{top}: {arrays['labels'][top]}"
    assert "1 document(s) with no weight left out" in ax.get_xlabel()


def test_plot_topic_prevalence_rejects_bad_input():
    with pytest.raises(ValueError, match="every row of doc_topic is zero"):
        plot_topic_prevalence(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="negative"):
        plot_topic_prevalence(-np.ones((3, 2)))


@pytest.fixture
def comparison():
    return pd.DataFrame(
        {
            "jaccard": [0.4, 0.3, 0.1],
            "precision@k": [0.3, 0.25, 0.1],
            "recall@k": [0.5, 0.4, 0.2],
            "f1": [0.35, 0.3, 0.12],
            "n_questions": [100, 100, 100],
        },
        index=pd.Index(["supervised", "nmf", "most-frequent"], name="model"),
    )


def test_plot_comparison(comparison):
    ax = plot_comparison(comparison)
    assert len(ax.patches) == 3 * 4
    assert [t.get_text() for t in ax.get_xticklabels()] == list(comparison.index)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "jaccard",
        "precision@k",
        "recall@k",
        "f1",
    ]
    heights = sorted(p.get_height() for p in ax.patches)
    np.testing.assert_allclose(heights, np.sort(comparison.iloc[:, :4].to_numpy().ravel()))


def test_plot_comparison_model_column_and_subset(comparison):
    _, ax = plt.subplots()
    out = plot_comparison(comparison.reset_index(), metrics=["f1"], ax=ax)
    assert out is ax
    assert len(ax.patches) == 3
    assert [t.get_text() for t in ax.get_xticklabels()] == list(comparison.index)


def test_plot_comparison_rejects_bad_tables(comparison):
    with pytest.raises(ValueError, match=r"no column\(s\) \['ndcg'\]"):
        plot_comparison(comparison, metrics=["jaccard", "ndcg"])
    with pytest.raises(ValueError, match="empty"):
        plot_comparison(comparison.iloc[:0])
    with pytest.raises(ValueError, match="DataFrame"):
        plot_comparison(comparison.to_dict())


@pytest.fixture
def selection():
    rows = []
    for model in ("nmf", "lda"):
        for k in (20, 5, 10):
            rows.append(
                {
                    "model": model,
                    "n_topics": k,
                    "c_v": 0.4 + k / 100,
                    "diversity": 1 - k / 50,
                    "perplexity": 1000 - k if model == "lda" else np.nan,
                }
            )
    return pd.DataFrame(rows)


def test_plot_model_selection(selection):
    fig = plot_model_selection(selection)
    assert [ax.get_title() for ax in fig.axes] == [
        "c_v (higher is better)",
        "diversity (higher is better)",
        "perplexity (lower is better)",
    ]
    for ax in fig.axes:
        # one line per model that has the measure (perplexity: LDA only), plus
        # a ring on each line's best value
        models = [line for line in ax.lines if not line.get_label().startswith("_")]
        assert len(models) == (1 if ax.get_title().startswith("perplexity") else 2)
        assert len(ax.lines) == 2 * len(models)
        assert ax.get_xlabel() == "n_topics"
        assert list(ax.lines[0].get_xdata()) == [5, 10, 20]  # sorted by x


def test_plot_model_selection_index_and_explicit_metrics(selection):
    table = selection[selection.model == "nmf"].drop(columns="model").set_index("n_topics")
    fig = Figure()
    out = plot_model_selection(table, metrics=["diversity"], fig=fig)
    assert out is fig
    assert len(fig.axes) == 1
    assert len(fig.axes[0].lines) == 2  # the line and the ring on its best value


def test_plot_model_selection_rejects_bad_tables(selection):
    with pytest.raises(ValueError, match=r"no column\(s\) \['n_iter'\]"):
        plot_model_selection(selection, x="n_iter")
    with pytest.raises(ValueError, match="none of the metric columns"):
        plot_model_selection(selection[["model", "n_topics"]])
    with pytest.raises(ValueError, match=r"no column\(s\) \['c_npmi'\]"):
        plot_model_selection(selection, metrics=["c_npmi"])


@pytest.fixture
def trend():
    index = pd.period_range("2019Q1", periods=6, freq="Q")
    rng = np.random.default_rng(3)
    return pd.DataFrame(rng.dirichlet(np.ones(3), size=6), index=index, columns=[0, 1, 2])


def test_plot_topic_trend(trend):
    ax = plot_topic_trend(trend)
    assert len(ax.lines) == 3
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["0", "1", "2"]
    np.testing.assert_allclose(ax.lines[1].get_ydata(), trend[1].to_numpy())


def test_plot_topic_trend_subset_and_datetime_index(trend):
    shuffled = trend.iloc[::-1].copy()
    shuffled.index = shuffled.index.to_timestamp()
    _, ax = plt.subplots()
    assert plot_topic_trend(shuffled, topics=[2], ax=ax) is ax
    assert len(ax.lines) == 1
    np.testing.assert_allclose(ax.lines[0].get_ydata(), trend[2].to_numpy())  # time-sorted


def test_plot_topic_trend_rejects_bad_tables(trend):
    with pytest.raises(ValueError, match=r"no column\(s\) \[7\]"):
        plot_topic_trend(trend, topics=[7])
    with pytest.raises(ValueError, match="empty"):
        plot_topic_trend(trend.iloc[:0])


def test_charts_draw_on_a_bare_figure_without_pyplot(arrays, tmp_path):
    fig = Figure()
    plot_topic_prevalence(arrays["doc_topic"], ax=fig.add_subplot())
    fig.savefig(tmp_path / "p.png")
    assert (tmp_path / "p.png").stat().st_size > 0
    assert plt.get_fignums() == []  # nothing registered with pyplot
