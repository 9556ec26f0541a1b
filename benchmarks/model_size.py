"""Size of model files of the default taggers fitted on ``questions.parquet``.

    nice -n 5 python benchmarks/model_size.py --label after
    PYTHONPATH=<earlier checkout> nice -n 5 python benchmarks/model_size.py --label before

``TopicTagger(random_state=0)`` and ``SupervisedTagger(random_state=0)`` are
fitted on the training part of ``questions.parquet`` (``train_test_split``,
``test_size=0.2``, ``random_state=0``), saved with ``tt.save`` and the file's
size is reported, with its size once gzipped (what compression could at best
reach) and the time of ``save`` and ``load``. The loaded tagger's suggestions
on the test part are compared with the fitted one's (they must be identical).
Each ``--label`` run is merged into benchmarks/results/model-size.json, so the
earlier code (``before``) and this code (``after``) are measured by the same
script; ``topictags`` is imported from ``PYTHONPATH``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import tempfile
import time
import warnings
from pathlib import Path

from _common import DATA, RESULTS, machine

import topictags as tt

TAGGERS = {
    "TopicTagger(random_state=0)": lambda: tt.TopicTagger(random_state=0),
    "SupervisedTagger(random_state=0)": lambda: tt.SupervisedTagger(random_state=0),
}


def measure(make, train, test, folder: Path) -> dict:
    tagger = make()
    start = time.perf_counter()
    tagger.fit(train)
    fit = time.perf_counter() - start
    expected = tagger.suggest_tags(test, k=3)
    path = folder / "model.topictags"
    start = time.perf_counter()
    tt.save(tagger, path, overwrite=True)
    save = time.perf_counter() - start
    start = time.perf_counter()
    loaded = tt.load(path)
    load = time.perf_counter() - start
    data = path.read_bytes()
    return {
        "bytes": len(data),
        "megabytes": round(len(data) / 1e6, 2),
        "gzip_bytes": len(gzip.compress(data, compresslevel=6)),
        "fit_seconds": round(fit, 1),
        "save_seconds": round(save, 2),
        "load_seconds": round(load, 2),
        "loaded_suggestions_identical": loaded.suggest_tags(test, k=3) == expected,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", required=True, help="e.g. before / after")
    parser.add_argument("--only", choices=sorted(TAGGERS), action="append")
    args = parser.parse_args()
    questions = tt.load_questions(DATA / "questions.parquet")
    train, test = tt.train_test_split(questions, test_size=0.2, random_state=0)
    warnings.simplefilter("ignore")
    run = {"machine": machine(), "n_train": len(train), "n_test": len(test), "taggers": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.only or TAGGERS:
            run["taggers"][name] = figures = measure(TAGGERS[name], train, test, Path(tmp))
            print(name, json.dumps(figures), flush=True)
    path = RESULTS / "model-size.json"
    results = json.loads(path.read_text()) if path.exists() else {}
    earlier = results.get(args.label, {}).get("taggers", {})
    results[args.label] = {**run, "taggers": {**earlier, **run["taggers"]}}  # --only: merged
    if "before" in results and "after" in results:
        results["after_over_before"] = {
            name: round(after["bytes"] / results["before"]["taggers"][name]["bytes"], 4)
            for name, after in results["after"]["taggers"].items()
            if name in results["before"]["taggers"]
        }
    RESULTS.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2))
    print(f"saved {path}")


if __name__ == "__main__":
    main()
