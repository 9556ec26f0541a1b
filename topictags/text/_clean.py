"""Tokenising, stop-word removal and lemmatisation of question text."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence

from .._progress import progress_bar
from ..errors import ParameterError
from ._html import html_to_text, visible_text
from ._lemmas import LEMMATIZERS, lemmatize
from ._stopwords import default_stop_words

__all__ = ["TextCleaner"]

# A token is a word that may carry the punctuation of technology names:
# "c#", "c++", ".net", "node.js", "asp.net-core", "objective-c", "python-3.x".
# Inner dots and hyphens must be followed by a word character, so the full stop
# ending a sentence ("...in python.") is not part of the token.
_TOKEN = re.compile(r"\.?\w+(?:[.\-]\w+)*[#+]*")
_CACHE_LIMIT = 2_000_000
_MISSING = object()  # not in the memo (None is a memoised dropped token)
# Fewer texts than this are cleaned without a progress bar (a bar costs more
# than cleaning one question, and suggest_tags is called one question at a time).
_BAR_MIN = 1_000


def _has_letter(token: str) -> bool:
    # Not the regex [^\W\d_]: it matches "²" or "①", digits that are not "\d".
    return any(ch.isalpha() for ch in token)


@functools.lru_cache(maxsize=4)
def _spacy_pipeline(name: str):
    import spacy

    if name == "en":
        nlp = spacy.blank("en")
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
        return nlp
    try:
        return spacy.load(name, exclude=["parser", "ner", "textcat"])
    except OSError as exc:
        raise ParameterError(
            f"spaCy pipeline {name!r} is not installed; use spacy_model=None (the fast "
            f"default) or 'en' (blank English + lookup lemmatizer), or install it"
        ) from exc


@functools.lru_cache(maxsize=8)
def _spacy_tokenizer(name: str, special: tuple[str, ...]):
    """The tokenizer of pipeline ``name`` with ``special`` as special cases.

    The pipeline is cached and shared by every cleaner of the process, so
    protection is added to a copy of its tokenizer, never to the pipeline
    itself: otherwise one cleaner's tokens would depend on which cleaners
    ran before it.
    """
    from spacy.tokenizer import Tokenizer

    nlp = _spacy_pipeline(name)
    if not special or not isinstance(nlp.tokenizer, Tokenizer):
        return nlp.tokenizer  # custom tokenizers have no special cases to add
    tokenizer = Tokenizer(nlp.vocab).from_bytes(nlp.tokenizer.to_bytes())
    for tag in special:
        # Special cases keep "c++" or "node.js" one token in spaCy too.
        tokenizer.add_special_case(tag, [{"ORTH": tag}])
    return tokenizer


class TextCleaner:
    """Turn question HTML or plain text into a list of normalised tokens.

    Steps: HTML to visible text (``<pre>`` code blocks dropped unless
    ``keep_code``), lower-casing, tokenising so that technology names survive
    (``c#``, ``c++``, ``.net``, ``node.js``, ``asp.net-core``), dropping stop
    words, tokens without a letter and very short tokens, and lemmatising.

    Two engines produce tokens:

    - ``spacy_model=None`` (default, fast): a regular-expression tokenizer and
      the lemma of each distinct token computed once (memoised) by
      ``lemmatizer``: ``"simplemma"`` (default) is simplemma's English
      dictionary with spaCy's lookup table for verb forms and
      :data:`~topictags.text.LEMMA_EXCEPTIONS` (see
      :func:`~topictags.text.lemmatize`): ``number`` and ``data`` stay,
      ``columns`` becomes ``column``, ``pandas`` and ``windows`` stay whole.
      ``"spacy-lookup"`` is spaCy's lookup table alone, the engine before
      2026-12 (``number`` -> ``numb``), kept by model files written then.
    - ``spacy_model="en"`` runs ``spacy.blank("en")`` + lookup lemmatizer via
      ``nlp.pipe``; any other name (e.g. ``"en_core_web_sm"``) loads that
      trained pipeline and keeps only tokens whose part of speech is in
      ``pos``. ``lemmatizer`` does not apply: the pipeline lemmatises.

    Parameters
    ----------
    keep_code : bool, default=False
        Keep the text of ``<pre>`` code blocks.
    lemmatize : bool, default=True
        Replace tokens by their lemma.
    stop_words : iterable of str, optional
        Words to drop; defaults to spaCy's English list plus
        :data:`topictags.text.DOMAIN_STOP_WORDS`.
    extra_stop_words : iterable of str, default=()
        Words to drop in addition to ``stop_words``.
    protected : iterable of str, default=()
        Tokens kept verbatim: never dropped, never lemmatised (the taggers
        pass their tags, except plural ones: ``columns`` is lemmatised like
        the text, so the tag and the word ``column`` are one term).
    min_length : int, default=2
        Shortest token kept (protected tokens are kept whatever their length,
        so the tags ``c`` and ``r`` survive).
    spacy_model : str, optional
        See above.
    pos : tuple of str, default=("NOUN", "PROPN")
        Parts of speech kept with a trained spaCy pipeline.
    batch_size : int, default=256
        Batch size of ``nlp.pipe``.
    lemmatizer : {"simplemma", "spacy-lookup"}, default="simplemma"
        Lemmas of the fast engine (see above).

    Examples
    --------
    >>> cleaner = TextCleaner(protected={"pandas"})
    >>> cleaner.clean("<p>Merging two DataFrames in pandas with C#?</p>")
    ['merge', 'dataframe', 'pandas', 'c#']
    >>> cleaner.clean("the number of rows and columns in the data")
    ['number', 'row', 'column', 'data']
    """

    def __init__(
        self,
        *,
        keep_code: bool = False,
        lemmatize: bool = True,
        stop_words: Iterable[str] | None = None,
        extra_stop_words: Iterable[str] = (),
        protected: Iterable[str] = (),
        min_length: int = 2,
        spacy_model: str | None = None,
        pos: tuple[str, ...] = ("NOUN", "PROPN"),
        batch_size: int = 256,
        lemmatizer: str = "simplemma",
    ) -> None:
        self.keep_code = keep_code
        self.lemmatize = lemmatize
        self.stop_words = None if stop_words is None else frozenset(stop_words)
        self.extra_stop_words = frozenset(extra_stop_words)
        self.protected = frozenset(t.lower() for t in protected)
        self.min_length = min_length
        self.spacy_model = spacy_model
        self.pos = tuple(pos)
        self.batch_size = batch_size
        if lemmatizer not in LEMMATIZERS:
            raise ParameterError(
                f"unknown lemmatizer {lemmatizer!r}; use one of {', '.join(LEMMATIZERS)}"
            )
        self.lemmatizer = lemmatizer
        self._memo: dict[str, str | None] = {}

    def __getstate__(self) -> dict:
        # The token memo (up to _CACHE_LIMIT entries) is a cache rebuilt on use:
        # it does not belong in model files nor in copies.
        state = self.__dict__.copy()
        state.pop("_memo", None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        # A memo from a file written before it was left out is dropped too.
        self._memo = {}
        # Cleaners saved before 2026-12 lemmatised with spaCy's table alone: a
        # loaded model must clean text into the terms it was fitted on.
        self.__dict__.setdefault("lemmatizer", "spacy-lookup")

    def get_params(self) -> dict:
        """Parameters as a JSON-serialisable dict (used by persistence)."""
        return {
            "keep_code": self.keep_code,
            "lemmatize": self.lemmatize,
            "stop_words": None if self.stop_words is None else sorted(self.stop_words),
            "extra_stop_words": sorted(self.extra_stop_words),
            "protected": sorted(self.protected),
            "min_length": self.min_length,
            "spacy_model": self.spacy_model,
            "pos": list(self.pos),
            "batch_size": self.batch_size,
            "lemmatizer": self.lemmatizer,
        }

    @functools.cached_property
    def _stop(self) -> frozenset[str]:
        base = default_stop_words() if self.stop_words is None else self.stop_words
        return (base | self.extra_stop_words) - self.protected

    def _normalise(self, token: str) -> str | None:
        """Lemma of a lower-cased token, or None when the token is dropped."""
        if token in self.protected:
            return token
        if len(token) < self.min_length or token in self._stop or not _has_letter(token):
            return None
        if self.lemmatize:
            token = lemmatize(token, self.lemmatizer)
            if len(token) < self.min_length or token in self._stop:
                return None
        return token

    def _tokens(self, text: str) -> list[str]:
        memo = self._memo
        if len(memo) > _CACHE_LIMIT:
            memo.clear()
        raws = _TOKEN.findall(text.lower())
        # One C-level pass over the memo, then the misses: most tokens of a
        # body were seen before, and a loop of try/except costs more.
        norms = [memo.get(raw, _MISSING) for raw in raws]
        if _MISSING in norms:
            for i, norm in enumerate(norms):
                if norm is _MISSING:
                    raw = raws[i]
                    norm = memo.get(raw, _MISSING)  # a repeat of a miss of this text
                    if norm is _MISSING:
                        norm = memo[raw] = self._normalise(raw)
                    norms[i] = norm
        return [norm for norm in norms if norm is not None]

    def clean(self, text: str) -> list[str]:
        """Tokens of one HTML or plain-text string."""
        return self.clean_many([text])[0]

    def clean_many(
        self, texts: Sequence[str], *, progress: bool | None = None
    ) -> list[list[str]]:
        """Tokens of each string of ``texts`` (HTML or plain text).

        Parameters
        ----------
        texts : sequence of str
        progress : bool, optional
            Progress bar over the texts: by default on a terminal or in a
            notebook, for steps longer than a second (see
            :func:`topictags.show_progress`); ``False`` never.
        """
        items = texts
        if len(texts) >= _BAR_MIN:
            items = progress_bar(texts, total=len(texts), desc="clean", unit="text",
                                 progress=progress)
        keep_code = self.keep_code
        if self.spacy_model is None:
            tokens = self._tokens
            return [tokens(visible_text(t, keep_code=keep_code)) for t in items]
        return self._spacy_tokens([html_to_text(t, keep_code=keep_code) for t in items])

    def _spacy_tokens(self, texts: list[str]) -> list[list[str]]:
        nlp = _spacy_pipeline(self.spacy_model)
        special = tuple(sorted(t for t in self.protected if not t.isalnum()))
        tokenizer = _spacy_tokenizer(self.spacy_model, special)
        check_pos = self.spacy_model != "en" and nlp.has_pipe("tagger")
        out = []
        # nlp.pipe runs the pipeline's components on the Docs of our tokenizer.
        docs = (tokenizer(t.lower()) for t in texts)
        for doc in nlp.pipe(docs, batch_size=self.batch_size):
            tokens = []
            for tok in doc:
                text = tok.text
                if text in self.protected:
                    tokens.append(text)
                    continue
                if check_pos and tok.pos_ not in self.pos:
                    continue
                if len(text) < self.min_length or text in self._stop:
                    continue
                if not _has_letter(text):
                    continue
                lemma = tok.lemma_.lower() if self.lemmatize else text
                if lemma and lemma not in self._stop:
                    tokens.append(lemma)
            out.append(tokens)
        return out
