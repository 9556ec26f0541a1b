"""Writing user-visible files atomically, without clobbering anything by surprise."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable
from pathlib import Path

from .errors import OutputExistsError

__all__ = ["write_atomic"]


def write_atomic(
    path: Path, chunks: Iterable[bytes], *, overwrite: bool, hint: str = "overwrite=True"
) -> Path:
    """Write ``chunks`` to a file beside ``path``, sync it, then move it into place.

    An interruption (even ``KeyboardInterrupt``) leaves either the old file or
    the new one, never a half-written file nor a temporary one. Without
    ``overwrite``, a file that appears at ``path`` while writing (another
    process) is not replaced: :class:`OutputExistsError`, naming ``hint`` as
    the way to replace it. Callers check the file and its folder before their
    slow work, so the user hears about an existing file first.
    """
    path = Path(path)
    # Created like any file the user makes (0o666 minus the umask; mkstemp's
    # 0o600 would hide it from the group); O_EXCL keeps the name ours.
    tmp = path.parent / f".{path.name}.{uuid.uuid4().hex}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        if overwrite:
            os.replace(tmp, path)
        else:
            _link_new(tmp, path, hint)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _link_new(tmp: Path, path: Path, hint: str) -> None:
    """Move ``tmp`` to ``path``, failing if ``path`` exists by then.

    ``os.replace`` would silently replace a file another process created
    since the check above; a hard link is created only if the name is free.
    Where hard links are not supported, fall back to the rename.
    """
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise OutputExistsError(
            f"{path} was created while saving; pass {hint} to replace it"
        ) from None
    except OSError:  # no hard links on this file system
        if path.exists():
            raise OutputExistsError(f"{path} exists; pass {hint} to replace it") from None
        os.replace(tmp, path)
        return
    tmp.unlink()
