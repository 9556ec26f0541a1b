"""Offline pyLDAvis pages: ``PreparedData`` in, one self-contained HTML page out.

pyLDAvis's own ``save_html`` loads d3 and LDAvis from a CDN, so its pages are
blank without internet access and leak a request to a third party. Here the
JavaScript and CSS that pyLDAvis ships are inlined, the page is rendered from
Jinja2 templates (``templates/ldavis_*``) with autoescaping, the data is
embedded with ``htmlsafe_json_dumps`` so terms and labels taken from user
text cannot close the ``<script>`` element, and the standalone page carries a
Content-Security-Policy that lets only its own script run and blocks every
network request.
"""

from __future__ import annotations

import base64
import hashlib
import math
import numbers
import os
import re
import uuid
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._files import write_atomic
from .._validation import Interval, check_value
from ..errors import OutputExistsError, ParameterError
from ._ldavis_prepare import _import_pyldavis
from ._templates import Markup, render

if TYPE_CHECKING:  # pragma: no cover
    from IPython.display import HTML
    from pyLDAvis import PreparedData

__all__ = ["ldavis_html", "save_ldavis", "show_ldavis"]

_DEFAULT_TITLE = "topictags — topics"
# λ the page opens with: the relevance the topic labels rank terms by
# (topictags.tagging._labels.DEFAULT_LAMBDA; viz sits below tagging).
DEFAULT_LAMBDA = 0.6


@lru_cache(maxsize=1)
def _assets() -> tuple[Markup, Markup, str]:
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
            raise RuntimeError(
                f"pyLDAvis's {name} asset cannot be inlined safely (it holds {tag!r} or "
                "'<!--'); install the pyLDAvis version pinned in topictags' requirements"
            )
    # Markup: checked above, and HTML-escaping would break the code.
    return Markup(d3_js), Markup(ldavis_js), css


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
        raise ParameterError(
            "prepared must be the result of prepare_ldavis (a pyLDAvis.PreparedData), "
            f"got {type(prepared).__name__}"
        )


def _check_labels(
    topic_labels: Sequence[str | Mapping[str, Any]] | None, n_topics: int
) -> list[dict[str, Any]] | None:
    """One dict per model topic: ``label`` (str), ``terms``, ``tags``, ``prevalence``.

    A plain string is a label with no detail; a mapping is what
    ``TopicLabel.as_dict()`` gives (``label`` required, the rest optional).
    """
    if topic_labels is None:
        return None
    if isinstance(topic_labels, (str, Mapping)):
        raise ParameterError(
            "topic_labels must be a sequence with one label per topic (str, or a mapping "
            "from TopicLabel.as_dict()), not a single value; e.g. tagger.topic_labels()"
        )
    labels = list(topic_labels)
    if len(labels) != n_topics:
        raise ParameterError(
            f"topic_labels has {len(labels)} labels but there are {n_topics} topics; "
            "pass one label per model topic, in model order"
        )
    out = []
    for i, label in enumerate(labels):
        if isinstance(label, str):
            out.append({"label": label, "terms": [], "tags": [], "prevalence": None})
            continue
        if not isinstance(label, Mapping) or not isinstance(label.get("label"), str):
            raise ParameterError(
                f"topic_labels[{i}] must be a str or a mapping with a str 'label' "
                f"(TopicLabel.as_dict()), got {type(label).__name__}; convert it with str()"
            )
        out.append(
            {
                "label": label["label"],
                "terms": [str(t) for t in label.get("terms", [])],
                "tags": [_tag_entry(tag, i) for tag in label.get("tags", [])],
                "prevalence": _optional_float(label.get("prevalence"), f"topic_labels[{i}]"),
            }
        )
    return out


def _tag_entry(tag: Any, i: int) -> dict[str, Any]:
    if not isinstance(tag, Mapping) or not isinstance(tag.get("tag"), str):
        raise ParameterError(
            f"the tags of topic_labels[{i}] must be mappings with a str 'tag' "
            "(LabelTag.as_dict())"
        )
    return {
        "tag": tag["tag"],
        "share": _optional_float(tag.get("share"), f"topic_labels[{i}] tag share"),
        "weak": bool(tag.get("weak", False)),
        "reason": str(tag.get("reason", "")),
    }


def _optional_float(value: Any, what: str) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"{what} must be a number, got {value!r}") from exc
    return number if math.isfinite(number) else None


