"""Quickstart: from the shared Stack Overflow corpus to a comparison table.

Run from the project root:  python examples/quickstart.py [path/to/questions.parquet]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pandas as pd

import topictags as tt

DEFAULT = Path(__file__).resolve().parents[2] / "shared/data/stackoverflow/questions.parquet"


def main(path: Path = DEFAULT) -> pd.DataFrame:
    questions = tt.load_questions(path)
    train, test = tt.train_test_split(questions, test_size=0.2, random_state=0)
    print(f"{len(questions)} questions: {len(train)} to fit, {len(test)} to test")

    nmf = tt.TopicTagger(method="nmf", n_topics=40, n_tags=50, random_state=0).fit(train)
    print(nmf.topics(n_terms=6, n_tags=3).head(10).to_string(index=False))
    question = "How do I merge two DataFrames on a column?"
    print(question, "->", nmf.suggest_tags(question, k=3))

    lda = tt.TopicTagger(method="lda", n_topics=40, n_tags=50, random_state=0).fit(train)
    sup = tt.SupervisedTagger(n_tags=50, random_state=0).fit(train)
    baseline = tt.MostFrequentTagger(n_tags=50).fit(train)
    models = [nmf, nmf.with_mapping("logistic"), nmf.with_mapping("lexical"), lda, sup, baseline]
    table = tt.compare(models, train, test, k=3, refit=False)
    with pd.option_context("display.width", 200, "display.precision", 3,
                           "display.max_columns", None):
        print(table)

    with tempfile.TemporaryDirectory() as folder:
        path = nmf.save(Path(folder) / "nmf.topictags")
        print("from the saved model:", tt.suggest_tags(question, model=path, k=3))
    return table


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
