"""tag_insights and find_topics (issue 11 part 10) on an export engineered to hold each finding.

Six subjects in a Data Explorer export (``<a><b>`` tags, ``.000`` dates, HTML
bodies with code, CRLF): questions on Rails are tagged ``ruby-on-rails``,
``ruby-on-rails-3`` or both (a synonym pair); questions on Excel carry no
candidate tag (a gap in the tag set); every other question of the four other
subjects and of Rails carries ``continuous-integration`` (an over-broad tag).
"""

from __future__ import annotations

import csv
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

import topictags as tt
from topictags.errors import (
    InputTextError,
    InputTextWarning,
    NotFittedError,
    ParameterError,
)
from topictags.tagging import TagInsights, find_topics, tag_insights
from topictags.tagging._insights import (
    effective_topics,
    excess_profiles,
    hellinger_distances,
    tag_profiles,
    topics_holding,
)

SUBJECTS = {
    "git": "git commit branch merge rebase remote push repository",
    "css": "css margin div float flexbox stylesheet border padding",
    "mysql": "mysql query join select insert table primary index",
    "android": "android activity intent fragment emulator gradle apk manifest",
    "rails": "ruby rails activerecord migration gem bundler rake scaffold",
    "excel": "spreadsheet workbook cell formula vba macro pivot worksheet",
}
CI = "continuous-integration"
RAILS = ("ruby-on-rails", "ruby-on-rails-3")


def write_export(path, rows) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(["Id", "Title", "Body", "Tags", "CreationDate", "Score"])
        writer.writerows(rows)


def engineered_rows(seed: int = 0) -> list[list]:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(300):
        subject = list(SUBJECTS)[i % len(SUBJECTS)]
        vocab = SUBJECTS[subject].split()
        n = i // len(SUBJECTS)  # the question's number within its subject
        if subject == "excel":
            # no candidate tag: untagged, or a tag no other question has
            tags = [] if n % 2 else [f"excel-macro-{n}"]
        elif subject == "rails":
            tags = [[RAILS[0]], [RAILS[1]], list(RAILS)][n % 3]
        else:
            tags = [subject]
        if subject != "excel" and n % 2 == 0:
            tags.append(CI)
        title = " ".join(rng.choice(vocab, size=6))
        body = f"<p>{' '.join(rng.choice(vocab, size=30))}</p><pre><code>x = 1</code></pre>"
        date = f"2012-0{1 + i % 9}-1{i % 10} 10:0{i % 10}:00.000"
        rows.append([30_000 + i, title, body, "".join(f"<{t}>" for t in tags), date, i % 7])
    return rows


@pytest.fixture(scope="module")
def questions(tmp_path_factory):
    path = tmp_path_factory.mktemp("insights") / "QueryResults.csv"
    write_export(path, engineered_rows())
    return tt.load_questions(path)


@pytest.fixture(scope="module")
def tagger(questions):
    # the default mapping (logistic); the fine topics are shown as they are
    return tt.TopicTagger("nmf", n_topics=6, n_tags=8, min_df=1, view_topics=None,
                          random_state=0).fit(questions)


@pytest.fixture(scope="module")
def insights(tagger):
    return tagger.tag_insights()


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_the_synonym_pair_is_the_only_candidate_merge(insights):
    assert isinstance(insights, TagInsights)
    pairs = [tuple(sorted((r.tag_a, r.tag_b))) for r in insights.synonyms.itertuples()]
    assert pairs == [tuple(sorted(RAILS))]
    row = insights.synonyms.iloc[0]
    assert row["distance"] <= insights.max_distance == 0.1
    assert row["similarity"] == pytest.approx(1 - row["distance"])
    # 50 Rails questions: a third each rails, rails-3, both
    assert (row["n_a"], row["n_b"], row["n_both"]) == (33, 33, 16)
    # every other pair is far apart: different subjects
    others = insights.pairs[~insights.pairs["candidate"]]
    assert (others["distance"] > 0.3).all()


def test_the_excel_topic_is_a_gap_named_by_its_terms(insights):
    gaps = insights.gaps
    assert len(gaps) == 1
    gap = gaps.iloc[0]
    assert gap["untagged_share"] > 0.9
    assert set(gap["new_tag_terms"]) <= set(SUBJECTS["excel"].split())
    assert len(gap["new_tag_terms"]) == 5
    assert "carry no candidate tag" in gap["reason"]
    assert gap["prevalence"] == pytest.approx(1 / 6, abs=0.05)
    # the topics of tagged subjects are covered
    covered = insights.coverage[~insights.coverage["gap"]]
    assert len(covered) == 5 and (covered["untagged_share"] < 0.2).all()


