"""Choosing settings on the training part only: a validation split inside it.

    python benchmarks/tune.py questions nmf:50 nmf:150 lda:150
    python benchmarks/tune.py titles_only nmf:100 nmf:200

The 80/20 split of benchmarks/quality.py (seed 0) gives the training part;
this script splits that again (seed 1) and reports the validation Jaccard of
each topic tagger in every mapping and of the supervised comparator. Saves
benchmarks/results/tune-<corpus>.json.
"""

from __future__ import annotations

import sys
import time

from _common import DATA, write_results

import topictags as tt

FILES = {"questions": "questions.parquet", "titles_only": "titles_only.parquet"}


def main(corpus: str, specs: list[str]) -> None:
    questions = tt.load_questions(DATA / FILES[corpus])
    train, _ = tt.train_test_split(questions, test_size=0.2, random_state=0)
    fit_part, validation = tt.train_test_split(train, test_size=0.2, random_state=1)
    rows = []
    for spec in specs:
        method, n_topics = spec.split(":")
        start = time.perf_counter()
        tagger = tt.TopicTagger(method, n_topics=int(n_topics), random_state=0).fit(fit_part)
        seconds = time.perf_counter() - start
        for mapping in tt.tagging.MAPPINGS:
            score = tt.evaluate(tagger.with_mapping(mapping), validation)["jaccard"]
            rows.append({"model": f"{method}-{n_topics}-{mapping}", "jaccard": score,
                         "fit_seconds": seconds})
            print(rows[-1], flush=True)
    for params in ({"char_ngrams": False, "neighbors": 0}, {"char_ngrams": False}, {}):
        start = time.perf_counter()
        sup = tt.SupervisedTagger(random_state=0, **params).fit(fit_part)
        rows.append({"model": f"supervised {params}",
                     "jaccard": tt.evaluate(sup, validation)["jaccard"],
                     "fit_seconds": time.perf_counter() - start})
        print(rows[-1], flush=True)
    write_results(f"tune-{corpus}", {"corpus": corpus, "validation": rows})


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
