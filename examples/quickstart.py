"""Quickstart: from the shared Stack Overflow corpus to a comparison table.

Run from the project root:

    python examples/quickstart.py [path/to/questions.parquet] [--sample N]

``--sample N`` uses N questions drawn with a fixed seed (CI runs it that way);
the default is the whole corpus (27,050 questions). Each step prints its name
when it starts and its time when it ends; on a terminal, progress bars run in
between. Every model is at its defaults (150 topics), so the fits dominate.
"""

from __future__ import annotations

import argparse
import contextlib
import tempfile
import time
from pathlib import Path

import pandas as pd

import topictags as tt

DEFAULT = Path(__file__).resolve().parents[2] / "shared/data/stackoverflow/questions.parquet"


@contextlib.contextmanager
def step(name: str):
    """Say what runs, then how long it took (progress bars show in between on a terminal)."""
    print(f"{name} ...", flush=True)
    start = time.perf_counter()
    yield
    print(f"{name}: {time.perf_counter() - start:.1f} s", flush=True)


def main(path: Path = DEFAULT, sample: int = 0) -> pd.DataFrame:
    start = time.perf_counter()
    with step("load and split the questions"):
        questions = tt.load_questions(path)
        if 0 < sample < len(questions):
            questions = questions.sample(n=sample, random_state=0).reset_index(drop=True)
        train, test = tt.train_test_split(questions, test_size=0.2, random_state=0)
    print(f"{len(questions)} questions: {len(train)} to fit, {len(test)} to test")

    # The defaults: 150 fine NMF topics, the logistic mapping; the views show
    # 30 groups of the fine topics.
    with step("fit NMF at the defaults (150 topics, logistic mapping)"):
        nmf = tt.TopicTagger(random_state=0).fit(train)
    print(nmf.topics(n_terms=6, n_tags=3).head(10).to_string(index=False))
    question = "How do I merge two DataFrames on a column?"
    print(question, "->", nmf.suggest_tags(question, k=3))

    with step("fit LDA, 150 topics"):
        lda = tt.TopicTagger(method="lda", random_state=0).fit(train)
    with step("fit the supervised comparator"):
        sup = tt.SupervisedTagger(random_state=0).fit(train)
    baseline = tt.MostFrequentTagger().fit(train)
    models = [nmf, nmf.with_mapping("blend"), nmf.with_mapping("lexical"), lda, sup, baseline]
    with step("compare (fitted models are scored as they are)"):
        table = tt.compare(models, train, test, k=3)
    with pd.option_context("display.width", 200, "display.precision", 3,
                           "display.max_columns", None):
        print(table)

    with tempfile.TemporaryDirectory() as folder, step("save and reload the NMF model"):
        path = nmf.save(Path(folder) / "nmf.topictags")
        print("from the saved model:", tt.suggest_tags(question, model=path, k=3))
    print(f"total: {time.perf_counter() - start:.1f} s")
    return table


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT, help="corpus file")
    parser.add_argument("--sample", type=int, default=0, help="questions used (0: all)")
    args = parser.parse_args()
    main(args.path, args.sample)
