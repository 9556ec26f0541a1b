"""Question corpora: loading what users have, seeded splits, questions as users pass them."""

from ._fetch import fetch_questions
from ._input import TextInput, as_texts
from ._load import FIELDS, FORMATS, QUESTION_COLUMNS, iter_questions, load_questions
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
