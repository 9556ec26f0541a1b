"""Fit time of ``TopicTagger()`` at today's defaults against the 40-topic default it replaced.

    python benchmarks/fit_time.py                 # baseline: git revision ba46476
    python benchmarks/fit_time.py --repeats 5 --baseline-rev ba46476

Issue 10 asks the default fit on ``questions.parquet`` to stay within 2 x the
fit of the earlier default (``TopicTagger()`` = 40 NMF topics, ``blend``
mapping, as of revision ``ba46476``). Both are timed on the same fit part
(the tuning split: 80 % of the 80 % training part, 17,312 questions), each
in a fresh process (``python -c``), the earlier code from a detached git
worktree of the baseline revision. Runs alternate (baseline, current,
baseline, ...) so that a change in the machine's load hits both; the ratio
of the medians is reported, wall and CPU (process time, all threads).
Saves benchmarks/results/fit-time.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import DATA, ROOT, write_results

CHILD = r"""
import json, sys, time, warnings
import topictags as tt
questions = tt.load_questions(sys.argv[1])
train, _ = tt.train_test_split(questions, test_size=0.2, random_state=0)
fit_part, _ = tt.train_test_split(train, test_size=0.2, random_state=1)
warnings.simplefilter("ignore")
tagger = tt.TopicTagger(random_state=0)
wall, cpu = time.perf_counter(), time.process_time()
tagger.fit(fit_part)
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
print(json.dumps({"name": tagger.name, "n_questions": len(fit_part), "wall": wall, "cpu": cpu}))
"""


def time_fit(source: Path, corpus: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(source)}
    out = subprocess.run([sys.executable, "-c", CHILD, str(corpus)], env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--baseline-rev", default="ba46476")
    args = parser.parse_args()
    corpus = DATA / "questions.parquet"
    with tempfile.TemporaryDirectory() as tmp:
        baseline = Path(tmp) / "baseline"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q",
                        str(baseline), args.baseline_rev], check=True)
        try:
            runs = {"baseline": [], "current": []}
            for i in range(args.repeats):
                for label, source in (("baseline", baseline), ("current", ROOT)):
                    runs[label].append(time_fit(source, corpus))
                    print(i, label, runs[label][-1], flush=True)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force",
                            str(baseline)], check=False)
    median = {label: {k: statistics.median(r[k] for r in rs) for k in ("wall", "cpu")}
              for label, rs in runs.items()}
    summary = {
        "baseline_rev": args.baseline_rev,
        "baseline_model": runs["baseline"][0]["name"],
        "current_model": runs["current"][0]["name"],
        "n_questions": runs["current"][0]["n_questions"],
        "median_seconds": median,
        "ratio_wall": median["current"]["wall"] / median["baseline"]["wall"],
        "ratio_cpu": median["current"]["cpu"] / median["baseline"]["cpu"],
        "load_average_at_end": os.getloadavg(),
    }
    print(json.dumps(summary, indent=2))
    write_results("fit-time", {"runs": runs, "summary": summary})


if __name__ == "__main__":
    main()
