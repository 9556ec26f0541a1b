"""The validation figures behind TopicTagger's defaults (issue 10, part 2).

    python benchmarks/tune_defaults.py questions nmf:40 nmf:150 nmf:150:100 --ideas
    python benchmarks/tune_defaults.py questions nmf:40 nmf:150:50 --ideas
    python benchmarks/tune_defaults.py questions nmf:40 nmf:150:30 --ideas
    python benchmarks/tune_defaults.py titles_only nmf:40 nmf:150:50 nmf:200 --supervised --ideas
    python benchmarks/tune_defaults.py questions nmf:40 nmf:100:30 nmf:150:30 --sqrt
    python benchmarks/tune_defaults.py titles_only nmf:40 nmf:150:30 --sqrt

A spec is ``method:n_topics`` or ``method:n_topics:max_iter``.

Protocol of benchmarks/tune.py: the 80/20 split of benchmarks/quality.py
(seed 0) gives the training part, which is split again (seed 1) into a fit
part and a validation part; the test part is never read. For each spec a
TopicTagger (every other parameter at its default, ``random_state=0``) is
fitted on the fit part and scored on the validation part in every mapping
(``evaluate``: Jaccard at k=3 on the questions carrying a candidate tag).

Fit time. ``TopicTagger.fit`` cleans the questions, fits the topic model
(vectoriser + NMF/LDA) and computes all three learned mappings whatever
``mapping`` is (co-occurrence, logistic, lexical). Each phase is timed here,
wall (``perf_counter``) and CPU (``process_time``: user + system of every
thread of this process). On a shared machine neither is stable from one
run to the next (the same 40-topic fit took 66 and 56 CPU s an hour apart):
compare specs within one run only. The
specs run back to back in one process; the questions are cleaned once (the
first fit) and that cleaning is reused by the later fits, so every spec's
``fit`` total is ``clean + topic model + mappings`` with the same cleaning
figure. ``fit_ratio_*`` is each spec's total over the first spec's (today's
default is ``nmf:40``).

The supervised comparator's validation Jaccard is measured on the same split
with ``--supervised`` (``SupervisedTagger(random_state=0)``), or else read
from benchmarks/results/tune-supervised.json (questions only: the default
variant ``char_2_5`` at neighbour weight 0.15).

``--ideas`` also scores cheap variants of the logistic mapping on each spec's
fitted mixtures (``C`` = 1 and 100 instead of 10; the square roots of the
mixtures as features, ``C`` = 10 and 100) with the same top-3 rule as
``suggest_tags``; ``--sqrt`` scores only the sqrt variant at ``C`` = 10.

Results go to benchmarks/results/tune-defaults.json: one key per corpus, rows
keyed by model name and ``fit_times`` keyed by spec (a later run replaces
what it measures and keeps the rest; each timing keeps the figures of the
baseline its ratio was taken against, ``fit_ratio_baseline_fit``).
"""

from __future__ import annotations

import json
import sys
import time
from contextlib import contextmanager
from typing import ClassVar

import numpy as np
from _common import DATA, RESULTS, write_results
from sklearn.decomposition import NMF

import topictags as tt
from topictags.metrics import evaluation_set, tag_scores
from topictags.models import _topic_model
from topictags.tagging import _topic_tagger

FILES = {"questions": "questions.parquet", "titles_only": "titles_only.parquet"}
PHASES: dict[str, dict[str, float]] = {}


@contextmanager
def timed(phase: str):
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        yield
    finally:
        PHASES[phase] = {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu}


class TimedNMF(NMF):
    """scikit-learn's NMF with its solver timed (the vectoriser is timed apart)."""

    def fit_transform(self, X, y=None, W=None, H=None):
        with timed("nmf_solver"):
            return super().fit_transform(X, y, W=W, H=H)


class TimedTopicModel(_topic_model.TopicModel):
    def fit_transform(self, docs):
        with timed("topic_model"):
            return super().fit_transform(docs)


def _timed_function(phase, function):
    def wrapper(*args, **kwargs):
        with timed(phase):
            return function(*args, **kwargs)

    return wrapper


