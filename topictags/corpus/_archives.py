"""Data-dump files as downloaded: ``.7z`` archives and compressed ``Posts.xml``.

Every reader yields the member's bytes in chunks, decompressed on the fly:
nothing is extracted to disk, and memory holds one chunk plus the
decompressor's window (the archive's LZMA2 dictionary: 16 MiB at 7-Zip's
default level, 64 MiB at ``-mx=9``), whatever the size of the member.

``.7z`` (and ``.zip``) go through libarchive, the C library behind
``bsdtar`` that Debian and most systems ship, with the ``libarchive-c``
binding: it hands a member out block by block as the caller asks, so the
parser pulls from it as from a file. py7zr, the pure-Python alternative,
either holds the member in memory (``BytesIOFactory``) or pushes it into a
writer callback; on a 200 MB member ``benchmarks/archives.py`` measured
libarchive-c at 4 MiB of peak RSS above parsing the plain ``Posts.xml``,
py7zr at 262 MiB (in memory) and 168 MiB (streaming writer) above it.
``.gz`` and ``.bz2`` use the standard library, ``.zst`` ``zstandard``.
"""

from __future__ import annotations

import bz2
import gzip
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath

from ..errors import CorpusError
from ._sites import site_from_path

__all__ = ["ARCHIVE_SUFFIXES", "COMPRESSED_SUFFIXES", "posts_members"]

_BLOCK = 1 << 20
ARCHIVE_SUFFIXES = (".7z", ".zip")
COMPRESSED_SUFFIXES = (".gz", ".bz2", ".zst")


def _file_chunks(opener: Callable, path: Path) -> Iterator[bytes]:
    try:
        with opener(path, "rb") as file:
            while chunk := file.read(_BLOCK):
                yield chunk
    except (OSError, EOFError) as exc:  # gzip.BadGzipFile, a truncated stream...
        raise _damaged(path, exc) from exc


def _zstd_chunks(path: Path) -> Iterator[bytes]:
    import zstandard

    try:
        with open(path, "rb") as raw, zstandard.ZstdDecompressor().stream_reader(raw) as file:
            while chunk := file.read(_BLOCK):
                yield chunk
    except (OSError, zstandard.ZstdError) as exc:
        raise _damaged(path, exc) from exc


def _damaged(path: Path, exc: Exception) -> CorpusError:
    return CorpusError(
        f"{path}: cannot be read ({type(exc).__name__}: {exc}); if it is a download, it may be "
        "incomplete or damaged: download it again"
    )


def posts_members(path: Path) -> Iterator[tuple[str, Iterator[bytes], str]]:
    """``(where, chunks, site)`` for each ``Posts.xml`` that ``path`` holds.

    A plain or compressed XML file is one member; an archive yields each
    member named ``Posts.xml`` (any folder, any case), with the site of its
    folder (``beer.stackexchange.com/Posts.xml``) or else the archive's
    (``beer.stackexchange.com.7z``, ``stackoverflow.com-Posts.7z``). Each
    ``chunks`` must be consumed before the next member is asked for.
    """
    suffix = path.suffix.lower()
    site = site_from_path(path)
    if suffix in ARCHIVE_SUFFIXES:
        yield from _archive_members(path, site)
    elif suffix == ".gz":
        yield str(path), _file_chunks(gzip.open, path), site
    elif suffix == ".bz2":
        yield str(path), _file_chunks(bz2.open, path), site
    elif suffix == ".zst":
        yield str(path), _zstd_chunks(path), site
    else:
        yield str(path), _file_chunks(open, path), site


def _libarchive():
    try:
        import libarchive
    except (ImportError, OSError, AttributeError) as exc:  # binding or C library missing
        raise CorpusError(
            "reading .7z and .zip archives needs libarchive: pip install libarchive-c, and "
            "the system library (Debian/Ubuntu: apt-get install libarchive13; macOS: brew "
            f"install libarchive) ({type(exc).__name__}: {exc})"
        ) from exc
    return libarchive


def _archive_members(path: Path, site: str) -> Iterator[tuple[str, Iterator[bytes], str]]:
    libarchive = _libarchive()

    members: list[str] = []
    found = 0
    try:
        with libarchive.file_reader(str(path)) as archive:
            for entry in archive:
                name = entry.pathname or ""
                members.append(name)
                if not entry.isfile or PurePosixPath(name).name.lower() != "posts.xml":
                    continue
                found += 1
                folder = site_from_path(PurePosixPath(name).parent / "x")
                yield f"{path}:{name}", _guarded(entry.get_blocks(_BLOCK), path), folder or site
    except libarchive.ArchiveError as exc:
        raise CorpusError(
            f"{path}: cannot be read as an archive ({exc.msg or 'unrecognised or damaged data'});"
            " check that the download is complete (its size, or 7zz t)"
        ) from exc
    if not found:
        shown = ", ".join(members[:20]) + (f" and {len(members) - 20} more" if len(members) > 20
                                           else "")
        hint = (
            " (Stack Overflow's dump keeps its posts in stackoverflow.com-Posts.7z)"
            if site == "stackoverflow.com" else ""
        )
        raise CorpusError(
            f"{path}: the archive holds no Posts.xml (members: {shown or 'none'}); give the "
            f"archive of the site's posts{hint}"
        )


def _guarded(blocks: Iterator[bytes], path: Path) -> Iterator[bytes]:
    # A damaged member fails half way through: say which archive it was.
    import libarchive

    try:
        yield from blocks
    except libarchive.ArchiveError as exc:
        raise CorpusError(
            f"{path}: damaged archive ({exc.msg or 'unreadable data'}); the download may be "
            "incomplete: check it (7zz t) or download it again"
        ) from exc
