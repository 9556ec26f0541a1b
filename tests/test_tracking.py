"""Experiment tracking against a real local MLflow store (no mocks)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pytest

import topictags as tt
from topictags import tracking
from topictags.errors import ParameterError

mlflow = pytest.importorskip("mlflow")
from mlflow import MlflowClient  # noqa: E402

K = 2


def _taggers():
    return [
        tt.TopicTagger("nmf", n_topics=4, n_tags=8, min_df=1, random_state=0),
        tt.TopicTagger("nmf", n_topics=4, n_tags=8, min_df=1, mapping="lexical", random_state=0),
        tt.MostFrequentTagger(n_tags=8),
    ]


@pytest.fixture
def store(tmp_path, monkeypatch):
    """A file store in tmp_path, chosen the way a user would: the environment."""
    uri = (tmp_path / "mlruns").as_uri()
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    # Reading a file store back needs MLflow 3's opt-in (log_comparison sets
    # it only while it writes).
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
    return uri


@pytest.fixture
def logged(store, split):
    train, test = split
    taggers = _taggers()
    table = tt.compare(taggers, train, test, k=K, tracking="mlflow")
    client = MlflowClient(tracking_uri=store)
    experiment = client.get_experiment_by_name("topictags")
    runs = client.search_runs([experiment.experiment_id])
    return table, {run.info.run_name: run for run in runs}, client


def test_one_finished_run_per_model(logged):
    table, runs, _ = logged
    assert sorted(runs) == sorted(table.index)
    assert {run.info.status for run in runs.values()} == {"FINISHED"}
    # The runs of one compare call share a comparison id.
    assert len({run.data.tags["topictags.comparison_id"] for run in runs.values()}) == 1


def test_metrics_equal_the_table(logged):
    table, runs, _ = logged
    for label, row in table.iterrows():
        metrics = runs[label].data.metrics
        assert metrics["jaccard"] == row["jaccard"]
        assert metrics["precision_at_k"] == row["precision@k"]
        assert metrics["recall_at_k"] == row["recall@k"]
        assert metrics["f1"] == row["f1"]
        assert metrics["fit_seconds"] == row["fit_seconds"]
        assert metrics["suggestions_per_second"] == row["suggestions_per_second"]
        assert metrics["n_questions"] == row["n_questions"]


def test_params_are_the_model_parameters(logged):
    _, runs, _ = logged
    params = runs["nmf-4-lexical"].data.params
    assert params["method"] == "nmf"
    assert params["n_topics"] == "4"
    assert params["mapping"] == "lexical"
    assert params["max_iter"] == "None"
    assert params["random_state"] == "0"
    assert params["k"] == str(K)
    assert params["model_class"] == "TopicTagger"
    assert runs["most-frequent"].data.params["n_tags"] == "8"


def test_artifacts_and_model_roundtrip(logged, split, tmp_path):
    _, runs, client = logged
    train, test = split
    reference = {m.name: m for m in _taggers()}
    for label, run in runs.items():
        names = {a.path for a in client.list_artifacts(run.info.run_id)}
        assert names == {"comparison.png", "comparison.csv", "model.topictags"}
        dst = tmp_path / "download" / label
        dst.mkdir(parents=True)
        chart = Path(client.download_artifacts(run.info.run_id, "comparison.png", str(dst)))
        assert chart.read_bytes().startswith(b"\x89PNG")
        path = client.download_artifacts(run.info.run_id, "model.topictags", str(dst))
        loaded = tt.load(path)
        # The logged model is the fitted one: refit the same seeded tagger
        # and compare suggestions.
        expected = reference[label].fit(train)
        assert loaded.suggest_tags(test, k=K) == expected.suggest_tags(test, k=K)
        np.testing.assert_array_equal(
            loaded.decision_function(test), expected.decision_function(test)
        )


def test_default_store_is_local_under_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.chdir(tmp_path)
    uri = tracking.tracking_uri()
    assert uri in {
        f"sqlite:///{(tmp_path / 'mlruns.db').resolve().as_posix()}",
        (tmp_path / "mlruns").resolve().as_uri(),
    }


def test_default_store_receives_runs(split, tmp_path, monkeypatch):
    # No MLFLOW_TRACKING_URI and no opt-in: log_comparison chooses and opens
    # the local store by itself.
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.delenv("MLFLOW_ALLOW_FILE_STORE", raising=False)
    monkeypatch.chdir(tmp_path)
    train, test = split
    tagger = tt.MostFrequentTagger(n_tags=8)
    table = tt.compare([tagger], train, test, k=K, tracking="mlflow")
    assert "MLFLOW_ALLOW_FILE_STORE" not in os.environ  # the opt-in was temporary
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
    client = MlflowClient(tracking_uri=tracking.tracking_uri())
    experiment = client.get_experiment_by_name("topictags")
    (run,) = client.search_runs([experiment.experiment_id])
    assert run.info.run_name == "most-frequent"
    assert run.data.metrics["jaccard"] == table.loc["most-frequent", "jaccard"]


def test_log_comparison_direct_call_and_experiment_name(store, split):
    train, test = split
    taggers = [t.fit(train) for t in _taggers()[:2]]
    table = tt.compare(taggers, train, test, k=K, refit=False)
    by_label = {t.name: t for t in taggers}
    run_ids = tracking.log_comparison(table, by_label, k=K, experiment="mine")
    assert sorted(run_ids) == sorted(table.index)
    client = MlflowClient(tracking_uri=store)
    run = client.get_run(run_ids["nmf-4-logistic"])
    assert run.data.metrics["f1"] == table.loc["nmf-4-logistic", "f1"]
    assert client.get_experiment(run.info.experiment_id).name == "mine"


def test_table_must_match_models(store, split):
    train, test = split
    taggers = [t.fit(train) for t in _taggers()[:2]]
    table = tt.compare(taggers, train, test, k=K, refit=False)
    with pytest.raises(ParameterError, match="do not match"):
        tracking.log_comparison(table.iloc[:1], {t.name: t for t in taggers}, k=K)


def test_models_are_passed_by_label(store, split):
    # Tracking does not import metrics, so it cannot rebuild compare's labels:
    # a plain list is refused with the way out, not matched by guesswork.
    train, test = split
    taggers = [t.fit(train) for t in _taggers()[:2]]
    table = tt.compare(taggers, train, test, k=K, refit=False)
    with pytest.raises(ParameterError, match=r"map each table label.*m\.name"):
        tracking.log_comparison(table, taggers, k=K)
    # Rows are matched by label, not by position: the table is sorted by Jaccard.
    reversed_labels = {t.name: t for t in reversed(taggers)}
    run_ids = tracking.log_comparison(table, reversed_labels, k=K)
    client = MlflowClient(tracking_uri=store)
    for tagger in taggers:
        run = client.get_run(run_ids[tagger.name])
        assert run.data.params["mapping"] == tagger.mapping
        assert run.data.metrics["jaccard"] == table.loc[tagger.name, "jaccard"]


def test_unknown_backend(split):
    train, test = split
    tagger = tt.MostFrequentTagger(n_tags=8)
    with pytest.raises(ValueError, match="backend must be one of"):
        tt.compare([tagger], train, test, k=K, tracking="wandb")


def test_missing_mlflow_names_the_extra(split, monkeypatch):
    train, test = split
    tagger = tt.MostFrequentTagger(n_tags=8).fit(train)
    table = tt.compare([tagger], train, test, k=K, refit=False)
    # A None entry in sys.modules makes "import mlflow" raise ImportError.
    monkeypatch.setitem(sys.modules, "mlflow", None)
    with pytest.raises(ImportError, match=r"topictags\[mlflow\]"):
        tracking.log_comparison(table, {tagger.name: tagger}, k=K)


def test_a_deleted_experiment_is_a_parameter_error(store, split):
    train, test = split
    taggers = [t.fit(train) for t in _taggers()[:1]]
    table = tt.compare(taggers, train, test, k=K, refit=False)
    client = MlflowClient(tracking_uri=store)
    client.delete_experiment(client.create_experiment("gone"))
    with pytest.raises(ParameterError, match="'gone' is deleted: restore it or use another"):
        tracking.log_comparison(table, {t.name: t for t in taggers}, k=K, experiment="gone")