# TopicTagger.fit looks these names up in its module at call time.
_topic_model.NMF = TimedNMF
_topic_tagger.TopicModel = TimedTopicModel
for _name in ("cooccurrence_mapping", "logistic_mapping", "lexical_mapping"):
    setattr(_topic_tagger, _name, _timed_function(_name, getattr(_topic_tagger, _name)))


class BenchTagger(tt.TopicTagger):
    """TopicTagger that cleans a given fit part once per process (timed) and
    memoises cleaned validation documents; fitting and scoring are unchanged."""

    _prepared: ClassVar[dict] = {}
    _docs: ClassVar[dict] = {}

    def _prepare_fit(self, questions):
        key = (id(questions), self.n_tags, self.title_weight, self.keep_code)
        PHASES["clean_reused"] = key in self._prepared
        if key not in self._prepared:
            with timed("clean"):
                result = super()._prepare_fit(questions)
            self._prepared[key] = (result, self.tags_, self.tag_counts_, self.cleaner_,
                                   PHASES["clean"])
        result, self.tags_, self.tag_counts_, self.cleaner_, clean = self._prepared[key]
        self.__dict__.pop("fit_seconds_", None)
        PHASES["clean"] = clean
        return result

    def _documents(self, titles, bodies):
        key = (id(self.cleaner_), self.title_weight, hash((tuple(titles), tuple(bodies))))
        if key not in self._docs:
            self._docs[key] = super()._documents(titles, bodies)
        return self._docs[key]


def stored_supervised(corpus: str) -> float | None:
    """Validation Jaccard of the default SupervisedTagger from tune-supervised.json."""
    if corpus != "questions":  # tune_supervised.py was run on questions only
        return None
    path = RESULTS / "tune-supervised.json"
    if not path.exists():
        return None
    rows = json.loads(path.read_text())["variants"]["char_2_5"]["validation"]
    return next(r["jaccard"] for r in rows if r["neighbor_weight"] == 0.15)


def logistic_ideas(tagger, validation, only: str | None = None) -> dict[str, float]:
    """Validation Jaccard of variants of the logistic mapping on the fitted mixtures."""
    true, keep = evaluation_set(tagger.tags_, validation["tags"].tolist())
    scored = validation[np.asarray(keep)]
    theta = tagger.transform(scored)
    evidence = theta.sum(axis=1) > 0
    labels = tagger.binarize(tagger.train_questions_["tags"].tolist())
    train = tagger.doc_topic_.astype(np.float64)
    out = {}
    variants = [("C=1", 1.0, False), ("C=100", 100.0, False), ("sqrt C=10", 10.0, True),
                ("sqrt C=100", 100.0, True)]
    for name, c, root in variants:
        if only is not None and name != only:
            continue
        start = time.process_time()
        x_fit, x_val = (np.sqrt(train), np.sqrt(theta)) if root else (train, theta)
        weights, intercept = tt.tagging.logistic_mapping(x_fit, labels, C=c, random_state=0)
        scores = 1.0 / (1.0 + np.exp(-(x_val @ weights + intercept)))
        predicted, _ = tagger._top_k(scores, evidence, 3, None, with_scores=False)
        out[name] = tag_scores(true, predicted, k=3)["jaccard"]
        print({"idea": name, "jaccard": out[name], "cpu": time.process_time() - start},
              flush=True)
    return out