def _topic_entries(
    prepared: PreparedData, topic_labels: Sequence[str | Mapping[str, Any]] | None
) -> tuple[list[dict[str, Any]], bool]:
    """The page's topics, most prevalent first, each with its page and model number.

    Prevalence is the labels' own (the tagger's: mean share of the training
    questions, as in every chart) when given, else LDAvis's share of tokens.
    """
    pairs = _page_topics(prepared)
    labels = _check_labels(topic_labels, len(pairs))
    coordinates = prepared.topic_coordinates.set_index("topics")
    entries = []
    for page, model in pairs:
        tokens = float(coordinates.loc[page, "Freq"]) / 100.0
        entry = {"page": page, "topic": model, "tokens": tokens, "label": "", "terms": [],
                 "tags": [], "prevalence": tokens}
        if labels is not None:
            given = labels[model]
            entry.update(given)
            if given["prevalence"] is None:
                entry["prevalence"] = tokens
        entries.append(entry)
    entries.sort(key=lambda e: (-e["prevalence"], e["topic"]))
    return entries, labels is not None


def _check_lambda(lambda_: Any) -> float:
    return float(check_value(lambda_, "lambda_", [Interval(numbers.Real, 0, 1)]))


def _context(
    prepared: PreparedData,
    topic_labels: Sequence[str | Mapping[str, Any]] | None,
    lambda_: float = DEFAULT_LAMBDA,
) -> dict[str, Any]:
    """Template variables of one visualisation, with a fresh element id.

    ``script`` is rendered here, not in the page, because the page's
    Content-Security-Policy needs the hash of its exact text.
    """
    _check_prepared(prepared)
    lambda_ = _check_lambda(lambda_)
    topics, labelled = _topic_entries(prepared, topic_labels)
    d3_js, ldavis_js, css = _assets()
    # Unique per call: a notebook can show several pages, and LDAvis derives
    # every element id from this one.
    visid = "topictags-ldavis-" + uuid.uuid4().hex
    script = render(
        "ldavis_script.js",
        d3_js=d3_js,
        ldavis_js=ldavis_js,
        visid=visid,
        data=prepared.to_dict(),
        topics=topics,
        initial_lambda=lambda_,
    )
    return {
        "visid": visid,
        "topics": topics,
        "labelled": labelled,
        "detailed": any(entry["terms"] or entry["tags"] for entry in topics),
        # Selectors made by _scope_css from the checked asset; braces and
        # quotes in it must stay as they are.
        "ldavis_css": Markup(_scope_css(css, f"#{visid}")),
        "script": Markup(script),
    }


def ldavis_html(
    prepared: PreparedData,
    *,
    topic_labels: Sequence[str | Mapping[str, Any]] | None = None,
    title: str = _DEFAULT_TITLE,
    lambda_: float = DEFAULT_LAMBDA,
) -> str:
    """A self-contained HTML page of the LDAvis visualisation.

    d3, LDAvis's JavaScript and its CSS are inlined from the copies pyLDAvis
    ships: the page works offline and loads nothing from any host. The data is
    embedded with ``<``, ``>``, ``&``, ``'`` and every non-ASCII character
    escaped, so no term can end the script, labels and title are HTML-escaped,
    and a Content-Security-Policy allows only the page's own script (by hash)
    and no network request.

    Topics are numbered as in the model, from 0, everywhere on the page (the
    circles, the topic picker, the bar chart's title, the table), although
    LDAvis itself numbers them from 1: its own topic box is replaced by a
    picker that lists the topics by prevalence. Only the ``#topic=k`` part
    of the address LDAvis writes keeps its own number, the model topic plus
    one (with ``prepare_ldavis``'s default ``sort_topics=False``).

    Parameters
    ----------
    prepared : pyLDAvis.PreparedData
        From :func:`~topictags.viz.prepare_ldavis`.
    topic_labels : sequence of str or of mappings, optional
        One label per model topic, in model order: strings (e.g.
        ``tagger.topic_labels()``) or, for the detailed view, mappings as
        ``TopicLabel.as_dict()`` gives (``tagger.topic_label_details()``:
        ``label``, ``terms``, ``tags`` with their ``share``, ``weak`` and
        ``reason``, and ``prevalence``). Shown, HTML-escaped, in the topic
        table beside the map (most prevalent first), in the panel of the
        selected or hovered topic and as tooltips on the circles.
    lambda_ : float, default=0.6
        λ the relevance slider opens with (the labels' own ranking); a
        ``#topic=..&lambda=..`` fragment in the page's address overrides it.
    title : str, default="topictags — topics"
        Page title and heading.

    Returns
    -------
    str
        The HTML document.

    Raises
    ------
    ParameterError
        ``prepared`` is not a ``PreparedData`` or the labels do not fit it.

    Examples
    --------
    >>> prepared = tagger.to_ldavis()
    >>> page = ldavis_html(prepared, topic_labels=tagger.topic_labels())
    >>> "<script src=" in page  # d3 and LDAvis are inlined
    False
    """
    context = _context(prepared, topic_labels, lambda_)
    digest = hashlib.sha256(str(context["script"]).encode("utf-8")).digest()
    return render(
        "ldavis_page.html",
        title=str(title),
        script_sha256=base64.b64encode(digest).decode("ascii"),
        **context,
    )


