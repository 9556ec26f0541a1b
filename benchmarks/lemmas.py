"""Lemmatisation engines on Stack Overflow text: correctness, cleaning speed, tagging quality.

    python benchmarks/lemmas.py                     # words, speed, review: results/lemmas.json
    python benchmarks/lemmas.py --sections quality  # Jaccard before/after: lemmas-quality.json

Sections:

- ``words``: share of the word list of ``tests/test_lemmas.py`` (Stack
  Overflow words and the lemma each must get) that each engine gets right:
  spaCy's lookup table (``spacy-lookup``, topictags before 2026-12),
  simplemma's dictionary alone, lemminflect (when installed: noun lemma
  first, then verb, adjective, adverb) and topictags' ``simplemma`` engine.
- ``speed``: ``TextCleaner.clean_many`` on every body of questions.parquet,
  bodies/s with a fresh cleaner (cold: its token memo empty) and the same one
  again (warm), median of 3, for both lemmatizers.
- ``review``: the frequent tokens of questions.parquet (at least 4 letters,
  not stop words) whose lemma is rare in the corpus (under a tenth of the
  token's count): where a lemmatiser invents words (``thinke``) or merges a
  name into a word (``pandas`` -> ``panda``). ``LEMMA_EXCEPTIONS`` was built
  from this list.
- ``quality``: Jaccard (k=3, top-50 tags) of ``TopicTagger(method="nmf",
  n_topics=40, random_state=0)`` on a fixed 80/20 split of questions.parquet,
  with the cleaner of 5dce99d (spaCy's table, every frequent tag protected from
  lemmatising) and with today's (simplemma engine, plural tags merged).
"""

from __future__ import annotations

import argparse
import collections
import functools
import json
import statistics
import sys
import time

from _common import DATA, RESULTS, ROOT, write_results

sys.path.insert(0, str(ROOT / "tests"))

import topictags as tt
from topictags.tagging import _base
from topictags.text import TextCleaner, default_stop_words, html_to_text, lemmatize
from topictags.text._clean import _TOKEN

SECTIONS = ("words", "speed", "review", "quality")


def _word_list() -> dict[str, str]:
    from test_lemmas import STACK_OVERFLOW_LEMMAS

    return STACK_OVERFLOW_LEMMAS


def _engines() -> dict:
    engines = {
        "spacy-lookup": functools.partial(lemmatize, lemmatizer="spacy-lookup"),
        "topictags simplemma": lemmatize,
    }
    try:
        from simplemma.strategies import DictionaryLookupStrategy

        strategy = DictionaryLookupStrategy()
        engines["simplemma dictionary alone"] = lambda w: (
            strategy.get_lemma(w, "en") or w
        ).lower()
    except ImportError:
        pass
    try:
        import lemminflect

        def by_pos(word: str) -> str:
            lemmas = lemminflect.getAllLemmas(word)
            for pos in ("NOUN", "VERB", "ADJ", "ADV", "AUX"):
                if pos in lemmas:
                    return lemmas[pos][0]
            return word

        engines["lemminflect (noun first)"] = by_pos
    except ImportError:
        pass
    return engines


def bench_words() -> dict:
    words = _word_list()
    out = {}
    for name, engine in _engines().items():
        wrong = {w: engine(w) for w, lemma in words.items() if engine(w) != lemma}
        out[name] = {"right": len(words) - len(wrong), "of": len(words), "wrong": wrong}
        print(f"{name:28} {len(words) - len(wrong):3}/{len(words)} right; wrong: "
              + ", ".join(f"{w}->{v}" for w, v in sorted(wrong.items())), flush=True)
    return out


def bench_speed(bodies: list[str]) -> dict:
    import os

    out = {"load_average_before": os.getloadavg()[0]}
    for lemmatizer in ("simplemma", "spacy-lookup"):
        lemmatize("warm-up", lemmatizer)  # load the tables outside the timing
        cold, warm, cpu = [], [], []
        for _ in range(3):
            cleaner = TextCleaner(lemmatizer=lemmatizer)
            start, start_cpu = time.perf_counter(), time.process_time()
            cleaner.clean_many(bodies)
            cold.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
            start = time.perf_counter()
            cleaner.clean_many(bodies)
            warm.append(time.perf_counter() - start)
        out[lemmatizer] = {
            "n": len(bodies),
            "cold_per_second": len(bodies) / statistics.median(cold),
            "warm_per_second": len(bodies) / statistics.median(warm),
            # Cleaning runs on one thread: bodies per second of its own CPU
            # time, the figure a shared machine's load does not move.
            "cold_per_cpu_second": len(bodies) / statistics.median(cpu),
        }
        print(f"cleaning {len(bodies)} bodies, {lemmatizer}: "
              f"cold {out[lemmatizer]['cold_per_second']:,.0f}/s "
              f"({out[lemmatizer]['cold_per_cpu_second']:,.0f} per CPU second), "
              f"warm {out[lemmatizer]['warm_per_second']:,.0f}/s", flush=True)
    out["load_average_after"] = os.getloadavg()[0]
    return out


