"""Offline pyLDAvis pages: topic-model arrays in, one self-contained HTML file out.

pyLDAvis's own ``save_html`` loads d3 and LDAvis from a CDN, so its pages are
blank without internet access and leak a request to a third party. Here the
JavaScript and CSS that pyLDAvis ships are inlined, the data is escaped so
terms and labels taken from user text cannot close the ``<script>`` element,
and the standalone page carries a Content-Security-Policy that lets only its
own script run and blocks every network request.

Topic numbering: LDAvis numbers topics from 1 and treats topic 0 as "no topic
selected", so it cannot show a topic 0. Pages made here therefore keep
pyLDAvis's one-based numbers, with ``sort_topics=False`` so that page topic
``k`` is always model topic ``k - 1``; the label table on the page shows both
numbers.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import re
import uuid
import warnings
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .._files import write_atomic
from ..errors import OutputExistsError
from ._validate import as_matrix

if TYPE_CHECKING:  # pragma: no cover
    from IPython.display import HTML
    from pyLDAvis import PreparedData

__all__ = ["ldavis_html", "prepare_ldavis", "save_ldavis", "show_ldavis"]

# Added to every probability before renormalising: exact zeros would give
# log(0) = -inf in pyLDAvis's relevance and lift, and non-finite values in the
# page's data. 1e-12 is far below anything a topic model estimates, so the
# ranking of terms is unchanged.
_EPS = 1e-12

# Characters that must not appear raw in data embedded in a <script>: "<" and
# ">" could form "</script>" or "<!--", "&" is escaped for XHTML hosts, and
# U+2028/U+2029 end a JavaScript string literal in older engines.
_SCRIPT_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_SCRIPT_ESCAPE_RE = re.compile("[<>&\u2028\u2029]")


# ---------------------------------------------------------------------------
# prepare


def prepare_ldavis(
    topic_term: Any,
    doc_topic: Any,
    doc_lengths: Any,
    vocab: Sequence[str],
    term_frequency: Any,
    *,
    R: int = 30,
    lambda_step: float = 0.01,
    sort_topics: bool = False,
    n_jobs: int = 1,
) -> PreparedData:
    """Compute the data of an LDAvis page from plain topic-model arrays.

    Both matrices may be unnormalised (NMF ``components_`` and ``W``, LDA
    pseudo-counts): each row is divided by its sum, a tiny epsilon replaces
    exact zeros, and all-zero rows become uniform distributions (a document
    NMF gives no weight to, or a dead component). This keeps pyLDAvis's
    Jensen-Shannon PCoA and its log relevance finite.

    Parameters
    ----------
    topic_term : array-like of shape (n_topics, n_terms)
        Non-negative topic-term weights; ``n_topics >= 2``.
    doc_topic : array-like of shape (n_docs, n_topics)
        Non-negative document-topic weights.
    doc_lengths : array-like of shape (n_docs,)
        Number of tokens of each document; non-negative, not all zero.
    vocab : sequence of str of length n_terms
        The terms, without duplicates (LDAvis keys its bars by term).
    term_frequency : array-like of shape (n_terms,)
        Corpus count of each term; non-negative.
    R : int, default=30
        Number of terms in the bar chart (LDAvis shows at most 30).
    lambda_step : float, default=0.01
        Step of the λ grid over which term relevance is precomputed.
    sort_topics : bool, default=False
        Sort topics by prevalence, as pyLDAvis does by default. Left off so
        that page topic ``k`` is model topic ``k - 1`` (pyLDAvis numbers
        topics from 1); when on, the label table of :func:`ldavis_html`
        still maps page numbers to model topics.
    n_jobs : int, default=1
        Workers for the relevance computation (joblib convention).

    Returns
    -------
    pyLDAvis.PreparedData

    Raises
    ------
    ValueError
        Shapes disagree, values are negative or not finite, fewer than two
        topics, duplicated terms, or all documents are empty.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> prepared = prepare_ldavis(
    ...     rng.random((3, 8)), rng.random((5, 3)), [10] * 5,
    ...     [f"w{i}" for i in range(8)], np.ones(8), R=5,
    ... )
    >>> len(prepared.topic_coordinates)
    3
    """
    topic_term = _nonnegative_2d(topic_term, "topic_term")
    doc_topic = _nonnegative_2d(doc_topic, "doc_topic")
    n_topics, n_terms = topic_term.shape
    n_docs = doc_topic.shape[0]
    if n_topics < 2:
        raise ValueError(f"topic_term has {n_topics} topic(s); LDAvis needs at least 2")
    if doc_topic.shape[1] != n_topics:
        raise ValueError(
            f"doc_topic has {doc_topic.shape[1]} columns but topic_term has {n_topics} "
            "rows; both must be the number of topics"
        )
    doc_lengths = _nonnegative_1d(doc_lengths, "doc_lengths", n_docs, "doc_topic rows")
    if doc_lengths.sum() <= 0:
        raise ValueError("doc_lengths are all zero: no token to visualise")
    term_frequency = _nonnegative_1d(
        term_frequency, "term_frequency", n_terms, "topic_term columns"
    )
    if isinstance(vocab, str):
        raise ValueError("vocab must be a sequence of terms, not a string")
    vocab = [str(term) for term in vocab]
    if len(vocab) != n_terms:
        raise ValueError(f"vocab has {len(vocab)} terms but topic_term has {n_terms} columns")
    if len(set(vocab)) != n_terms:
        dupes = sorted(t for t, n in Counter(vocab).items() if n > 1)
        raise ValueError(f"vocab has duplicated terms: {dupes[:5]!r}")
    if not (isinstance(R, (int, np.integer)) and R >= 1):
        raise ValueError(f"R must be a positive integer, got {R!r}")
    if not 0 < lambda_step <= 1:
        raise ValueError(f"lambda_step must be in (0, 1], got {lambda_step!r}")

    pyLDAvis = _import_pyldavis()
    return pyLDAvis.prepare(
        _to_distributions(topic_term),
        _to_distributions(doc_topic),
        doc_lengths,
        vocab,
        term_frequency,
        R=int(R),
        lambda_step=float(lambda_step),
        mds="pcoa",
        n_jobs=n_jobs,
        sort_topics=bool(sort_topics),
        # LDAvis's JavaScript reserves topic 0 for "none selected".
        start_index=1,
    )


def _nonnegative_2d(x: Any, name: str) -> np.ndarray:
    arr = as_matrix(x, name)
    if (arr < 0).any():
        raise ValueError(f"{name} contains negative values; topic weights must be >= 0")
    return arr


def _nonnegative_1d(x: Any, name: str, size: int, what: str) -> np.ndarray:
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a numeric 1-D array: {exc}") from None
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
    if arr.shape[0] != size:
        raise ValueError(f"{name} has {arr.shape[0]} values but there are {size} {what}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    if (arr < 0).any():
        raise ValueError(f"{name} contains negative values")
    return arr


def _to_distributions(x: np.ndarray) -> np.ndarray:
    """Rows summing to 1, strictly positive; all-zero rows become uniform."""
    sums = x.sum(axis=1, keepdims=True)
    uniform = np.full_like(x, 1.0 / x.shape[1])
    p = np.divide(x, sums, out=uniform, where=sums > 0)
    p += _EPS
    return p / p.sum(axis=1, keepdims=True)


def _import_pyldavis():
    # pyLDAvis.utils calls warnings.simplefilter("always", DeprecationWarning)
    # at import, which would change the warning filters of the whole program.
    with warnings.catch_warnings():
        import pyLDAvis
        import pyLDAvis.urls
    return pyLDAvis


# ---------------------------------------------------------------------------
# HTML


@lru_cache(maxsize=1)
def _assets() -> tuple[str, str, str]:
    """d3, LDAvis JavaScript and LDAvis CSS as shipped by pyLDAvis.

    ``pyLDAvis.urls`` pairs the files the same way its CDN pages do
    (d3.v5 with ldavis.v3.0.0.js for pyLDAvis 3.x).
    """
    pyLDAvis = _import_pyldavis()
    urls = pyLDAvis.urls
    texts = []
    for path in (urls.D3_LOCAL, urls.LDAVIS_LOCAL, urls.LDAVIS_CSS_LOCAL):
        try:
            texts.append(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise RuntimeError(
                f"pyLDAvis's bundled asset {path} cannot be read ({exc}); reinstall pyLDAvis"
            ) from exc
    d3_js, ldavis_js, css = texts
    # Inlined code can only be trusted not to end its element early if it
    # holds no end tag or comment opener; fail loudly if a new pyLDAvis does.
    for name, text, tag in (
        ("d3", d3_js, "</script"),
        ("LDAvis", ldavis_js, "</script"),
        ("LDAvis CSS", css, "</style"),
    ):
        lowered = text.lower()
        if tag in lowered or "<!--" in lowered:
            raise RuntimeError(f"pyLDAvis's {name} asset cannot be inlined safely")
    return d3_js, ldavis_js, css


def _script_json(obj: Any) -> str:
    """JSON that is also a safe JavaScript literal inside an HTML <script>."""
    text = json.dumps(obj, default=_json_default, ensure_ascii=True)
    return _SCRIPT_ESCAPE_RE.sub(lambda m: _SCRIPT_ESCAPES[m.group()], text)


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    raise TypeError(f"{type(obj).__name__} is not JSON serialisable")


def _scope_css(css: str, scope: str) -> str:
    """Prefix every selector with ``scope`` so the CSS styles only one visualisation.

    The shipped CSS styles every ``path`` and ``text`` of the page (and the
    notebook's ``.container``), which blanks other SVGs in a notebook.
    """
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    if "@" in css:  # at-rules would need a real parser; keep the file as it is
        return css
    rules = []
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        names = [s.strip() for s in selectors.split(",") if s.strip()]
        # Rules that resize the classic notebook's layout do not belong to the
        # visualisation; scoped, they match nothing and are dropped.
        names = [s for s in names if not s.startswith((".container", ".output_area"))]
        if names:
            rules.append(", ".join(f"{scope} {s}" for s in names) + " {" + body.strip() + "}")
    return "\n".join(rules)


def _page_topics(prepared: PreparedData) -> list[tuple[int, int]]:
    """(page number, model topic index) pairs in page order."""
    start = int(min(prepared.topic_coordinates["topics"]))
    # topic_order[j] is the model topic shown as page topic j + start,
    # itself offset by start (see pyLDAvis.prepare).
    return [(j + start, int(t) - start) for j, t in enumerate(prepared.topic_order)]


def _check_prepared(prepared: Any) -> None:
    pyLDAvis = _import_pyldavis()
    if not isinstance(prepared, pyLDAvis.PreparedData):
        raise ValueError(
            "prepared must be the result of prepare_ldavis (a pyLDAvis.PreparedData), "
            f"got {type(prepared).__name__}"
        )


def _check_labels(topic_labels: Sequence[str] | None, n_topics: int) -> list[str] | None:
    if topic_labels is None:
        return None
    if isinstance(topic_labels, str):
        raise ValueError("topic_labels must be a sequence of str, one per topic, not a str")
    labels = list(topic_labels)
    if len(labels) != n_topics:
        raise ValueError(f"topic_labels has {len(labels)} labels but there are {n_topics} topics")
    for i, label in enumerate(labels):
        if not isinstance(label, str):
            raise ValueError(f"topic_labels[{i}] must be a str, got {type(label).__name__}")
    return labels


def _fragment(prepared: PreparedData, topic_labels: Sequence[str] | None) -> tuple[str, str, str]:
    """Markup, style and script of one visualisation, with a fresh element id.

    Returns ``(body_html, css, script)``; ``script`` goes in a ``<script>``
    element after ``body_html``, since LDAvis needs its target div to exist.
    """
    _check_prepared(prepared)
    pairs = _page_topics(prepared)
    labels = _check_labels(topic_labels, len(pairs))
    d3_js, ldavis_js, css = _assets()
    # Unique per call: a notebook can show several pages, and LDAvis derives
    # every element id from this one.
    visid = "topictags-ldavis-" + uuid.uuid4().hex

    page_labels = {}
    rows = []
    for page, model in pairs:
        cells = f"<td>{page}</td><td>{model}</td>"
        if labels is not None:
            page_labels[str(page)] = labels[model]
            cells += f"<td>{html.escape(labels[model])}</td>"
        rows.append(f"<tr>{cells}</tr>")
    label_header = '<th scope="col">Label</th>' if labels is not None else ""
    if all(model == page - 1 for page, model in pairs):
        caption = "Topics: LDAvis numbers them from 1, so page topic k is model topic k&#8722;1"
    else:
        caption = "Topics: LDAvis numbers them by prevalence, from 1"
    body = (
        f'<div class="topictags-ldavis-wrap" style="display:flex;flex-wrap:wrap;'
        f'gap:16px;align-items:flex-start">\n'
        f'<div id="{visid}" class="topictags-ldavis" style="background-color:white;"></div>\n'
        f'<aside class="topictags-topic-labels" style="font-family:sans-serif;font-size:13px">\n'
        f'<table id="{visid}-labels">\n'
        f"<caption>{caption}</caption>\n"
        '<thead><tr><th scope="col">Page topic</th><th scope="col">Model topic</th>'
        f"{label_header}</tr></thead>\n"
        "<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>\n</aside>\n</div>"
    )
    style = (
        _scope_css(css, f"#{visid}")
        + f"\n#{visid}-labels {{border-collapse:collapse}}"
        + f"\n#{visid}-labels td, #{visid}-labels th "
        "{border:1px solid #ccc;padding:2px 6px;text-align:left}"
    )
    # d3 and LDAvis run inside a closure, with AMD/CommonJS hidden: d3's UMD
    # header would otherwise register with a notebook's require.js instead of
    # defining d3, and neither library overwrites another d3 on the page.
    script = (
        "(function () {\n"
        "var root = {};\n"
        "(function (define, exports, module) {\n"
        f"{d3_js}\n"
        "}).call(root);\n"
        "var d3 = root.d3;\n"
        "var LDAvis = (function (d3) {\n"
        f"{ldavis_js}\n"
        "return LDAvis;\n"
        "})(d3);\n"
        f"var visid = {_script_json(visid)};\n"
        f"var data = {_script_json(prepared.to_dict())};\n"
        f"var labels = {_script_json(page_labels)};\n"
        'new LDAvis("#" + visid, data);\n'
        "// Tooltips: .text() inserts the label as text, never as markup.\n"
        'd3.select("#" + visid).selectAll("circle.dot").each(function (d) {\n'
        "  var label = labels[String(d.topics)];\n"
        '  if (label) { d3.select(this).append("title").text(label); }\n'
        "});\n"
        "})();\n"
    )
    return body, style, script


def ldavis_html(
    prepared: PreparedData,
    *,
    topic_labels: Sequence[str] | None = None,
    title: str = "topictags — topics",
) -> str:
    """A self-contained HTML page of the LDAvis visualisation.

    d3, LDAvis's JavaScript and its CSS are inlined from the copies pyLDAvis
    ships: the page works offline and loads nothing from any host. The data is
    embedded with ``<``, ``>``, ``&``, U+2028 and U+2029 escaped, so no term
    can end the script, and a Content-Security-Policy allows only the page's
    own script (by hash) and no network request.

    Parameters
    ----------
    prepared : pyLDAvis.PreparedData
        From :func:`prepare_ldavis`.
    topic_labels : sequence of str, optional
        One label per model topic, in model order (e.g. the tags a topic maps
        to, ``"python, pandas"``). Shown, HTML-escaped, in a table beside the
        visualisation and as tooltips on the topic circles.
    title : str, default="topictags — topics"
        Page title and heading.

    Returns
    -------
    str
        The HTML document.

    Examples
    --------
    >>> page = ldavis_html(prepared, topic_labels=["python, pandas", "css"])  # doctest: +SKIP
    >>> "<script src=" in page  # doctest: +SKIP
    False
    """
    body, style, script = _fragment(prepared, topic_labels)
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    csp = (
        "default-src 'none'; "
        f"script-src 'sha256-{digest}'; "
        # LDAvis sets style attributes and the page has one <style> element.
        "style-src 'unsafe-inline'; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    safe_title = html.escape(str(title))
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{safe_title}</title>\n"
        f"<style>\nbody {{font-family:sans-serif;margin:16px}}\n{style}\n</style>\n"
        "</head>\n<body>\n"
        f'<h1 style="font-size:20px">{safe_title}</h1>\n'
        f"{body}\n"
        f"<script>{script}</script>\n"
        "</body>\n</html>\n"
    )


def show_ldavis(prepared: PreparedData, *, topic_labels: Sequence[str] | None = None) -> HTML:
    """The visualisation as an ``IPython.display.HTML`` object, for notebooks.

    Like :func:`ldavis_html`, it needs no internet access. Each call uses new
    element ids, so several visualisations can be shown in one notebook. The
    notebook must be trusted for its scripts to run.

    Parameters
    ----------
    prepared : pyLDAvis.PreparedData
        From :func:`prepare_ldavis`.
    topic_labels : sequence of str, optional
        One label per model topic, in model order.

    Returns
    -------
    IPython.display.HTML

    Examples
    --------
    >>> show_ldavis(prepared, topic_labels=labels)  # doctest: +SKIP
    """
    try:
        from IPython.display import HTML
    except ImportError as exc:
        raise ImportError(
            "show_ldavis needs IPython (pip install 'topictags[notebook]'); "
            "use save_ldavis to write a standalone page instead"
        ) from exc
    body, style, script = _fragment(prepared, topic_labels)
    return HTML(f"<style>{style}</style>\n{body}\n<script>{script}</script>")


def save_ldavis(
    prepared: PreparedData,
    path: str | os.PathLike,
    *,
    topic_labels: Sequence[str] | None = None,
    overwrite: bool = False,
    title: str = "topictags — topics",
) -> Path:
    """Write :func:`ldavis_html` to ``path``, atomically.

    The page is written to a temporary file in the same folder and moved into
    place, so a reader never sees half a page and a failure leaves no file.

    Parameters
    ----------
    prepared : pyLDAvis.PreparedData
        From :func:`prepare_ldavis`.
    path : str or path-like
        Target ``.html`` file; its folder must exist.
    topic_labels : sequence of str, optional
        One label per model topic, in model order.
    overwrite : bool, default=False
        Replace an existing file.
    title : str, default="topictags — topics"
        Page title and heading.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    OutputExistsError
        ``path`` exists and ``overwrite`` is false.
    FileNotFoundError
        The folder of ``path`` does not exist.

    Examples
    --------
    >>> save_ldavis(prepared, "topics.html", topic_labels=labels)  # doctest: +SKIP
    PosixPath('topics.html')
    """
    path = Path(path)
    if path.exists() and not overwrite:
        raise OutputExistsError(f"{path} exists; pass overwrite=True to replace it")
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a folder, not a file")
    if not path.parent.is_dir():
        raise FileNotFoundError(f"cannot save to {path}: folder {path.parent} does not exist")
    page = ldavis_html(prepared, topic_labels=topic_labels, title=title)
    return write_atomic(path, [page.encode("utf-8")], overwrite=overwrite)
