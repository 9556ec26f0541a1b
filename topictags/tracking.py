"""Experiment tracking: log a comparison of taggers to MLflow.

:func:`topictags.compare` calls :func:`log_comparison` when given
``tracking="mlflow"``; it can also be called directly on a table and the
fitted taggers it was computed from, keyed by their table labels. Each tagger
becomes one MLflow run with its parameters, its metrics, the comparison chart
and the saved model.

This module sits below :mod:`topictags.metrics` (which calls it) and never
imports it: the caller, who made the table, says which model each row is.

MLflow is an optional dependency: ``pip install "topictags[mlflow]"``.

Where runs are stored
---------------------
``MLFLOW_TRACKING_URI`` is used when it is set (a server, Databricks, a
database...). Otherwise runs stay on the local disk, under the current
working directory, with no server:

- ``sqlite:///<cwd>/mlruns.db`` when the full ``mlflow`` package (which
  brings SQLAlchemy and Alembic) is installed;
- otherwise ``file:<cwd>/mlruns``, the only store ``mlflow-skinny`` (what the
  ``mlflow`` extra installs) can write without further dependencies. MLflow 3
  refuses that store unless ``MLFLOW_ALLOW_FILE_STORE=true``, so the opt-in
  is set while logging; set it yourself to read the runs back.
"""

from __future__ import annotations

import contextlib
import importlib.util
import math
import os
import tempfile
import time
import uuid
import warnings
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pandas as pd

from .errors import ParameterError

__all__ = ["BACKENDS", "log_comparison", "tracking_uri"]

BACKENDS = ("mlflow",)

# MLflow metric names may not contain "@".
_METRIC_NAMES = {"precision@k": "precision_at_k", "recall@k": "recall_at_k"}
_MODEL_FILE = "model.topictags"
_CHART_FILE = "comparison.png"
_TABLE_FILE = "comparison.csv"
_MAX_PARAM_LENGTH = 6000  # MLflow's limit on a parameter value


def tracking_uri(directory: str | os.PathLike | None = None) -> str:
    """The MLflow store that :func:`log_comparison` writes to.

    Parameters
    ----------
    directory : str or PathLike, optional
        Folder of the local store when ``MLFLOW_TRACKING_URI`` is not set;
        defaults to the current working directory.

    Returns
    -------
    str
        ``MLFLOW_TRACKING_URI`` if set; else ``sqlite:///<directory>/mlruns.db``
        when SQLAlchemy and Alembic are installed (full ``mlflow``), else
        ``file:///<directory>/mlruns``.

    Examples
    --------
    Without ``MLFLOW_TRACKING_URI``, a store in the current folder:

    >>> from topictags.tracking import tracking_uri
    >>> tracking_uri()  # doctest: +ELLIPSIS
    '...mlruns...'

    Reading the runs back (``MLFLOW_ALLOW_FILE_STORE`` is needed for a
    ``file:`` store with MLflow 3):

    >>> import os
    >>> os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"
    >>> import mlflow
    >>> mlflow.set_tracking_uri(tracking_uri())
    >>> table = tt.compare([nmf], train, test, k=3, refit=False, tracking="mlflow")
    >>> runs = mlflow.search_runs(experiment_names=["topictags"])
    >>> runs["tags.mlflow.runName"].tolist()
    ['nmf-6-logistic']
    """
    uri = os.environ.get("MLFLOW_TRACKING_URI", "").strip()
    if uri:
        return uri
    folder = Path(directory if directory is not None else os.getcwd()).resolve()
    if _has_sql_store():
        return f"sqlite:///{(folder / 'mlruns.db').as_posix()}"
    return (folder / "mlruns").as_uri()


def _has_sql_store() -> bool:
    # mlflow-skinny has no SQLAlchemy: its sqlite store fails on first use.
    return all(importlib.util.find_spec(m) is not None for m in ("sqlalchemy", "alembic"))


def _is_file_store(uri: str) -> bool:
    scheme = urlparse(uri).scheme
    # A bare path is a file store too; "c:" is a Windows drive, not a scheme.
    return scheme == "file" or scheme == "" or len(scheme) == 1


