"""Speed benchmark: cleaning, fitting and tag suggestion, against a bare scikit-learn floor.

    python benchmarks/speed.py                       # everything: results/speed.json
    python benchmarks/speed.py --sections suggest    # one part: results/speed-suggest.json
    python benchmarks/speed.py --n-topics 200        # another model size: results/speed-200.json
    python benchmarks/speed.py --profile             # also print pyinstrument profiles
    python benchmarks/speed.py --sections suggest --models /tmp/m   # reuse fitted models
    python benchmarks/speed.py --sections suggest --sklearn-transform   # "before" figures

What is measured, on the shared corpora:

- cleaning throughput (questions/s) of ``TextCleaner.clean_many`` on every body
  of questions.parquet and every title of titles_only.parquet, with a fresh
  cleaner ("cold": its token memo empty) and again with the same one ("warm");
- fit time of a default ``TopicTagger`` (NMF and LDA, ``--n-topics`` topics,
  50 tags) on 5k, 20k and 50k titles drawn from the training part of the
  titles corpus (seeded; with replacement beyond its size);
- ``suggest_tags`` on the test part of the titles corpus with a model saved
  and re-loaded by ``tt.load``: batch throughput (the test frame at once) and
  single-question latency (median and 95th percentile over 500 calls);
- the FLOOR, measured in the same run on the same loaded model: the steps a
  bare scikit-learn script needs, with no validation, no pandas and no
  empty-text handling: the tagger's own fitted vectorizer, the estimator's
  ``transform``, a matrix product with ``topic_tag_`` and an
  ``np.argpartition`` top-k turned into lists of tag names. It is measured on
  already-cleaned documents (``transform+suggest``) and with cleaning
  included (``TextCleaner.clean_many`` then the same steps).

Timings are medians over repeats, interleaved with their floor so that both
see the same machine load. Before timing, the benchmark checks that
topictags' NMF inference gives exactly the mixtures of scikit-learn's
``NMF.transform``; it stops if not.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from _common import DATA, write_results

import topictags as tt
from topictags.models import normalize_rows

SEED, K, N_TAGS = 0, 3, 50
FIT_SIZES = (5_000, 20_000, 50_000)
METHODS = ("nmf", "lda")
N_SINGLE = 500  # single-question calls per latency measurement
REPEATS = 5  # repeats of each batch measurement
SECTIONS = ("clean", "fit", "suggest")
TARGETS = {
    # name: (what, target, higher is better)
    "clean_bodies_per_second": ("cleaning, bodies/s (cold)", 3_000, True),
    "batch_per_second": ("suggest_tags batch, titles/s", 5_000, True),
    "single_median_ms": ("suggest_tags single, median ms", 2.0, False),
    "transform_suggest_ratio": ("transform+suggest / floor (batch)", 1.5, False),
}


# -- helpers --------------------------------------------------------------------
def _median_rate(n: int, seconds: list[float]) -> float:
    return n / statistics.median(seconds)


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _latency(times: list[float]) -> dict[str, float]:
    ms = np.asarray(times) * 1e3
    return {
        "median_ms": float(np.median(ms)),
        "p95_ms": float(np.percentile(ms, 95)),
        "mean_ms": float(ms.mean()),
    }


def _load(name: str) -> pd.DataFrame:
    return tt.load_questions(DATA / name)


# -- cleaning -------------------------------------------------------------------
def bench_cleaning() -> dict:
    out = {}
    corpora = {"bodies": ("questions.parquet", "body"), "titles": ("titles_only.parquet", "title")}
    for what, (file, column) in corpora.items():
        texts = _load(file)[column].tolist()
        cold, warm = [], []
        for _ in range(3):
            cleaner = tt.TextCleaner()
            cold.append(_timed(lambda c=cleaner, t=texts: c.clean_many(t)))
            warm.append(_timed(lambda c=cleaner, t=texts: c.clean_many(t)))
        out[what] = {
            "n": len(texts),
            "cold_per_second": _median_rate(len(texts), cold),
            "warm_per_second": _median_rate(len(texts), warm),
        }
        print(
            f"cleaning {what}: {len(texts)} texts, cold {out[what]['cold_per_second']:,.0f}/s, "
            f"warm {out[what]['warm_per_second']:,.0f}/s",
            flush=True,
        )
    return out


# -- fitting --------------------------------------------------------------------
def sample(frame: pd.DataFrame, n: int) -> pd.DataFrame:
    """``n`` rows drawn with a fixed seed; with replacement only beyond the frame's size."""
    return frame.sample(n=n, replace=n > len(frame), random_state=SEED).reset_index(drop=True)


