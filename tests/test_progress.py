"""Progress bars of the long steps (issue 11, part 6): shown on a terminal or
in a notebook, never in captured output unless asked, off with progress=False,
show_progress(False) or TOPICTAGS_PROGRESS=0; and they change no result."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.decomposition import LatentDirichletAllocation

import topictags as tt
from topictags import _progress
from topictags.models import TopicModel

TEXTS = [f"<p>merge two dataframes {i} with pandas and numpy arrays</p>" for i in range(1_200)]


@pytest.fixture(autouse=True)
def _no_delay(monkeypatch):
    # Bars wait a second before drawing; the steps here are quicker.
    monkeypatch.setattr(_progress, "DELAY", 0.0)
    monkeypatch.delenv(_progress.ENV, raising=False)


def test_bars_stay_out_of_captured_output_by_default(capsys):
    tt.TextCleaner().clean_many(TEXTS)
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""


def test_bars_show_when_asked(capsys):
    tt.TextCleaner().clean_many(TEXTS, progress=True)
    assert "clean" in capsys.readouterr().err
    with tt.show_progress(True):
        tt.TextCleaner().clean_many(TEXTS)
    assert "clean" in capsys.readouterr().err


def test_environment_variable_forces_bars_on_or_off(capsys, monkeypatch):
    monkeypatch.setenv(_progress.ENV, "1")
    tt.TextCleaner().clean_many(TEXTS)
    assert "clean" in capsys.readouterr().err
    # progress=False beats the variable
    tt.TextCleaner().clean_many(TEXTS, progress=False)
    assert capsys.readouterr().err == ""
    monkeypatch.setenv(_progress.ENV, "0")
    assert _progress.resolve() is False
    assert _progress.resolve(True) is True


def test_show_progress_as_context_restores_the_setting(monkeypatch):
    monkeypatch.setenv(_progress.ENV, "off")
    with tt.show_progress(True):
        assert _progress.resolve() is True
        with tt.show_progress(False):
            assert _progress.resolve() is False
        assert _progress.resolve() is True
    assert _progress.resolve() is False  # the environment again
    tt.show_progress(True)
    try:
        assert _progress.resolve() is True  # without `with`: for the process
    finally:
        tt.show_progress(None)
    assert _progress.resolve() is False


def test_cleaning_with_a_bar_gives_the_same_tokens():
    cleaner = tt.TextCleaner()
    assert cleaner.clean_many(TEXTS, progress=True) == tt.TextCleaner().clean_many(TEXTS)


def _counts(seed: int = 0) -> sparse.csr_matrix:
    rng = np.random.default_rng(seed)
    return sparse.csr_matrix(rng.poisson(0.3, size=(80, 40)).astype(np.float64))


def test_lda_iteration_counter_counts_and_changes_nothing(capsys):
    X = _counts()
    plain = LatentDirichletAllocation(n_components=4, max_iter=7, random_state=0).fit(X)
    watched = LatentDirichletAllocation(n_components=4, max_iter=7, random_state=0)
    with _progress.lda_iterations(watched, "LDA", progress=True) as bar:
        watched.fit(X)
    assert bar.n == watched.n_iter_ == 7
    np.testing.assert_array_equal(watched.components_, plain.components_)
    assert "_em_step" not in vars(watched)  # the counter is gone after the fit


def test_topic_model_fit_shows_its_steps(capsys):
    docs = [" ".join(f"w{(i * j) % 37}" for j in range(12)) for i in range(60)]
    with tt.show_progress(True):
        TopicModel("lda", 3, max_iter=4, random_state=0).fit(docs)
        TopicModel("nmf", 3, random_state=0).fit(docs)
    err = capsys.readouterr().err
    assert "LDA, 3 topics" in err and "/4 [" in err  # counted against max_iter
    assert "NMF, 3 topics" in err


WORDS = ["index", "filter", "group", "query", "values", "merge", "schema"]


def test_compare_progress_false_silences_the_fits_too(capsys, monkeypatch):
    questions = tt.load_questions(pd.DataFrame(
        [{"title": "pandas merge dataframes" if i % 2 else "sql select join table",
          "body": f"<p>{WORDS[i % 7]} {WORDS[(i * 3) % 7]} column rows</p>",
          "tags": "|pandas|python|" if i % 2 else "|sql|"} for i in range(40)]
    ))
    monkeypatch.setenv(_progress.ENV, "1")
    models = [tt.MostFrequentTagger(n_tags=3), tt.TopicTagger(n_topics=2, n_tags=3)]
    table = tt.compare(models, questions[:30], questions[30:], progress=False)
    assert "error" not in table.columns
    assert capsys.readouterr().err == ""
    tt.compare(models, questions[:30], questions[30:])
    assert "compare" in capsys.readouterr().err