@contextlib.contextmanager
def _file_store_allowed(uri: str) -> Iterator[None]:
    """Opt in to MLflow's file store for a local ``file:`` URI, for this call only.

    An explicit ``MLFLOW_ALLOW_FILE_STORE`` (even ``false``) is left alone.
    """
    name = "MLFLOW_ALLOW_FILE_STORE"
    if not _is_file_store(uri) or name in os.environ:
        yield
        return
    os.environ[name] = "true"
    try:
        yield
    finally:
        os.environ.pop(name, None)


def log_comparison(
    table: pd.DataFrame,
    models: Mapping[str, Any],
    *,
    k: int,
    backend: str = "mlflow",
    experiment: str = "topictags",
    uri: str | None = None,
) -> dict[str, str]:
    """Log one run per tagger of a comparison: parameters, metrics, chart, model.

    Parameters
    ----------
    table : DataFrame
        The table of :func:`topictags.compare`: one row per model, indexed by
        model label.
    models : mapping of str to fitted tagger
        The taggers the table was computed from, keyed by their row label in
        ``table`` (for taggers with distinct names, ``{m.name: m for m in
        taggers}``). Runs are logged in the mapping's order.
    k : int
        Number of suggestions the metrics were computed at (logged as a
        parameter).
    backend : {"mlflow"}, default="mlflow"
    experiment : str, default="topictags"
        MLflow experiment name; created if missing.
    uri : str, optional
        Tracking URI; defaults to :func:`tracking_uri`.

    Returns
    -------
    dict
        Run id of each model label.

    Raises
    ------
    ParameterError
        ``models`` is not a mapping, or its labels are not the table's rows;
        an unknown ``backend``.
    ImportError
        MLflow is not installed.

    Notes
    -----
    Each run holds:

    - parameters: the tagger's ``get_params()``, plus ``k`` and ``model_class``;
    - metrics: the numeric columns of the table row (``precision@k`` and
      ``recall@k`` are logged as ``precision_at_k`` and ``recall_at_k``, since
      MLflow names may not contain ``@``);
    - artifacts: ``comparison.png`` (:func:`topictags.viz.plot_comparison` of
      the whole table), ``comparison.csv`` and ``model.topictags`` (the
      fitted tagger, reloadable with :func:`topictags.load`);
    - tags: ``topictags.comparison_id``, shared by the runs of one call.

    Examples
    --------
    ``tt.compare(..., tracking="mlflow")`` does this; called directly, on a
    table and the fitted models it was computed from:

    >>> table, fitted = tt.compare([nmf, lda], train, test, k=3, refit=False,
    ...                            return_models=True)
    >>> run_ids = log_comparison(table, fitted, k=3)
    >>> sorted(run_ids) == sorted(table.index)
    True

    Each run holds the fitted model, ready to use again:

    >>> import os
    >>> os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"  # to read a file: store back
    >>> import mlflow
    >>> client = mlflow.MlflowClient(tracking_uri())
    >>> path = client.download_artifacts(run_ids[nmf.name], "model.topictags", ".")
    >>> tt.load(path).suggest_tags("merge two dataframes")
    ['pandas', 'python', 'dataframe']
    """
    if backend not in BACKENDS:
        raise ParameterError(f"backend must be one of {BACKENDS}, got {backend!r}")
    labels = _labels(table, models)
    try:
        from mlflow import MlflowClient
        from mlflow.entities import Metric, Param, RunTag
    except ImportError as exc:
        raise ImportError(
            "experiment tracking needs MLflow: pip install 'topictags[mlflow]'"
        ) from exc

    from ._version import __version__

    uri = uri or tracking_uri()
    comparison_id = uuid.uuid4().hex
    run_ids: dict[str, str] = {}
    with _file_store_allowed(uri), tempfile.TemporaryDirectory() as tmp:
        tmp_dir = Path(tmp)
        chart = _save_chart(table, tmp_dir / _CHART_FILE)
        table_file = tmp_dir / _TABLE_FILE
        table.to_csv(table_file)
        client = MlflowClient(tracking_uri=uri)
        experiment_id = _experiment_id(client, experiment)
        for label in labels:
            model = models[label]
            run = client.create_run(experiment_id, run_name=label)
            run_id = run.info.run_id
            run_ids[label] = run_id
            try:
                now = int(time.time() * 1000)
                params = {
                    **_params(model),
                    "k": str(k),
                    "model_class": type(model).__name__,
                }
                metrics = _metrics(table.loc[label])
                tags = {
                    "topictags.comparison_id": comparison_id,
                    "topictags.version": __version__,
                    "topictags.model_label": label,
                }
                client.log_batch(
                    run_id,
                    metrics=[Metric(name, value, now, 0) for name, value in metrics.items()],
                    params=[Param(name, value) for name, value in params.items()],
                    tags=[RunTag(name, value) for name, value in tags.items()],
                )
                client.log_artifact(run_id, str(chart))
                client.log_artifact(run_id, str(table_file))
                _log_model(client, run_id, model, label, tmp_dir)
            except BaseException:
                client.set_terminated(run_id, status="FAILED")
                raise
            client.set_terminated(run_id, status="FINISHED")
    return run_ids


