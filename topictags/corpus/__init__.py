"""Question corpora: loading what users have, and seeded splits."""

from ._fetch import fetch_questions
from ._load import QUESTION_COLUMNS, load_questions
from ._split import train_test_split
from ._tags import parse_tags

__all__ = [
    "QUESTION_COLUMNS",
    "fetch_questions",
    "load_questions",
    "parse_tags",
    "train_test_split",
]