def bench_review(questions, top: int = 12_000) -> dict:
    counts = collections.Counter()
    for title, body in zip(questions["title"], questions["body"]):
        counts.update(_TOKEN.findall((title + " " + html_to_text(body)).lower()))
    stop = default_stop_words()
    words = [w for w, _ in counts.most_common(top)
             if len(w) >= 4 and w not in stop and any(ch.isalpha() for ch in w)]
    out = {}
    for lemmatizer in ("simplemma", "spacy-lookup"):
        rare = [
            (w, lemmatize(w, lemmatizer), counts[w], counts[lemmatize(w, lemmatizer)])
            for w in words
            if lemmatize(w, lemmatizer) != w and counts[lemmatize(w, lemmatizer)] < 0.1 * counts[w]
        ]
        out[lemmatizer] = {"n_words": len(words), "rare_lemmas": len(rare),
                           "list": [f"{w}->{lem} ({a}/{b})" for w, lem, a, b in rare]}
        print(f"{lemmatizer}: {len(rare)} of {len(words)} frequent words get a lemma rare in "
              f"the corpus: " + ", ".join(out[lemmatizer]["list"][:60]), flush=True)
    return out


def _old_cleaner_tagger_fit(tagger, train):
    """Fit with the cleaner of 5dce99d: spaCy's table, every frequent tag protected."""
    cleaner = functools.partial(TextCleaner, lemmatizer="spacy-lookup")
    saved = _base.TextCleaner, _base._tags_kept_whole
    _base.TextCleaner, _base._tags_kept_whole = cleaner, lambda tags, stop: set(tags)
    try:
        return tagger.fit(train)
    finally:
        _base.TextCleaner, _base._tags_kept_whole = saved


def bench_quality(questions) -> dict:
    train, test = tt.train_test_split(questions, test_size=0.2, random_state=0)
    out = {}
    for label in ("before (5dce99d cleaner)", "after"):
        tagger = tt.TopicTagger(method="nmf", n_topics=40, n_tags=50, random_state=0)
        start = time.perf_counter()
        if label == "after":
            tagger.fit(train)
        else:
            _old_cleaner_tagger_fit(tagger, train)
        seconds = time.perf_counter() - start
        scores = tagger.evaluate(test, k=3)
        terms = set(tagger.model_.feature_names_)
        out[label] = {
            "jaccard": scores["jaccard"], "fit_seconds": seconds,
            "mapping": tagger.mapping_, "n_terms": len(terms),
            "artefacts_in_vocabulary": sorted(terms & {"numb", "datum", "doe", "matt", "buff"}),
            "plural_and_singular_both_terms": sorted(
                t for t in terms if t.endswith("s") and t[:-1] in terms),
        }
        print(f"{label}: Jaccard {scores['jaccard']:.4f} (mapping {tagger.mapping_}, "
              f"{len(terms)} terms, fit {seconds:.0f} s)", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sections", default="words,speed,review",
                        help=",".join(SECTIONS))
    args = parser.parse_args()
    sections = args.sections.split(",")
    results: dict = {}
    questions = None
    if {"speed", "review", "quality"} & set(sections):
        questions = tt.load_questions(DATA / "questions.parquet")
    if "words" in sections:
        results["words"] = bench_words()
    if "speed" in sections:
        results["speed"] = bench_speed(questions["body"].tolist())
    if "review" in sections:
        results["review"] = bench_review(questions)
    if "quality" in sections:
        results["quality"] = bench_quality(questions)
    name = "lemmas" if sections != ["quality"] else "lemmas-quality"
    # A run of some sections keeps the others' earlier figures (and their machine).
    path = RESULTS / f"{name}.json"
    earlier = json.loads(path.read_text()) if path.exists() else {}
    kept = {k: v for k, v in earlier.items() if k in SECTIONS and k not in results}
    if kept:
        results = {**kept, **results, "machine_of_kept_sections": earlier.get("machine")}
    write_results(name, results)


if __name__ == "__main__":
    main()
