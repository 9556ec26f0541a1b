"""Lemmas of lower-cased English tokens, tuned on Stack Overflow text.

Two lookup tables, each used where it is right, measured on the 12,000 most
frequent tokens of ``questions.parquet`` and on the word list of
``tests/test_lemmas.py`` (``benchmarks/lemmas.py`` prints both):

- **simplemma**'s English dictionary decides whether a token changes at all.
  It keeps ``number``, ``data``, ``setting`` and ``mapping`` (spaCy's table
  gives ``numb``, ``datum``, ``set``, ``map``: it merges every part of speech)
  and knows the plurals of Stack Overflow's vocabulary (``urls``,
  ``callbacks``, ``namespaces``, ``iframes``), which spaCy's table lacks.
- **spaCy's lookup table** (spacy-lookups-data) gives the lemma of verb forms
  (``-ed``, ``-ing``, ``-es``), where simplemma's data has artefacts
  (``thinking`` -> ``thinke``, ``fixed`` -> ``fixe``, ``cancelled`` ->
  ``cancell``, ``prefixes`` -> ``prefixe``).

Tokens shorter than four characters are abbreviations far more often than
words here (``js``, ``ml``, ``aws``, ``ios``, ``cs``): they change only when
both tables agree and not by a dropped ``s`` (``got`` -> ``get``, but ``cs``
stays). Tokens with digits or symbols are kept as they are (``python3``, ``node.js``,
``c#``). :data:`LEMMA_EXCEPTIONS` fixes what is left: names of technologies
that look like plurals (``pandas``, ``rails``, ``windows``) and the few words
both tables get wrong.

``lemmatizer="spacy-lookup"`` is the engine of topictags before 2026-12
(spaCy's table alone); model files written then keep it, so a loaded model
cleans text as it did when it was fitted.
"""

from __future__ import annotations

import functools
import gzip
import json
from collections.abc import Callable

from ..errors import ParameterError

__all__ = ["LEMMATIZERS", "LEMMA_EXCEPTIONS", "lemmatize"]

LEMMATIZERS = ("simplemma", "spacy-lookup")

# Stack Overflow words whose dictionary lemma is wrong for this register: names
# that look like plurals (the library, the framework, the OS, not more pandas,
# rails or windows) and artefacts of the tables (found by benchmarks/lemmas.py,
# which lists frequent tokens whose lemma is rare in the corpus). Extend it by
# passing protected=... to TextCleaner, which keeps a token verbatim.
LEMMA_EXCEPTIONS: dict[str, str] = {
    # names
    "pandas": "pandas", "polars": "polars", "rails": "rails", "grails": "grails",
    "windows": "windows", "centos": "centos", "cors": "cors", "struts": "struts",
    "drools": "drools", "jenkins": "jenkins", "kubernetes": "kubernetes",
    "redis": "redis", "express": "express", "opera": "opera", "gemini": "gemini",
    "sass": "sass", "less": "less", "keras": "keras", "xamarin": "xamarin",
    "twisted": "twisted", "rhodes": "rhodes", "suds": "suds", "span": "span",
    # fields and mass nouns, not plurals of "statistic", "graphic", "medium"
    "statistics": "statistics", "graphics": "graphics", "analytics": "analytics",
    "media": "media", "physics": "physics", "semantics": "semantics",
    # what is left of contractions ("we'll", "I've", "don't"): stop words
    "ll": "will", "ve": "have", "nt": "not",
    # artefacts of both tables
    "gone": "go", "putting": "put", "developing": "develop", "developed": "develop",
    "overlay": "overlay", "overlays": "overlay", "ids": "id", "apis": "api",
    "axes": "axis", "phases": "phase", "dataframes": "dataframe", "params": "param",
}  # fmt: skip


@functools.lru_cache(maxsize=1)
def _spacy_table() -> dict[str, str]:
    # spaCy's English lookup lemmas, read from spacy-lookups-data directly:
    # the same table spacy.lookups.load_lookups("en", ["lemma_lookup"]) returns,
    # without importing spaCy (0.7 s).
    from importlib.resources import files

    try:
        raw = (files("spacy_lookups_data") / "data" / "en_lemma_lookup.json.gz").read_bytes()
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise ParameterError(
            "spaCy's English lemma table is missing: install spacy-lookups-data "
            "(pip install spacy-lookups-data), or pass lemmatize=False"
        ) from exc
    return json.loads(gzip.decompress(raw))


@functools.lru_cache(maxsize=1)
def _simplemma_lookup() -> Callable[[str], str | None]:
    try:
        from simplemma.strategies import DictionaryLookupStrategy
    except ImportError as exc:
        raise ParameterError(
            "simplemma is not installed: pip install simplemma, or use "
            "lemmatizer='spacy-lookup'"
        ) from exc
    # The dictionary only: simplemma's rule and affix strategies guess lemmas of
    # unknown words ("kubernetes" -> "kubernete"), which identifiers do not survive.
    strategy = DictionaryLookupStrategy()

    def lookup(token: str) -> str | None:
        lemma = strategy.get_lemma(token, "en")
        return None if lemma is None else lemma.lower()

    return lookup


def _plain_word(token: str) -> bool:
    # Letters, possibly joined by hyphens ("co-ordinates"): anything else is an
    # identifier or a technology name, kept as written.
    return token.replace("-", "").isalpha()


def lemmatize(token: str, lemmatizer: str = "simplemma") -> str:
    """Lemma of one lower-cased token.

    Parameters
    ----------
    token : str
        A lower-cased token, as :class:`~topictags.text.TextCleaner` makes them.
    lemmatizer : {"simplemma", "spacy-lookup"}, default="simplemma"
        ``"simplemma"``: the rules of this module's docstring.
        ``"spacy-lookup"``: spaCy's lookup table alone (topictags before 2026-12).

    Returns
    -------
    str

    Examples
    --------
    >>> [lemmatize(w) for w in ["number", "data", "columns", "thinking", "pandas", "urls"]]
    ['number', 'data', 'column', 'think', 'pandas', 'url']
    >>> [lemmatize(w, "spacy-lookup") for w in ["number", "data"]]
    ['numb', 'datum']
    """
    if lemmatizer == "spacy-lookup":
        return _spacy_table().get(token, token)
    if lemmatizer != "simplemma":
        raise ParameterError(
            f"unknown lemmatizer {lemmatizer!r}; use one of {', '.join(LEMMATIZERS)}"
        )
    exception = LEMMA_EXCEPTIONS.get(token)
    if exception is not None:
        return exception
    if not _plain_word(token):
        return token
    lemma = _simplemma_lookup()(token)
    if len(token) < 4:
        # Mostly abbreviations ("js", "aws", "cs" -> "c"): changed only when
        # both tables agree and the change is not a dropped "s" ("got" -> "get").
        spacy_lemma = _spacy_table().get(token, token)
        if spacy_lemma == lemma and not (token.endswith("s") and lemma == token[:-1]):
            return lemma
        return token
    if lemma is None or lemma == token:
        return token
    if token.endswith(("ed", "ing")):
        return _spacy_table().get(token, token)
    if token.endswith("es") and not token.endswith("ies") and lemma == token[:-1]:
        # "prefixes" -> "prefixe" or "types" -> "type": spaCy's table tells
        # which ("prefix", "type"). Not "-ies" (its "cookies" -> "cooky"),
        # nor "does" -> "do" (simplemma's, right).
        return _spacy_table().get(token, lemma)
    if "-" in lemma and "-" not in token:
        return token  # "popup" -> "pop-up", "wifi" -> "wi-fi": a spelling, not a lemma
    return lemma
