"""Topic labels (issue 11 part 1): relevant terms, then mapped tags, weak ones marked.

On main a label was the top mapped tags only: ``continuous-integration``
labelled most topics of the shared corpus and "file, directory, folder" was
labelled "windows, xcode, linux". Here a label shows the topic's own terms and
marks the tags its evidence does not support.
"""

from __future__ import annotations

import csv
import types

import numpy as np
import pandas as pd
import pytest

import topictags as tt
from topictags.errors import ParameterError
from topictags.tagging._labels import (
    broad_limit,
    label_topics,
    relevant_terms,
    term_relevance,
)

SUBJECTS = {
    "git": "git commit branch merge rebase remote push repository",
    "css": "css margin div float flexbox stylesheet border padding",
    "mysql": "mysql query join select insert table primary index",
    "pandas": "pandas dataframe column groupby series csv rows dtype",
    "docker": "docker container compose volume port dockerfile registry daemon",
    "android": "android activity intent fragment emulator gradle apk manifest",
}
CI = "continuous-integration"


def write_export(path, rows) -> None:
    """A Data Explorer export: ``<a><b>`` tags, ``.000`` dates, HTML bodies, CRLF."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(["Id", "Title", "Body", "Tags", "CreationDate", "Score"])
        for row in rows:
            writer.writerow(row)


def subject_rows(ci_share: dict[str, float], ci_words: dict[str, bool], seed: int = 0):
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(240):
        subject = list(SUBJECTS)[i % len(SUBJECTS)]
        vocab = SUBJECTS[subject].split()
        if ci_words.get(subject):
            vocab = [*vocab, "continuous", "integration", "pipeline"]
        tags = [subject]
        if rng.random() < ci_share.get(subject, 0.0):
            tags.append(CI)
        title = " ".join(rng.choice(vocab, size=6))
        body = f"<p>{' '.join(rng.choice(vocab, size=30))}</p><pre><code>x = 1</code></pre>"
        date = f"2012-0{1 + i % 9}-1{i % 10} 10:0{i % 10}:00.000"
        rows.append([20_000 + i, title, body, "".join(f"<{t}>" for t in tags), date, i % 7])
    return rows


@pytest.fixture(scope="module")
def ci_everywhere(tmp_path_factory):
    """Six subjects; every subject's questions carry continuous-integration 45 % of the time."""
    path = tmp_path_factory.mktemp("ci") / "QueryResults.csv"
    write_export(path, subject_rows(dict.fromkeys(SUBJECTS, 0.45), {}))
    questions = tt.load_questions(path)
    # cooccurrence: a mapping that spreads a frequent tag over topics (the
    # default logistic one learns it as a bias and keeps it off most topics)
    return tt.TopicTagger(
        "nmf", n_topics=6, n_tags=7, min_df=1, mapping="cooccurrence", random_state=0
    ).fit(questions)


def test_a_tag_on_many_topics_is_marked_weak(ci_everywhere):
    details = ci_everywhere.topic_label_details()
    labelled = [lab for lab in details if CI in [t.tag for t in lab.tags]]
    assert len(labelled) >= 5  # the case at stake: one tag labels (nearly) every topic
    for label in labelled:
        ci = next(t for t in label.tags if t.tag == CI)
        assert ci.broad and ci.weak and ci.n_topics == len(labelled)
        assert ci.reason.startswith(f"over-broad: it labels {len(labelled)} of 6 topics")
        assert f"{CI}?" in label.text
    # each topic's own subject tag is supported, and its terms are its subject's words
    for label in details:
        subject = label.tags[0].tag
        assert not label.tags[0].weak, label
        assert set(label.terms) <= set(SUBJECTS[subject].split())
        assert label.text.startswith(", ".join(label.terms) + " | " + subject)


def test_the_same_tag_on_one_topic_whose_terms_name_it_is_supported(tmp_path):
    # Control: continuous-integration only on the git questions, which talk about it.
    path = tmp_path / "QueryResults.csv"
    write_export(path, subject_rows({"git": 0.6}, {"git": True}))
    tagger = tt.TopicTagger("nmf", n_topics=6, n_tags=7, min_df=1, random_state=0).fit(
        tt.load_questions(path)
    )
    details = tagger.topic_label_details()
    git = next(lab for lab in details if lab.tags and lab.tags[0].tag == "git")
    ci = next(t for t in git.tags if t.tag == CI)
    assert not ci.weak and not ci.broad and ci.term_lift >= 2 and ci.share > 0.4
    assert f"{CI}?" not in git.text and CI in git.text


def test_labels_come_from_topic_view_of_a_reduced_tagger(ci_everywhere):
    reduced = ci_everywhere.reduce_topics(2)
    labels = reduced.topic_labels()
    assert len(labels) == 2
    assert [lab.topic for lab in reduced.topic_label_details()] == [0, 1]
    # a group's terms mix its members' subjects
    details = reduced.topic_label_details(n_terms=12)
    members = reduced.topic_view().members
    for label, fine in zip(details, members, strict=True):
        fine_subjects = {ci_everywhere.topic_label_details()[k].tags[0].tag for k in fine}
        words = set().union(*(SUBJECTS[s].split() for s in fine_subjects))
        assert set(label.terms) <= words