def test_the_tag_on_every_subject_is_over_broad(insights):
    assert insights.broad["tag"].tolist() == [CI]
    spread = insights.spread.set_index("tag")
    assert spread.loc[CI, "effective_topics"] > insights.broad_limit >= 3
    assert spread.loc[CI, "n_topics"] >= 4  # 80 % of its excess needs most subjects
    for tag in ("git", "css", "mysql", "android"):
        assert spread.loc[tag, "effective_topics"] < 1.5


def test_insights_table_summary_and_json(insights):
    table = insights.table()
    assert table["kind"].tolist() == ["synonym", "gap", "broad"]
    assert table.loc[2, "subject"] == CI
    text = str(insights)
    assert "1 candidate merge(s), 1 gap topic(s), 1 over-broad tag(s)" in text
    assert repr(insights) == ("<TagInsights of nmf-6-logistic: 1 candidate merge(s), "
                              "1 gap topic(s), 1 over-broad tag(s)>")
    assert "<table" in insights._repr_html_()
    import json

    data = json.loads(json.dumps(insights.to_dict()))
    assert data["broad"][0]["tag"] == CI and data["n_shown_topics"] == 6


def test_the_function_and_the_method_agree(tagger, insights):
    again = tag_insights(tagger)
    pd.testing.assert_frame_equal(again.pairs, insights.pairs)
    pd.testing.assert_frame_equal(again.spread, insights.spread)
    assert tt.tag_insights is tag_insights and tt.find_topics is find_topics


def test_merges_do_not_depend_on_the_mapping(tagger, insights):
    # profiles come from cooccurrence_, fitted whatever the mapping
    for mapping in ("cooccurrence", "lexical"):
        other = tagger.with_mapping(mapping).tag_insights()
        pd.testing.assert_frame_equal(other.pairs, insights.pairs)
        pd.testing.assert_frame_equal(other.spread[["tag", "effective_topics"]],
                                      insights.spread[["tag", "effective_topics"]])


def test_find_topics_returns_the_topic_of_a_term(tagger):
    found = tagger.find_topics("rebase", k=3)
    assert found.columns.tolist() == ["topic", "weight", "label"]
    git_topic = int(found.loc[0, "topic"])
    assert "git" in tagger.topic_label_details()[git_topic].terms or \
        tagger.topic_tags(git_topic, 1)[0][0] == "git"
    assert found.loc[0, "weight"] > 0.5
    assert found["weight"].is_monotonic_decreasing and len(found) <= 3
    assert found["label"].tolist() == [tagger.topic_labels()[t] for t in found["topic"]]
    # a question: the Excel topic
    excel = tagger.find_topics("How do I write a VBA macro to sum a workbook cell?", k=1)
    excel_topic = int(excel.loc[0, "topic"])
    assert "spreadsheet" in dict(tagger.topic_terms(excel_topic, 8))


def test_find_topics_shows_the_groups_of_a_reduced_tagger(tagger):
    reduced = tagger.reduce_topics(3)
    found = reduced.find_topics("rebase the branch", k=5)
    assert found["topic"].between(0, 2).all() and len(found) <= 3
    assert found["label"].tolist() == [reduced.topic_labels()[t] for t in found["topic"]]
    assert found["weight"].sum() == pytest.approx(1.0, abs=1e-6)
    assert len(reduced.tag_insights().coverage) == 3


def test_find_topics_without_a_known_term_warns_and_is_empty(tagger):
    with pytest.warns(InputTextWarning, match="vocabulary") as record:
        found = tagger.find_topics("kubernetes helm")
    assert found.empty and found.columns.tolist() == ["topic", "weight", "label"]
    assert "kubernetes" in str(record[0].message) and "topics()" in str(record[0].message)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tagger.find_topics("git")  # a known term: no warning


def test_bad_input_is_refused_with_a_way_out(tagger, questions):
    with pytest.raises(InputTextError, match="once per query"):
        tagger.find_topics(["git", "css"])
    with pytest.raises(ParameterError, match="k"):
        tagger.find_topics("git", k=0)
    with pytest.raises(ParameterError, match="max_distance"):
        tagger.tag_insights(max_distance=1.5)
    with pytest.raises(ParameterError, match="min_prevalence"):
        tag_insights(tagger, min_prevalence=-0.1)
    unfitted = tt.TopicTagger("nmf", n_topics=6)
    with pytest.raises(NotFittedError):
        unfitted.tag_insights()
    with pytest.raises(NotFittedError):
        find_topics(unfitted, "git")


