"""Question corpora: loading what users have, seeded splits, questions as users pass them."""

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:  # what the names are, for type checkers and lint-imports
    from ._fetch import fetch_questions
    from ._formats import FORMATS
    from ._input import TextInput, as_texts
    from ._load import FIELDS, QUESTION_COLUMNS, iter_questions, load_questions
    from ._sites import normalize_site, question_url
    from ._split import train_test_split
    from ._tags import parse_tags

__all__ = [
    "FIELDS",
    "FORMATS",
    "QUESTION_COLUMNS",
    "TextInput",
    "as_texts",
    "fetch_questions",
    "iter_questions",
    "load_questions",
    "normalize_site",
    "parse_tags",
    "question_url",
    "train_test_split",
]

# Imported on first use (topictags/_lazy.py): `import topictags` stays fast.
__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "fetch_questions": "._fetch",
        "TextInput": "._input",
        "as_texts": "._input",
        "FIELDS": "._load",
        "FORMATS": "._formats",
        "QUESTION_COLUMNS": "._load",
        "iter_questions": "._load",
        "load_questions": "._load",
        "normalize_site": "._sites",
        "question_url": "._sites",
        "train_test_split": "._split",
        "parse_tags": "._tags",
    },
)
