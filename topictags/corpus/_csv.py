"""Reading CSV exports in the dialects spreadsheets write: encodings and separators."""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import warnings
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from ..errors import CorpusError

__all__ = ["SEPARATORS", "CsvFile", "check_encoding", "text_encoding"]

# The separators exports use: comma (Data Explorer, pandas), semicolon
# (Excel in locales where the comma is the decimal mark), tab, pipe.
SEPARATORS = (",", ";", "\t", "|")
_CHUNK = 1 << 20
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))


def check_encoding(encoding) -> str | None:
    """``encoding`` as a codec name Python knows (``None`` stays ``None``)."""
    if encoding is None:
        return None
    if not isinstance(encoding, str):
        raise CorpusError(f"encoding must be a codec name such as 'cp1252', got {encoding!r:.60}")
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise CorpusError(
            f"unknown encoding {encoding!r:.60}: give a Python codec name such as "
            "'utf-8', 'cp1252' (Excel on Western-European Windows) or 'latin-1'"
        ) from None
    # A BOM is not text: "utf-8" would leave it in the first column's name.
    return "utf-8-sig" if name == "utf-8" else name


def text_encoding(path: Path, encoding: str | None) -> str:
    """The encoding to read ``path`` with, checked over the whole file.

    Without ``encoding``, a byte-order mark decides (UTF-8 or UTF-16, as
    Excel's "Unicode text" writes); otherwise the file must be UTF-8. Bytes
    that are not UTF-8 are an error naming their offset, never a guess: a
    one-byte code page (cp1252, latin-1, cp1250...) decodes any bytes, so
    guessing one would turn a file in another into silent mojibake.
    """
    with open(path, "rb") as file:
        head = file.read(4)
    guessed = encoding is None
    if guessed:
        encoding = next((name for bom, name in _BOMS if head.startswith(bom)), "utf-8-sig")
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    with open(path, "rb") as file:
        while True:
            chunk = file.read(_CHUNK)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                raise _decode_error(path, encoding, guessed, offset, chunk, exc) from exc
            if not chunk:
                return encoding
            offset += len(chunk)


def _decode_error(path, encoding, guessed, offset, chunk, exc) -> CorpusError:
    # The decoder may hold back the bytes of a character split across chunks:
    # exc.start counts from there, so its offset in the file can be earlier.
    start = max(offset + exc.start - (len(exc.object) - len(chunk)), 0)
    bad = exc.object[exc.start : exc.end]
    if guessed:
        around = exc.object[max(exc.start - 20, 0) : exc.end + 20]
        as_cp1252 = around.decode("cp1252", errors="replace")
        return CorpusError(
            f"{path}: not valid UTF-8 at byte {start} ({bad!r}; read as cp1252 it would be "
            f"{as_cp1252!r}). If the file was saved by Excel or another Windows program, "
            'pass encoding="cp1252" (or the encoding it was saved in); or re-save it as UTF-8'
        )
    return CorpusError(
        f"{path}: not valid {encoding} at byte {start} ({bad!r}); pass the encoding the "
        "file was saved in (encoding=...)"
    )


def _header_line(path: Path, encoding: str) -> str:
    with open(path, encoding=encoding, newline="") as file:
        return file.readline()


def detect_separator(header: str, known: Callable[[str], bool], default: str) -> str:
    """The separator that splits ``header`` into the most recognised column names.

    Only the header line is read: bodies are HTML full of commas and
    semicolons (every ``&amp;`` or ``&lt;`` holds one), often inside quoted
    fields spanning many lines, which fools counts of characters over a
    sample of rows (what :class:`csv.Sniffer` and pandas' ``sep=None`` do).
    Column names are short and known (``Id;Title;Body;Tags``). Ties go to
    the separator with more fields, then to ``default``.
    """
    best, best_key = default, (0, 0, 0)
    for sep in SEPARATORS:
        try:
            names = next(csv.reader([header.rstrip("\r\n")], delimiter=sep), [])
        except csv.Error:
            continue
        key = (sum(map(known, names)), len(names), sep == default)
        if len(names) > 1 and key > best_key:
            best, best_key = sep, key
    return best


class CsvFile:
    """A CSV/TSV file in the dialect it was written in, read whole or in chunks.

    The encoding is checked over the whole file and the separator detected
    from the header line once, when the file is opened; every chunk is then
    read with them, so a chunk never guesses on its own.
    """

    def __init__(
        self, path: Path, *, sep: str | None, encoding: str | None, default_sep: str,
        known: Callable[[str], bool],
    ) -> None:
        self.path = path
        self.encoding = text_encoding(path, encoding)
        self.sep = sep if sep is not None else detect_separator(
            _header_line(path, self.encoding), known, default_sep
        )

    def chunks(self, chunksize: int | None, usecols=None):
        """Frames of ``chunksize`` rows (one frame when ``None``; at least one, maybe empty)."""
        options = dict(
            sep=self.sep, dtype=str, keep_default_na=False, index_col=False,
            encoding=self.encoding, encoding_errors="strict", usecols=usecols,
        )
        if chunksize is None:
            with _strict():
                frame = pd.read_csv(self.path, **options)
            yield frame
            return
        with _strict():
            reader = pd.read_csv(self.path, chunksize=chunksize, **options)
        with reader:
            while True:
                # The filter is set around each read, never across a yield: a
                # suspended generator must not change the caller's warnings.
                with _strict():
                    chunk = next(reader, None)
                if chunk is None:
                    return
                yield chunk


@contextlib.contextmanager
def _strict():
    # By default pandas turns the extra leading fields of a too-long first row
    # into an index, shifting every column; index_col=False warns instead, and
    # the warning is made an error rather than silently dropping fields.
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.ParserWarning)
        yield


def read_text(path: Path, encoding: str | None) -> io.TextIOWrapper:
    """``path`` opened as text in its checked encoding (JSON files)."""
    return open(path, encoding=text_encoding(path, encoding))
