"""Peak memory of loading a large corpus whole (load_questions) or streaming it (iter_questions).

    nice -n 5 python benchmarks/stream.py                  # 300k questions: results/stream.json
    nice -n 5 python benchmarks/stream.py --n 100000 --name stream-100k   # a smaller corpus
    nice -n 5 python benchmarks/stream.py --clean          # also clean the stream (slow)

The corpus is built by resampling the shared ``questions.parquet`` (27k
questions with HTML bodies) with replacement, seeded, ids renumbered 1..n so
that every question is distinct, and written in the shape of a data-dump
``Posts.xml`` (``.000`` dates, ``|a|b|`` tags, one short answer after every
second question), plus the same questions as Parquet (row groups of 10,000
rows, and one single row group, pyarrow's default for fewer than 1Mi rows)
and as a Data Explorer CSV. The files go to ``--cache``
(``/tmp/topictags-bench/stream`` by default, never the repository) and are
reused by later runs.

Each case runs in a fresh Python process that imports topictags, reads the
file and counts its questions; it reports its **peak resident memory, the
kernel's high-water mark ``VmHWM`` of ``/proc/self/status``** (exact, no
sampling; ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` is not used: on Linux
it keeps the parent's peak at fork time, here the benchmark's own few
hundred MB), and its wall time. With ``n_jobs=2`` the cleaning workers are
other processes: a thread samples the resident memory of the whole process
tree every 0.1 s (``sampled_tree_peak_rss_mb``, a lower bound of the true
peak). ``baseline`` is the same process
stopped after the imports. Streaming cases keep nothing but a running count:
what they measure is the reader's own memory.

The repeated-id bookkeeping is measured on its own: 24 million distinct ids
(Stack Overflow's question count) fed 10,000 at a time to the structure
``iter_questions`` uses, in increasing order (a dump's) and shuffled,
against a Python ``set`` of (site, id) tuples and of ints (measured at 3
million and given per id).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import ROOT, resampled_questions, write_posts_xml, write_results

CASE = r"""
import json, os, sys, threading, time
sys.path.insert(0, {root!r})


def status(pid, field):
    try:
        with open(f"/proc/{{pid}}/status") as file:
            for line in file:
                if line.startswith(field + ":"):
                    return int(line.split()[1])  # KiB
    except OSError:
        return 0
    return 0