def fit_models(train: pd.DataFrame, sizes, n_topics: int) -> tuple[dict, dict]:
    """Fit times per method and size, and the models fitted on the largest size."""
    seconds: dict[str, dict[str, float]] = {}
    largest: dict[str, tt.TopicTagger] = {}
    for method in METHODS:
        seconds[method] = {}
        for n in sizes:
            tagger = tt.TopicTagger(method, n_topics=n_topics, n_tags=N_TAGS, random_state=SEED)
            wall = _timed(lambda t=tagger, n=n: t.fit(sample(train, n)))
            seconds[method][str(n)] = tagger.fit_seconds_
            print(
                f"fit {method}-{n_topics} on {n:>6} titles: {tagger.fit_seconds_:7.1f} s "
                f"(with sampling {wall:.1f} s)",
                flush=True,
            )
            largest[method] = tagger
    return seconds, largest


# -- the floor: bare scikit-learn on the tagger's fitted parts --------------------
def floor_from_documents(tagger, docs: list[str], k: int = K) -> list[list[str]]:
    """Vectorizer, estimator transform, product with topic_tag_, argpartition top-k."""
    X = tagger.model_.vectorizer_.transform(docs)
    S = tagger.model_.model_.transform(X) @ tagger.topic_tag_
    top = np.argpartition(-S, k - 1, axis=1)[:, :k]
    best_first = np.argsort(-np.take_along_axis(S, top, axis=1), axis=1)
    return tagger.tags_[np.take_along_axis(top, best_first, axis=1)].tolist()


def floor_from_texts(tagger, texts: list[str], k: int = K) -> list[list[str]]:
    """The same, with the texts cleaned by the tagger's cleaner first."""
    docs = [" ".join(tokens) for tokens in tagger.cleaner_.clean_many(texts)]
    return floor_from_documents(tagger, docs, k)


def topictags_from_documents(tagger, docs: list[str], k: int = K):
    """topictags' own transform+suggest on cleaned documents (no cleaning)."""
    scores, evidence = tagger._scores_from_documents(docs)
    return tagger._top_k(scores, evidence, k, None)


def check_identical_inference(tagger, docs: list[str]) -> None:
    """topictags' mixtures must equal scikit-learn's transform, bit for bit."""
    model = tagger.model_
    X = model.vectorize(docs)
    expected = model.model_.transform(X) if model.model_ is not None else None
    if expected is None:
        return
    expected[np.asarray(X.sum(axis=1)).ravel() == 0] = 0.0
    expected = normalize_rows(expected)
    if not np.array_equal(model.transform(docs), expected):
        raise AssertionError(f"{tagger.name}: mixtures differ from scikit-learn's transform")
    for doc in docs[:50]:  # one row at a time: another iteration count than the batch
        x = model.vectorize([doc])
        single = model.model_.transform(x)
        single[np.asarray(x.sum(axis=1)).ravel() == 0] = 0.0
        if not np.array_equal(model.transform([doc]), normalize_rows(single)):
            raise AssertionError(f"{tagger.name}: single-row mixture differs from sklearn's")


