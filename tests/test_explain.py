"""Explained suggestions (issue 11 part 5): suggest_tags(..., explain=True).

Fitted on the 30-question Data Explorer export (tests/small_export.py), loaded
as a user loads it, with 4 topics and 10 candidate tags: ``docker`` (on 2 of
the 30 questions) is then a training tag but not a candidate, as ``docker``
was on the real corpus.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from small_export import write_data_explorer_csv

import topictags as tt
from topictags.errors import ParameterError
from topictags.tagging import Explanation, topic_contributions
from topictags.tagging._explain import named_tags

K = 4
N_TAGS = 10
DOCKER = "Docker container cannot connect to localhost"
QUESTIONS = [
    "How do I merge two pandas DataFrames on a column?",
    "jQuery ajax callback returns undefined",
    "Git push rejected after a rebase",
    "MySQL query with three joins is slow",
    DOCKER,
]
MAPPINGS = ["logistic", "blend", "cooccurrence", "lexical"]


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    path = write_data_explorer_csv(tmp_path_factory.mktemp("export") / "QueryResults.csv")
    return tt.load_questions(path)


@pytest.fixture(scope="module")
def taggers(export):
    logistic = tt.TopicTagger("nmf", n_topics=K, n_tags=N_TAGS, random_state=0).fit(export)
    assert logistic.mapping_ == "logistic"
    return {m: logistic if m == "logistic" else logistic.with_mapping(m) for m in MAPPINGS}


@pytest.fixture(scope="module", params=MAPPINGS)
def tagger(request, taggers):
    return taggers[request.param]


def test_same_tags_and_scores_as_suggest_tags(tagger):
    tags, scores = tagger.suggest_tags(QUESTIONS, k=3, return_scores=True)
    explained = tagger.suggest_tags(QUESTIONS, k=3, explain=True)
    assert all(isinstance(e, Explanation) for e in explained)
    assert [[t.tag for t in e.tags] for e in explained] == tags
    assert [[t.score for t in e.tags] for e in explained] == scores


def test_contributions_add_up_to_the_score_or_its_logit(tagger):
    for explanation in tagger.explain_tags(QUESTIONS, k=3, n_topics=2):
        for tag in explanation.tags:
            total = math.fsum(t.contribution for t in tag.topics) + tag.other
            if tagger.mapping_ == "logistic":
                assert tag.logit == pytest.approx(total + tag.bias, abs=1e-9)
                assert tag.score == pytest.approx(1 / (1 + math.exp(-tag.logit)), rel=1e-9)
            else:
                assert tag.bias is None and tag.logit is None
                assert tag.score == pytest.approx(total, abs=1e-12)
            assert len(tag.topics) <= 2
            assert all(t.contribution > 0 for t in tag.topics)
            contributions = [t.contribution for t in tag.topics]
            assert contributions == sorted(contributions, reverse=True)


def test_each_contribution_is_the_topic_share_times_the_mapping(tagger):
    theta = tagger.transform(QUESTIONS)
    tag_index = {t: j for j, t in enumerate(tagger.tags_)}
    for i, explanation in enumerate(tagger.explain_tags(QUESTIONS, k=3, n_topics=K)):
        for tag in explanation.tags:
            t = tag_index[tag.tag]
            for topic in tag.topics:
                k = topic.topic
                share = math.sqrt(theta[i, k]) if tagger.mapping_ == "logistic" else theta[i, k]
                assert topic.contribution == pytest.approx(share * tagger.topic_tag_[k, t])
                assert topic.share == pytest.approx(theta[i, k])
            if tagger.mapping_ == "logistic":
                assert tag.bias == tagger.logistic_[1][t]
            # every topic listed: nothing left over but the negative parts
            assert tag.other <= 1e-12


def test_topic_contributions_function_on_known_numbers():
    theta = np.array([[0.25, 0.75], [0.0, 0.0]])
    M = np.array([[2.0, 0.0], [1.0, 4.0]])
    parts, totals = topic_contributions(theta, M)
    np.testing.assert_allclose(parts[0], [[0.5, 0.0], [0.75, 3.0]])
    np.testing.assert_allclose(totals, [[1.25, 3.0], [0.0, 0.0]])
    parts, totals = topic_contributions(theta, M, intercept=np.array([-1.0, 0.5]))
    np.testing.assert_allclose(parts[0], [[1.0, 0.0], [math.sqrt(0.75), 4 * math.sqrt(0.75)]])
    np.testing.assert_allclose(totals[1], [-1.0, 0.5])  # no evidence: the biases alone
    _, plain = topic_contributions(theta, M, intercept=np.zeros(2), features="plain")
    np.testing.assert_allclose(plain[0], [1.25, 3.0])


def test_the_terms_that_drove_a_topic(taggers):
    tagger = taggers["logistic"]
    model = tagger.model_
    X = model.vectorize(tagger.documents([QUESTIONS[0]])).toarray()[0]
    phi = model.components_ / model.components_.sum(axis=1, keepdims=True)
    names = list(model.feature_names_)
    explanation = tagger.explain_tags(QUESTIONS[0], k=1, n_terms=2)
    assert explanation.tags and explanation.tags[0].topics
    for topic in explanation.tags[0].topics:
        drive = X * phi[topic.topic]
        expected = [names[j] for j in np.argsort(-drive, kind="stable")[:2] if drive[j] > 0]
        assert [t for t, _ in topic.terms] == expected
        for term, weight in topic.terms:
            assert weight == pytest.approx(drive[names.index(term)])
    assert "pandas" in explanation.known_terms
    assert set(explanation.known_terms) == {names[j] for j in np.flatnonzero(X)}


def test_a_tag_in_the_question_that_is_not_a_candidate_is_named(taggers, export):
    tagger = taggers["logistic"]
    assert "docker" not in tagger.tags_
    assert sum("docker" in tags for tags in export["tags"]) == 2
    explanation = tagger.suggest_tags(DOCKER, explain=True)
    assert explanation.not_candidates == [("docker", 2)]
    assert explanation.n_candidates == N_TAGS
    warning = [w for w in explanation.warnings if w.startswith("'docker'")]
    assert warning and "not among the 10 candidate tags" in warning[0]
    assert "n_tags" in warning[0]  # the way out
    assert "docker" not in [t.tag for t in explanation.tags]
    # "localhost" and "connect" are no training tag: not reported


def test_a_candidate_tag_is_not_reported(export):
    wide = tt.TopicTagger("nmf", n_topics=K, n_tags=200, random_state=0).fit(export)
    assert "docker" in wide.tags_
    assert wide.explain_tags(DOCKER).not_candidates == []


def test_only_words_that_name_a_tag_are_reported(taggers, export):
    tagger = taggers["logistic"]
    # "insert" and "email" are tags of one training question each: a word, not yet a tag name
    for word in ("insert", "email"):
        assert sum(word in tags for tags in export["tags"]) == 1 and word not in tagger.tags_
    explanation = tagger.explain_tags("<p>Insert an email into a docker-compose file</p>")
    assert explanation.not_candidates == []
    # the word is found in the body's raw text, markup removed
    assert tagger.explain_tags("<p>Run it in <b>Docker</b></p>").not_candidates == [("docker", 2)]
    # ... but not in a code block, and with a title, in the title only (as named_tags measures)
    assert tagger.explain_tags("<p>Run it</p><pre><code>docker run x</code></pre>").not_candidates \
        == []
    frame = pd.DataFrame({"title": ["Run it in a container", "Docker run exits"],
                          "body": ["<p>with docker</p>", "<p>at once</p>"]})
    assert [e.not_candidates for e in tagger.explain_tags(frame)] == [[], [("docker", 2)]]


def test_named_tags_need_the_titles_that_say_them_to_carry_them():
    titles = ["Docker run exits", "Docker volume", "Docker and me", "Docker again",
              "Upload with curl", "Join with SQL", "With or without", "Sort with awk"]
    tags = [["docker"], ["docker"], ["python"], ["go"],
            ["curl", "with"], ["sql", "with"], ["c"], ["awk"]]
    # "docker" and "with": 2 of the 4 titles that say each carry it (half: the least that counts)
    assert named_tags(titles, tags) == {"docker": 2, "with": 2}
    assert named_tags(titles, tags, min_rate=0.6) == {}
    assert named_tags(titles, tags, min_mentions=3) == {}
    assert named_tags(titles, tags, min_mentions=1) == {
        "docker": 2, "with": 2, "curl": 1, "sql": 1, "awk": 1
    }


def test_little_evidence_is_flagged(taggers):
    tagger = taggers["logistic"]
    full = tagger.explain_tags(QUESTIONS[0])
    assert len(full.known_terms) >= 3 and not full.low_evidence
    assert not any("evidence" in w for w in full.warnings)
    short = tagger.explain_tags("pandas zzzz")
    assert short.known_terms == ["pandas"] and short.low_evidence
    assert any("little evidence: only 1 known term (pandas)" in w for w in short.warnings)
    assert short.tags  # still suggested, but flagged
    assert not tagger.explain_tags("pandas zzzz", min_known_terms=1).low_evidence
    assert tagger.explain_tags(QUESTIONS[0], min_known_terms=100).low_evidence
    nothing = tagger.explain_tags("zzzz qqqq")
    assert nothing.known_terms == [] and nothing.low_evidence and nothing.tags == []
    assert any(w.startswith("no known term") for w in nothing.warnings)


def assert_same(a, b):
    """Equal structures (tags, topics, terms, warnings); floats equal to the
    NMF solver's precision: its coordinate descent stops on a criterion over
    the whole batch (as NMF.transform's), so a question's mixture in a batch
    and alone can differ in the 6th digit (seen: 1.2e-6 relative), in
    suggest_tags too; a matrix product's last bit depends on the batch's shape."""
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        for key in a:
            assert_same(a[key], b[key])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            assert_same(x, y)
    elif isinstance(a, float):
        assert a == pytest.approx(b, rel=1e-5, abs=1e-9)
    else:
        assert a == b


def test_batch_equals_single(tagger):
    batch = tagger.suggest_tags(QUESTIONS, k=2, explain=True)
    assert_same([e.to_dict() for e in batch],
                [tagger.suggest_tags(q, k=2, explain=True).to_dict() for q in QUESTIONS])
    frame = pd.DataFrame({"Title": ["Merge pandas DataFrames", ""],
                          "Body": ["<p>on a <code>column</code></p>", "Git push rejected"]})
    rows = tagger.explain_tags(frame, k=2)
    assert rows[0].text == "Merge pandas DataFrames - on a column"
    assert [t.tag for t in rows[0].tags] == tagger.suggest_tags(frame, k=2)[0]
    assert_same(rows[1].to_dict(), tagger.explain_tags("Git push rejected", k=2).to_dict())


def test_threshold_and_k_as_in_suggest_tags(tagger):
    scores = tagger.decision_function([QUESTIONS[0]])[0]
    cut = float(np.sort(scores)[-2])  # exactly two tags reach it
    explained = tagger.explain_tags(QUESTIONS[0], k=None, threshold=cut)
    assert [t.tag for t in explained.tags] == tagger.suggest_tags(
        QUESTIONS[0], k=None, threshold=cut
    )
    assert len(explained.tags) == 2


def test_a_reduced_tagger_explains_alike_and_names_the_shown_topic(taggers):
    tagger = taggers["logistic"]
    reduced = tagger.reduce_topics(2)
    fine = tagger.explain_tags(QUESTIONS[0])
    shown = reduced.explain_tags(QUESTIONS[0])
    for a, b in zip(fine.tags, shown.tags):
        assert (a.tag, a.score) == (b.tag, b.score)
        for x, y in zip(a.topics, b.topics):
            assert x.topic == y.topic and x.view_topic == x.topic
            assert y.view_topic == reduced.groups_[y.topic]


def test_readable_text_html_and_json(taggers):
    tagger = taggers["logistic"]
    explanation = tagger.explain_tags(DOCKER)
    text = str(explanation)
    assert text.splitlines()[0] == DOCKER
    assert "'docker' (2 training questions)" in text
    first = explanation.tags[0]
    assert f"{first.tag}  {first.score:.3f} = sigmoid(" in text
    assert f"topic {first.topics[0].topic} (" in text
    record = json.loads(json.dumps(explanation.to_dict()))
    assert record["not_candidates"] == [{"tag": "docker", "count": 2}]
    assert record["tags"][0]["tag"] == first.tag
    assert record["tags"][0]["topics"][0]["terms"][0]["term"] == first.topics[0].terms[0][0]
    assert record["warnings"] == explanation.warnings
    hostile = tagger.explain_tags("<script>alert(1)</script> pandas merge column")
    page = hostile._repr_html_()
    assert "<script>" not in page and "alert(1)" in page and "<table>" in page
    one = tagger.explain_tags(QUESTIONS[0], n_topics=1).tags[0]
    assert abs(one.other) >= 5e-4  # the rest is shown, so the column adds up
    shown = tagger.explain_tags(QUESTIONS[0], n_topics=1)
    assert f"{one.other:+.3g}  other topics" in str(shown)
    assert f"<td><i>other topics</i></td><td>{one.other:+.3g}</td>" in shown._repr_html_()
    blend = taggers["blend"].explain_tags(QUESTIONS[0])
    assert "(sum of the topics' contributions)" in str(blend)


def test_wrong_arguments_say_the_way_out(taggers):
    tagger = taggers["logistic"]
    with pytest.raises(ParameterError, match="drop return_scores"):
        tagger.suggest_tags(QUESTIONS[0], explain=True, return_scores=True)
    with pytest.raises(ParameterError, match="n_terms"):
        tagger.explain_tags(QUESTIONS[0], n_terms=0)
    with pytest.raises(ParameterError, match="give k, threshold or both"):
        tagger.explain_tags(QUESTIONS[0], k=None)


def test_survives_a_saved_model(taggers, tmp_path):
    tagger = taggers["logistic"]
    tagger.save(tmp_path / "m.topictags")
    loaded = tt.load(tmp_path / "m.topictags")
    assert_same(loaded.explain_tags(DOCKER).to_dict(), tagger.explain_tags(DOCKER).to_dict())