def tree_rss():
    # This process and its descendants (loky's workers), from /proc.
    children = {{}}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{{entry}}/stat") as file:
                    ppid = int(file.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [os.getpid()]
    while todo:
        pid = todo.pop()
        total += status(pid, "VmRSS")
        todo += children.get(pid, [])
    return total


tree_peak = [0]
stop = threading.Event()


def sample():
    while not stop.wait(0.1):
        tree_peak[0] = max(tree_peak[0], tree_rss())


sampler = threading.Thread(target=sample, daemon=True)
sampler.start()
import topictags as tt
kind, path, chunksize = sys.argv[1], sys.argv[2], int(sys.argv[3])
start, cpu = time.perf_counter(), time.process_time()
rows = 0
if kind == "load":
    rows = len(tt.load_questions(path))
elif kind == "iter":
    for chunk in tt.iter_questions(path, chunksize=chunksize):
        rows += len(chunk)
elif kind.startswith("iter+clean"):
    n_jobs = int(kind.rsplit("=", 1)[1])
    for chunk in tt.clean_chunks(tt.iter_questions(path, chunksize=chunksize), n_jobs=n_jobs):
        rows += len(chunk)
elif kind.startswith("seen"):
    import numpy as np
    from topictags.corpus._seen import SeenIds
    seen = SeenIds()
    n = int(path)
    sites = np.full(chunksize, "stackoverflow.com", dtype=object)
    # A dump lists posts by increasing id; "random" is the worst order.
    order = np.arange(n) if kind == "seen-ascending" else np.random.default_rng(0).permutation(n)
    before = status(os.getpid(), "VmHWM")
    start, cpu = time.perf_counter(), time.process_time()
    for i in range(0, n, chunksize):
        seen.repeats(sites[: min(chunksize, n - i)], order[i : i + chunksize].astype("int64"))
    rows = len(seen)
    extra = {{"ids_bytes": seen.nbytes, "hwm_before_kib": before}}
elif kind in ("set-tuples", "set-ints"):
    n = int(path)
    before = status(os.getpid(), "VmHWM")
    start, cpu = time.perf_counter(), time.process_time()
    keys = set()
    for i in range(n):
        keys.add(("stackoverflow.com", i) if kind == "set-tuples" else i)
    rows = len(keys)
    extra = {{"hwm_before_kib": before}}
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
stop.set()
sampler.join()
tree_peak[0] = max(tree_peak[0], tree_rss())
# VmHWM: the kernel's high-water mark of this process's memory since exec.
# (ru_maxrss would also count the parent's memory at fork time.)
out = {{"rows": rows, "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
        "peak_rss_mb": round(status(os.getpid(), "VmHWM") / 1024, 1),
        "sampled_tree_peak_rss_mb": round(tree_peak[0] / 1024, 1)}}
out.update(locals().get("extra", {{}}))
print(json.dumps(out))
"""


def build(n: int, cache: Path, seed: int) -> dict[str, Path]:
    cache.mkdir(parents=True, exist_ok=True)
    stem = f"resampled-{n}-seed{seed}"
    paths = {
        "posts_xml": cache / f"{stem}" / "Posts.xml",
        "parquet_10k_groups": cache / f"{stem}-rg10k.parquet",
        "parquet_one_group": cache / f"{stem}-rg1.parquet",
        "csv": cache / f"{stem}.csv",
    }
    if all(p.exists() for p in paths.values()):
        return paths
    frame = resampled_questions(n, seed)[["id", "title", "body", "tags", "creation_date", "score"]]
    frame.to_parquet(paths["parquet_10k_groups"], row_group_size=10_000)
    frame.to_parquet(paths["parquet_one_group"], row_group_size=n)
    explorer = frame.rename(columns={"id": "Id", "title": "Title", "body": "Body",
                                     "tags": "Tags", "creation_date": "CreationDate",
                                     "score": "Score"})
    explorer["Tags"] = "<" + explorer["Tags"].str.replace("|", "><", regex=False) + ">"
    explorer["CreationDate"] = explorer["CreationDate"].fillna("").str.replace("T", " ")
    explorer.to_csv(paths["csv"], index=False)
    write_posts_xml(frame, paths["posts_xml"])
    return paths


def run(kind: str, path, chunksize: int) -> dict:
    script = CASE.format(root=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", script, kind, str(path), str(chunksize)],
        capture_output=True, text=True, check=False,
    )
    if done.returncode:
        raise SystemExit(f"{kind} {path}: failed\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300_000, help="questions (default 300000)")
    parser.add_argument("--chunksize", type=int, default=10_000)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/topictags-bench/stream"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--clean", action="store_true", help="also clean the stream")
    parser.add_argument("--seen-ids", type=int, default=24_000_000)
    parser.add_argument("--name", default="stream", help="results/<name>.json (default stream)")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # progress shows in a redirected log

    start = time.perf_counter()
    paths = build(args.n, args.cache, args.seed)
    print(f"corpus ready in {time.perf_counter() - start:.0f} s: "
          + ", ".join(f"{k} {p.stat().st_size / 2**20:.0f} MiB" for k, p in paths.items()))
    results: dict = {"n_questions": args.n, "chunksize": args.chunksize,
                     "peak_rss": "VmHWM of /proc/self/status of a fresh process (exact); "
                                 "sampled_tree_peak_rss_mb: the process and its children, "
                                 "sampled every 0.1 s",
                     "files_mib": {k: round(p.stat().st_size / 2**20, 1)
                                   for k, p in paths.items()},
                     "cases": {}}
    cases = [("baseline", "posts_xml")]
    for name in paths:
        cases += [("load", name), ("iter", name)]
    if args.clean:
        cases += [("iter+clean n_jobs=1", "posts_xml"), ("iter+clean n_jobs=2", "posts_xml")]
    for kind, name in cases:
        case = run("baseline" if kind == "baseline" else kind.replace(" ", ""),
                   paths[name], args.chunksize)
        label = f"{kind} {name}" if kind != "baseline" else "baseline (imports only)"
        results["cases"][label] = case
        print(f"{label:38s} {case['rows']:>9} rows {case['seconds']:>8.1f} s "
              f"({case['cpu_seconds']:.1f} s CPU) "
              f"{case['peak_rss_mb']:>8.1f} MB peak RSS "
              f"({case['sampled_tree_peak_rss_mb']:.1f} MB sampled, with children)", flush=True)
    small = 3_000_000
    sets = {kind: run(kind, small, args.chunksize) for kind in ("set-tuples", "set-ints")}
    results["seen_ids"] = {}
    for order in ("ascending", "random"):
        seen = run(f"seen-{order}", args.seen_ids, args.chunksize)
        results["seen_ids"][f"{order} ids"] = {
            "ids": seen["rows"], "seconds": seen["seconds"], "cpu_seconds": seen["cpu_seconds"],
            "cpu_us_per_id": round(seen["cpu_seconds"] / seen["rows"] * 1e6, 3),
            "ids_mb": round(seen["ids_bytes"] / 1e6, 1),
            "bytes_per_id": round(seen["ids_bytes"] / seen["rows"], 2),
            "peak_rss_above_start_mb": round(
                seen["peak_rss_mb"] - seen["hwm_before_kib"] / 1024, 1),
        }
    results["seen_ids"].update({
        f"python_{kind.replace('-', '_')}_bytes_per_id_at_3M": round(
            (case["peak_rss_mb"] - case["hwm_before_kib"] / 1024) * 2**20 / case["rows"], 1)
        for kind, case in sets.items()
    })
    print("seen ids:", results["seen_ids"])
    write_results(args.name, results)


if __name__ == "__main__":
    main()
