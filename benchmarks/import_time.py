"""Start-up time: ``import topictags`` and ``topictags --help`` in fresh interpreters.

    python benchmarks/import_time.py            # results/import-time.json

Each command runs ``--repeats`` times (default 15) in a new interpreter with
this checkout first on ``PYTHONPATH``; the figure is the median wall time,
interpreter start-up included (``python -c pass`` is measured too, to show
how much of it is Python itself). ``python -X importtime`` then names the
slowest imports of ``import topictags`` (cumulative microseconds) and the
heavy libraries it loaded, if any. On a loaded machine interpreter start-up
dominates the wall times, so the time spent inside the interpreter (import
and ``--help`` timed by the child itself) is reported too.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

from _common import ROOT, write_results

COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "import topictags": [sys.executable, "-c", "import topictags"],
    "topictags --help": [sys.executable, "-m", "topictags.cli", "--help"],
    "topictags fit --help": [sys.executable, "-m", "topictags.cli", "fit", "--help"],
    # What a user's first real step costs, for comparison.
    "import topictags; tt.TopicTagger": [
        sys.executable, "-c", "import topictags as tt; tt.TopicTagger",
    ],
}
HEAVY = ("sklearn", "spacy", "matplotlib", "pandas", "gensim", "pyLDAvis", "scipy")


def _env() -> dict:
    path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    return dict(os.environ, PYTHONPATH=path)


def _seconds(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=_env(), check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def _importtime() -> dict:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import topictags"],
        env=_env(), check=True, capture_output=True, text=True,
    )
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _self_us, cumulative_us, name = line[len("import time:"):].split("|")
        rows.append((int(cumulative_us), name.strip()))
    rows.sort(reverse=True)
    loaded = sorted({name.split(".")[0] for _, name in rows} & set(HEAVY))
    return {"slowest_us": rows[:10], "heavy_libraries_imported": loaded}


_IN_PROCESS = """
import contextlib, io, json, time
start = time.perf_counter()
import topictags
imported = time.perf_counter()
from topictags.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    try:
        main(["--help"])
    except SystemExit:
        pass
helped = time.perf_counter()
print(json.dumps([imported - start, helped - start]))
"""


def _in_process(repeats: int) -> dict:
    """Seconds spent inside the interpreter, start-up excluded (what topictags costs)."""
    runs = []
    for _ in range(repeats):
        done = subprocess.run([sys.executable, "-c", _IN_PROCESS], env=_env(), check=True,
                              capture_output=True, text=True)
        runs.append(json.loads(done.stdout))
    return {
        "import topictags": statistics.median(r[0] for r in runs),
        "import topictags + topictags --help": statistics.median(r[1] for r in runs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    results: dict = {"load_average_before": os.getloadavg()[0], "median_seconds": {}}
    for name, cmd in COMMANDS.items():
        _seconds(cmd)  # warm the file-system cache
        times = [_seconds(cmd) for _ in range(args.repeats)]
        results["median_seconds"][name] = statistics.median(times)
        print(f"{name:40} median {statistics.median(times):.3f} s "
              f"(min {min(times):.3f}, max {max(times):.3f})", flush=True)
    results["in_process_seconds"] = _in_process(args.repeats)
    for name, seconds in results["in_process_seconds"].items():
        print(f"{name:40} {seconds * 1e3:.0f} ms inside the interpreter (start-up excluded)")
    results["importtime"] = _importtime()
    print("heavy libraries imported by `import topictags`:",
          results["importtime"]["heavy_libraries_imported"] or "none")
    results["load_average_after"] = os.getloadavg()[0]
    write_results("import-time", results)


if __name__ == "__main__":
    main()
