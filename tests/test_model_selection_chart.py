"""plot_model_selection draws every measure that select_n_topics reports."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest
from conftest import make_questions
from matplotlib.figure import Figure

from topictags.explore import COHERENCE_MEASURES
from topictags.selection import select_n_topics
from topictags.viz import plot_model_selection

# Columns of select_n_topics that are not measures.
NOT_MEASURES = {"model", "n_topics", "fit_seconds"}


@pytest.fixture(scope="module")
def selection():
    # Every coherence measure, on a 30-question file: the shape a user gets.
    return select_n_topics(
        make_questions(30), "nmf", (2, 3), coherence=COHERENCE_MEASURES,
        random_state=0, n_tags=8, min_df=1, progress=False, top_n=5,
    )


def test_every_measure_of_select_n_topics_gets_a_panel(selection):
    fig = plot_model_selection(selection, fig=Figure())
    titles = [ax.get_title() for ax in fig.axes]
    measures = [c for c in selection.columns if c not in NOT_MEASURES]
    assert set(COHERENCE_MEASURES) <= set(measures)
    # every measure NMF has; perplexity (LDA only, NaN here) gets no empty panel
    assert selection["perplexity"].isna().all()
    assert [t.split(" (")[0] for t in titles] == [m for m in measures if m != "perplexity"]
    assert "c_uci (higher is better)" in titles
    assert "u_mass (higher is better)" in titles
    assert all(t.endswith("is better)") for t in titles)  # a direction for each
