"""Out-of-core fit (issue 12): quality of the streamed fit, and its cost at 100k-1M questions.

    nice -n 5 python benchmarks/scale.py quality              # results/scale-quality.json
    nice -n 5 python benchmarks/scale.py scale --n 100000     # results/scale-100k.json
    nice -n 5 python benchmarks/scale.py scale --n 300000 --n 1000000

**quality**: ``questions.parquet``, the split of ``benchmarks/quality.py``
(``train_test_split(test_size=0.2, random_state=0)``), every tagger at its
defaults with ``random_state=0``: the in-memory fit on the training
DataFrame against ``fit(iter_questions(train.parquet, chunksize=5_000))``
(the training part written to a Parquet file under ``--workdir``), Jaccard
of k=3 suggestions on the test part. Also the streamed fit at other numbers
of passes (``max_iter``), and with a smaller sample for the logistic
mapping (``--sample``), to show what they cost.

**scale**: corpora of ``n`` questions resampled from ``questions.parquet``
(seeded, with replacement, ids renumbered 1..n), written as a dump-shaped
``Posts.xml`` (``benchmarks/stream.py``'s writer: ``.000`` dates, ``|a|b|``
tags, an answer after every second question) under ``--workdir``
(``/tmp/topictags-bench/scale``; never the repository). Each fit,
``TopicTagger(method, random_state=0).fit(tt.iter_questions(path,
chunksize=10_000))`` at the defaults, cleaning included, runs in a fresh
process, which reports its wall and CPU time and its peak resident memory
(``VmHWM`` of ``/proc/self/status``, the exact high-water mark, and
``getrusage``'s ``ru_maxrss``), then saves the model and reports its file
size.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import (
    DATA,
    RESULTS,
    ROOT,
    resampled_questions,
    write_posts_xml,
    write_results,
)

SEED = 0
CHUNKSIZE = 10_000

FIT = r"""
import json, os, resource, sys, time
sys.path.insert(0, {root!r})

def vmhwm():
    with open("/proc/self/status") as file:
        for line in file:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024

import topictags as tt
start, cpu = time.perf_counter(), time.process_time()
tagger = tt.TopicTagger({method!r}, random_state=0).fit(
    tt.iter_questions({path!r}, chunksize={chunksize}))
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
peak = vmhwm()
maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
model = {model!r}
tagger.save(model, overwrite=True)
print(json.dumps({{
    "n_questions": tagger.stream_["n_questions"], "seconds": seconds, "cpu_seconds": cpu,
    "peak_rss_mb": peak, "ru_maxrss_mb": maxrss, "stream": tagger.stream_,
    "model_file_mb": os.path.getsize(model) / 2**20,
    "doc_topic_shape": list(tagger.doc_topic_.shape),
    "load_average_after": os.getloadavg(),
}}))
"""


def quality(workdir: Path, sample: int, methods=("nmf", "lda"), variants: bool = True,
            in_memory: bool = True) -> dict:
    import topictags as tt
    import topictags.tagging._stream as stream

    questions = tt.load_questions(DATA / "questions.parquet")
    train, test = tt.train_test_split(questions, test_size=0.2, random_state=SEED)
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / "train.parquet"
    train.to_parquet(path, row_group_size=5_000)
    rows = {}

    def run(label, method, source, **params):
        model = tt.TopicTagger(method, random_state=SEED, **params)
        start, cpu = time.perf_counter(), time.process_time()
        model.fit(source)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        rows[label] = {"jaccard": model.score(test), "seconds": seconds, "cpu_seconds": cpu}
        print(label, {k: round(v, 4) for k, v in rows[label].items()}, flush=True)
        return model

    for method in methods:
        if in_memory:
            run(f"{method} in memory", method, train)
        run(f"{method} streamed", method, tt.iter_questions(path, chunksize=5_000))
        for passes in (1, 2, 6) if variants else ():
            run(f"{method} streamed, {passes} passes", method,
                tt.iter_questions(path, chunksize=5_000), max_iter=passes)
        if not variants:
            continue
        default = stream.STREAM_SAMPLE
        stream.STREAM_SAMPLE = sample
        try:
            run(f"{method} streamed, sample {sample}", method,
                tt.iter_questions(path, chunksize=5_000))
        finally:
            stream.STREAM_SAMPLE = default
    summary = {
        method: rows[f"{method} streamed"]["jaccard"] / rows[f"{method} in memory"]["jaccard"]
        for method in methods if f"{method} in memory" in rows
    }
    print("streamed / in-memory Jaccard:", summary)
    return {"n_train": len(train), "n_test": len(test), "chunksize": 5_000,
            "default_passes": stream.default_passes(len(train)),
            "sample_size": stream.STREAM_SAMPLE,
            "rows": rows, "ratio_streamed_to_in_memory": summary}


def build_posts(n: int, workdir: Path) -> Path:
    """``n`` questions resampled from questions.parquet as a dump-shaped Posts.xml (cached)."""
    path = workdir / f"resampled-{n}-seed{SEED}" / "Posts.xml"
    if path.exists():
        return path
    return write_posts_xml(resampled_questions(n, SEED), path)


def scale(sizes: list[int], methods: list[str], workdir: Path, name: str | None) -> None:
    for n in sizes:
        path = build_posts(n, workdir)
        label = name or (f"scale-{n // 1000}k" if n < 1_000_000 else f"scale-{n // 1_000_000}m")
        previous = RESULTS / f"{label}.json"  # a run of one method keeps the other's figures
        fits = json.loads(previous.read_text())["fits"] if previous.exists() else {}
        results = {"n_questions": n, "chunksize": CHUNKSIZE,
                   "posts_xml_mib": path.stat().st_size / 2**20, "fits": fits}
        for method in methods:
            code = FIT.format(root=str(ROOT), method=method, path=str(path), chunksize=CHUNKSIZE,
                              model=str(workdir / f"model-{method}-{n}.tt"))
            load_before = os.getloadavg()
            out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
            if out.returncode:
                print(out.stderr[-3000:], file=sys.stderr)
                raise SystemExit(f"the {method} fit on {n} questions failed")
            fit = json.loads(out.stdout.strip().splitlines()[-1])
            fit["load_average_before"] = load_before
            fit["cpu_us_per_question"] = fit["cpu_seconds"] / n * 1e6
            results["fits"][method] = fit
            print(n, method, {k: fit[k] for k in ("seconds", "cpu_seconds", "peak_rss_mb",
                                                  "model_file_mb")}, flush=True)
            write_results(label, results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("section", choices=("quality", "scale"))
    parser.add_argument("--n", type=int, action="append", help="corpus size (repeatable)")
    parser.add_argument("--method", action="append", choices=("nmf", "lda"))
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/topictags-bench/scale"))
    parser.add_argument("--sample", type=int, default=5_000,
                        help="smaller sample measured for the logistic mapping (quality)")
    parser.add_argument("--name", help="results file name (scale, one size)")
    parser.add_argument("--no-variants", action="store_true",
                        help="quality: only the default fits, in memory and streamed")
    args = parser.parse_args()
    if args.workdir.resolve().is_relative_to(ROOT):
        raise SystemExit("--workdir must be outside the repository")
    if args.section == "quality":
        methods = args.method or ["nmf", "lda"]
        quick = args.name is not None and not args.no_variants  # the streamed default only
        write_results(args.name or "scale-quality", quality(
            args.workdir, args.sample, methods, variants=not (quick or args.no_variants),
            in_memory=not quick))
    else:
        scale(args.n or [100_000], args.method or ["nmf", "lda"], args.workdir, args.name)


if __name__ == "__main__":
    main()