def show_ldavis(
    prepared: PreparedData,
    *,
    topic_labels: Sequence[str | Mapping[str, Any]] | None = None,
    lambda_: float = DEFAULT_LAMBDA,
) -> HTML:
    """The visualisation as an ``IPython.display.HTML`` object, for notebooks.

    Like :func:`ldavis_html`, it needs no internet access. Each call uses new
    element ids, so several visualisations can be shown in one notebook. The
    notebook must be trusted for its scripts to run.

    Parameters
    ----------
    prepared : pyLDAvis.PreparedData
        From :func:`~topictags.viz.prepare_ldavis`.
    topic_labels : sequence of str or of mappings, optional
        One label per model topic, in model order: strings (e.g.
        ``tagger.topic_labels()``) or, for the detailed view, mappings as
        ``TopicLabel.as_dict()`` gives (``tagger.topic_label_details()``:
        ``label``, ``terms``, ``tags`` with their ``share``, ``weak`` and
        ``reason``, and ``prevalence``). Shown, HTML-escaped, in the topic
        table beside the map (most prevalent first), in the panel of the
        selected or hovered topic and as tooltips on the circles.
    lambda_ : float, default=0.6
        λ the relevance slider opens with (the labels' own ranking); a
        ``#topic=..&lambda=..`` fragment in the page's address overrides it.

    Returns
    -------
    IPython.display.HTML

    Raises
    ------
    ImportError
        IPython is not installed.

    Examples
    --------
    >>> prepared = tagger.to_ldavis()
    >>> shown = show_ldavis(prepared, topic_labels=tagger.topic_labels())
    >>> type(shown).__name__  # displayed when it ends a notebook cell
    'HTML'
    """
    try:
        from IPython.display import HTML
    except ImportError as exc:
        raise ImportError(
            "show_ldavis needs IPython (pip install 'topictags[notebook]'); "
            "use save_ldavis to write a standalone page instead"
        ) from exc
    return HTML(render("ldavis_notebook.html", **_context(prepared, topic_labels, lambda_)))


def save_ldavis(
    prepared: PreparedData,
    path: str | os.PathLike,
    *,
    topic_labels: Sequence[str | Mapping[str, Any]] | None = None,
    overwrite: bool = False,
    title: str = _DEFAULT_TITLE,
    lambda_: float = DEFAULT_LAMBDA,
) -> Path:
    """Write :func:`ldavis_html` to ``path``, atomically.

    The page is written to a temporary file in the same folder and moved into
    place, so a reader never sees half a page and a failure leaves no file.

    Parameters
    ----------
    prepared : pyLDAvis.PreparedData
        From :func:`~topictags.viz.prepare_ldavis`.
    path : str or path-like
        Target ``.html`` file; its folder must exist.
    topic_labels : sequence of str or of mappings, optional
        One label per model topic, in model order: strings (e.g.
        ``tagger.topic_labels()``) or, for the detailed view, mappings as
        ``TopicLabel.as_dict()`` gives (``tagger.topic_label_details()``:
        ``label``, ``terms``, ``tags`` with their ``share``, ``weak`` and
        ``reason``, and ``prevalence``). Shown, HTML-escaped, in the topic
        table beside the map (most prevalent first), in the panel of the
        selected or hovered topic and as tooltips on the circles.
    lambda_ : float, default=0.6
        λ the relevance slider opens with (the labels' own ranking); a
        ``#topic=..&lambda=..`` fragment in the page's address overrides it.
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
    >>> prepared = tagger.to_ldavis()
    >>> save_ldavis(prepared, "topics.html", topic_labels=tagger.topic_labels())
    PosixPath('topics.html')
    """
    path = Path(path)
    if path.exists() and not overwrite:
        raise OutputExistsError(f"{path} exists; pass overwrite=True to replace it")
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a folder, not a file; give a file name")
    if not path.parent.is_dir():
        raise FileNotFoundError(
            f"cannot save to {path}: folder {path.parent} does not exist; create it first"
        )
    page = ldavis_html(prepared, topic_labels=topic_labels, title=title, lambda_=lambda_)
    return write_atomic(path, [page.encode("utf-8")], overwrite=overwrite)