def _labels(table: pd.DataFrame, models: Mapping[str, Any]) -> list[str]:
    """The labels of ``models``, checked against the rows of ``table``."""
    if not isinstance(models, Mapping):
        raise ParameterError(
            f"models must map each table label to its model, got a {type(models).__name__}: "
            "pass e.g. {m.name: m for m in taggers} (compare(..., tracking='mlflow') "
            "does this itself)"
        )
    labels, rows = list(models), list(table.index)
    if Counter(labels) != Counter(rows):
        raise ParameterError(
            "the table rows do not match the models: models are labelled "
            f"{sorted(map(str, labels))}, table has {sorted(map(str, rows))}; "
            "key the models by the table's row labels"
        )
    return labels


def _experiment_id(client, name: str) -> str:
    found = client.get_experiment_by_name(name)
    if found is None:
        return client.create_experiment(name)
    if found.lifecycle_stage == "deleted":
        raise ParameterError(
            f"MLflow experiment {name!r} is deleted: restore it or use another experiment name"
        )
    return found.experiment_id


def _params(model) -> dict[str, str]:
    get_params = getattr(model, "get_params", None)
    params = get_params() if callable(get_params) else {}
    out = {}
    for name, value in params.items():
        text = value if isinstance(value, str) else repr(value)
        if len(text) > _MAX_PARAM_LENGTH:
            text = text[: _MAX_PARAM_LENGTH - 3] + "..."
        out[str(name)] = text
    return out


def _metrics(row: pd.Series) -> dict[str, float]:
    out = {}
    for name, value in row.items():
        try:
            number = float(value)
        except (TypeError, ValueError):
            continue  # not a metric
        if math.isnan(number):
            continue  # e.g. fit_seconds of a reused model that never recorded it
        out[_METRIC_NAMES.get(str(name), str(name))] = number
    return out


def _save_chart(table: pd.DataFrame, path: Path) -> Path:
    # A bare Figure, not pyplot: nothing is shown, no global figure is left
    # open, and it works without a display.
    from matplotlib.figure import Figure

    from .viz import plot_comparison

    fig = Figure(figsize=(max(6.0, 2.4 * len(table)), 4.0), layout="constrained")
    plot_comparison(table, ax=fig.subplots())
    fig.savefig(path, dpi=100)
    return path


def _log_model(client, run_id: str, model, label: str, tmp_dir: Path) -> None:
    if not callable(getattr(model, "save", None)):
        warnings.warn(
            f"{label}: {type(model).__name__} has no save method; its model file is not logged",
            stacklevel=3,
        )
        return
    folder = tmp_dir / run_id  # one folder per run: the artifact keeps a fixed name
    folder.mkdir()
    path = model.save(folder / _MODEL_FILE)
    client.log_artifact(run_id, str(path))
