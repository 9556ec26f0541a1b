"""HTML to plain text with a real HTML parser (lexbor, via selectolax)."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

__all__ = ["html_to_text"]

# Block code is source, not prose: it swamps topics with identifiers. Inline
# <code> usually names the technology ("use `DataFrame.merge`"), so it stays.
_CODE_BLOCKS = "pre"
_NEVER_TEXT = "script, style, template, noscript"


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
    if not html:
        return ""
    if "<" not in html and "&" not in html:
        return html  # plain text: skip the parser (titles, titles-only corpora)
    tree = LexborHTMLParser(html)
    root = tree.body if tree.body is not None else tree.root
    if root is None:
        return ""
    selector = _NEVER_TEXT if keep_code else f"{_NEVER_TEXT}, {_CODE_BLOCKS}"
    for node in root.css(selector):
        node.decompose()
    text = root.text(separator=" ")
    return " ".join(text.split())
