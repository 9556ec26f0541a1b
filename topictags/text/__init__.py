"""Cleaning question text: HTML to text, tokens, stop words, lemmas."""

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:  # what the names are, for type checkers and lint-imports
    from ._chunks import clean_chunks
    from ._clean import TextCleaner
    from ._html import html_to_text
    from ._lemmas import LEMMA_EXCEPTIONS, LEMMATIZERS, lemmatize
    from ._stopwords import DOMAIN_STOP_WORDS, default_stop_words

__all__ = [
    "DOMAIN_STOP_WORDS",
    "LEMMATIZERS",
    "LEMMA_EXCEPTIONS",
    "TextCleaner",
    "clean_chunks",
    "default_stop_words",
    "html_to_text",
    "lemmatize",
]

# Imported on first use (topictags/_lazy.py): `import topictags` stays fast.
__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "clean_chunks": "._chunks",
        "TextCleaner": "._clean",
        "html_to_text": "._html",
        "DOMAIN_STOP_WORDS": "._stopwords",
        "default_stop_words": "._stopwords",
        "LEMMA_EXCEPTIONS": "._lemmas",
        "LEMMATIZERS": "._lemmas",
        "lemmatize": "._lemmas",
    },
)
