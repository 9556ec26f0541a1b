import json
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import topictags as tt
from topictags.errors import ModelFileError, OutputExistsError

# Every kind of tagger a model file can hold (each option that changes what
# is saved); the names of the first four are used by most tests below.
KINDS = {
    "nmf": lambda: tt.TopicTagger("nmf", n_topics=4, n_tags=8, min_df=1, random_state=0),
    "gensim": lambda: tt.TopicTagger(
        "lda", n_topics=4, n_tags=8, backend="gensim", min_df=1, random_state=0
    ),
    "sup": lambda: tt.SupervisedTagger(n_tags=8, min_df=1, random_state=0),
    "base": lambda: tt.MostFrequentTagger(n_tags=8),
    "nmf-logistic": lambda: tt.TopicTagger(
        "nmf", n_topics=4, n_tags=8, mapping="logistic", min_df=1, random_state=0
    ),
    "lda-sklearn": lambda: tt.TopicTagger("lda", n_topics=4, n_tags=8, min_df=1, random_state=0),
    "sup-uncalibrated": lambda: tt.SupervisedTagger(
        n_tags=8, calibrate=False, min_df=1, random_state=0
    ),
    "sup-words-only": lambda: tt.SupervisedTagger(
        n_tags=8, char_ngrams=False, neighbors=0, min_df=1, random_state=0
    ),
    "sup-logistic": lambda: tt.SupervisedTagger(
        n_tags=8, classifier="logistic", min_df=1, random_state=0
    ),
}


class _Fitted(dict):
    """Taggers of ``KINDS`` fitted on first use."""

    def __init__(self, train):
        super().__init__()
        self._train = train

    def __missing__(self, name):
        model = self[name] = KINDS[name]().fit(self._train)
        return model


@pytest.fixture(scope="module")
def fitted(split):
    return _Fitted(split[0])


def _untrusted_by_skops(path) -> set[str]:
    import skops.io as sio

    with zipfile.ZipFile(path) as archive:
        return set(sio.get_untrusted_types(data=archive.read("model.skops")))


@pytest.mark.parametrize("name", list(KINDS))
def test_roundtrip_gives_identical_suggestions(fitted, split, tmp_path, name):
    _, test = split
    model = fitted[name]
    model.suggest_tags(test, k=2)  # caches filled by use are saved too
    path = model.save(tmp_path / "m.topictags")
    assert _untrusted_by_skops(path) <= tt.persistence.TRUSTED_TYPES
    loaded = tt.load(path)
    assert type(loaded) is type(model)
    np.testing.assert_array_equal(loaded.decision_function(test), model.decision_function(test))
    assert tt.suggest_tags(test, model=path, k=2) == model.suggest_tags(test, k=2)


def test_trusted_types_are_exactly_what_models_need(fitted, split, tmp_path):
    # Nothing skops already trusts, nothing no model holds: each entry widens
    # what a hostile file may instantiate.
    needed = set()
    for name in KINDS:
        fitted[name].suggest_tags(split[1], k=2)
        needed |= _untrusted_by_skops(fitted[name].save(tmp_path / f"{name}.topictags"))
    assert sorted(tt.persistence.TRUSTED_TYPES) == sorted(needed)


# Fitted attributes that hold, since issue 10, the parameters prediction reads;
# files written before them have only the parameters.
FIT_TIME_PARAMETERS = {
    "nmf-logistic": ("mapping_", "blend_weight_", "title_weight_"),
    "sup": ("title_weight_", "neighbors_", "neighbor_weight_", "classifier_name_"),
}


@pytest.mark.parametrize("name", list(FIT_TIME_PARAMETERS))
def test_files_written_before_fit_time_parameters_load_and_predict_alike(
    fitted, split, tmp_path, name
):
    import copy

    _, test = split
    model = fitted[name]
    old = copy.deepcopy(model)
    for attribute in FIT_TIME_PARAMETERS[name]:
        del old.__dict__[attribute]
    loaded = tt.load(old.save(tmp_path / "old.topictags"))
    for attribute in FIT_TIME_PARAMETERS[name]:
        assert getattr(loaded, attribute) == getattr(model, attribute)
    np.testing.assert_array_equal(loaded.decision_function(test), model.decision_function(test))
    assert loaded.name == model.name


