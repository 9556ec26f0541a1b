"""Cleaning question text: HTML to text, tokens, stop words, lemmas."""

from ._chunks import clean_chunks
from ._clean import TextCleaner
from ._html import html_to_text
from ._stopwords import DOMAIN_STOP_WORDS, default_stop_words

__all__ = [
    "DOMAIN_STOP_WORDS",
    "TextCleaner",
    "clean_chunks",
    "default_stop_words",
    "html_to_text",
]
