"""The pyLDAvis page numbers topics as the model does and shows the labels beside the map.

Issue 11 part 3: on main the page numbered topics from 1 and the model from 0
("Topic 6" on the page was model topic 5), and the labels sat in a table below
the fold. Checked in headless Chromium, by the DOM after the scripts ran.
Skipped, with the reason, without Chromium (TOPICTAGS_REQUIRE_BROWSER=1 fails).
"""

from __future__ import annotations

import html
import re

import numpy as np
import pytest
from conftest import make_questions

import topictags as tt
from topictags.viz._browser import dump_dom

pytestmark = pytest.mark.browser

N_TOPICS = 4


@pytest.fixture(scope="module")
def tagger():
    return tt.TopicTagger("nmf", n_topics=N_TOPICS, n_tags=8, min_df=1, random_state=0).fit(
        make_questions(160)
    )


@pytest.fixture(scope="module")
def page(tagger, tmp_path_factory):
    return tagger.save_ldavis(tmp_path_factory.mktemp("numbering") / "topics.html")


def drawn(dom: str) -> str:
    return re.sub(r"<script\b.*?</script>", "", dom, flags=re.DOTALL | re.IGNORECASE)


def visid_of(dom: str) -> str:
    return re.search(r'<div id="(topictags-ldavis-[0-9a-f]+)" class="topictags-ldavis"', dom)[1]


def card(dom: str, visid: str) -> tuple[str | None, str | None, str]:
    """(model topic, state, text) of the panel beside the map."""
    match = re.search(rf'<div id="{visid}-card-body"([^>]*)>(.*?)</div>\s*</section>', dom,
                      re.DOTALL)
    attrs, inner = match[1], match[2]
    topic = re.search(r'data-topic="(\d+)"', attrs)
    state = re.search(r'data-state="(\w+)"', attrs)
    text = html.unescape(re.sub(r"<[^>]+>", " ", inner))
    return (topic[1] if topic else None, state[1] if state else None, " ".join(text.split()))


def test_circles_table_and_picker_use_the_models_numbers(tagger, page):
    dom = drawn(dump_dom(page))
    visid = visid_of(dom)
    labels = tagger.topic_labels()
    details = tagger.topic_label_details()
    # each circle (LDAvis's id: its own number p) shows model topic p - 1 and its label
    circles = re.findall(
        rf'<circle class="dot"[^>]*id="{visid}-topic(\d+)"[^>]*><title>Topic (\d+): (.*?)</title>',
        dom,
    )
    assert sorted((int(p) - 1, int(k)) for p, k, _ in circles) == [(k, k) for k in range(4)]
    for _, k, label in circles:
        assert html.unescape(label) == labels[int(k)]
    numbers = re.findall(r'<text class="txt"[^>]*>(\d+)</text>', dom)
    assert sorted(numbers) == ["0", "1", "2", "3"]
    # the table: most prevalent first, by the tagger's prevalence (as the charts)
    rows = re.findall(r'<tr data-page="(\d+)"[^>]*><td>(\d+)</td><td>[\d.]+%</td><td>(.*?)</td>',
                      dom)
    prevalence = tagger.topic_view().doc_topic.mean(axis=0)
    assert [int(k) for _, k, _ in rows] == list(np.argsort(-prevalence, kind="stable"))
    for p, k, terms in rows:
        assert int(p) == int(k) + 1
        assert html.unescape(terms) == ", ".join(details[int(k)].terms)
    options = re.findall(r'<option value="([1-9]\d*)">(\d+): ', dom)
    assert [k for _, k in options] == [k for _, k, _ in rows]
    # LDAvis's own topic box (its numbering) is hidden; the slider opens at lambda 0.6
    assert re.search(rf'<div style="[^"]*display: none;?[^"]*"><label for="{visid}-topic"', dom)
    assert f'id="{visid}-lambda-value">0.6<' in dom
    assert card(dom, visid)[0] is None  # nothing selected yet


def test_selected_topic_is_named_by_the_models_number_beside_the_map(tagger, page):
    # LDAvis's address fragment selects its topic 3: model topic 2.
    dom = drawn(dump_dom(f"{page}#topic=3&lambda=0.6&term="))
    visid = visid_of(dom)
    topic, state, text = card(dom, visid)
    assert (topic, state) == ("2", "selected")
    label = tagger.topic_label_details()[2]
    assert text.startswith("Topic 2 (selected;")
    assert "Terms: " + ", ".join(label.terms) in text
    for tag in label.tags:
        assert f"{tag.tag}{'?' if tag.weak else ''} {tag.share:.0%}" in text
    assert "Most Relevant Terms for Topic 2 (" in dom
    assert "for Topic 3 (" not in dom
    assert re.search(r'<tr data-page="3" class="topictags-current"><td>2</td>', dom)


def test_hovered_and_picked_topics(tagger, tmp_path):
    # A notebook output with a driver script: hover over LDAvis's circle 2
    # (model topic 1), then pick LDAvis's topic 4 (model topic 3) in the picker.
    fragment = tagger.show_ldavis().data
    visid = visid_of(fragment)
    hover = (
        f"<script>document.getElementById('{visid}-topic2')"
        ".dispatchEvent(new MouseEvent('mouseover'));</script>"
    )
    path = tmp_path / "hover.html"
    path.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>"
                    f"{fragment}{hover}</body></html>", encoding="utf-8")
    dom = drawn(dump_dom(path))
    topic, state, text = card(dom, visid)
    assert (topic, state) == ("1", "hovered")
    assert "Terms: " + ", ".join(tagger.topic_label_details()[1].terms) in text
    assert "Most Relevant Terms for Topic 1 (" in dom

    pick = (
        f"<script>var p = document.getElementById('{visid}-picker'); p.value = '4';"
        "p.dispatchEvent(new Event('change'));</script>"
    )
    path.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>"
                    f"{fragment}{pick}</body></html>", encoding="utf-8")
    dom = drawn(dump_dom(path))
    assert card(dom, visid)[:2] == ("3", "selected")
    assert "Most Relevant Terms for Topic 3 (" in dom
