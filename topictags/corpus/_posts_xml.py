"""Streaming questions out of a Stack Exchange data-dump ``Posts.xml``."""

from __future__ import annotations

from collections.abc import Iterable
from xml.etree.ElementTree import ParseError

import pandas as pd
from defusedxml import DefusedXmlException, DTDForbidden
from defusedxml.ElementTree import DefusedXMLParser

from ..errors import CorpusError

__all__ = ["read_posts_xml"]

_FIELDS = {"Id": "id", "Title": "title", "Body": "body", "Tags": "tags",
           "CreationDate": "creation_date", "Score": "score"}


class _Questions:
    """Parser target keeping the attributes of question rows, and nothing else.

    No element is ever built: expat hands each start tag's attributes over
    and they are dropped unless the row is a question, so memory grows with
    the questions kept, not with the file (answers, ``PostHistory``-sized
    bodies of other rows, the document's tree).
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
    archive). The parser is defusedxml's with DTDs forbidden: a document type
    declaration, and with it any entity (billion laughs) or external entity,
    is refused before anything is expanded or fetched. Data dumps have none.
    """
    target = _Questions()
    try:
        parser = DefusedXMLParser(target=target, forbid_dtd=True)
        for chunk in chunks:
            parser.feed(chunk)
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
    return pd.DataFrame(rows, columns=list(_FIELDS.values()))
