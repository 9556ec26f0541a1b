"""Hostile and damaged model files: refused with ModelFileError, never executed.

Complements ``test_persistence.py``. Attack files are built in the documented
format (zip with ``manifest.json`` + ``model.skops``, SHA-256 of the payload
in the manifest and of the archive in its comment), so that what refuses them
is the type allowlist, not a checksum. Each attack would create a marker file
if any of its code ran.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import pickle
import struct
import sys
import zipfile

import numpy as np
import pytest
from conftest import make_questions
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import topictags as tt
from topictags.errors import ModelFileError
from topictags.persistence import read_manifest

FIXTURE_OK = [HealthCheck.function_scoped_fixture]
TRAILER = b"topictags-sha256:"


# -- building files ------------------------------------------------------------


def archive_bytes(manifest: dict | bytes, payload: bytes, *, sign: bool = True,
                  compression: int = zipfile.ZIP_STORED) -> bytes:
    """A model file in the documented format, checksums included."""
    if isinstance(manifest, dict):
        manifest = dict(manifest, sha256=hashlib.sha256(payload).hexdigest())
        manifest = json.dumps(manifest).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        archive.writestr("manifest.json", manifest)
        archive.writestr("model.skops", payload)
        if sign:
            archive.comment = b"\0" * (len(TRAILER) + 64)
    data = buffer.getvalue()
    if not sign:
        return data
    body = data[: -(len(TRAILER) + 64)]
    return body + TRAILER + hashlib.sha256(body).hexdigest().encode()


def skops_bytes(schema: dict, files: dict[str, bytes] | None = None) -> bytes:
    """A skops payload: a zip holding ``schema.json`` (and array files)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("schema.json", json.dumps(schema))
        for name, data in (files or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


_IDS = itertools.count(1)


def node(module: str, cls: str, loader: str, **extra) -> dict:
    # skops memoises nodes by "__id__": each node needs its own.
    return {"__module__": module, "__class__": cls, "__loader__": loader,
            "__id__": next(_IDS), **extra}


def json_str(value: str) -> dict:
    return node("builtins", "str", "JsonNode", content=json.dumps(value), is_json=True)


def root(content: dict) -> dict:
    keys = [node("builtins", "str", "TypeNode") for _ in content]
    return node("builtins", "dict", "DictNode", content=content,
                key_types=node("builtins", "list", "ListNode", content=keys),
                protocol=2, _skops_version="0.16.0")


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A real model file and the manifest it carries."""
    model = tt.MostFrequentTagger(n_tags=6).fit(make_questions(40))
    path = model.save(tmp_path_factory.mktemp("model") / "m.topictags")
    return model, path.read_bytes(), read_manifest(path)


# -- attacks -------------------------------------------------------------------


class _Reduce:
    def __init__(self, func, *args):
        self.func, self.args = func, args

    def __reduce__(self):
        return self.func, self.args


def _touch(marker) -> tuple:
    return ("sh", "-c", f"touch {marker}")


def attack_payloads(marker) -> dict[str, bytes]:
    """skops payloads that run code if loaded with trust."""
    import subprocess

    command = f"touch {marker}"
    popen_args = node("builtins", "tuple", "TupleNode", content=[
        node("builtins", "list", "ListNode", content=[json_str(a) for a in _touch(marker)])
    ])
    evil_array = io.BytesIO()
    np.save(evil_array, np.array([_Reduce(subprocess.call, _touch(marker))], dtype=object),
            allow_pickle=True)
    tagger_state = node("builtins", "dict", "DictNode", content={
        "n_tags": json_str("6"),
        "tags_": node("os", "system", "ConstructorFromReduceNode",
                      content=node("builtins", "tuple", "TupleNode", content=[json_str(command)])),
    }, key_types=node("builtins", "list", "ListNode",
                      content=[node("builtins", "str", "TypeNode")] * 2))
    return {
        "os.system reduce": skops_bytes(root({"m": node(
            "os", "system", "ConstructorFromReduceNode",
            content=node("builtins", "tuple", "TupleNode", content=[json_str(command)]),
        )})),
        "posix.system function": skops_bytes(root({"m": node("posix", "system", "FunctionNode",
                                                              content={})})),
        "builtins.eval reduce": skops_bytes(root({"m": node(
            "builtins", "eval", "ConstructorFromReduceNode",
            content=node("builtins", "tuple", "TupleNode", content=[json_str(
                f"__import__('os').system('{command}')")]),
        )})),
        "builtins.eval type": skops_bytes(root({"m": node("builtins", "eval", "TypeNode")})),
        "subprocess.Popen reduce": skops_bytes(root({"m": node(
            "subprocess", "Popen", "ConstructorFromReduceNode", content=popen_args)})),
        "subprocess.Popen object": skops_bytes(root({"m": node(
            "subprocess", "Popen", "ObjectNode",
            content=node("builtins", "dict", "DictNode", content={}, key_types=node(
                "builtins", "list", "ListNode", content=[])),
        )})),
        # A trusted class whose state hides the reduce one level down.
        "nested in a trusted tagger": skops_bytes(root({"m": node(
            "topictags.tagging._baseline", "MostFrequentTagger", "ObjectNode",
            content=tagger_state,
        )})),
        # A name looked up on a trusted module: still not a trusted type.
        "attribute of a trusted module": skops_bytes(root({"m": node(
            "topictags.tagging._topic_tagger", "time", "TypeNode")})),
        # numpy arrays are trusted, but an object array is a pickle inside.
        "pickled object array": skops_bytes(
            root({"m": node("numpy", "ndarray", "NdArrayNode", type="numpy", file="a.npy")}),
            {"a.npy": evil_array.getvalue()},
        ),
    }


ATTACKS = list(attack_payloads("MARKER"))


@pytest.mark.parametrize("attack", ATTACKS)
def test_crafted_skops_payloads_are_refused_without_running(saved, tmp_path, monkeypatch,
                                                            attack):
    monkeypatch.chdir(tmp_path)
    marker = tmp_path / "pwned"
    _, _, manifest = saved
    path = tmp_path / "evil.topictags"
    path.write_bytes(archive_bytes(manifest, attack_payloads(marker)[attack]))
    with pytest.raises(ModelFileError, match="does not trust|could not be rebuilt") as info:
        tt.load(path)
    assert str(path) in str(info.value)
    assert not marker.exists()


@pytest.mark.parametrize(
    "attack", ["os.system reduce", "builtins.eval reduce", "nested in a trusted tagger"]
)
def test_attacks_are_real_when_trusted(tmp_path, attack):
    # Control: trusted blindly, these payloads do run their command, so the
    # test above passes only because topictags refuses them.
    import skops.io as sio

    marker = tmp_path / "pwned"
    payload = attack_payloads(marker)[attack]
    sio.loads(payload, trusted=sio.get_untrusted_types(data=payload))
    assert marker.exists()


def test_importing_a_module_named_in_a_file_does_not_happen(saved, tmp_path, monkeypatch):
    # Importing is running code: a module named in a file must not even be
    # imported before the type is refused.
    marker = tmp_path / "imported"
    (tmp_path / "topictags_evil_probe.py").write_text(
        f"open({str(marker)!r}, 'w').close()\nclass Thing:\n    pass\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    _, _, manifest = saved
    path = tmp_path / "evil.topictags"
    payload = skops_bytes(root({"m": node("topictags_evil_probe", "Thing", "ObjectNode")}))
    path.write_bytes(archive_bytes(manifest, payload))
    with pytest.raises(ModelFileError, match="topictags_evil_probe.Thing"):
        tt.load(path)
    assert not marker.exists()
    assert "topictags_evil_probe" not in sys.modules


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
@pytest.mark.parametrize("where", ["whole file", "as payload"])
def test_pickles_are_never_unpickled(saved, tmp_path, monkeypatch, protocol, where):
    import os

    monkeypatch.chdir(tmp_path)
    marker = tmp_path / "pwned"
    evil = pickle.dumps(_Reduce(os.system, f"touch {marker}"), protocol=protocol)
    path = tmp_path / "evil.topictags"
    if where == "whole file":
        path.write_bytes(evil)
        match = "never loaded"
    else:
        path.write_bytes(archive_bytes(saved[2], evil))
        match = "unreadable payload"
    with pytest.raises(ModelFileError, match=match):
        tt.load(path)
    assert not marker.exists()


def test_compressed_members_are_refused(saved, tmp_path):
    # save stores the outer members, so a compressed one is foreign; the
    # payload's own members are deflated by save, and a payload declaring
    # more than the bound once inflated is refused before skops reads it
    # (zip bombs: a few kB inflating to gigabytes).
    from topictags.persistence import _io

    _, data, manifest = saved
    payload = zipfile.ZipFile(io.BytesIO(data)).read("model.skops")
    path = tmp_path / "bomb.topictags"
    path.write_bytes(archive_bytes(manifest, payload, compression=zipfile.ZIP_DEFLATED))
    with pytest.raises(ModelFileError, match="compressed"):
        tt.load(path)
    bomb = io.BytesIO()
    with (
        zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("schema.json", "w") as member,
    ):
        for _ in range(_io._INFLATE_MARGIN // 2**20 + 8):
            member.write(b" " * 2**20)  # 72 MiB in ~70 kB
    path.write_bytes(archive_bytes(manifest, bomb.getvalue()))
    with pytest.raises(ModelFileError, match="zip bomb"):
        tt.load(path)


@pytest.mark.parametrize(
    "manifest",
    [b"[" * 100_000, b"\xff\xfe", b"null", b"[]", b'{"format": "other"}', b"{" + b" " * 10],
    ids=["deep JSON", "not UTF-8", "null", "list", "other format", "broken JSON"],
)
def test_bad_manifests(saved, tmp_path, manifest):
    # found: a deeply nested manifest raised RecursionError
    path = tmp_path / "m.topictags"
    path.write_bytes(archive_bytes(manifest, b"payload"))
    with pytest.raises(ModelFileError, match="not a topictags model file|corrupt"):
        tt.load(path)


def test_a_stripped_archive_checksum_is_noticed(saved, tmp_path):
    _, data, manifest = saved
    payload = zipfile.ZipFile(io.BytesIO(data)).read("model.skops")
    path = tmp_path / "m.topictags"
    path.write_bytes(archive_bytes(manifest, payload, sign=False))
    with pytest.raises(ModelFileError, match="checksum was removed"):
        tt.load(path)


# -- damage --------------------------------------------------------------------


def test_the_intact_file_loads(saved, tmp_path):
    # Control for the damage tests below: they fail only on damage.
    model, data, _ = saved
    path = tmp_path / "m.topictags"
    path.write_bytes(data)
    loaded = tt.load(path)
    assert loaded.tags_.tolist() == model.tags_.tolist()
    assert loaded.suggest_tags("anything", k=3) == model.suggest_tags("anything", k=3)


def load_damaged(tmp_path, data: bytes) -> ModelFileError:
    path = tmp_path / "damaged.topictags"
    path.write_bytes(data)
    try:
        tt.load(path)
    except ModelFileError as exc:
        return exc
    # Anything else, including loading, fails the test.
    raise AssertionError("damaged file loaded without error")


@settings(max_examples=300, deadline=None, suppress_health_check=FIXTURE_OK)
@given(fraction=st.floats(0, 1, exclude_max=True))
@example(fraction=0.0)
def test_truncated_files_are_refused(saved, tmp_path, fraction):
    _, data, _ = saved
    cut = int(fraction * len(data))
    load_damaged(tmp_path, data[:cut])


def test_truncated_at_the_end_is_refused(saved, tmp_path):
    _, data, _ = saved
    for cut in range(1, len(TRAILER) + 64 + 30):
        load_damaged(tmp_path, data[:-cut])


@settings(max_examples=400, deadline=None, suppress_health_check=FIXTURE_OK)
@given(where=st.floats(0, 1, exclude_max=True), mask=st.integers(1, 255))
def test_single_byte_edits_are_detected(saved, tmp_path, where, mask):
    _, data, _ = saved
    edited = bytearray(data)
    edited[int(where * len(data))] ^= mask
    load_damaged(tmp_path, bytes(edited))


def zip_metadata_offsets(data: bytes) -> list[int]:
    """Offsets of every zip header byte, and of the archive comment."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    offsets = []
    for info in archive.infolist():
        start = info.header_offset
        name_len, extra_len = struct.unpack("<HH", data[start + 26 : start + 30])
        offsets += range(start, start + 30 + name_len + extra_len)
    eocd = data.rindex(b"PK\x05\x06")
    central = struct.unpack("<I", data[eocd + 16 : eocd + 20])[0]
    offsets += range(central, len(data))  # central directory, end record, comment
    return offsets


def test_every_zip_header_byte_is_covered(saved, tmp_path):
    # found: zip readers ignore the local headers' dates, sizes and CRCs and
    # parts of the end record, so 209 of 10,780 single-byte edits loaded; and
    # flags or methods made zipfile raise RuntimeError / NotImplementedError.
    _, data, _ = saved
    offsets = zip_metadata_offsets(data)
    assert len(offsets) > 200
    for offset in offsets:
        for mask in (0x01, 0xFF):
            edited = bytearray(data)
            edited[offset] ^= mask
            load_damaged(tmp_path, bytes(edited))


@settings(max_examples=150, deadline=None, suppress_health_check=FIXTURE_OK)
@given(data=st.one_of(
    st.binary(max_size=2000),
    st.binary(max_size=200).map(lambda b: b"PK\x03\x04" + b),
    st.builds(lambda m, p: archive_bytes(m, p),
              st.binary(max_size=100), st.binary(max_size=200)),
    st.builds(lambda m, p: archive_bytes(m, p),
              st.dictionaries(st.sampled_from(["format", "format_version", "library_version",
                                               "class"]),
                              st.one_of(st.text(max_size=10), st.integers(), st.none())),
              st.binary(max_size=200)),
))
@example(data=b"")
@example(data=b"PK\x05\x06" + b"\0" * 18)
def test_arbitrary_bytes_are_refused(tmp_path, data):
    load_damaged(tmp_path, data)
