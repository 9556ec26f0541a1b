"""The example notebooks run from top to bottom on the shared corpus (nbclient)."""

from __future__ import annotations

from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
NOTEBOOKS = ["explore_topics.ipynb", "drift.ipynb"]

pytestmark = [pytest.mark.corpus, pytest.mark.slow]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs(name, shared_questions_path, tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:
        pytest.skip("no 'python3' Jupyter kernel: pip install ipykernel")

    # The kernel inherits this environment: read the corpus the fixture found and
    # write pages into a temporary folder instead of examples/output.
    monkeypatch.setenv("TOPICTAGS_QUESTIONS", str(shared_questions_path))
    monkeypatch.setenv("TOPICTAGS_OUTPUT", str(tmp_path))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")

    notebook = nbformat.read(EXAMPLES / name, as_version=4)
    # Saved without outputs, so the repository diff shows code only.
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")

    # A "python" kernel spec is launched with this interpreter (jupyter_client
    # replaces a bare "python" by sys.executable), so the kernel sees the venv.
    client = nbclient.NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=300,
        resources={"metadata": {"path": str(EXAMPLES)}},  # the notebook's working dir
    )
    client.execute()

    errors = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    assert not errors
    # No warning cells: a user reading the notebook should not see library noise.
    warnings = [
        output.get("text", "")
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if output.get("output_type") == "stream" and "Warning" in output.get("text", "")
    ]
    assert not warnings, warnings
    # Widgets keep a static fallback for HTML exports and viewers.
    widget_outputs = [
        output["data"]
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if "application/vnd.jupyter.widget-view+json" in output.get("data", {})
    ]
    for data in widget_outputs:
        if "text/html" in data:  # the topic browser: every topic, no script
            assert "<details" in data["text/html"] and "<script" not in data["text/html"]
        elif "|" in data["text/plain"]:  # a progress bar: its final state, not 0 %
            assert "100%" in data["text/plain"], data["text/plain"]
    if name == "explore_topics.ipynb":
        assert any("text/html" in data for data in widget_outputs), "no topic browser fallback"
    if name == "explore_topics.ipynb":
        assert (tmp_path / "nmf_topics.html").stat().st_size > 100_000
        assert (tmp_path / "lda_topics.html").exists()
    images = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if "image/png" in output.get("data", {})
    ]
    assert images, "the charts were not drawn"
