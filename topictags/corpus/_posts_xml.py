"""Streaming questions out of a Stack Exchange data-dump ``Posts.xml``."""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import ParseError

import pandas as pd
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from ..errors import CorpusError

__all__ = ["read_posts_xml"]

_FIELDS = {"Id": "id", "Title": "title", "Body": "body", "Tags": "tags",
           "CreationDate": "creation_date", "Score": "score"}


def read_posts_xml(path: Path) -> pd.DataFrame:
    """Questions (``PostTypeId="1"``) of a ``Posts.xml`` file, read row by row.

    The file is streamed with ``iterparse`` and the tree is emptied after each
    row, so a dump of any size fits in memory as long as its questions do.
    The parser is defusedxml's with DTDs forbidden: a document type
    declaration, and with it any entity (billion laughs) or external entity,
    is refused before anything is expanded or fetched. Data dumps have none.
    """
    rows = []
    try:
        root = None
        for event, elem in iterparse(str(path), events=("start", "end"), forbid_dtd=True):
            if root is None:
                root = elem
            elif event == "end" and elem.tag == "row":
                if elem.get("PostTypeId") == "1":
                    rows.append({new: elem.get(old) for old, new in _FIELDS.items()})
                # Clearing the root drops the finished rows, not just their attributes.
                root.clear()
    except DefusedXmlException as exc:
        raise CorpusError(f"{path}: refused unsafe XML ({type(exc).__name__}: {exc})") from exc
    except ParseError as exc:
        raise CorpusError(f"{path}: malformed XML ({exc})") from exc
    except (UnicodeError, OSError, ValueError) as exc:
        raise CorpusError(f"{path}: cannot be read ({type(exc).__name__}: {exc})") from exc
    return pd.DataFrame(rows, columns=list(_FIELDS.values()))
