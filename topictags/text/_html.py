"""HTML to plain text with a real HTML parser (lexbor, via selectolax)."""

from __future__ import annotations

import functools
import html as _html
import re

from selectolax.lexbor import LexborHTMLParser

from ..errors import InputTextError

__all__ = ["html_to_text", "visible_text"]

# Block code is source, not prose: it swamps topics with identifiers. Inline
# <code> usually names the technology ("use `DataFrame.merge`"), so it stays.
_CODE_BLOCKS = "pre"
_NEVER_TEXT = "script, style, template, noscript"

# An HTML parser's tree builder walks the stack of open elements on many start
# tags, so markup nested N deep costs O(N^2): 100,000 nested <div> (500 kB)
# took lexbor about 30 s. Browsers cap the depth (Blink at 512); here markup
# nested deeper than _MAX_DEPTH skips the parser and goes through a linear
# scan of its tags instead (same text, possibly different spacing).
_MAX_DEPTH = 1000
# Start/end tag, or comment (unclosed ones run to the end, as in a browser).
# The optional ">" keeps the scan linear on a "<a" never closed.
_TAG = re.compile(r"<(/?)([A-Za-z][^\s/>]*)[^>]*>?|<!--.*?(?:-->|\Z)|<[!?][^>]*>?", re.DOTALL)
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
     "source", "track", "wbr"}
)
# Elements whose content is not markup: skip to their end tag.
_RAW_TEXT = frozenset(
    {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes"}
)
_HIDDEN = frozenset(
    {"script", "style", "template", "noscript", "title", "iframe", "noembed", "noframes"}
)


def html_to_text(html: str, *, keep_code: bool = False) -> str:
    """Return the visible text of an HTML fragment.

    Entities are unescaped by the parser; elements are separated by spaces so
    words in adjacent paragraphs do not merge.

    Parameters
    ----------
    html : str
        An HTML fragment such as a Stack Overflow question body.
    keep_code : bool, default=False
        Keep the text of ``<pre>`` code blocks. Inline ``<code>`` is always kept.

    Returns
    -------
    str

    Examples
    --------
    >>> html_to_text("<p>Use <code>pd.merge</code> &amp; join</p><pre><code>x = 1</code></pre>")
    'Use pd.merge & join'
    """
    return " ".join(visible_text(html, keep_code=keep_code).split())


def visible_text(html: str, *, keep_code: bool = False) -> str:
    """:func:`html_to_text` before its runs of whitespace are made single spaces.

    For the cleaner, whose tokenizer treats any run of whitespace as one
    separator: joining the words again cost 8 % of cleaning a body.
    """
    if not isinstance(html, str):
        if html is None:
            return ""
        raise InputTextError(
            f"expected HTML or plain text as a str, got {type(html).__name__}: {html!r:.60}"
        )
    if not html:
        return ""
    if "<" not in html and "&" not in html:
        return html  # plain text: skip the parser (titles...)
    if html.count("<") > _MAX_DEPTH and _nesting_exceeds(html, _MAX_DEPTH):
        return _scanned_text(html, keep_code=keep_code)
    tree = LexborHTMLParser(html)
    root = tree.body if tree.body is not None else tree.root
    if root is None:
        return ""
    selector = _NEVER_TEXT if keep_code else f"{_NEVER_TEXT}, {_CODE_BLOCKS}"
    for node in root.css(selector):
        node.decompose()
    return root.text(separator=" ")


@functools.cache
def _end_tag(name: str) -> re.Pattern:
    # Not html.lower().find(): lower-casing may change the length ("İ" -> "i̇").
    return re.compile("</" + re.escape(name), re.IGNORECASE)


def _tags(html: str):
    """(is_end, lower-case name, start, end) of each tag; comments have name None.

    The content of raw-text elements (``<script>``, ``<textarea>``...) is not
    scanned for tags: it comes as one ``"#text"`` (shown) or ``"#skip"`` item.
    """
    pos = 0
    while True:
        match = _TAG.search(html, pos)
        if match is None:
            return
        pos = match.end()
        name = match.group(2)
        if name is None:
            yield False, None, match.start(), pos
            continue
        name = name.lower()
        is_end = bool(match.group(1))
        yield is_end, name, match.start(), pos
        if not is_end and name in _RAW_TEXT:
            found = _end_tag(name).search(html, pos)
            if found is None:
                return
            close = found.start()
            yield False, "#skip" if name in _HIDDEN else "#text", pos, close
            pos = close
        elif not is_end and name == "plaintext":
            yield False, "#text", pos, len(html)
            return


def _nesting_exceeds(html: str, limit: int) -> bool:
    """Whether elements may nest more than ``limit`` deep (a linear over-estimate)."""
    stack: list[str] = []
    open_count: dict[str, int] = {}
    for is_end, name, _, _ in _tags(html):
        if name is None or name.startswith("#") or name in _VOID:
            continue
        if not is_end:
            stack.append(name)
            open_count[name] = open_count.get(name, 0) + 1
            if len(stack) > limit:
                return True
        elif open_count.get(name):
            while True:  # an end tag closes the elements opened after it
                top = stack.pop()
                open_count[top] -= 1
                if top == name:
                    break
    return False


# A start tag that closes an open element of these names (HTML's "implied end
# tags"), unless an element of the scope was opened after it.
_IMPLIED_END = {"li": ({"li"}, {"ul", "ol", "menu"}), "dt": ({"dt", "dd"}, {"dl"}),
                "dd": ({"dt", "dd"}, {"dl"})}
# How far down the stack the scan looks: the parser's rule stops at most
# block elements anyway, and a bound keeps hostile markup linear.
_IMPLIED_LOOKBACK = 64


def _implied_close(stack: list[str], name: str) -> int:
    """How many open elements the start tag ``name`` closes (0 if none)."""
    closes, scope = _IMPLIED_END[name]
    for depth, open_name in enumerate(reversed(stack[-_IMPLIED_LOOKBACK:]), start=1):
        if open_name in scope:
            return 0
        if open_name in closes:
            return depth
    return 0


def _scanned_text(html: str, *, keep_code: bool) -> str:
    """Visible text of deeply nested markup, by one linear scan of its tags."""
    skipped = _HIDDEN if keep_code else _HIDDEN | {_CODE_BLOCKS}
    stack: list[str] = []
    open_count: dict[str, int] = {}
    hidden = 0  # open elements whose text is not shown
    chunks = []
    last = 0
    glue = False  # the previous tag was an end tag that closes nothing
    for is_end, name, start, end in _tags(html):
        if name in ("#text", "#skip"):
            if name == "#text" and not hidden:
                chunks.append(html[start:end])
            last = end
            glue = False
            continue
        if not hidden:
            if glue and chunks:
                # A stray end tag is dropped by the parser: the text on both
                # sides is one text node ("<li>0</li>0</li>0" reads "00").
                chunks[-1] += html[last:start]
            else:
                chunks.append(html[last:start])
        last = end
        # </p> and </br> make elements of their own; other strays vanish.
        glue = bool(is_end and name is not None and name not in ("p", "br")
                    and not open_count.get(name))
        if name is None or name in _VOID:
            continue
        if not is_end:
            if name in _RAW_TEXT:
                continue  # content already skipped; its end tag is ignored below
            if name in _IMPLIED_END:  # "<li>a<li>b": the second closes the first
                closed = _implied_close(stack, name)
                for _ in range(closed):
                    top = stack.pop()
                    open_count[top] -= 1
                    hidden -= top in skipped
            stack.append(name)
            open_count[name] = open_count.get(name, 0) + 1
            hidden += name in skipped
        elif open_count.get(name):
            while True:
                top = stack.pop()
                open_count[top] -= 1
                hidden -= top in skipped
                if top == name:
                    break
    if not hidden:
        chunks.append(html[last:])
    return " ".join(_html.unescape(" ".join(chunks)).split())
