"""Saving and loading fitted taggers without pickle.

A model file is a zip archive holding ``manifest.json`` (format, format
version, library version, class, SHA-256 of the payload) and ``model.skops``:
the tagger serialised with :mod:`skops.io`, which rebuilds objects without
executing code from the file. The payload's own members (skops' schema and
arrays) are deflated; ``model.skops`` itself is stored, so that the checksums
cover the bytes on disk. Files written before 2026-12 (nothing deflated) load
as before. Loading accepts only the types listed in
:data:`TRUSTED_TYPES`; anything else in a file is refused.

The archive's comment, its last bytes, holds the SHA-256 of every byte before
it, so an edit anywhere in the file (zip headers included, which zip readers
partly ignore) is detected; the manifest says so (``"archive_sha256"``), so a
file whose comment was stripped is refused too.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import struct
import zipfile
import zlib
from datetime import datetime, timezone
from pathlib import Path

from .._files import write_atomic
from .._version import __version__
from ..errors import ModelFileError, OutputExistsError

__all__ = ["FORMAT", "FORMAT_VERSION", "TRUSTED_TYPES", "load", "save"]

FORMAT = "topictags-model"
FORMAT_VERSION = 1
_MANIFEST, _PAYLOAD = "manifest.json", "model.skops"
# The archive comment: this prefix and the hex SHA-256 of the bytes before it.
_TRAILER = b"topictags-sha256:"
_TRAILER_SIZE = len(_TRAILER) + 64
# Deflate level of the payload's members: 6 (zlib's default) gives nearly the
# size of 9 in a fraction of its time on float arrays.
_COMPRESSLEVEL = 6
# A payload whose members declare more than this many bytes once inflated is
# refused before skops reads it (a zip bomb): deflate cannot beat ~1032:1, and
# real model files inflate ~10:1, so 100:1 plus a margin rejects no real file.
_MAX_INFLATE_RATIO, _INFLATE_MARGIN = 100, 64 * 2**20
# Everything zipfile raises on a damaged archive (encrypted or unknown
# compression flags give RuntimeError and NotImplementedError).
_ZIP_ERRORS = (
    OSError, ValueError, EOFError, RuntimeError, NotImplementedError, struct.error,
    zlib.error, zipfile.LargeZipFile,
)

# The types of our model files that skops does not trust by default (its
# defaults cover the scikit-learn estimators, numpy scalars and arrays, and
# the builtin containers): found with skops.io.get_untrusted_types on files of
# every tagger kind, and kept exactly so by tests/test_persistence.py. Every
# entry widens what a file may make load instantiate: list no more.
TRUSTED_TYPES: frozenset[str] = frozenset(
    {
        "topictags.tagging._topic_tagger.TopicTagger",
        "topictags.tagging._supervised.SupervisedTagger",
        "topictags.tagging._baseline.MostFrequentTagger",
        "topictags.text._clean.TextCleaner",
        "topictags.models._topic_model.TopicModel",
        # SupervisedTagger: the calibrated SVM's per-tag calibrators
        "sklearn.calibration._CalibratedClassifier",
        "sklearn.calibration._SigmoidCalibration",
        # SupervisedTagger: the neighbours' training rows and labels
        "scipy.sparse._csr.csr_matrix",
        # TextCleaner: protected tags and stop words
        "builtins.frozenset",
    }
)


def _major(version: str) -> str:
    return version.split(".", 1)[0]


def save(model, path: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """Write a fitted tagger to ``path`` atomically.

    The file is written beside its destination and renamed into place, so an
    interruption never leaves a half-written model, and an existing file is
    replaced only when ``overwrite=True``.

    Parameters
    ----------
    model : fitted tagger
    path : str or PathLike
    overwrite : bool, default=False

    Returns
    -------
    Path

    Examples
    --------
    >>> tagger.save("nmf.topictags")
    PosixPath('nmf.topictags')
    >>> tt.load("nmf.topictags").suggest_tags("merge two dataframes")
    ['pandas', 'python', 'dataframe']
    """
    import skops.io as sio

    path = Path(path)
    if path.exists() and not overwrite:
        raise OutputExistsError(f"{path} exists; pass overwrite=True to replace it")
    if path.is_dir():
        raise ModelFileError(f"cannot save to {path}: it is a folder")
    if not path.parent.exists():
        raise ModelFileError(f"cannot save to {path}: folder {path.parent} does not exist")
    payload = sio.dumps(model, compression=zipfile.ZIP_DEFLATED, compresslevel=_COMPRESSLEVEL)
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "library_version": __version__,
        "class": type(model).__name__,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "sha256": hashlib.sha256(payload).hexdigest(),
        "archive_sha256": "zip comment",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(_MANIFEST, json.dumps(manifest, indent=2))
        archive.writestr(_PAYLOAD, payload)
        archive.comment = b"\0" * _TRAILER_SIZE  # sets the comment length field
    body = buffer.getbuffer()[:-_TRAILER_SIZE]
    trailer = _TRAILER + hashlib.sha256(body).hexdigest().encode("ascii")
    return write_atomic(path, [body, trailer], overwrite=overwrite)


def read_manifest(path: str | os.PathLike) -> dict:
    """The manifest of a model file, checked for format and version."""
    manifest, _, _ = _read(Path(path))
    return manifest


def _read(path: Path) -> tuple[dict, bytes, bool]:
    """(manifest, payload, whether the archive checksum is present and right)."""
    if not path.exists():
        raise ModelFileError(f"no model file at {path}")
    if path.is_dir():
        raise ModelFileError(f"{path} is a folder, not a model file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ModelFileError(f"{path} is unreadable: {exc}") from exc
    signed = data[-_TRAILER_SIZE:].startswith(_TRAILER)
    if signed:
        digest = hashlib.sha256(memoryview(data)[:-_TRAILER_SIZE]).hexdigest()
        if digest.encode("ascii") != data[-64:]:
            raise ModelFileError(f"{path} is corrupt or was edited: checksum mismatch")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if _MANIFEST not in names or _PAYLOAD not in names:
                raise ModelFileError(
                    f"{path} is not a topictags model file (no {_MANIFEST}/{_PAYLOAD})"
                )
            for name in (_MANIFEST, _PAYLOAD):
                # save stores both (only the payload's own members are
                # deflated, and bounded in load): no zip bomb here
                if archive.getinfo(name).compress_type != zipfile.ZIP_STORED:
                    raise ModelFileError(
                        f"{path} is not a topictags model file ({name} is compressed)"
                    )
            manifest = json.loads(archive.read(_MANIFEST))
            payload = archive.read(_PAYLOAD)
    except zipfile.BadZipFile as exc:
        raise ModelFileError(
            f"{path} is not a topictags model file (not a zip archive; pickle and other "
            "formats are never loaded), or it is truncated"
        ) from exc
    except _ZIP_ERRORS as exc:  # RecursionError (deep JSON) is a RuntimeError
        if isinstance(exc, ModelFileError):
            raise
        raise ModelFileError(f"{path} is corrupt or unreadable: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ModelFileError(f"{path} is not a topictags model file (format is not {FORMAT!r})")
    version = str(manifest.get("library_version", "?"))
    if manifest.get("format_version") != FORMAT_VERSION or _major(version) != _major(
        __version__
    ):
        raise ModelFileError(
            f"{path} was written by topictags {version} (file format "
            f"{manifest.get('format_version')!r}); this is topictags {__version__} "
            f"(format {FORMAT_VERSION}): refit the model with this version"
        )
    if hashlib.sha256(payload).hexdigest() != manifest.get("sha256"):
        raise ModelFileError(f"{path} is corrupt or was edited: checksum mismatch")
    return manifest, payload, signed


def load(path: str | os.PathLike):
    """Load a tagger saved with ``save``; no code from the file is executed.

    Raises
    ------
    ModelFileError
        Missing, truncated, edited or foreign file; another major version;
        or a file that holds types outside :data:`TRUSTED_TYPES`.

    Examples
    --------
    >>> tt.save(nmf, "nmf.topictags")
    PosixPath('nmf.topictags')
    >>> tagger = tt.load("nmf.topictags")
    >>> tagger.suggest_tags("merge two dataframes") == nmf.suggest_tags("merge two dataframes")
    True
    """
    import skops.io as sio

    path = Path(path)
    manifest, payload, signed = _read(path)
    try:
        with zipfile.ZipFile(io.BytesIO(payload)) as inner:
            members = inner.infolist()
    except (zipfile.BadZipFile, *_ZIP_ERRORS) as exc:
        raise ModelFileError(f"{path} has an unreadable payload: {exc}") from exc
    foreign = [
        i.filename
        for i in members
        if i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
    ]
    if foreign:
        raise ModelFileError(
            f"{path} has payload members compressed with a method topictags does not "
            f"write, refusing: {foreign[:3]}; save the model again with tt.save"
        )
    # zipfile never inflates a member past the size its header declares, so
    # bounding the declared sizes bounds what skops can make load inflate.
    inflated = sum(i.file_size for i in members)
    if inflated > _MAX_INFLATE_RATIO * len(payload) + _INFLATE_MARGIN:
        raise ModelFileError(
            f"{path} declares {inflated} bytes once inflated from {len(payload)}: not a "
            "file tt.save writes (a zip bomb?), refusing; save the model again with tt.save"
        )
    try:
        found = set(sio.get_untrusted_types(data=payload))
    except Exception as exc:  # skops raises several types on malformed payloads
        raise ModelFileError(f"{path} has an unreadable payload: {exc}") from exc
    untrusted = sorted(found - TRUSTED_TYPES)
    if untrusted:
        raise ModelFileError(
            f"{path} holds types topictags does not trust, refusing to load: "
            + ", ".join(untrusted[:10])
        )
    if "archive_sha256" in manifest and not signed:
        raise ModelFileError(f"{path} is corrupt or was edited: its checksum was removed")
    try:
        return sio.loads(payload, trusted=sorted(found))
    except Exception as exc:
        raise ModelFileError(f"{path} could not be rebuilt: {exc}") from exc
