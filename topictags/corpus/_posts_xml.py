"""Streaming questions out of a Stack Exchange data-dump ``Posts.xml``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import CorpusError

__all__ = ["read_posts_xml"]

_FIELDS = {"Id": "id", "Title": "title", "Body": "body", "Tags": "tags",
           "CreationDate": "creation_date", "Score": "score"}


def read_posts_xml(path: Path) -> pd.DataFrame:
    """Questions (``PostTypeId="1"``) of a ``Posts.xml`` file, read row by row.

    The file is streamed with ``iterparse`` and each row is cleared once read,
    so a dump of any size fits in memory as long as its questions do. The
    parser is defusedxml's: DTDs, entity declarations (billion laughs) and
    external entities are refused instead of expanded or fetched.
    """
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import iterparse

    rows = []
    try:
        for _, elem in iterparse(str(path), events=("end",), forbid_dtd=True):
            if elem.tag == "row":
                if elem.get("PostTypeId") == "1":
                    rows.append({new: elem.get(old) for old, new in _FIELDS.items()})
                elem.clear()
    except DefusedXmlException as exc:
        raise CorpusError(f"{path}: refused unsafe XML ({type(exc).__name__}: {exc})") from exc
    except ParseError as exc:
        raise CorpusError(f"{path}: malformed XML ({exc})") from exc
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path}: not valid UTF-8 at byte {exc.start}") from exc
    return pd.DataFrame(rows, columns=list(_FIELDS.values()))
