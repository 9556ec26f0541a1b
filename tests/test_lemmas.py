"""Lemmas of Stack Overflow words (issue 11, part 2: clean terms).

Before 2026-12 the cleaner lemmatised with spaCy's lookup table alone, which
merges every part of speech: "number" became "numb", "data" "datum", "does"
"doe", "setting" "set"; and tags were protected from lemmatising, so the tag
"columns" and the word "column" were two terms.
"""

from __future__ import annotations

import pytest

from topictags.tagging import TopicTagger
from topictags.tagging._base import _tags_kept_whole
from topictags.text import LEMMA_EXCEPTIONS, TextCleaner, default_stop_words, lemmatize

# word as it appears in questions (lower-cased) -> the term it must become
STACK_OVERFLOW_LEMMAS = {
    # kept: spaCy's table changed these into other words
    "number": "number", "data": "data", "setting": "setting", "matter": "matter",
    "buffer": "buffer", "feed": "feed", "mapping": "mapping", "encoding": "encoding",
    "binding": "binding", "warning": "warning", "programming": "programming",
    "second": "second", "broker": "broker", "span": "span",
    # plurals of Stack Overflow's vocabulary merge with their singular
    "numbers": "number", "columns": "column", "rows": "row", "results": "result",
    "methods": "method", "types": "type", "values": "value", "arrays": "array",
    "sockets": "socket", "strings": "string", "queries": "query", "indices": "index",
    "indexes": "index", "matrices": "matrix", "libraries": "library",
    "dependencies": "dependency", "cookies": "cookie", "urls": "url", "callbacks": "callback",
    "namespaces": "namespace", "iframes": "iframe", "timestamps": "timestamp",
    "classes": "class", "aliases": "alias", "children": "child", "criteria": "criterion",
    "dataframes": "dataframe", "ids": "id", "apis": "api", "axes": "axis",
    "settings": "setting", "files": "file", "prefixes": "prefix",
    # verb forms: spaCy's table, where simplemma's data has artefacts
    "merging": "merge", "merged": "merge", "thinking": "think", "fixed": "fix",
    "fixes": "fix", "cancelled": "cancel", "modelling": "model", "parsing": "parse",
    "returns": "return", "returned": "return", "does": "do", "gone": "go",
    "putting": "put", "developing": "develop", "caching": "cache", "crashes": "crash",
    "got": "get", "ran": "run", "ll": "will", "ve": "have",
    # names, abbreviations and identifiers stay whole
    "pandas": "pandas", "windows": "windows", "rails": "rails", "ios": "ios",
    "css": "css", "aws": "aws", "cs": "cs", "ls": "ls", "cors": "cors",
    "centos": "centos", "js": "js",
    "kubernetes": "kubernetes", "redis": "redis", "jenkins": "jenkins",
    "statistics": "statistics", "media": "media", "node_modules": "node_modules",
    "python3": "python3", "undefined": "undefined", "unsigned": "unsigned",
    "process": "process", "access": "access", "status": "status", "series": "series",
    "analysis": "analysis", "https": "https", "popup": "popup",
}  # fmt: skip


def test_the_word_list_is_long_enough():
    assert len(STACK_OVERFLOW_LEMMAS) >= 50


@pytest.mark.parametrize(("word", "lemma"), sorted(STACK_OVERFLOW_LEMMAS.items()))
def test_stack_overflow_word_lemma(word, lemma):
    assert lemmatize(word) == lemma


def test_number_and_data_survive_cleaning():
    # The issue's own examples: ['numb', 'row'] and 'datum' before.
    assert TextCleaner().clean("the number of rows") == ["number", "row"]
    assert TextCleaner().clean("data") == ["data"]


def test_old_engine_is_still_there_for_old_model_files():
    old = TextCleaner(lemmatizer="spacy-lookup")
    assert old.clean("the number of rows") == ["numb", "row"]
    assert old.clean("data") == ["datum"]


def test_cleaner_saved_before_the_lemmatizer_existed_keeps_its_engine():
    # A model file of 2026-11 holds a cleaner state without "lemmatizer":
    # it must go on cleaning into the terms it was fitted on.
    state = TextCleaner().__getstate__()
    del state["lemmatizer"]
    old = TextCleaner.__new__(TextCleaner)
    old.__setstate__(state)
    assert old.lemmatizer == "spacy-lookup"
    assert old.clean("the number of rows") == ["numb", "row"]
    assert "lemmatizer" in TextCleaner().get_params()


def test_unknown_lemmatizer_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown lemmatizer 'wordnet'.*simplemma"):
        TextCleaner(lemmatizer="wordnet")
    with pytest.raises(ValueError, match="use one of"):
        lemmatize("rows", "wordnet")


def test_every_exception_is_its_own_fixed_point():
    # An exception's lemma is a term: cleaning it again must not move it.
    for lemma in LEMMA_EXCEPTIONS.values():
        assert lemmatize(lemma) == lemma, lemma


def test_plural_tags_merge_with_their_singular_names_stay_whole():
    tags = {"columns", "sockets", "results", "result", "colors", "color", "windows", "window",
            "pandas", "ios", "c", "hosting", "embedded"}
    kept = _tags_kept_whole(tags, default_stop_words())
    # columns, sockets, results and colors are plurals of ordinary words (the
    # singular may be a tag too); windows, pandas and ios are names; hosting
    # and embedded are not the verbs host and embed.
    assert kept == {"result", "color", "windows", "window", "pandas", "ios", "c", "hosting",
                    "embedded"}


def _questions(n: int = 30):
    import pandas as pd

    rows = []
    for i in range(n):
        if i % 2:
            rows.append((f"Select columns of a table {i}",
                         "<p>How do I select two <b>columns</b> and one column by name?</p>",
                         ["sql", "columns"]))
        else:
            rows.append((f"Windows socket error {i}",
                         "<p>On Windows the sockets close; each socket times out.</p>",
                         ["windows", "sockets"]))
    return pd.DataFrame(rows, columns=["title", "body", "tags"])


def test_fitted_tagger_has_one_term_for_a_tag_and_its_singular():
    tagger = TopicTagger(n_topics=2, n_tags=4, random_state=0).fit(_questions())
    terms = set(tagger.model_.feature_names_)
    assert {"column", "socket", "windows"} <= terms
    assert "columns" not in terms and "sockets" not in terms
    # The lexical mapping still finds the tag through its term.
    assert tagger._tag_terms("columns") == ["column"]