def save(corpus, fit_part, validation, rows, timings, sup) -> None:
    """Merge this run's figures into tune-defaults.json (called after every step,
    so an interrupted run keeps what it measured)."""
    previous = RESULTS / "tune-defaults.json"
    corpora = json.loads(previous.read_text())["corpora"] if previous.exists() else {}
    entry = corpora.get(corpus, {})
    if sup is None:
        sup = entry.get("supervised_validation") or {
            "jaccard": stored_supervised(corpus),
            "source": "tune-supervised.json char_2_5 @0.15"}
    baseline = next(iter(timings), None)
    for timing in timings.values():
        timing["fit_ratio_baseline"] = baseline
        # The baseline's own figures: a later run may replace its row in fit_times.
        timing["fit_ratio_baseline_fit"] = dict(timings[baseline]["fit"])
        timing["fit_ratio_wall"] = timing["fit"]["wall"] / timings[baseline]["fit"]["wall"]
        timing["fit_ratio_cpu"] = timing["fit"]["cpu"] / timings[baseline]["fit"]["cpu"]
    measured = {row["model"] for row in rows}
    # Rows of the first draft of this script (with "fit_seconds") are dropped.
    kept = [r for r in entry.get("validation", [])
            if r["model"] not in measured and "fit_seconds" not in r]
    merged = kept + [dict(r) for r in rows]
    for row in merged:
        if sup["jaccard"]:
            row["ratio_to_supervised"] = row["jaccard"] / sup["jaccard"]
    corpora[corpus] = {"n_fit": len(fit_part), "n_validation": len(validation),
                       "supervised_validation": sup, "validation": merged,
                       "fit_times": {**entry.get("fit_times", {}), **timings}}
    protocol = "train/test seed 0 (0.2), fit/validation seed 1 (0.2)"
    write_results("tune-defaults", {"protocol": protocol, "corpora": corpora})


def main(corpus: str, specs: list[str], supervised: bool, ideas: bool | str) -> None:
    questions = tt.load_questions(DATA / FILES[corpus])
    train, _ = tt.train_test_split(questions, test_size=0.2, random_state=0)
    fit_part, validation = tt.train_test_split(train, test_size=0.2, random_state=1)
    rows, timings, sup = [], {}, None
    if supervised:
        wall, cpu = time.perf_counter(), time.process_time()
        model = tt.SupervisedTagger(random_state=0).fit(fit_part)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        sup = {"jaccard": tt.evaluate(model, validation)["jaccard"],
               "source": "SupervisedTagger(random_state=0), measured by this script",
               "fit_seconds": wall, "fit_cpu_seconds": cpu}
        print({"supervised": sup}, flush=True)
        del model
        save(corpus, fit_part, validation, rows, timings, sup)
    for spec in specs:
        method, n_topics, *rest = spec.split(":")
        max_iter = int(rest[0]) if rest else None
        label = f"{method}-{n_topics}" + (f"-iter{max_iter}" if max_iter else "")
        PHASES.clear()
        wall, cpu = time.perf_counter(), time.process_time()
        tagger = BenchTagger(method, n_topics=int(n_topics), max_iter=max_iter,
                             random_state=0).fit(fit_part)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        phases = dict(PHASES)
        # The total as a fresh fit would take: the reused cleaning counted in full.
        reused = phases.pop("clean_reused")
        total = {
            k: (cpu if k == "cpu" else wall) + (phases["clean"][k] if reused else 0.0)
            for k in ("wall", "cpu")
        }
        timings[label] = {"fit": total, **phases, "clean_reused": reused,
                          "nmf_iterations": int(getattr(tagger.model_.model_, "n_iter_", -1)),
                          "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        print({"spec": label, "timing": timings[label]}, flush=True)
        for mapping in tt.tagging.MAPPINGS:
            score = tt.evaluate(tagger.with_mapping(mapping), validation)["jaccard"]
            rows.append({"model": f"{label}-{mapping}", "method": method,
                         "n_topics": int(n_topics), "max_iter": max_iter, "mapping": mapping,
                         "jaccard": score})
            print(rows[-1], flush=True)
        save(corpus, fit_part, validation, rows, timings, sup)
        if ideas:
            only = ideas if isinstance(ideas, str) else None
            for name, score in logistic_ideas(tagger, validation, only).items():
                rows.append({"model": f"{label}-logistic {name}", "method": method,
                             "n_topics": int(n_topics), "max_iter": max_iter,
                             "mapping": f"logistic {name}", "jaccard": score})
            save(corpus, fit_part, validation, rows, timings, sup)
        del tagger


if __name__ == "__main__":
    flags = {"--supervised", "--ideas", "--sqrt"}
    args = [a for a in sys.argv[1:] if a not in flags]
    # --sqrt: of the ideas, only the sqrt-logistic mapping at C=10.
    ideas = "sqrt C=10" if "--sqrt" in sys.argv else "--ideas" in sys.argv
    main(args[0], args[1:], "--supervised" in sys.argv, ideas)