# -- suggestion -----------------------------------------------------------------
def bench_suggest(tagger, test: pd.DataFrame, *, profile: bool = False) -> dict:
    frame = test[["title", "body"]]
    titles = frame["title"].tolist()
    n = len(frame)
    docs = tagger.documents(frame)
    check_identical_inference(tagger, docs)

    # Warm up every path once (imports, memo of the cleaner, BLAS threads).
    tagger.suggest_tags(frame.iloc[:100], k=K)
    floor_from_texts(tagger, titles[:100])
    topictags_from_documents(tagger, docs[:100])

    batch = {"topictags": [], "floor_with_cleaning": [], "transform_suggest": [], "floor": []}
    for _ in range(REPEATS):
        batch["topictags"].append(_timed(lambda: tagger.suggest_tags(frame, k=K)))
        batch["floor_with_cleaning"].append(_timed(lambda: floor_from_texts(tagger, titles)))
        batch["transform_suggest"].append(_timed(lambda: topictags_from_documents(tagger, docs)))
        batch["floor"].append(_timed(lambda: floor_from_documents(tagger, docs)))
    batch_rate = {name: _median_rate(n, s) for name, s in batch.items()}

    single = {name: [] for name in batch}
    texts, single_docs = titles[:N_SINGLE], docs[:N_SINGLE]
    for text, doc in zip(texts, single_docs):
        single["topictags"].append(_timed(lambda t=text: tagger.suggest_tags(t, k=K)))
        single["floor_with_cleaning"].append(_timed(lambda t=text: floor_from_texts(tagger, [t])))
        single["transform_suggest"].append(
            _timed(lambda d=doc: topictags_from_documents(tagger, [d]))
        )
        single["floor"].append(_timed(lambda d=doc: floor_from_documents(tagger, [d])))
    latency = {name: _latency(times) for name, times in single.items()}

    result = {
        "n_test": n,
        "batch_per_second": batch_rate["topictags"],
        "single_median_ms": latency["topictags"]["median_ms"],
        "single_p95_ms": latency["topictags"]["p95_ms"],
        "batch": batch_rate,
        "single": latency,
        "ratios": {
            # > 1: topictags is slower than the floor.
            "batch_with_cleaning": batch_rate["floor_with_cleaning"] / batch_rate["topictags"],
            "batch_transform_suggest": batch_rate["floor"] / batch_rate["transform_suggest"],
            "single_with_cleaning": latency["topictags"]["median_ms"]
            / latency["floor_with_cleaning"]["median_ms"],
            "single_transform_suggest": latency["transform_suggest"]["median_ms"]
            / latency["floor"]["median_ms"],
        },
        "identical_to_sklearn_transform": True,
    }
    print(f"\nsuggest_tags, {tagger.name} (loaded), {n} test titles, k={K}")
    print(f"  {'':22} {'batch /s':>10} {'median ms':>10} {'p95 ms':>8}")
    for name in batch:
        print(
            f"  {name:22} {batch_rate[name]:10,.0f} {latency[name]['median_ms']:10.3f} "
            f"{latency[name]['p95_ms']:8.3f}"
        )
    print("  ratios topictags/floor:", {k: round(v, 2) for k, v in result["ratios"].items()})
    if profile:
        _profile(tagger, frame, texts)
    return result


def _profile(tagger, frame: pd.DataFrame, texts: list[str]) -> None:
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0002)
    profiler.start()
    for text in texts[:300]:
        tagger.suggest_tags(text, k=K)
    profiler.stop()
    print(f"\n-- profile: 300 single questions, {tagger.name}")
    print(profiler.output_text(unicode=False, color=False))
    profiler = Profiler(interval=0.0005)
    profiler.start()
    tagger.suggest_tags(frame, k=K)
    profiler.stop()
    print(f"\n-- profile: batch of {len(frame)}, {tagger.name}")
    print(profiler.output_text(unicode=False, color=False))


