"""Pages built from a corpus cannot be made to run the corpus' markup.

Questions whose titles, bodies and tags carry script-injection payloads are
fitted; the pyLDAvis page and the ``topictags report`` page are rendered in
headless Chromium, which runs every script that can run. A payload that ran
would set ``document.title`` or leave an element with an event handler. The
pages are also rendered with their Content-Security-Policy removed, so that
escaping alone is checked, and a positive control shows the checks would see
a payload that did run.

Skipped, with the reason shown by ``-ra``, when Chromium is missing; set
TOPICTAGS_REQUIRE_BROWSER=1 to make that a failure.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from conftest import make_questions
from markupsafe import escape

import topictags as tt
from topictags.viz import prepare_ldavis, save_ldavis
from topictags.viz._browser import dump_dom

pytestmark = pytest.mark.browser

# Tags cannot hold white space (the corpus refuses it) and are lower-cased;
# titles can hold anything.
EVIL_TAGS = [
    "</script><script>document.title='pwned'</script>",
    "\"><img/src/onerror=document.title='pwned2'>",  # not src=x/...: that is all one value
    "javascript:document.title='pwned3'",
    "<svg/onload=document.title='pwned4'>",
    "'-document.title='pwned5'-'",
]
EVIL_TITLES = [
    "</script><script>document.title='PWNED6'</script> pandas merge",
    "\"><img src=x onerror=\"document.title='PWNED7'\"> jquery click",
    "<a href=\"javascript:document.title='PWNED8'\">css</a> layout",
    "</title><script>document.title='PWNED9'</script> mysql join",
]
EVIL_BODY = (
    "<p>pandas dataframe</p><script>document.title='PWNED10'</script>"
    "<img src=x onerror=\"document.title='PWNED11'\"><iframe src=\"javascript:parent."
    "document.title='PWNED12'\"></iframe>"
)
PAGE_TITLE = "Topics of <script>document.title='PWNED13'</script> & friends"


def hostile_questions(n: int, seed: int = 0):
    questions = make_questions(n, seed=seed)
    # Each payload tag goes with one theme, so it is frequent and topics map to it.
    questions["tags"] = [
        [*tags, EVIL_TAGS[i // 2 % 4], EVIL_TAGS[4]] if i % 2 == 0 else list(tags)
        for i, tags in enumerate(questions["tags"])
    ]
    for i, title in enumerate(EVIL_TITLES):
        questions.loc[i, "title"] = title
    questions.loc[len(EVIL_TITLES):len(EVIL_TITLES) + 10, "body"] = EVIL_BODY
    return questions


@pytest.fixture(scope="module")
def tagger():
    return tt.TopicTagger("nmf", n_topics=4, n_tags=12, min_df=1, random_state=0).fit(
        hostile_questions(120)
    )


def topic_labels(tagger) -> list[str]:
    return [", ".join(t for t, _ in tagger.topic_tags(k, 12)) for k in range(tagger.n_topics)]


def without_csp(page: str) -> str:
    stripped = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page)
    assert stripped != page
    return stripped


def render(path: Path, page: str | None = None) -> str:
    if page is not None:
        path.write_text(page, encoding="utf-8")
    return dump_dom(path)


def document_title(dom: str) -> str:
    head = re.search(r"<head\b.*?</head>", dom, re.DOTALL)
    match = re.search(r"<title>(.*?)</title>", head[0] if head else "", re.DOTALL)
    return html.unescape(match[1]) if match else ""


def drawn(dom: str) -> str:
    """The DOM without script bodies: what the page shows, not the code that drew it."""
    return re.sub(r"<script\b[^>]*>.*?</script>", "<script></script>", dom,
                  flags=re.DOTALL | re.IGNORECASE)


def injected(dom: str, own_scripts: int) -> list[str]:
    """Elements a payload would have created, as they appear in the DOM."""
    body = drawn(dom)
    found = re.findall(r"<[a-z][^>]*\son[a-z]+=[^>]*>", body, re.IGNORECASE)  # handlers
    found += re.findall(r"<img\b(?![^>]*\bsrc=\"data:image/png;base64,)[^>]*>", body)
    found += re.findall(r"<(?:iframe|object|embed)\b[^>]*>", body)
    found += re.findall(r"<[^>]+=\"javascript:[^>]*>", body, re.IGNORECASE)
    found += re.findall(r"<script\b[^>]*>", body)[own_scripts:]
    return found


def check_nothing_ran(dom: str, title: str, own_scripts: int) -> None:
    assert document_title(dom) == title, "a payload set document.title"
    assert injected(dom, own_scripts) == []


def test_payload_tags_reach_the_topic_labels(tagger):
    # Otherwise the page tests below would prove nothing.
    labels = " ".join(topic_labels(tagger))
    for tag in (EVIL_TAGS[0], EVIL_TAGS[1], EVIL_TAGS[3]):  # the ones with markup
        assert tag in labels
    # Terms are tokens: no markup can reach the vocabulary.
    assert not any(set("<>\"'&") & set(term) for term in tagger.model_.feature_names_)


@pytest.fixture(scope="module")
def ldavis_page(tagger, tmp_path_factory):
    model = tagger.model_
    prepared = prepare_ldavis(
        model.components_, tagger.doc_topic_, tagger.doc_lengths_,
        model.feature_names_, tagger.term_frequency_, lambda_step=0.1,
    )
    path = tmp_path_factory.mktemp("ldavis") / "topics.html"
    return save_ldavis(prepared, path, topic_labels=topic_labels(tagger), title=PAGE_TITLE)


@pytest.mark.parametrize("csp", [True, False], ids=["as written", "CSP removed"])
def test_ldavis_page_runs_no_payload(chromium, tagger, ldavis_page, tmp_path, csp):
    page = ldavis_page.read_text(encoding="utf-8")
    dom = render(ldavis_page) if csp else render(tmp_path / "no_csp.html", without_csp(page))
    check_nothing_ran(dom, PAGE_TITLE, own_scripts=1)
    body = drawn(dom)
    assert 'class="dot"' in body, "the visualisation was drawn"
    for label in topic_labels(tagger):
        assert html.escape(label, quote=False) in body  # shown, as text


def test_tagger_save_ldavis_runs_no_payload(chromium, tagger, tmp_path):
    # The façade labels topics itself (tagger.topic_labels()) and names the model.
    path = tagger.save_ldavis(tmp_path / "facade.html", title=PAGE_TITLE)
    dom = render(path)
    check_nothing_ran(dom, PAGE_TITLE, own_scripts=1)
    body = drawn(dom)
    assert 'class="dot"' in body
    for label in tagger.topic_labels():
        assert html.escape(label, quote=False) in body
    assert any("<" in label for label in tagger.topic_labels())


def test_positive_control_sees_a_payload_that_runs(chromium, tagger, ldavis_page, tmp_path):
    # The same page without CSP, one label pasted in unescaped: the checks fail.
    page = without_csp(ldavis_page.read_text(encoding="utf-8"))
    label = next(lab for lab in topic_labels(tagger) if "onerror" in lab)
    escaped = str(escape(label))  # as the templates' autoescaping writes it
    assert escaped in page
    dom = render(tmp_path / "broken.html", page.replace(escaped, label, 1))
    assert document_title(dom) in ("pwned2", "pwned4")
    assert injected(dom, own_scripts=1)


@pytest.fixture(scope="module")
def report_page(tmp_path_factory):
    from topictags.cli._report import write_report

    questions = hostile_questions(120, seed=1)
    train, test = questions.iloc[:90], questions.iloc[90:]
    folder = tmp_path_factory.mktemp("report")
    return write_report(train, test, folder / "report.html", n_topics=4, k=3)


@pytest.mark.parametrize("csp", [True, False], ids=["as written", "CSP removed"])
def test_cli_report_runs_no_payload(chromium, report_page, tmp_path, csp):
    page = report_page.read_text(encoding="utf-8")
    dom = render(report_page) if csp else render(tmp_path / "no_csp.html", without_csp(page))
    check_nothing_ran(dom, "topictags report", own_scripts=0)
    body = drawn(dom)
    for tag in EVIL_TAGS:  # the payloads are on the page, as text
        assert html.escape(tag, quote=False) in body
    assert body.count('src="data:image/png;base64,') == 7  # comparison + 3 per topic model