# -- the rule on arrays ---------------------------------------------------------------
class ArrayTagger:
    """A fitted tagger reduced to what label_topics reads, with arrays chosen by hand."""

    def __init__(self, components, doc_topic, topic_tag, vocab, tags, frequency, doc_tags):
        self.model_ = types.SimpleNamespace(feature_names_=np.array(vocab))
        self.tags_ = np.array(tags)
        self.term_frequency_ = np.asarray(frequency, dtype=float)
        self.train_questions_ = pd.DataFrame({"tags": doc_tags})
        self.doc_lengths_ = np.full(len(doc_tags), 10)
        self._view = types.SimpleNamespace(
            components=np.asarray(components, dtype=float),
            doc_topic=np.asarray(doc_topic, dtype=float),
            topic_tag=np.asarray(topic_tag, dtype=float),
        )

    def check_is_fitted(self):
        pass

    def topic_view(self):
        return self._view

    def _tag_terms(self, tag):
        return tag.split("-")

    def binarize(self, tag_lists):
        index = {t: j for j, t in enumerate(self.tags_)}
        out = np.zeros((len(tag_lists), len(self.tags_)))
        for i, tags in enumerate(tag_lists):
            for t in tags:
                if t in index:
                    out[i, index[t]] = 1
        return out


@pytest.fixture
def file_topic():
    vocab = ["file", "directory", "folder", "windows", "value", "return", "python"]
    frequency = [100, 40, 30, 50, 200, 200, 80]
    components = [
        [0.50, 0.25, 0.20, 0.001, 0.02, 0.02, 0.009],  # topic 0: files
        [0.01, 0.01, 0.01, 0.01, 0.45, 0.45, 0.06],  # topic 1: generic words
    ]
    # docs 0-9 are topic 0, docs 10-19 topic 1
    doc_topic = [[1.0, 0.0]] * 10 + [[0.0, 1.0]] * 10
    doc_tags = [[] for _ in range(20)]
    for d in (0, 10, 11):
        doc_tags[d].append("windows")  # 10 % of the file questions, 15 % of all
    for d in (*range(7), 12):
        doc_tags[d].append("python")  # 70 % of the file questions, 40 % of all
    tags = ["windows", "python", "directory"]
    topic_tag = [[0.9, 0.5, 0.3], [0.4, 0.3, -0.2]]
    return ArrayTagger(components, doc_topic, topic_tag, vocab, tags, frequency, doc_tags)


def test_rule_on_hand_made_arrays(file_topic):
    file_label, generic = label_topics(file_topic)
    assert file_label.terms == ("file", "directory", "folder")
    windows, python, directory = file_label.tags
    # not named by the terms, carried by few of the topic's questions: weak
    assert windows.weak and not windows.broad and windows.share == pytest.approx(0.1)
    assert "odds ratio 0.6" in windows.reason and "use its name 0.0x" in windows.reason
    # not named by the terms, but 70 % of its questions against 40 %: odds ratio 3.5
    assert not python.weak and python.share == pytest.approx(0.7)
    # never on a question, but the terms name it
    assert not directory.weak and directory.share == 0 and directory.term_lift >= 2
    assert file_label.text == "file, directory, folder | windows?, python, directory"
    assert file_label.tags_text == "windows? 10%, python 70%, directory 0%"
    # the generic topic: two positive tags, both weak; directory's weight is negative
    assert [t.tag for t in generic.tags] == ["windows", "python"]
    assert generic.weak and generic.text.endswith("| windows?, python? (weak)")
    assert generic.prevalence == pytest.approx(0.5)


def test_a_topic_without_positive_tags_says_no_tag(file_topic):
    file_topic._view.topic_tag = -np.abs(file_topic._view.topic_tag)
    assert [lab.text.split(" | ")[1] for lab in label_topics(file_topic)] == ["no tag"] * 2


def test_as_dict_is_plain_json(file_topic):
    import json

    data = [lab.as_dict() for lab in label_topics(file_topic)]
    json.dumps(data, allow_nan=False)  # NaN lifts became None
    assert data[0]["label"] == "file, directory, folder | windows?, python, directory"
    assert data[0]["tags"][0]["weak"] is True and data[0]["tags"][0]["reason"]


def test_broad_limit_is_twice_the_even_share_and_at_least_three():
    assert broad_limit(40, 3, 50) == pytest.approx(4.8)
    assert broad_limit(150, 3, 50) == pytest.approx(18.0)
    assert broad_limit(6, 3, 50) == 3.0


def test_relevance_is_pyldavis_relevance():
    # Sievert & Shirley (2014): lambda log p(w|k) + (1 - lambda) log(p(w|k) / p(w))
    rng = np.random.default_rng(0)
    topic_term = rng.random((3, 6))
    frequency = rng.integers(1, 50, size=6)
    phi = topic_term / topic_term.sum(axis=1, keepdims=True)
    p_w = frequency / frequency.sum()
    expected = 0.6 * np.log(phi) + 0.4 * np.log(phi / p_w)
    np.testing.assert_allclose(term_relevance(topic_term, frequency), expected, rtol=1e-6)
    assert relevant_terms(topic_term, frequency, 2).tolist() == np.argsort(
        -expected, axis=1, kind="stable"
    )[:, :2].tolist()


def test_relevance_matches_the_pyldavis_page_terms(ci_everywhere):
    # The label's terms are the first terms pyLDAvis lists for the topic at lambda=0.6.
    prepared = ci_everywhere.to_ldavis(R=10)
    info = prepared.topic_info
    for label in ci_everywhere.topic_label_details():
        rows = info[info["Category"] == f"Topic{label.topic + 1}"].copy()
        rows["relevance"] = 0.6 * rows["logprob"] + 0.4 * rows["loglift"]
        top = rows.sort_values("relevance", ascending=False)["Term"].tolist()[:3]
        assert list(label.terms) == top


@pytest.mark.parametrize("bad", [-0.1, 1.5, "0.6", True])
def test_lambda_is_checked(file_topic, bad):
    with pytest.raises(ParameterError, match="lambda_"):
        label_topics(file_topic, lambda_=bad)