def _reload(tagger):
    with tempfile.TemporaryDirectory() as tmp:
        return tt.load(tagger.save(Path(tmp) / "model.topictags"))


def targets(results: dict) -> dict:
    values = {}
    if "cleaning" in results:
        values["clean_bodies_per_second"] = results["cleaning"]["bodies"]["cold_per_second"]
    for method, res in results.get("suggest", {}).items():
        values[f"batch_per_second[{method}]"] = res["batch_per_second"]
        values[f"single_median_ms[{method}]"] = res["single_median_ms"]
        values[f"transform_suggest_ratio[{method}]"] = res["ratios"]["batch_transform_suggest"]
    out = {}
    for key, value in values.items():
        what, target, higher = TARGETS[key.split("[")[0]]
        met = value >= target if higher else value <= target
        out[key] = {"what": what, "target": target, "value": value, "met": bool(met)}
        print(f"  {'ok ' if met else 'MISS'} {key:36} {value:12,.3f}  (target {target:,})")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sections", default=",".join(SECTIONS), help="clean,fit,suggest")
    parser.add_argument("--n-topics", type=int, default=40)
    parser.add_argument("--profile", action="store_true", help="print pyinstrument profiles")
    parser.add_argument(
        "--sklearn-transform",
        action="store_true",
        help="'before' figures: NMF inference through scikit-learn's NMF.transform "
        "instead of topictags' cached-Gram loop (results/speed-...-sklearn-transform.json)",
    )
    parser.add_argument(
        "--models",
        type=Path,
        help="folder of the models fitted on the largest size: loaded from it if there, "
        "else fitted and saved into it (only without the fit section)",
    )
    args = parser.parse_args()
    sections = [s for s in args.sections.split(",") if s]
    if args.sklearn_transform:
        from topictags.models import TopicModel

        TopicModel._nmf_fast_path = lambda self, X: False
    if unknown := set(sections) - set(SECTIONS):
        parser.error(f"unknown sections {sorted(unknown)}; choose from {SECTIONS}")

    results: dict = {
        "settings": {
            "n_topics": args.n_topics,
            "n_tags": N_TAGS,
            "k": K,
            "seed": SEED,
            "fit_sizes": list(FIT_SIZES),
            "single_calls": N_SINGLE,
            "batch_repeats": REPEATS,
            "sections": sections,
            "sklearn_transform": args.sklearn_transform,
        }
    }
    if "clean" in sections:
        results["cleaning"] = bench_cleaning()
    if "fit" in sections or "suggest" in sections:
        titles = _load("titles_only.parquet")
        train, test = tt.train_test_split(titles, test_size=0.2, random_state=SEED)
        sizes = FIT_SIZES if "fit" in sections else FIT_SIZES[-1:]
        paths = {}
        if args.models is not None and "fit" not in sections:
            args.models.mkdir(parents=True, exist_ok=True)
            paths = {m: args.models / f"{m}-{args.n_topics}.topictags" for m in METHODS}
        if paths and all(p.exists() for p in paths.values()):
            fit_seconds, fitted = {}, {m: tt.load(p) for m, p in paths.items()}
        else:
            fit_seconds, fitted = fit_models(train, sizes, args.n_topics)
            for method, path in paths.items():
                fitted[method].save(path, overwrite=True)
        if "fit" in sections:
            results["fit_seconds"] = fit_seconds
        if "suggest" in sections:
            results["suggest"] = {
                method: bench_suggest(_reload(model), test, profile=args.profile)
                for method, model in fitted.items()
            }
    print("\ntargets:")
    results["targets"] = targets(results)

    name = "speed"
    if set(sections) != set(SECTIONS):
        name += "-" + "-".join(sections)
    if args.n_topics != 40:
        name += f"-{args.n_topics}"
    if args.sklearn_transform:
        name += "-sklearn-transform"
    write_results(name, results)


if __name__ == "__main__":
    main()
