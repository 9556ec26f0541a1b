"""No data lost: saves are atomic, never clobber by surprise; interruptions leave no half file."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest
from conftest import make_questions

import topictags as tt
from topictags.cli import main
from topictags.errors import ModelFileError, NotFittedError, OutputExistsError
from topictags.models import TopicModel


@pytest.fixture(scope="module")
def models():
    questions = make_questions(80)
    old = tt.MostFrequentTagger(n_tags=4).fit(questions)
    new = tt.MostFrequentTagger(n_tags=6).fit(questions)
    return old, new


@pytest.fixture
def existing(models, tmp_path):
    """A saved model file and its bytes: the user's data to protect."""
    path = models[0].save(tmp_path / "model.topictags")
    return path, path.read_bytes(), path.stat().st_mtime_ns


def assert_intact(path: Path, data: bytes, models) -> None:
    assert path.read_bytes() == data
    assert tt.load(path).tags_.tolist() == models[0].tags_.tolist()
    leftovers = [p.name for p in path.parent.iterdir() if p != path]
    assert leftovers == [], "no temporary file is left behind"


class _Crash(Exception):
    pass


def _crash(*args, **kwargs):
    raise _Crash("simulated crash")


class _HalfWriter:
    """A file object that writes half of the first chunk, then fails (disk full)."""

    def __init__(self, fh):
        self._fh = fh

    def write(self, data):
        self._fh.write(bytes(data[: len(data) // 2]))
        raise OSError(28, "No space left on device")

    def __getattr__(self, name):
        return getattr(self._fh, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._fh.close()


@pytest.mark.parametrize(
    "failure",
    ["serialising", "disk full mid-write", "fsync", "rename", "interrupt before rename"],
)
def test_overwrite_keeps_the_old_file_when_saving_fails(models, existing, monkeypatch, failure):
    import skops.io as sio

    path, data, _ = existing
    real_fdopen = os.fdopen
    if failure == "serialising":
        monkeypatch.setattr(sio, "dumps", _crash)
    elif failure == "disk full mid-write":
        monkeypatch.setattr(os, "fdopen", lambda *a, **k: _HalfWriter(real_fdopen(*a, **k)))
    elif failure == "fsync":
        monkeypatch.setattr(os, "fsync", _crash)
    elif failure == "rename":
        monkeypatch.setattr(os, "replace", _crash)
    else:
        def interrupted(*args, **kwargs):
            raise KeyboardInterrupt

        monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises((_Crash, OSError, KeyboardInterrupt)):
        models[1].save(path, overwrite=True)
    monkeypatch.undo()
    assert_intact(path, data, models)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork to kill a writer")
def test_a_writer_killed_mid_write_leaves_the_old_file_intact(models, existing):
    # A real crash runs no cleanup (no except, no finally): the old file must
    # still be whole; at most a hidden temporary file is left beside it.
    path, data, _ = existing
    pid = os.fork()
    if pid == 0:  # child: die in the middle of writing the new model
        try:
            real_fdopen = os.fdopen

            class Dying(_HalfWriter):
                def write(self, chunk):
                    self._fh.write(bytes(chunk[: len(chunk) // 2]))
                    self._fh.flush()
                    os._exit(3)

            os.fdopen = lambda *a, **k: Dying(real_fdopen(*a, **k))
            models[1].save(path, overwrite=True)
        finally:
            os._exit(4)  # the save did not die where it should have
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 3
    assert path.read_bytes() == data
    assert tt.load(path).tags_.tolist() == models[0].tags_.tolist()
    leftovers = [p.name for p in path.parent.iterdir() if p != path]
    assert len(leftovers) == 1 and leftovers[0].startswith(f".{path.name}.")
    assert leftovers[0].endswith(".tmp")


def test_save_without_overwrite_refuses_and_keeps_the_file(models, existing):
    path, data, mtime = existing
    with pytest.raises(OutputExistsError, match="overwrite=True"):
        models[1].save(path)
    with pytest.raises(OutputExistsError):
        tt.save(models[1], path, overwrite=False)
    assert path.stat().st_mtime_ns == mtime
    assert_intact(path, data, models)


def test_a_file_created_while_saving_is_not_clobbered(models, tmp_path, monkeypatch):
    # found: save checked for the file first and then os.replace()d over
    # whatever another process had written there in between.
    import skops.io as sio

    path = tmp_path / "model.topictags"
    real_dumps = sio.dumps

    def dumps_while_another_process_writes(obj, *args, **kwargs):
        path.write_bytes(b"written by another process")
        return real_dumps(obj, *args, **kwargs)

    monkeypatch.setattr(sio, "dumps", dumps_while_another_process_writes)
    with pytest.raises(OutputExistsError, match="created while saving"):
        models[1].save(path)
    assert path.read_bytes() == b"written by another process"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_saving_onto_a_folder_is_a_model_file_error(models, tmp_path):
    # found: with overwrite=True, os.replace raised IsADirectoryError
    folder = tmp_path / "model.topictags"
    folder.mkdir()
    (folder / "keep.txt").write_text("user data")
    with pytest.raises(ModelFileError, match="is a folder"):
        models[1].save(folder, overwrite=True)
    assert (folder / "keep.txt").read_text() == "user data"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.topictags"]


def test_saved_files_are_readable_like_other_files(models, tmp_path):
    # found: mkstemp made every model file private (0o600) whatever the umask
    old = os.umask(0o022)
    try:
        path = models[1].save(tmp_path / "model.topictags")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644


# -- interrupted fits ------------------------------------------------------------


@pytest.fixture
def interrupted_fit(monkeypatch):
    def interrupt(self, docs):
        raise KeyboardInterrupt

    monkeypatch.setattr(TopicModel, "fit_transform", interrupt)


def test_interrupted_cli_fit_writes_no_model_file(interrupted_fit, tmp_path, monkeypatch, capsys):
    corpus = tmp_path / "questions.parquet"
    make_questions(40).to_parquet(corpus)
    out = tmp_path / "out" / "model.topictags"
    out.parent.mkdir()
    status = main(["fit", str(corpus), "-o", str(out), "--n-topics", "3"])
    assert status == 130
    assert "interrupted" in capsys.readouterr().err
    assert list(out.parent.iterdir()) == []


def test_interrupted_cli_fit_keeps_the_previous_model(models, interrupted_fit, tmp_path):
    corpus = tmp_path / "questions.parquet"
    make_questions(40).to_parquet(corpus)
    path = models[0].save(tmp_path / "model.topictags")
    data = path.read_bytes()
    assert main(["fit", str(corpus), "-o", str(path), "--force", "--n-topics", "3"]) == 130
    assert path.read_bytes() == data
    assert zipfile.is_zipfile(path)


def test_interrupted_fit_cannot_be_saved(interrupted_fit, tmp_path):
    tagger = tt.TopicTagger("nmf", n_topics=3, n_tags=4, min_df=1, random_state=0)
    with pytest.raises(KeyboardInterrupt):
        tagger.fit(make_questions(40))
    path = tmp_path / "model.topictags"
    with pytest.raises(NotFittedError):
        tagger.save(path)
    assert not path.exists()


def test_interrupted_refit_cannot_be_saved(tmp_path, monkeypatch):
    # A refit that stops half way mixes old and new state: not a fitted model.
    tagger = tt.TopicTagger("nmf", n_topics=3, n_tags=4, min_df=1, random_state=0)
    tagger.fit(make_questions(40))
    assert tagger.suggest_tags("pandas dataframe")

    def interrupt(self, docs):
        raise KeyboardInterrupt

    monkeypatch.setattr(TopicModel, "fit_transform", interrupt)
    with pytest.raises(KeyboardInterrupt):
        tagger.fit(make_questions(60))
    with pytest.raises(NotFittedError):
        tagger.save(tmp_path / "model.topictags")
    with pytest.raises(NotFittedError):
        tagger.suggest_tags("pandas dataframe")
    assert list(tmp_path.iterdir()) == []


# -- the shared writer of model files, pyLDAvis pages and reports ----------------


def test_pages_and_reports_do_not_clobber_a_file_created_while_writing(tmp_path, monkeypatch):
    from topictags._files import write_atomic

    path = tmp_path / "report.html"
    real_fsync = os.fsync

    def another_process_writes(fd):
        path.write_bytes(b"written by another process")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", another_process_writes)
    with pytest.raises(OutputExistsError, match="created while saving; pass --force"):
        write_atomic(path, [b"<html>"], overwrite=False, hint="--force")
    assert path.read_bytes() == b"written by another process"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_pages_and_reports_are_readable_like_other_files(tmp_path):
    from topictags._files import write_atomic

    old = os.umask(0o022)
    try:
        path = write_atomic(tmp_path / "chart.png", [b"png", b"data"], overwrite=False)
    finally:
        os.umask(old)
    assert path.read_bytes() == b"pngdata"
    assert path.stat().st_mode & 0o777 == 0o644


def test_compare_refits_an_interrupted_tagger(monkeypatch):
    tagger = tt.TopicTagger("nmf", n_topics=3, n_tags=4, min_df=1, random_state=0)

    def interrupt(self, docs):
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(TopicModel, "fit_transform", interrupt)
        with pytest.raises(KeyboardInterrupt):
            tagger.fit(make_questions(40))
    questions = make_questions(60, seed=1)
    table, models = tt.compare(
        [tagger], questions[:40], questions[40:], refit=False, return_models=True
    )
    assert table["jaccard"].between(0, 1).all()
    # compare fitted a copy: the caller's interrupted tagger is left as it was
    (fitted,) = models.values()
    assert fitted is not tagger and fitted.suggest_tags("pandas dataframe")
    with pytest.raises(tt.errors.NotFittedError):
        tagger.suggest_tags("pandas dataframe")
