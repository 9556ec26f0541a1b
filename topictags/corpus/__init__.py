"""Question corpora: loading what users have, seeded splits, questions as users pass them."""

from ._input import TextInput, as_texts
from ._load import QUESTION_COLUMNS, load_questions
from ._split import train_test_split
from ._tags import parse_tags

__all__ = [
    "QUESTION_COLUMNS",
    "TextInput",
    "as_texts",
    "load_questions",
    "parse_tags",
    "train_test_split",
]
