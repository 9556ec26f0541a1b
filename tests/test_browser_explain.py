"""The topic browser explains a typed question as suggest_tags(explain=True) does (issue 11 part 5).

On main the browser's question pane listed the suggested tags and their
scores only; now each tag comes with the topics that carried it, the
question's terms behind them and the warnings, in the widget and in its
static copy (what an exported notebook shows).
"""

from __future__ import annotations

import pytest
from test_insights import engineered_rows, write_export

import topictags as tt

pytest.importorskip("ipywidgets")

EVIL = "<img src=x onerror=alert(1)> git rebase commit"


@pytest.fixture(scope="module")
def tagger(tmp_path_factory):
    path = tmp_path_factory.mktemp("browser") / "QueryResults.csv"
    write_export(path, engineered_rows(seed=1))
    questions = tt.load_questions(path)
    return tt.TopicTagger("nmf", n_topics=6, n_tags=8, min_df=1, view_topics=None,
                          random_state=0).fit(questions)


def test_a_typed_question_is_explained(tagger):
    _, _, text, pane = tagger.topic_browser().children
    question = "How do I rebase a branch before I push the commit to the remote?"
    text.value = question
    explanation = tagger.suggest_tags(question, k=5, explain=True)
    html = pane.value
    assert "Suggested tags, and why" in html
    assert "topic that carried it" in html and "question terms behind the topic" in html
    labels = tagger.topic_labels()
    for tag in explanation.tags:
        assert f">{tag.tag}</td>" in html
        assert f"{tag.score:.3f} (logit {tag.logit:+.2f}" in html  # the default mapping
        for topic in tag.topics:
            assert f"{topic.view_topic}: {labels[topic.view_topic]}" in html
            assert f"{topic.contribution:+.3g}" in html
            assert ", ".join(t for t, _ in topic.terms) in html
    assert "sigmoid of topics + bias" in html
    assert "fine topic" not in html  # the browser shows the fine topics themselves


def test_little_evidence_is_said(tagger):
    _, _, text, pane = tagger.topic_browser().children
    text.value = "git"
    assert "little evidence" in pane.value and "⚠" in pane.value


def test_a_reduced_tagger_numbers_topics_as_its_groups(tagger):
    reduced = tagger.reduce_topics(3)
    _, _, text, pane = reduced.topic_browser().children
    text.value = "rebase the branch and push the commit"
    explanation = reduced.suggest_tags(text.value, k=5, explain=True)
    labels = reduced.topic_labels()
    first = explanation.tags[0].topics[0]
    assert f"{first.view_topic}: {labels[first.view_topic]} (fine topic {first.topic}: " \
        in pane.value


def test_the_static_copy_carries_the_typed_question(tagger):
    browser = tagger.topic_browser()
    assert "Question:" not in browser._repr_mimebundle_()["text/html"]
    browser.children[2].value = "rebase a branch onto the remote"
    static = browser._repr_mimebundle_()["text/html"]
    assert "Question: rebase a branch onto the remote" in static
    assert "Suggested tags, and why" in static and "<script" not in static


def test_hostile_text_stays_text(tagger):
    browser = tagger.topic_browser()
    browser.children[2].value = EVIL
    static = browser._repr_mimebundle_()["text/html"]
    for html in (browser.children[3].value, static):
        assert "<img" not in html
    assert "&lt;img src=x" in static
