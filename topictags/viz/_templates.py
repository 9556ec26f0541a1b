"""The Jinja2 environment every HTML page and pane of topictags is rendered with.

Templates live in ``topictags/viz/templates`` (package data). Autoescaping is
on for every template, so a value from the corpus (a term, a tag, a title) is
always inserted as text; only values wrapped in :class:`markupsafe.Markup` here
(inlined library code checked by the caller, JSON from :func:`script_json`)
are inserted as they are. Undefined variables are errors, not empty strings.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jinja2
import numpy as np
import pandas as pd
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

__all__ = ["Link", "Markup", "Table", "frame_table", "render", "script_json"]


def _json_default(obj: Any) -> Any:
    """JSON form of the numpy and complex values pyLDAvis and pandas hand over.

    Complex numbers never reach the page: their real part is written (an MDS
    of a nearly degenerate distance matrix can return ``x + 0j`` values).
    """
    if isinstance(obj, (complex, np.complexfloating)):
        return float(np.real(obj))
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        if np.iscomplexobj(obj):
            obj = np.real(obj)
        return obj.tolist()
    raise TypeError(f"{type(obj).__name__} is not JSON serialisable")


_JSON_KWARGS = {"default": _json_default, "ensure_ascii": True, "sort_keys": False}


def script_json(obj: Any) -> Markup:
    """JSON that is also a safe JavaScript literal inside an HTML ``<script>``.

    ``<``, ``>``, ``&`` and ``'`` become ``\\u`` escapes (so no value can end
    the script or open a comment) and every non-ASCII character is escaped,
    U+2028 and U+2029 included (they end a string literal in older engines).
    """
    return htmlsafe_json_dumps(obj, **_JSON_KWARGS)


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("topictags.viz", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    # ``|tojson`` in a template goes through the same escaping as script_json.
    env.policies["json.dumps_kwargs"] = dict(_JSON_KWARGS)
    return env


def render(name: str, /, **context: Any) -> str:
    """Render the template ``name`` of ``topictags/viz/templates``."""
    return _environment().get_template(name).render(**context)


# ---------------------------------------------------------------------------
# tables


@dataclass(frozen=True)
class Link:
    """A hyperlink cell part: ``text`` shown, ``href`` followed (None: text only)."""

    text: str
    href: str | None = None


@dataclass(frozen=True)
class Table:
    """What the ``table`` macro of ``_macros.html`` renders.

    ``rows`` hold cells that are either text (``str``) or a list of
    :class:`Link`; ``row_headers`` makes the first cell of each row a ``<th>``.
    """

    columns: Sequence[str]
    rows: Sequence[Sequence[str | list[Link]]]
    row_headers: bool = False


def cell_text(value: Any) -> str | list[Link]:
    """One table cell: numbers to at most 4 decimals, whole numbers without any."""
    if isinstance(value, Link):
        return [value]
    if isinstance(value, list) and all(isinstance(v, Link) for v in value):
        return value
    if isinstance(value, (list, tuple, np.ndarray)):
        return ", ".join(str(v) for v in value)
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{round(value, 4)}"
    return str(value)


def frame_table(frame: pd.DataFrame, *, index: bool = False) -> Table:
    """A :class:`Table` of a DataFrame; with ``index``, its index as row headers."""
    columns = [str(c) for c in frame.columns]
    rows = [[cell_text(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    if not index:
        return Table(columns, rows)
    name = frame.index.name
    return Table(
        ["" if name is None else str(name), *columns],
        [[cell_text(label), *row] for label, row in zip(frame.index, rows, strict=True)],
        row_headers=True,
    )
