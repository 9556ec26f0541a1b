"""Stop words: spaCy's English list plus words of Stack Overflow's register.

The domain list holds words that occur in questions of every topic ("trying",
"thanks", "error"...) and so only blur topics. It is kept short and explicit so
that users can see and extend it (``TextCleaner(extra_stop_words=...)``).
"""

from __future__ import annotations

import functools

__all__ = ["DOMAIN_STOP_WORDS", "default_stop_words"]

DOMAIN_STOP_WORDS: frozenset[str] = frozenset(
    """
    able actually advance advice answer anybody appreciate appreciated basically
    best better case code correct currently different does doesn doing don dont
    easy edit example exactly fine following getting good great guess hello help
    hey hi idea im instead issue ive just kind know like looking lot maybe mean
    need new nice ok okay possible pretty problem question questions really
    right seem seems simple solution solve somebody someone something sort stuff
    sure thank thanks thing things think trouble try trying understand update
    want way ways work worked working works wrong use used using e.g i.e etc
    """.split()  # noqa: SIM905 (a word list is easier to read and extend)
)


@functools.cache
def default_stop_words() -> frozenset[str]:
    """spaCy's English stop words united with :data:`DOMAIN_STOP_WORDS`."""
    # Imported here: spaCy takes about a second to import, paid by the first
    # cleaning, not by `import topictags`.
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS) | DOMAIN_STOP_WORDS