def test_the_chart_has_three_titled_panels_inside_the_canvas(insights, tmp_path):
    from test_charts import _text_outside

    fig = insights.plot()
    assert isinstance(fig, Figure) and len(fig.axes) == 3
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert titles[0].startswith("(a) Candidate merges: 1 pair")
    assert titles[1].startswith("(b) Gaps") and titles[2].startswith("(c) Over-broad tags: 1")
    assert all(ax.get_xlabel() and ax.get_ylabel() for ax in fig.axes)
    assert fig.get_layout_engine() is not None
    # one bar per pair drawn, the candidate in the first row
    assert len(fig.axes[0].patches) == min(12, len(insights.pairs))
    assert len(fig.axes[1].patches) == 1
    assert _text_outside(fig) == []
    fig.savefig(tmp_path / "insights.png")
    assert (tmp_path / "insights.png").read_bytes()[:4] == b"\x89PNG"


def test_the_chart_says_when_there_is_no_gap(insights):
    coverage = insights.coverage.assign(gap=False)
    from topictags.viz import plot_tag_insights

    fig = plot_tag_insights(insights.pairs, coverage, insights.spread, max_distance=0.1,
                            broad_limit=3.0)
    assert "no gap" in " ".join(t.get_text() for t in fig.axes[1].texts)
    with pytest.raises(ParameterError, match="pairs"):
        plot_tag_insights(insights.pairs.drop(columns="noise"), coverage, insights.spread,
                          max_distance=0.1, broad_limit=3.0)


def test_array_functions():
    # P(k | t) from P(t | k) and topic masses; the lift constant cancels
    C = np.array([[0.9, 0.1], [0.1, 0.1]])
    mass = np.array([10.0, 30.0])
    profiles = tag_profiles(C, mass)
    np.testing.assert_allclose(profiles, tag_profiles(C / np.array([4.0, 0.5]), mass))
    np.testing.assert_allclose(profiles[0], [9 / 12, 3 / 12])
    D = hellinger_distances([[0.5, 0.5], [0.5, 0.5], [1.0, 0.0]])
    assert D[0, 1] == pytest.approx(0.0, abs=1e-7)
    assert D[0, 2] == pytest.approx(np.sqrt(1 - np.sqrt(0.5)))
    np.testing.assert_allclose(excess_profiles([[0.25, 0.25, 0.5]], [0.25, 0.25, 0.5]),
                               [[1 / 3, 1 / 3, 1 / 3]])  # no excess: nothing singled out
    assert effective_topics([[0.5, 0.5, 0.0]])[0] == pytest.approx(2.0)
    assert topics_holding([[0.7, 0.2, 0.1]], 0.8)[0] == 2
    with pytest.raises(ParameterError):
        tag_profiles(C, [1.0])


def test_cli_insights_prints_the_findings_and_draws_the_chart(tagger, tmp_path, capsys):
    import json

    from topictags.cli import main

    model = tagger.save(tmp_path / "model.topictags")
    chart = tmp_path / "insights.png"
    assert main(["insights", "--model", str(model), "--chart", str(chart)]) == 0
    out = capsys.readouterr().out
    assert "ruby-on-rails / ruby-on-rails-3" in out and CI in out
    assert chart.read_bytes()[:4] == b"\x89PNG"
    before = chart.read_bytes()
    assert main(["insights", "--model", str(model), "--chart", str(chart)]) == 1
    assert "--force" in capsys.readouterr().err and chart.read_bytes() == before
    assert main(["insights", "--model", str(model), "--json", "--max-distance", "0.05"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["max_distance"] == 0.05 and data["broad"][0]["tag"] == CI
    assert [(s["tag_a"], s["tag_b"]) for s in data["synonyms"]] == [RAILS]
    assert main(["insights", "--model", str(model), "--max-distance", "2"]) == 1
    assert "max_distance" in capsys.readouterr().err


def test_lda_finds_the_same_pair_and_gap(questions):
    lda = tt.TopicTagger("lda", n_topics=6, n_tags=8, min_df=1, view_topics=None,
                         max_iter=20, random_state=0).fit(questions)
    insights = lda.tag_insights()
    pairs = {tuple(sorted((r.tag_a, r.tag_b))): r for r in insights.synonyms.itertuples()}
    assert tuple(sorted(RAILS)) in pairs
    assert len(insights.gaps) == 1 and insights.gaps.loc[0, "untagged_share"] > 0.8
    # LDA's six topics put git and Rails questions in one topic: their tags'
    # profiles meet although no question has both, and the table says so
    table = insights.table().set_index("subject")
    for row in pairs.values():
        detail = table.loc[f"{row.tag_a} / {row.tag_b}", "detail"]
        assert ("no question has both" in detail) == (row.n_both == 0)
    assert any(row.n_both == 0 for row in pairs.values())
