"""topictags.spark in local mode on >= 100k questions, against the one-machine path.

    nice -n 5 python benchmarks/spark.py                      # 100k train + 25k test, LDA and NMF
    nice -n 5 python benchmarks/spark.py --methods lda --n 20000 --name spark-20k

The corpus is built from the shared ``questions.parquet``: its questions are
split 80/20 by a seeded permutation, and each part is resampled with
replacement (seeded) to ``--n`` training and ``--n / 4`` test questions,
renumbered with new ids (1..), tags written ``|a|b|`` and dates with
``.000`` as dumps write them. The files go to ``--cache``
(``/tmp/topictags-bench/spark`` by default), never into the repository.

Per method, timed stage by stage in one ``local[2]`` session: JVM start,
``read_questions`` (read + normalise, materialised), ``fit_topic_tagger``
(its own stages: tags, clean, vectorize, fit, infer, mapping, sample),
``suggest_tags`` on every question (train + test, materialised), Jaccard
(``tag_scores`` on the test questions that carry a vocabulary tag, as
``topictags.evaluate`` scores). Then, in this process, the same fitted tagger's
``suggest_tags`` on the same questions: the share of questions whose tags are
identical (acceptance: >= 95 %). The one-machine path (``load_questions`` +
``TopicTagger.fit`` in memory with the same settings, LDA with
``--memory-lda-passes`` passes since 20 batch passes at 100k take most of an
hour here) is timed and scored on the same test questions.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import DATA, write_results


def build(n_train: int, cache: Path) -> tuple[Path, Path]:
    cache.mkdir(parents=True, exist_ok=True)
    n_test = n_train // 4
    train_path, test_path = cache / f"train-{n_train}.parquet", cache / f"test-{n_test}.parquet"
    if train_path.exists() and test_path.exists():
        return train_path, test_path
    source = pd.read_parquet(DATA / "questions.parquet")
    source = source[source["tags"].fillna("").str.len() > 0].reset_index(drop=True)
    rng = np.random.default_rng(0)
    order = rng.permutation(len(source))
    cut = int(0.8 * len(source))
    start = 1
    for part, n, path in ((order[:cut], n_train, train_path), (order[cut:], n_test, test_path)):
        rows = source.iloc[rng.choice(part, size=n, replace=True)].reset_index(drop=True)
        rows = pd.DataFrame({
            "Id": np.arange(start, start + n, dtype=np.int64),
            "PostTypeId": 1,
            "Title": rows["title"],
            "Body": rows["body"],
            "Tags": "|" + rows["tags"].str.strip("|") + "|",
            "CreationDate": pd.to_datetime(rows["creation_date"]).dt.strftime(
                "%Y-%m-%dT%H:%M:%S.000"),
            "Score": rows["score"],
        })
        rows.to_parquet(path, row_group_size=10_000)
        start += n
    return train_path, test_path


def timed(timings: dict, stage: str, function):
    start = time.perf_counter()
    value = function()
    timings[stage] = round(time.perf_counter() - start, 2)
    print(f"  {stage}: {timings[stage]:.1f} s", flush=True)
    return value


def run_spark(method: str, args, train_path: Path, test_path: Path, spark, jvm_seconds: float):
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    import topictags as tt
    import topictags.spark as tts

    timings = {"jvm_start": round(jvm_seconds, 2)}
    print(f"spark {method}", flush=True)

    def read():
        train = tts.read_questions(spark, str(train_path), site="stackoverflow")
        test = tts.read_questions(spark, str(test_path), site="stackoverflow")
        train = train.persist(StorageLevel.MEMORY_AND_DISK)
        test = test.persist(StorageLevel.MEMORY_AND_DISK)
        return train, test, train.count(), test.count()

    train, test, n_train, n_test = timed(timings, "read", read)
    fit_stages: dict[str, float] = {}
    tagger = timed(timings, "fit_total", lambda: tts.fit_topic_tagger(
        train, method, n_topics=args.n_topics, random_state=0, timings=fit_stages,
        max_iter=args.lda_iterations if method == "lda" else None))
    timings.update({f"fit_{k}": round(v, 2) for k, v in fit_stages.items()})
    both = train.unionByName(test)

    def suggest():
        out = tts.suggest_tags(tagger, both, k=3).persist(StorageLevel.MEMORY_AND_DISK)
        return out, out.count()

    suggested, n_suggested = timed(timings, "suggest", suggest)
    vocabulary = F.array(*[F.lit(str(t)) for t in tagger.tags_])
    scored = (suggested.where(F.col("id") > n_train)
              .withColumn("tags", F.filter("tags", lambda t: F.array_contains(vocabulary, t)))
              .where(F.size("tags") > 0))
    scores = timed(timings, "jaccard", lambda: tts.tag_scores(scored, k=3))
    print(f"  jaccard {scores['jaccard']:.4f} on {scores['n_questions']} test questions")

    # The same fitted model, in this process, on the same questions.
    rows = suggested.select("id", "title", "body", "suggested_tags").toPandas()
    start = time.perf_counter()
    in_memory = tagger.suggest_tags(rows[["title", "body"]], k=3)
    memory_seconds = time.perf_counter() - start
    same = np.array([list(a) == b for a, b in zip(rows["suggested_tags"], in_memory)])
    print(f"  same tags as in memory: {same.mean():.4%} of {len(same)}", flush=True)
    saved = tagger.save(Path(args.cache) / f"spark-{method}.topictags", overwrite=True)
    loaded = tt.load(saved)
    assert loaded.suggest_tags(rows["title"][:50].tolist()) == tagger.suggest_tags(
        rows["title"][:50].tolist())
    for frame in (train, test, suggested):
        frame.unpersist()
    return tagger, {
        "method": method,
        "n_topics": args.n_topics,
        "n_train": n_train,
        "n_test": n_test,
        "n_suggested": n_suggested,
        "seconds": timings,
        "seconds_total": round(sum(v for k, v in timings.items()
                                   if k in ("jvm_start", "read", "fit_total", "suggest",
                                            "jaccard")), 2),
        "scores": scores,
        "same_tags_as_in_memory": float(same.mean()),
        "in_memory_suggest_seconds_same_model": round(memory_seconds, 2),
        "sample_size": len(tagger.train_questions_),
        "lda_iterations": args.lda_iterations if method == "lda" else None,
        "model_file_mb": round(saved.stat().st_size / 1e6, 2),
    }


def run_memory(method: str, args, train_path: Path, test_path: Path):
    import topictags as tt

    print(f"one machine {method}", flush=True)
    timings: dict[str, float] = {}
    train = timed(timings, "read", lambda: tt.load_questions(train_path, site="stackoverflow"))
    test = tt.load_questions(test_path, site="stackoverflow")
    passes = args.memory_lda_passes if method == "lda" else None
    tagger = timed(timings, "fit", lambda: tt.TopicTagger(
        method, n_topics=args.n_topics, random_state=0, max_iter=passes).fit(train))
    scores = timed(timings, "suggest_and_jaccard", lambda: tt.evaluate(tagger, test, k=3))
    print(f"  jaccard {scores['jaccard']:.4f} on {scores['n_questions']} test questions")
    return {"method": method, "n_topics": args.n_topics, "max_iter": passes,
            "seconds": timings, "seconds_total": round(sum(timings.values()), 2),
            "scores": {k: v for k, v in scores.items() if k != "suggestions_per_second"}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="training questions")
    parser.add_argument("--n-topics", type=int, default=40)
    parser.add_argument("--methods", default="lda,nmf")
    parser.add_argument("--lda-iterations", type=int, default=100,
                        help="Spark online LDA iterations (5 %% of the frame each)")
    parser.add_argument("--memory-lda-passes", type=int, default=2)
    parser.add_argument("--no-memory", action="store_true", help="skip the one-machine path")
    parser.add_argument("--cache", default="/tmp/topictags-bench/spark")
    parser.add_argument("--name", default="spark")
    args = parser.parse_args()
    train_path, test_path = build(args.n, Path(args.cache))

    import topictags.spark as tts

    start = time.perf_counter()
    spark = tts.local_session("local[2]", config={"spark.driver.memory": "3g"})
    jvm_seconds = time.perf_counter() - start
    print(f"JVM start {jvm_seconds:.1f} s", flush=True)
    results: dict = {"corpus": {"train": str(train_path), "test": str(test_path)},
                     "spark": {}, "one_machine": {}, "load_average_start": os.getloadavg()}
    for method in args.methods.split(","):
        _, results["spark"][method] = run_spark(method, args, train_path, test_path, spark,
                                                jvm_seconds)
        jvm_seconds = 0.0  # one JVM for both methods: counted with the first
    spark.stop()
    if not args.no_memory:
        for method in args.methods.split(","):
            results["one_machine"][method] = run_memory(method, args, train_path, test_path)
    results["load_average_end"] = os.getloadavg()
    write_results(args.name, results)


if __name__ == "__main__":
    main()
