"""Variants of the supervised comparator, scored on a validation split of the training part.

    python benchmarks/tune_supervised.py                  # every variant (about 1 hour on 2 cores)
    python benchmarks/tune_supervised.py char_2_5 bigrams # some of them

The 80/20 split of benchmarks/quality.py (seed 0) gives the training part; it
is split again (seed 1) into a fitting part and a validation part, as in
benchmarks/tune.py. The test part is never read. Each variant is fitted once
and scored with 30 neighbours at neighbour weights 0.1, 0.15 and 0.2.

Saves benchmarks/results/tune-supervised.json (a run of some variants keeps
the others' previous figures).
"""

from __future__ import annotations

import json
import sys
import time

from _common import DATA, RESULTS, machine, write_results
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer

import topictags as tt
import topictags.tagging._supervised as supervised_module

# name: (SupervisedTagger parameters, patch of the module or None)
VARIANTS = {
    "char_2_4": ({"char_ngram_range": (2, 4)}, {"char_max_features": 100_000}),
    "char_2_4_300k": ({"char_ngram_range": (2, 4)}, None),
    "char_2_5": ({"char_ngram_range": (2, 5)}, None),  # the default since 2026-11-29
    "char_3_5": ({"char_ngram_range": (3, 5)}, None),
    "char_2_6_500k": ({"char_ngram_range": (2, 6)}, {"char_max_features": 500_000}),
    "bigrams": ({"char_ngram_range": (2, 4), "ngram_range": (1, 2), "max_features": 100_000},
                {"char_max_features": 100_000}),
    "title_weight_3": ({"char_ngram_range": (2, 4), "title_weight": 3},
                       {"char_max_features": 100_000}),
    "calibration_cv5": ({"char_ngram_range": (2, 4)},
                        {"char_max_features": 100_000, "calibration": {"cv": 5}}),
    "calibration_no_ensemble": ({"char_ngram_range": (2, 4)},
                                {"char_max_features": 100_000,
                                 "calibration": {"ensemble": False}}),
}
WEIGHTS = (0.1, 0.15, 0.2)


def _patch(patch: dict | None) -> None:
    """Settings that are not parameters: the character vocabulary size, calibration."""
    patch = patch or {}
    max_features = patch.get("char_max_features")

    def vectorizer(**kwargs):
        if max_features and kwargs.get("analyzer") == "char_wb":
            kwargs["max_features"] = max_features
        return TfidfVectorizer(**kwargs)

    supervised_module.TfidfVectorizer = vectorizer
    calibration = patch.get("calibration", {})

    def calibrated(base, cv=3, method="sigmoid"):
        return CalibratedClassifierCV(base, **{"cv": cv, "method": method, **calibration})

    supervised_module.CalibratedClassifierCV = calibrated


def run(name: str, fit_part, validation) -> list[dict]:
    params, patch = VARIANTS[name]
    _patch(patch)
    start = time.perf_counter()
    sup = tt.SupervisedTagger(random_state=0, **params).fit(fit_part)
    fit_seconds = time.perf_counter() - start
    rows = []
    for weight in WEIGHTS:
        # Prediction reads the fitted weight (set_params changes nothing until
        # a refit): setting it reuses the fitted classifiers for every weight.
        sup.neighbor_weight_ = float(weight)
        rows.append({"neighbors": 30, "neighbor_weight": weight,
                     "jaccard": tt.evaluate(sup, validation)["jaccard"],
                     "fit_seconds": fit_seconds})
        print(name, rows[-1], flush=True)
    return rows


def main(names: list[str]) -> None:
    if unknown := set(names) - set(VARIANTS):
        raise SystemExit(f"unknown variant(s) {sorted(unknown)}; choose among {list(VARIANTS)}")
    questions = tt.load_questions(DATA / "questions.parquet")
    train, _ = tt.train_test_split(questions, test_size=0.2, random_state=0)
    fit_part, validation = tt.train_test_split(train, test_size=0.2, random_state=1)
    previous = RESULTS / "tune-supervised.json"
    results = json.loads(previous.read_text())["variants"] if previous.exists() else {}
    for name in names or list(VARIANTS):
        results[name] = {"params": {k: list(v) if isinstance(v, tuple) else v
                                    for k, v in VARIANTS[name][0].items()},
                         "patch": VARIANTS[name][1], "validation": run(name, fit_part, validation),
                         "measured": machine()}
    write_results("tune-supervised", {"n_fit": len(fit_part), "n_validation": len(validation),
                                      "variants": results})


if __name__ == "__main__":
    main(sys.argv[1:])
