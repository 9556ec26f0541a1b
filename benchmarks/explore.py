"""Exploration benchmark: pyLDAvis page cost, select_n_topics time, topic coherence.

    python benchmarks/explore.py                      # all three parts
    python benchmarks/explore.py ldavis select        # some of them

- ``ldavis``: NMF with 50 topics on ``titles_only.parquet``; time of
  ``tagger.to_ldavis()`` (pyLDAvis prepare) and size of the standalone page.
- ``select``: ``select_n_topics`` with 4 NMF candidates on 6000 questions of
  ``questions.parquet``, with 1 and 2 workers.
- ``coherence``: c_v, c_npmi and diversity of NMF and LDA at the numbers of
  topics of the quality benchmark (``quality.N_TOPICS``), fitted on the same
  training split (seed 0) of both corpora; the reference texts are the cleaned
  training questions.

Saves benchmarks/results/explore.json (a run of some parts keeps the others'
previous figures).
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np
from _common import DATA, RESULTS, write_results
from quality import CORPORA, N_TOPICS, SEED

import topictags as tt
from topictags.explore import coherence_texts, topic_coherence, topic_diversity
from topictags.selection import select_n_topics
from topictags.viz import ldavis_html

PARTS = ("ldavis", "select", "coherence")
TOP_N = 10


def ldavis() -> dict:
    questions = tt.load_questions(DATA / "titles_only.parquet")
    tagger = tt.TopicTagger("nmf", n_topics=50, random_state=SEED).fit(questions)
    start = time.perf_counter()
    prepared = tagger.to_ldavis()
    prepare_seconds = time.perf_counter() - start
    start = time.perf_counter()
    page = ldavis_html(prepared, topic_labels=tagger.topic_labels())
    html_seconds = time.perf_counter() - start
    result = {
        "corpus": "titles_only",
        "n_questions": len(questions),
        "n_topics": 50,
        "n_terms": len(tagger.model_.feature_names_),
        "fit_seconds": tagger.fit_seconds_,
        "prepare_seconds": prepare_seconds,
        "html_seconds": html_seconds,
        "html_bytes": len(page.encode("utf-8")),
    }
    print(result)
    return result


def select() -> dict:
    questions = tt.load_questions(DATA / "questions.parquet")
    sample = questions.sample(n=6000, random_state=SEED).reset_index(drop=True)
    candidates = (10, 20, 40, 80)
    result = {"corpus": "questions", "n_questions": len(sample), "method": "nmf",
              "n_topics": list(candidates)}
    for n_jobs in (1, 2):
        start = time.perf_counter()
        table = select_n_topics(sample, "nmf", candidates, random_state=SEED, n_jobs=n_jobs,
                                progress=False)
        result[f"seconds_n_jobs_{n_jobs}"] = time.perf_counter() - start
        print(f"n_jobs={n_jobs}: {result[f'seconds_n_jobs_{n_jobs}']:.1f} s")
    print(table.round(4).to_string(index=False))
    result["table"] = table.to_dict(orient="records")
    return result


def coherence() -> dict:
    from gensim.corpora import Dictionary

    out = {}
    for corpus, file in CORPORA.items():
        questions = tt.load_questions(DATA / file)
        train, _ = tt.train_test_split(questions, test_size=0.2, random_state=SEED)
        n_topics = N_TOPICS[corpus]
        rows, texts, dictionary = [], None, None
        for method in ("nmf", "lda"):
            tagger = tt.TopicTagger(method, n_topics=n_topics, random_state=SEED).fit(train)
            if texts is None:  # same cleaner for both: it depends on the training tags only
                texts = coherence_texts(tagger.cleaner_, train)
                dictionary = Dictionary(texts)
            model = tagger.model_
            row = {"model": method, "n_topics": n_topics, "fit_seconds": tagger.fit_seconds_}
            for measure in ("c_v", "c_npmi"):
                start = time.perf_counter()
                scores = topic_coherence(model.components_, model.feature_names_, texts,
                                         measure=measure, top_n=TOP_N, dictionary=dictionary)
                row[measure] = float(np.nanmean(scores))
                row[f"{measure}_seconds"] = time.perf_counter() - start
            row["diversity"] = topic_diversity(model.components_, TOP_N)
            print(corpus, row)
            rows.append(row)
        out[corpus] = {"n_train": len(train), "top_n": TOP_N, "models": rows}
    return out


def main(parts: list[str]) -> None:
    unknown = set(parts) - set(PARTS)
    if unknown:
        raise SystemExit(f"unknown part(s) {sorted(unknown)}; choose among {PARTS}")
    previous = RESULTS / "explore.json"
    results = json.loads(previous.read_text()) if previous.exists() else {}
    results.pop("machine", None)
    for part in parts or PARTS:
        results[part] = globals()[part]()
    write_results("explore", results)


if __name__ == "__main__":
    main(sys.argv[1:])
