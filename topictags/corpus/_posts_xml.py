"""Streaming questions out of a Stack Exchange data-dump ``Posts.xml``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from xml.etree.ElementTree import ParseError

import pandas as pd
from defusedxml import DefusedXmlException, DTDForbidden
from defusedxml.ElementTree import DefusedXMLParser

from ..errors import CorpusError

__all__ = ["iter_posts_xml", "read_posts_xml"]

_FIELDS = {"Id": "id", "Title": "title", "Body": "body", "Tags": "tags",
           "CreationDate": "creation_date", "Score": "score"}


class _Questions:
    """Parser target keeping the attributes of question rows, and nothing else.

    No element is ever built: expat hands each start tag's attributes over
    and they are dropped unless the row is a question. This does what
    ``iterparse`` with ``element.clear()`` aims at, without building the
    elements to clear (nor the root's list of cleared children that
    ``iterparse`` keeps), so memory holds only the questions not yet handed
    out: at most a chunk plus those of one block of input.
    """

    def __init__(self) -> None:
        self.rows: list[tuple] = []

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        if tag == "row" and attrib.get("PostTypeId") == "1":
            self.rows.append(tuple(attrib.get(name) for name in _FIELDS))

    def end(self, tag: str) -> None:
        pass

    def data(self, data: str) -> None:
        pass

    def close(self) -> list[tuple]:
        return self.rows


def read_posts_xml(chunks: Iterable[bytes], where: str) -> pd.DataFrame:
    """Questions (``PostTypeId="1"``) of a ``Posts.xml`` given as byte chunks.

    ``chunks`` is read once, in order (a file, or a member streamed out of an
    archive). See :func:`iter_posts_xml`.
    """
    frames = list(iter_posts_xml(chunks, where, chunksize=None))
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


def iter_posts_xml(
    chunks: Iterable[bytes], where: str, *, chunksize: int | None
) -> Iterator[pd.DataFrame]:
    """The questions of a ``Posts.xml`` given as byte chunks, ``chunksize`` at a time.

    Frames of exactly ``chunksize`` questions (the last one shorter) are
    yielded while the file is parsed; ``chunksize=None`` yields one frame.
    At least one frame is yielded, empty when the file has no question.
    The parser is defusedxml's with DTDs forbidden: a document type
    declaration, and with it any entity (billion laughs) or external entity,
    is refused before anything is expanded or fetched. Data dumps have none.
    """
    target = _Questions()
    columns = list(_FIELDS.values())
    yielded = False
    try:
        parser = DefusedXMLParser(target=target, forbid_dtd=True)
        for chunk in chunks:
            parser.feed(chunk)
            while chunksize is not None and len(target.rows) >= chunksize:
                rows = target.rows[:chunksize]
                del target.rows[:chunksize]
                yielded = True
                yield pd.DataFrame(rows, columns=columns)
        rows = parser.close()
    except DTDForbidden as exc:
        raise CorpusError(
            f"{where}: refused unsafe XML: the file has a <!DOCTYPE> declaration, which can "
            "expand entities or read other files, so it is never processed. Stack Exchange "
            "data dumps have none: this file was altered or is not a dump. If you trust it, "
            "delete the <!DOCTYPE ...> line (with any [...] block of entities it holds) and "
            "load it again"
        ) from exc
    except DefusedXmlException as exc:
        raise CorpusError(f"{where}: refused unsafe XML ({type(exc).__name__}: {exc})") from exc
    except ParseError as exc:
        raise CorpusError(f"{where}: malformed XML ({exc})") from exc
    except CorpusError:
        raise
    except (UnicodeError, OSError, ValueError, EOFError) as exc:
        raise CorpusError(f"{where}: cannot be read ({type(exc).__name__}: {exc})") from exc
    if rows or not yielded:
        yield pd.DataFrame(rows, columns=columns)
