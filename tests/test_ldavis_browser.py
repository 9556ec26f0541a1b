"""Offline LDAvis pages rendered in headless Chromium: they draw, and planted markup stays text.

Skipped, with the reason shown by ``-ra``, when no Chromium is installed; set
TOPICTAGS_REQUIRE_BROWSER=1 (e.g. on CI) to make that a failure instead.
"""

from __future__ import annotations

import html
import re

import numpy as np
import pytest
from small_export import write_data_explorer_csv

from topictags.viz import prepare_ldavis, save_ldavis, show_ldavis
from topictags.viz._browser import dump_dom

pytestmark = pytest.mark.browser

N_TOPICS = 7
EVIL_TERM = "</script><script>document.title='PWNED'</script>"
EVIL_LABEL = "<img src=x onerror=\"document.title='PWNED2'\">"
LABELS = [f"tag{i}, python" for i in range(N_TOPICS)]
LABELS[3] = EVIL_LABEL


@pytest.fixture(scope="module")
def prepared():
    rng = np.random.default_rng(7)
    n_terms, n_docs = 40, 60
    topic_term = rng.gamma(0.3, size=(N_TOPICS, n_terms))
    topic_term[topic_term < 0.05] = 0.0
    topic_term[0, 0] = 40.0  # the planted term dominates topic 0: it is drawn
    doc_topic = rng.gamma(0.5, size=(n_docs, N_TOPICS))
    doc_topic[0] = 0.0
    vocab = [f"term{i}" for i in range(n_terms)]
    vocab[0] = EVIL_TERM
    return prepare_ldavis(
        topic_term,
        doc_topic,
        rng.integers(10, 80, size=n_docs),
        vocab,
        rng.integers(1, 100, size=n_terms),
        lambda_step=0.1,
    )


def rendered(dom: str) -> str:
    """The DOM without script bodies: what the page drew, not the code that drew it."""
    return re.sub(r"<script\b.*?</script>", "", dom, flags=re.DOTALL | re.IGNORECASE)


def document_title(dom: str) -> str:
    head = re.search(r"<head\b.*?</head>", dom, re.DOTALL)
    match = re.search(r"<title>(.*?)</title>", head[0] if head else "", re.DOTALL)
    return html.unescape(match[1]) if match else ""


def check_visualisation(body: str, visid: str) -> None:
    circles = re.findall(rf'<circle class="dot"[^>]*\bid="{visid}-topic(\d+)"', body)
    assert sorted(map(int, circles)) == list(range(1, N_TOPICS + 1))
    assert body.count('class="bar-totals"') == 30  # R gray bars of the default view
    assert body.count('class="terms"') == 30
    assert re.search(rf'<input[^>]*type="range"[^>]*id="{visid}-lambda"', body)


@pytest.fixture(scope="module")
def page_dom(chromium, prepared, tmp_path_factory):
    path = tmp_path_factory.mktemp("ldavis") / "topics.html"
    save_ldavis(prepared, path, topic_labels=LABELS)
    return dump_dom(path)


def test_page_draws_every_topic_and_term_bar(page_dom):
    body = rendered(page_dom)
    visid = re.search(r'<div id="(topictags-ldavis-[0-9a-f]+)"', body)[1]
    check_visualisation(body, visid)
    assert document_title(page_dom) == "topictags — topics"


def test_page_shows_topic_labels(page_dom):
    body = rendered(page_dom)
    for page_topic, label in enumerate(LABELS, start=1):
        # a serialised DOM escapes only &, < and > in text
        text = html.escape(label, quote=False)
        assert re.search(
            rf'<tr data-page="{page_topic}"( class="[^"]*")?><td>{page_topic - 1}</td>'
            rf"<td>[\d.]+%</td><td>{re.escape(text)}</td>",
            body,
        )
    # also as tooltips on the circles, numbered as in the model
    assert "<title>Topic 0: tag0, python</title>" in body


def test_planted_markup_does_not_run(page_dom):
    body = rendered(page_dom)
    assert "PWNED" not in document_title(page_dom)
    assert not re.search(r"<img\b", body, re.IGNORECASE)
    # the term is drawn as text, escaped
    assert re.search(r'class="terms"[^>]*>&lt;/script&gt;&lt;script&gt;document\.title=', body)


def test_notebook_fragments_render_side_by_side_without_csp(chromium, prepared, tmp_path):
    # As in a notebook: no Content-Security-Policy, so escaping alone must stop
    # the planted markup; two outputs on one page need distinct ids; and an
    # AMD loader (classic Notebook's require.js) must not capture d3.
    first = show_ldavis(prepared, topic_labels=LABELS).data
    second = show_ldavis(prepared).data
    fake_requirejs = (
        "<script>window.define = function () { throw new Error('AMD used'); };"
        "window.define.amd = {};</script>"
    )
    path = tmp_path / "notebook.html"
    path.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>nb</title>"
        f"{fake_requirejs}</head><body>{first}{second}</body></html>",
        encoding="utf-8",
    )
    dom = dump_dom(path)
    body = rendered(dom)
    visids = re.findall(r'<div id="(topictags-ldavis-[0-9a-f]+)"', body)
    assert len(set(visids)) == 2
    segments = body.split('class="topictags-ldavis-wrap"')[1:]  # one per visualisation
    for visid, segment in zip(visids, segments, strict=True):
        check_visualisation(segment, visid)
    assert document_title(dom) == "nb"
    assert not re.search(r"<img\b", body, re.IGNORECASE)


def test_title_check_would_see_a_script_that_ran(chromium, tmp_path):
    # Positive control: the PWNED checks above are meaningful only if a
    # script that does run is visible in the dumped DOM.
    path = tmp_path / "control.html"
    path.write_text(
        "<!DOCTYPE html><html><head><title>before</title></head>"
        "<body><script>document.title='RAN'</script></body></html>",
        encoding="utf-8",
    )
    assert document_title(dump_dom(path)) == "RAN"


# ---------------------------------------------------------------------------
# pages of small fitted models draw (issue 9 item 3: LDA with 20 topics on 30
# questions failed with "complex is not JSON serialisable")


@pytest.fixture(scope="module")
def small_export(tmp_path_factory):
    import topictags as tt

    path = write_data_explorer_csv(tmp_path_factory.mktemp("export") / "QueryResults.csv")
    return tt.load_questions(path)


@pytest.mark.parametrize(
    ("method", "n_topics"), [("lda", 20), ("nmf", 1), ("lda", 1), ("nmf", 2), ("lda", 2)]
)
def test_small_models_draw_every_topic(chromium, small_export, tmp_path, method, n_topics):
    import topictags as tt

    tagger = tt.TopicTagger(method, n_topics=n_topics, random_state=0).fit(small_export)
    dom = dump_dom(tagger.save_ldavis(tmp_path / "topics.html"))
    body = rendered(dom)
    visid = re.search(r'<div id="(topictags-ldavis-[0-9a-f]+)"', body)[1]
    circles = re.findall(rf'<circle class="dot"[^>]*\bid="{visid}-topic(\d+)"', body)
    assert sorted(map(int, circles)) == list(range(1, n_topics + 1))
    # every circle is placed: finite coordinates, no NaN from the map
    for cx, cy in re.findall(r'<circle class="dot"[^>]*\bcx="([^"]+)"[^>]*\bcy="([^"]+)"', body):
        assert np.isfinite([float(cx), float(cy)]).all()
    assert body.count('class="terms"') == min(30, len(tagger.model_.feature_names_))