def test_loaded_topic_tagger_keeps_training_questions(fitted, tmp_path):
    loaded = tt.load(fitted["nmf"].save(tmp_path / "m.topictags"))
    pd.testing.assert_frame_equal(loaded.train_questions_, fitted["nmf"].train_questions_)


def test_no_overwrite_without_asking(fitted, tmp_path):
    path = tmp_path / "m.topictags"
    path.write_text("precious user data")
    with pytest.raises(OutputExistsError, match="overwrite=True"):
        fitted["nmf"].save(path)
    assert path.read_text() == "precious user data"
    fitted["nmf"].save(path, overwrite=True)
    assert tt.load(path).tags_.tolist() == fitted["nmf"].tags_.tolist()
    assert [p.name for p in tmp_path.iterdir()] == ["m.topictags"]  # no temp files left


def _skops_nodes(path, class_name: str) -> list[dict]:
    """The nodes of ``class_name`` in the skops schema of a model file."""
    import io

    with zipfile.ZipFile(path) as archive:
        payload = archive.read("model.skops")
    with zipfile.ZipFile(io.BytesIO(payload)) as inner:
        schema = json.loads(inner.read("schema.json"))
    found, stack = [], [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("__class__") == class_name:
                found.append(node)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


@pytest.mark.parametrize("name", ["nmf", "sup"])
def test_the_token_memo_is_not_saved(fitted, split, tmp_path, name):
    _, test = split
    model = fitted[name]
    expected = model.suggest_tags(test, k=2)
    assert model.cleaner_._memo  # filled by fit and suggest_tags
    path = model.save(tmp_path / "m.topictags")
    (cleaner,) = _skops_nodes(path, "TextCleaner")
    attributes = set(cleaner["content"]["content"])
    assert "protected" in attributes and "_memo" not in attributes
    loaded = tt.load(path)
    assert loaded.cleaner_._memo == {}
    assert loaded.suggest_tags(test, k=2) == expected
    assert loaded.cleaner_._memo  # rebuilt on use


def test_missing_and_foreign_files(tmp_path):
    with pytest.raises(ModelFileError, match="no model file"):
        tt.load(tmp_path / "nope.topictags")
    (tmp_path / "x.txt").write_text("hello")
    with pytest.raises(ModelFileError, match="not a topictags model file"):
        tt.load(tmp_path / "x.txt")


class Stranger:
    def __init__(self):
        self.value = 1


class _Evil:
    def __reduce__(self):
        import os

        return (os.system, ("echo pwned > pwned.txt",))


def test_pickle_payload_is_refused_without_running(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "evil.topictags"
    path.write_bytes(pickle.dumps(_Evil()))
    with pytest.raises(ModelFileError, match="never loaded"):
        tt.load(path)
    assert not (tmp_path / "pwned.txt").exists()


def test_untrusted_types_inside_a_valid_archive_are_refused(tmp_path, fitted):
    import hashlib

    import skops.io as sio

    payload = sio.dumps({"model": Stranger()})  # a type not on the list
    manifest = json.loads(
        zipfile.ZipFile(fitted["base"].save(tmp_path / "ok.topictags")).read("manifest.json")
    )
    manifest["sha256"] = hashlib.sha256(payload).hexdigest()
    path = tmp_path / "odd.topictags"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        archive.writestr("model.skops", payload)
    with pytest.raises(ModelFileError, match="does not trust.*Stranger"):
        tt.load(path)


def _archive_holding(obj, tmp_path, fitted) -> Path:
    """A valid model file (manifest, checksums) whose payload is ``obj``."""
    import hashlib

    import skops.io as sio

    payload = sio.dumps(obj)
    manifest = json.loads(
        zipfile.ZipFile(fitted["base"].save(tmp_path / "ok.topictags")).read("manifest.json")
    )
    manifest["sha256"] = hashlib.sha256(payload).hexdigest()
    del manifest["archive_sha256"]  # unsigned: what refuses it must be the type list
    path = tmp_path / "odd.topictags"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        archive.writestr("model.skops", payload)
    return path


def test_a_type_no_model_holds_is_refused(tmp_path, fitted):
    # numpy.dtype objects are not trusted by skops by default and no tagger
    # holds one (numpy scalar types, which vectorizers hold, are trusted).
    path = _archive_holding({"model": np.dtype("float64")}, tmp_path, fitted)
    with pytest.raises(ModelFileError, match="does not trust.*numpy.dtype"):
        tt.load(path)


def test_truncated_and_edited_files_are_detected(fitted, tmp_path):
    path = fitted["nmf"].save(tmp_path / "m.topictags")
    data = path.read_bytes()
    (tmp_path / "cut.topictags").write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelFileError):
        tt.load(tmp_path / "cut.topictags")
    # flip one byte inside the payload (stored uncompressed)
    edited = bytearray(data)
    edited[len(data) // 2] ^= 0xFF
    (tmp_path / "edit.topictags").write_bytes(bytes(edited))
    with pytest.raises(ModelFileError, match="corrupt|checksum|truncated"):
        tt.load(tmp_path / "edit.topictags")


def test_other_major_version_is_refused(fitted, tmp_path):
    path = fitted["base"].save(tmp_path / "m.topictags")
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        payload = archive.read("model.skops")
    manifest["library_version"] = "99.0.0"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        archive.writestr("model.skops", payload)
    with pytest.raises(ModelFileError, match="99.0.0.*refit"):
        tt.load(path)


class _InterruptedFile:
    """A file that writes half of the first chunk it is given, then is interrupted."""

    def __init__(self, real, record):
        self._real, self._record = real, record

    def write(self, data):
        data = memoryview(data).cast("B")
        half = max(1, len(data) // 2)
        self._real.write(data[:half])
        self._real.flush()  # the half chunk reaches the disk: a truly partial file
        self._record.append(half)
        raise KeyboardInterrupt

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._real.close()
        return False

    def __getattr__(self, name):
        return getattr(self._real, name)


def _interrupted_save(model, path, monkeypatch, **kwargs) -> list[int]:
    """Save ``model`` with every write to a file in ``path``'s folder interrupted
    half-way; the byte counts written before each interruption are returned.

    Files opened with ``open`` and with ``os.fdopen`` are both caught, so the
    harness does not depend on how the writer opens its file.
    """
    import builtins
    import os

    written: list[int] = []
    folder = path.parent.resolve()
    real_open, real_fdopen = builtins.open, os.fdopen

    def interrupting_open(file, mode="r", *args, **kw):
        fh = real_open(file, mode, *args, **kw)
        inside = isinstance(file, (str, os.PathLike)) and Path(file).resolve().parent == folder
        return _InterruptedFile(fh, written) if inside and "w" in mode else fh

    def interrupting_fdopen(fd, mode="r", *args, **kw):
        fh = real_fdopen(fd, mode, *args, **kw)
        return _InterruptedFile(fh, written) if "w" in mode else fh

    monkeypatch.setattr(builtins, "open", interrupting_open)
    monkeypatch.setattr(os, "fdopen", interrupting_fdopen)
    try:
        with pytest.raises(KeyboardInterrupt):
            model.save(path, **kwargs)
    finally:
        monkeypatch.undo()
    return written


@pytest.mark.parametrize("existing", [False, True], ids=["new", "overwrite"])
def test_interrupted_save_leaves_no_partial_file_and_keeps_the_old_one(
    fitted, tmp_path, monkeypatch, existing
):
    path = tmp_path / "m.topictags"
    if existing:
        path.write_bytes(b"precious user data")
    written = _interrupted_save(fitted["base"], path, monkeypatch, overwrite=existing)
    assert written and written[0] > 0  # interrupted while a file held part of the model
    if existing:
        assert [p.name for p in tmp_path.iterdir()] == ["m.topictags"]
        assert path.read_bytes() == b"precious user data"
    else:
        assert list(tmp_path.iterdir()) == []
    # and the same save, uninterrupted, works
    fitted["base"].save(path, overwrite=existing)
    assert tt.load(path).tags_.tolist() == fitted["base"].tags_.tolist()


def test_the_interruption_harness_catches_a_non_atomic_writer(fitted, tmp_path, monkeypatch):
    # Negative control of the test above: a writer that writes straight into
    # the destination leaves a half-written file, and the harness sees it.
    from topictags.persistence import _io

    def direct(path, chunks, *, overwrite, hint="overwrite=True"):
        with open(path, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
        return path

    monkeypatch.setattr(_io, "write_atomic", direct)
    path = tmp_path / "m.topictags"
    path.write_bytes(b"precious user data")
    written = _interrupted_save(fitted["base"], path, monkeypatch, overwrite=True)
    assert written and path.exists()
    assert path.read_bytes() != b"precious user data"  # clobbered by a partial model
    assert path.stat().st_size == written[0]


# -- smaller files (issue 11 part 8) -------------------------------------------------


def _old_topic_model_state(self) -> dict:
    """TopicModel.__getstate__ as files were written before 2026-12."""
    state = self.__dict__.copy()
    state.pop("_gensim", None)
    state.pop("_nmf_cache", None)
    return state


def _old_topic_tagger_state(self) -> dict:
    """TopicTagger.__getstate__ as files were written before 2026-12 (lists)."""
    from topictags.tagging._topic_tagger import _date_nanoseconds

    state = self.__dict__.copy()
    frame = state.pop("train_questions_")
    state["train_questions_"] = {
        "id": [None if pd.isna(v) else int(v) for v in frame["id"]],
        "title": frame["title"].tolist(),
        "tags": [list(t) for t in frame["tags"]],
        "creation_date_ns": _date_nanoseconds(frame["creation_date"]),
        "site": [str(v) for v in frame["site"].fillna("")],
    }
    return state


def _written_the_old_way(model, tmp_path, monkeypatch, fitted) -> Path:
    """``model`` in a file as save wrote it before 2026-12: every member of the
    payload stored, the NMF components twice, the vectorizer's vocabulary_ and
    the training questions as lists."""
    from topictags.models import TopicModel
    from topictags.tagging import SupervisedTagger, TopicTagger

    with monkeypatch.context() as patch:
        patch.setattr(TopicModel, "__getstate__", _old_topic_model_state)
        patch.setattr(TopicTagger, "__getstate__", _old_topic_tagger_state)
        patch.delattr(SupervisedTagger, "__getstate__")
        return _archive_holding(model, tmp_path, fitted)


@pytest.mark.parametrize("name", ["nmf", "lda-sklearn", "gensim", "sup"])
def test_files_written_the_old_uncompressed_way_load_and_suggest_alike(
    fitted, split, tmp_path, monkeypatch, name
):
    _, test = split
    model = fitted[name]
    path = _written_the_old_way(model, tmp_path, monkeypatch, fitted)
    with zipfile.ZipFile(path) as archive, zipfile.ZipFile(
        __import__("io").BytesIO(archive.read("model.skops"))
    ) as inner:
        assert {i.compress_type for i in inner.infolist()} == {zipfile.ZIP_STORED}
    loaded = tt.load(path)
    np.testing.assert_array_equal(loaded.decision_function(test), model.decision_function(test))
    assert loaded.suggest_tags(test, k=3) == model.suggest_tags(test, k=3)
    if name != "sup":
        pd.testing.assert_frame_equal(loaded.train_questions_, model.train_questions_)


def _payload_members(path) -> list[zipfile.ZipInfo]:
    import io

    with zipfile.ZipFile(path) as archive:
        payload = archive.read("model.skops")
    with zipfile.ZipFile(io.BytesIO(payload)) as inner:
        return inner.infolist()


@pytest.mark.parametrize("name", ["nmf", "gensim", "sup"])
def test_files_are_deflated_and_much_smaller_than_the_old_way(
    fitted, split, tmp_path, monkeypatch, name
):
    model = fitted[name]
    model.suggest_tags(split[1], k=2)
    new = model.save(tmp_path / "new.topictags")
    members = _payload_members(new)
    assert {i.compress_type for i in members} == {zipfile.ZIP_DEFLATED}
    old = _written_the_old_way(model, tmp_path, monkeypatch, fitted)
    # measured on this fixture: nmf 0.13, gensim 0.14, sup 0.4 of the old size
    ratio = new.stat().st_size / old.stat().st_size
    assert ratio < (0.6 if name == "sup" else 0.25)


def test_what_inference_does_not_need_is_not_saved(fitted, split, tmp_path):
    nmf = fitted["nmf"]
    path = nmf.save(tmp_path / "m.topictags")
    (topic_model,) = _skops_nodes(path, "TopicModel")
    assert topic_model["content"]["content"]["components_"]["__class__"] == "str"  # a marker
    for name in ("nmf", "sup"):
        model = fitted[name]
        path = model.save(tmp_path / f"{name}.topictags", overwrite=True)
        for vectorizer in _skops_nodes(path, "TfidfVectorizer") + _skops_nodes(
            path, "CountVectorizer"
        ):
            attributes = set(vectorizer["content"]["content"])
            assert "token_pattern" in attributes  # the vectorizer's own attributes
            assert "stop_words_" not in attributes
            if name == "nmf":
                assert "vocabulary_" not in attributes
    loaded = tt.load(tmp_path / "nmf.topictags")
    assert loaded.model_.components_ is loaded.model_.model_.components_
    assert loaded.model_.vectorizer_.vocabulary_ == nmf.model_.vectorizer_.vocabulary_
    assert nmf.model_.vectorizer_.vocabulary_  # not emptied by save


def test_training_questions_with_missing_ids_odd_titles_and_no_tags_roundtrip(tmp_path):
    questions = pd.DataFrame(
        {
            "title": ["How to merge two dataframes?", "Ünïcödé — 日本語 title", "", "Docker"] * 4,
            "body": ["<p>pandas merge join</p>", "<p>utf-8 encode</p>", "", "<p>docker</p>"] * 4,
            "tags": [["python", "pandas"], ["unicode"], [], ["docker"]] * 4,
            "creation_date": pd.to_datetime(
                ["2020-01-02 03:04:05.000", None, "2021-06-07", "2019-12-31 23:59:59.123"] * 4,
                format="ISO8601",
            ),
            "id": pd.array([None if i % 4 == 1 else 1000 + i for i in range(16)], dtype="Int64"),
            "site": ["stackoverflow.com", "", "meta.stackexchange.com", None] * 4,
        }
    )
    model = tt.TopicTagger("nmf", n_topics=2, n_tags=4, min_df=1, random_state=0).fit(questions)
    loaded = tt.load(model.save(tmp_path / "m.topictags"))
    expected = model.train_questions_.assign(site=model.train_questions_["site"].fillna(""))
    pd.testing.assert_frame_equal(loaded.train_questions_, expected)


def test_a_payload_that_would_inflate_past_the_bound_is_refused(tmp_path, fitted):
    import hashlib
    import io

    from topictags.persistence import _io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("schema.json", json.dumps({"__class__": "dict"}))
        with z.open("bomb.npy", "w") as member:
            for _ in range(_io._INFLATE_MARGIN // 2**20 + 8):
                member.write(bytes(2**20))  # 72 MiB of zeros, ~70 kB deflated
    payload = buffer.getvalue()
    manifest = json.loads(
        zipfile.ZipFile(fitted["base"].save(tmp_path / "ok.topictags")).read("manifest.json")
    )
    manifest["sha256"] = hashlib.sha256(payload).hexdigest()
    del manifest["archive_sha256"]
    path = tmp_path / "bomb.topictags"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        archive.writestr("model.skops", payload)
    with pytest.raises(ModelFileError, match="zip bomb"):
        tt.load(path)


@pytest.mark.parametrize("mapping", [None, "cooccurrence"])
def test_views_of_groups_are_rebuilt_on_load_exactly_not_saved(fitted, split, tmp_path, mapping):
    _, test = split
    reduced = fitted["nmf"].reduce_topics(2)
    if mapping:  # the views' tag rows follow the copy's mapping
        reduced = reduced.with_mapping(mapping)
    path = reduced.save(tmp_path / "m.topictags")
    (tagger,) = _skops_nodes(path, "TopicTagger")
    attributes = set(tagger["content"]["content"])
    assert "groups_" in attributes
    assert not attributes & {"view_components_", "view_doc_topic_", "view_topic_tag_"}
    loaded = tt.load(path)
    for name in ("view_components_", "view_doc_topic_", "view_topic_tag_"):
        np.testing.assert_array_equal(getattr(loaded, name), getattr(reduced, name))
    np.testing.assert_array_equal(loaded.view_transform(test), reduced.view_transform(test))
    assert loaded.suggest_tags(test, k=3) == reduced.suggest_tags(test, k=3)
