"""Cleaning question text: HTML to text, tokens, stop words, lemmas."""

from ._clean import TextCleaner
from ._html import html_to_text
from ._lemmas import LEMMA_EXCEPTIONS, LEMMATIZERS, lemmatize
from ._stopwords import DOMAIN_STOP_WORDS, default_stop_words

__all__ = [
    "DOMAIN_STOP_WORDS",
    "LEMMATIZERS",
    "LEMMA_EXCEPTIONS",
    "TextCleaner",
    "default_stop_words",
    "html_to_text",
    "lemmatize",
]
