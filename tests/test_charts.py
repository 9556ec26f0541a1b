"""Charts a user can trust: one kind of result, nothing off the canvas, honest time lines.

Properties of the drawn artists (not pixels): what every ``visualize_*`` returns,
that no text extends past the figure after a plain draw (what ``savefig``
without ``bbox_inches="tight"`` keeps), that lines break at empty or thin
periods, the heatmap's order and colour scale, and which model-selection
panels exist.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from conftest import make_questions
from matplotlib.container import BarContainer
from matplotlib.figure import Figure, SubFigure
from matplotlib.text import Text

import topictags as tt
from topictags.errors import ParameterError
from topictags.viz import (
    plot_comparison,
    plot_model_selection,
    plot_topic_drift,
    plot_topic_prevalence,
    plot_topic_tag_heatmap,
    plot_topic_trend,
)

N_TOPICS = 4
# What labels read like on real data (tags and terms together): long.
LONG = "continuous-integration, jenkins, docker | terms: build, pipeline, deploy, stage, job"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def questions():
    # Weekly questions from 2010 on (about 52 a year), none in 2011: a gap year.
    q = make_questions(225, seed=5)  # to April 2013: a short last year
    q["creation_date"] = pd.Timestamp("2009-01-05 10:31:07") + pd.to_timedelta(
        np.arange(len(q)) * 7, unit="D"
    )
    return q[q["creation_date"].dt.year != 2011].reset_index(drop=True)


@pytest.fixture(scope="module")
def tagger(questions):
    return tt.TopicTagger("nmf", n_topics=N_TOPICS, n_tags=8, min_df=1, random_state=0).fit(
        questions
    )


@pytest.fixture
def long_labels(tagger, monkeypatch):
    labels = [f"{LONG} {k}" for k in range(N_TOPICS)]
    monkeypatch.setattr(type(tagger), "topic_labels", lambda self, n=3: list(labels))
    return labels


def _charts(tagger, questions):
    old = questions[questions["creation_date"] < "2011"]
    new = questions[questions["creation_date"] >= "2011"]
    return {
        "terms": lambda: tagger.visualize_terms(n_terms=6),
        "tag_heatmap": lambda: tagger.visualize_tag_heatmap(n_tags=8),
        "prevalence": lambda: tagger.visualize_prevalence(),
        "over_time": lambda: tagger.visualize_over_time("Y", min_questions=20),
        "over_time_months": lambda: tagger.visualize_over_time("M", min_questions=3, smooth=3),
        "drift": lambda: tagger.visualize_drift(old, new),
    }


CHARTS = ["terms", "tag_heatmap", "prevalence", "over_time", "over_time_months", "drift"]


def _text_outside(fig: Figure) -> list[str]:
    """What reaches past the canvas once the figure is drawn (empty: nothing).

    ``get_tightbbox`` is the box of everything drawn (tick labels of drawn
    ticks only), what ``bbox_inches="tight"`` would grow the image to; a
    plain ``savefig`` cuts whatever lies outside the canvas.
    """
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    drawn = fig.get_tightbbox(renderer)  # inches
    width, height = fig.get_size_inches()
    tol = 1 / fig.dpi
    if (drawn.x0 >= -tol and drawn.y0 >= -tol and drawn.x1 <= width + tol
            and drawn.y1 <= height + tol):
        return []
    canvas = fig.bbox
    texts = []
    for text in fig.findobj(Text):
        if text.get_visible() and text.get_text().strip():
            box = text.get_window_extent(renderer)
            if not (canvas.x0 - 1 <= box.x0 and box.x1 <= canvas.x1 + 1
                    and canvas.y0 - 1 <= box.y0 and box.y1 <= canvas.y1 + 1):
                texts.append(text.get_text())
    return [f"drawn {drawn} beyond {width:.2f} x {height:.2f} in", *texts]


@pytest.mark.parametrize("name", CHARTS)
def test_every_visualize_method_returns_a_figure_that_saves(name, tagger, questions, tmp_path):
    fig = _charts(tagger, questions)[name]()
    assert isinstance(fig, Figure)
    fig.savefig(tmp_path / f"{name}.png")  # visualize_tag_heatmap().savefig failed
    assert (tmp_path / f"{name}.png").read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("name", CHARTS)
def test_visualize_methods_draw_into_a_given_subfigure(name, tagger, questions):
    fig = Figure(layout="constrained")
    left, right = fig.subfigures(1, 2)
    # the same keyword, whatever the chart: an empty figure to draw into
    draw = {
        "terms": lambda f: tagger.visualize_terms(n_terms=6, fig=f),
        "tag_heatmap": lambda f: tagger.visualize_tag_heatmap(n_tags=8, fig=f),
        "prevalence": lambda f: tagger.visualize_prevalence(fig=f),
        "over_time": lambda f: tagger.visualize_over_time("Y", min_questions=20, fig=f),
        "over_time_months": lambda f: tagger.visualize_over_time("M", min_questions=3, fig=f),
        "drift": lambda f: tagger.visualize_drift(questions.iloc[:100], questions.iloc[100:],
                                                  fig=f),
    }[name]
    out = draw(left)
    assert out is left and isinstance(out, SubFigure)
    assert left.axes and not right.axes
    with pytest.raises(ParameterError, match="already has"):
        draw(left)


@pytest.mark.parametrize("name", CHARTS)
def test_no_text_outside_the_canvas_with_long_labels(name, tagger, questions, long_labels):
    fig = _charts(tagger, questions)[name]()
    assert _text_outside(fig) == []


@pytest.mark.parametrize("name", CHARTS)
def test_every_panel_has_a_title_and_axis_labels(name, tagger, questions):
    fig = _charts(tagger, questions)[name]()
    panels = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    twins = {ax for ax in panels if ax.get_shared_x_axes().get_siblings(ax) != [ax]}
    for ax in panels:
        if ax in twins and not ax.get_title():  # the count bars' twin: its own y label
            assert ax.get_ylabel()
            continue
        titled = ax.get_title() or ax.get_title(loc="left") or fig.get_suptitle()
        assert titled, f"{name}: a panel without a title"
        assert ax.get_xlabel() or fig.get_supxlabel(), f"{name}: no x label"
        assert ax.get_ylabel() or fig.get_supylabel(), f"{name}: no y label"


def test_prevalence_note_on_empty_documents_stays_on_the_canvas():
    # The x label grew past a 6-inch figure when documents had no weight.
    doc_topic = np.random.default_rng(0).gamma(0.5, size=(40, 5))
    doc_topic[:3] = 0.0
    ax = plot_topic_prevalence(doc_topic, topic_labels=[LONG] * 5)
    assert "3 document(s) with no weight left out" in ax.get_xlabel()
    assert _text_outside(ax.figure) == []


def test_model_selection_and_comparison_stay_on_the_canvas():
    table = pd.DataFrame({"model": ["nmf-10-blend"] * 3 + ["lda-10-blend"] * 3,
                          "n_topics": [10, 20, 40] * 2,
                          "c_v": [0.5, 0.45, 0.4, 0.4, 0.42, 0.41],
                          "perplexity": [np.nan] * 3 + [900.0, 850.0, 870.0],
                          "jaccard": [0.2, 0.25, 0.28, 0.18, 0.2, 0.21]})
    assert _text_outside(plot_model_selection(table)) == []
    scores = pd.DataFrame({"jaccard": [0.3, 0.2], "precision@k": [0.2, 0.1], "recall@k":
                           [0.4, 0.3], "f1": [0.3, 0.2]},
                          index=["supervised-svm", "nmf-150-logistic-with-a-long-name"])
    assert _text_outside(plot_comparison(scores).figure) == []


# -- over time -------------------------------------------------------------------


def _segments(line) -> list[list[float]]:
    """The runs of finite points a line draws (NaN breaks a matplotlib line)."""
    runs, current = [], []
    for y in np.asarray(line.get_ydata(), dtype=float):
        if np.isfinite(y):
            current.append(y)
        elif current:
            runs.append(current)
            current = []
    return runs + ([current] if current else [])


def test_over_time_breaks_lines_at_an_empty_year(tagger):
    fig = tagger.visualize_over_time("Y", min_questions=20, top=2)
    ax = fig.axes[0]
    years = pd.DatetimeIndex(ax.lines[0].get_xdata()).year.tolist()
    assert years == [2009, 2010, 2011, 2012, 2013]  # 2011 kept as a gap, not skipped
    for line in ax.lines:
        y = np.asarray(line.get_ydata(), dtype=float)
        assert np.isnan(y[2]) and np.isfinite(y[[0, 1, 3]]).all()
        assert len(_segments(line)) == 2  # no line drawn across 2011


def test_over_time_shows_the_questions_per_period_and_hatches_thin_ones(tagger):
    shares = tagger.topic_prevalence_over_time("Y")
    counts = shares.attrs["n_questions"]
    fig = tagger.visualize_over_time("Y", min_questions=20, top=2)
    ax, bars = fig.axes
    assert bars.get_ylabel() == "questions per period"
    heights = [p.get_height() for p in bars.patches]
    assert sorted(heights) == sorted(counts.values())  # a bar per period with questions...
    assert len(heights) == 4  # ...and none for the empty year
    thin = [p for p in bars.patches if p.get_hatch()]
    assert [p.get_height() for p in thin] == [v for v in counts.values() if v < 20]
    assert thin, "the fixture's last year is short: it must be hatched"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "fewer than 20 questions (left out)" in legend


def test_over_time_default_minimum_is_not_one(tagger):
    import inspect

    default = inspect.signature(tagger.visualize_over_time).parameters["min_questions"].default
    assert default >= 30
    with pytest.raises(ParameterError, match="lower min_questions"):
        tagger.visualize_over_time("M")  # about 4 questions a month: no month qualifies


def test_trend_gap_and_minimum_from_the_table_counts():
    index = pd.PeriodIndex(["2009", "2010", "2012", "2013", "2014"], freq="Y", name="period")
    shares = pd.DataFrame({0: [0.2, 0.3, 0.5, 0.4, 0.9], 1: [0.8, 0.7, 0.5, 0.6, 0.1]},
                          index=index)
    shares.attrs["n_questions"] = dict(zip(index, [120, 80, 90, 100, 4]))
    ax = plot_topic_trend(shares, min_questions=30)
    y = np.asarray(ax.lines[0].get_ydata(), dtype=float)
    np.testing.assert_allclose(y, [0.2, 0.3, np.nan, 0.5, 0.4, np.nan])
    assert [len(s) for s in _segments(ax.lines[0])] == [2, 2]
    with pytest.raises(ParameterError, match="needs the questions per period"):
        plot_topic_trend(_no_counts(shares), min_questions=30)
    with pytest.raises(ParameterError, match="no entry for any period"):
        plot_topic_trend(shares, counts={"2009": 120, "2010": 80})  # str keys, not periods


def _no_counts(table: pd.DataFrame) -> pd.DataFrame:
    out = table.copy()
    out.attrs = {}
    return out


def test_trend_smoothing_is_count_weighted_and_never_crosses_a_gap():
    index = pd.PeriodIndex(["2009", "2010", "2011", "2013", "2014"], freq="Y")
    shares = pd.DataFrame({0: [0.0, 0.3, 0.6, 0.9, 0.1]}, index=index)
    counts = dict(zip(index, [100, 100, 200, 50, 150]))
    ax = plot_topic_trend(shares, counts=counts, smooth=3)
    y = np.asarray(ax.lines[0].get_ydata(), dtype=float)
    expected = [
        (0.0 * 100 + 0.3 * 100) / 200,
        (0.0 * 100 + 0.3 * 100 + 0.6 * 200) / 400,
        (0.3 * 100 + 0.6 * 200) / 300,  # 2012 is empty: 2013 is not averaged in
        np.nan,
        (0.9 * 50 + 0.1 * 150) / 200,
        (0.9 * 50 + 0.1 * 150) / 200,
    ]
    np.testing.assert_allclose(y, expected)
    assert "moving average of 3 periods" in ax.get_title()


# -- heatmap -----------------------------------------------------------------------


def test_heatmap_clusters_similar_topics_together():
    rng = np.random.default_rng(0)
    block_a = np.r_[np.ones(4), np.zeros(4)] + rng.random((3, 8)) * 0.1
    block_b = np.r_[np.zeros(4), np.ones(4)] + rng.random((3, 8)) * 0.1
    # interleaved: a, b, a, b, a, b
    mapping = np.vstack([block_a[0], block_b[0], block_a[1], block_b[1], block_a[2], block_b[2]])
    ax = plot_topic_tag_heatmap(mapping, [f"t{i}" for i in range(8)], n_tags=8)
    rows = [int(t.get_text().split()[1]) for t in ax.get_yticklabels()]
    groups = ["a" if r % 2 == 0 else "b" for r in rows]
    assert groups in (list("aaabbb"), list("bbbaaa"))
    given = plot_topic_tag_heatmap(mapping, [f"t{i}" for i in range(8)], order="given",
                                   ax=plt.figure().subplots())
    assert [t.get_text() for t in given.get_yticklabels()] == [f"Topic {i}" for i in range(6)]


def test_heatmap_colour_scale_is_not_saturated_by_one_cell():
    rng = np.random.default_rng(1)
    mapping = rng.random((10, 20)) * 0.1
    mapping[3, 7] = 50.0  # one runaway weight
    ax = plot_topic_tag_heatmap(mapping, [f"t{i}" for i in range(20)], n_tags=20)
    image = ax.images[0]
    assert image.norm.vmax < 1.0  # the scale follows the other 199 cells
    assert image.norm.vmax >= np.percentile(mapping, 90)
    assert np.nanmax(image.get_array()) == 50.0  # the data itself is not altered
    colorbar = ax.figure.axes[-1]
    assert colorbar.get_label() == "<colorbar>"
    assert image.colorbar.extend == "max"
    assert "percentile" in ax.get_title()


def test_heatmap_of_signed_weights_is_centred_on_zero():
    mapping = np.array([[2.0, -1.0, 0.5], [-0.5, 1.5, -2.0], [0.2, 0.1, 1.0]])
    ax = plot_topic_tag_heatmap(mapping, ["a", "b", "c"], clip=100)
    norm = ax.images[0].norm
    assert norm.vmin == -norm.vmax == -2.0
    assert ax.images[0].get_cmap().name == "RdBu_r"


@pytest.mark.parametrize(("kwargs", "match"), [({"order": "random"}, "order must be"),
                                               ({"clip": 0}, "clip must be"),
                                               ({"clip": 101}, "clip must be")])
def test_heatmap_rejects_bad_order_and_clip(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        plot_topic_tag_heatmap(np.ones((2, 2)), ["a", "b"], **kwargs)


# -- model selection ------------------------------------------------------------


def test_model_selection_has_no_panel_for_a_measure_that_does_not_apply():
    nmf = pd.DataFrame({"model": "nmf", "n_topics": [10, 20, 40], "c_v": [0.5, 0.45, 0.4],
                        "perplexity": np.nan, "reconstruction_error": [60.0, 58.0, 55.0],
                        "jaccard": [0.2, 0.25, 0.28]})
    fig = plot_model_selection(nmf)
    titles = [ax.get_title().split(" (")[0] for ax in fig.axes]
    assert titles == ["c_v", "reconstruction_error", "jaccard"]
    assert all(ax.lines for ax in fig.axes)  # no empty panel
    with pytest.raises(ParameterError, match="perplexity.*LDA only"):
        plot_model_selection(nmf, metrics=["c_v", "perplexity"])


def test_model_selection_rings_the_best_value_of_each_line():
    table = pd.DataFrame({"n_topics": [10, 20, 40], "c_v": [0.4, 0.5, 0.45],
                          "perplexity": [900.0, 800.0, 850.0]})
    fig = plot_model_selection(table)
    for ax, best in zip(fig.axes, [(20, 0.5), (20, 800.0)], strict=True):
        ring = ax.lines[1]
        assert (ring.get_xdata()[0], ring.get_ydata()[0]) == best
        assert ax.get_ylabel() in ("c_v", "perplexity")
    assert "best value ringed" in fig.get_suptitle()


# -- drift -------------------------------------------------------------------------


def test_drift_chart_orders_moves_with_intervals_and_the_noise_in_the_title(tagger, questions):
    old = questions[questions["creation_date"] < "2011"]
    new = questions[questions["creation_date"] >= "2011"]
    drift = tt.topic_drift(tagger, old, new)
    fig = tagger.visualize_drift(old, new, top=3)
    ax = fig.axes[0]
    widths = [p.get_width() for p in ax.patches]
    np.testing.assert_allclose(widths, drift.topics["change"].head(3))
    (bars,) = [c for c in ax.containers if isinstance(c, BarContainer)]
    (whiskers,) = bars.errorbar.lines[2]  # the 95 % intervals
    assert len(whiskers.get_segments()) == 3
    title = ax.get_title()
    assert f"{drift.distance:.3f}" in title and f"{drift.baseline_distance:.3f}" in title
    assert "× noise" in title
    shown = [t.get_text() for t in ax.texts]
    first = drift.topics.iloc[0]
    assert f"{first.reference_share:.1%} → {first.new_share:.1%}" in shown


def test_plot_topic_drift_needs_the_drift_columns():
    with pytest.raises(ParameterError, match=r"no column\(s\) \['change'\]"):
        plot_topic_drift(pd.DataFrame({"topic": [0], "reference_share": [0.5],
                                       "new_share": [0.4]}))


# -- notebook fallbacks ---------------------------------------------------------


def test_topic_browser_output_has_a_static_copy_of_every_topic(tagger):
    pytest.importorskip("ipywidgets")
    browser = tagger.topic_browser(n_questions=2)
    bundle = browser._repr_mimebundle_()
    # the live widget first (a notebook draws it), a static copy where it cannot
    assert "application/vnd.jupyter.widget-view+json" in bundle
    static = bundle["text/html"]
    assert "<script" not in static
    assert static.count("<details") == N_TOPICS and static.count("<details open") == 1
    for k, label in enumerate(tagger.topic_labels()):
        assert f"<summary>{k}: {label}</summary>" in static
    browser.children[0].value = 2  # the dropdown: the copy opens the picked topic
    after = browser._repr_mimebundle_()["text/html"]
    assert after.index("<details open") > after.index("<summary>1: ")


def test_topic_browser_static_copy_escapes_titles(questions):
    pytest.importorskip("ipywidgets")
    # Hostile titles (user text) reach the static copy as representative questions.
    hostile = questions.assign(
        title=[f'<img src=x onerror="alert(1)"> {t}' for t in questions["title"]]
    )
    tagger = tt.TopicTagger("nmf", n_topics=N_TOPICS, n_tags=8, min_df=1,
                            random_state=0).fit(hostile)
    static = tagger.topic_browser()._repr_mimebundle_()["text/html"]
    assert "<img" not in static and "&lt;img src=x" in static


@pytest.mark.parametrize("delay", [0.0, 0.05])
def test_notebook_progress_bar_republishes_its_final_state(monkeypatch, delay):
    # delay 0: shown at once; 0.05: a bar that appears after its delay, as
    # every topictags bar (_progress.DELAY) in a notebook.
    pytest.importorskip("ipywidgets")
    import time

    import IPython.display
    import tqdm.auto
    import tqdm.notebook

    from topictags import _progress

    shown = []

    class Handle:
        def update(self, obj):
            shown.append(("update", repr(obj)))

    def display(obj, display_id=None):
        shown.append(("display", repr(obj)))
        assert display_id is True  # an id, so that the output can be replaced
        return Handle()

    monkeypatch.setattr(IPython.display, "display", display)
    monkeypatch.setattr(tqdm.notebook, "display", display)  # tqdm's own (delayed) display
    monkeypatch.setattr(tqdm.auto, "tqdm", tqdm.notebook.tqdm)  # as in a kernel
    monkeypatch.setattr(_progress, "DELAY", delay)
    bar = _progress.progress_bar(total=3, desc="select_n_topics")
    time.sleep(2 * delay)
    for _ in range(3):
        bar.update()
    bar.close()
    assert [kind for kind, _ in shown] == ["display", "update"]
    assert "/3" in shown[0][1]
    assert "3/3" in shown[1][1] and "100%" in shown[1][1]  # the text an export shows


def test_notebook_progress_bar_closed_before_its_delay_draws_nothing(monkeypatch):
    pytest.importorskip("ipywidgets")
    import IPython.display
    import tqdm.auto
    import tqdm.notebook

    from topictags import _progress

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *a, **k: shown.append(a))
    monkeypatch.setattr(tqdm.notebook, "display", lambda *a, **k: shown.append(a))
    monkeypatch.setattr(tqdm.auto, "tqdm", tqdm.notebook.tqdm)
    monkeypatch.setattr(_progress, "DELAY", 60.0)
    bar = _progress.progress_bar(total=3, desc="quick")
    bar.update(3)
    bar.close()
    assert shown == []


def test_over_time_names_the_period_and_hatches_thin_periods_across_the_plot(tagger):
    fig = tagger.visualize_over_time("Y", min_questions=20, top=2)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "year"
    spans = [p for p in ax.patches if p.get_hatch()]
    assert len(spans) == 1  # the short last year, hatched from bottom to top
    assert tagger.visualize_over_time("M", min_questions=1).axes[0].get_xlabel() == "month"
