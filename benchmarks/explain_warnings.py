"""The warnings of explained suggestions, measured on ``questions.parquet``.

    nice -n 5 python benchmarks/explain_warnings.py
    python benchmarks/explain_warnings.py --model default_8k.topictags   # reuse a fit

Fits ``TopicTagger(random_state=0)`` (the defaults) on 8,000 questions drawn
with seed 0 (or loads ``--model``, which must be that fit), prints the
explanations of a few questions, then on 2,000 other questions (seed 1):

- how many distinct known terms questions have (title alone, title + body)
  and the share below ``MIN_KNOWN_TERMS`` (the "little evidence" flag);
- for several ``min_rate`` of :func:`topictags.tagging._explain.named_tags`,
  the share of questions told that a tag they name is not a candidate, and
  how often such a named tag is one of the question's real tags;
- the time to explain the 2,000 questions.

Saves benchmarks/results/explain-warnings.json.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _common import DATA, write_results

import topictags as tt
from topictags.tagging import _explain

EXAMPLES = [
    "Docker container cannot connect to localhost",
    "How do I merge two DataFrames on a column?",
    "Docker error",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", default=str(DATA / "questions.parquet"))
    parser.add_argument("--model", help="a saved fit of the default tagger on the 8k sample")
    args = parser.parse_args()

    questions = tt.load_questions(args.questions)
    train = questions.sample(8000, random_state=0)
    if args.model:
        tagger = tt.load(args.model)
    else:
        tagger = tt.TopicTagger(random_state=0).fit(train)
        print(f"fitted {tagger.name} in {tagger.fit_seconds_:.0f} s")
    for text in EXAMPLES:
        print(tagger.suggest_tags(text, k=3, explain=True), end="\n\n")

    held = questions.drop(train.index).sample(2000, random_state=1)
    results: dict = {"model": tagger.name, "n_train": len(train), "n_held": len(held)}
    for name, frame in (("title", held.assign(body="")), ("title_and_body", held)):
        start = time.perf_counter()
        explained = tagger.explain_tags(frame, k=3)
        seconds = time.perf_counter() - start
        known = np.array([len(e.known_terms) for e in explained])
        results[name] = {
            "known_terms_median": float(np.median(known)),
            "known_terms_p5": float(np.percentile(known, 5)),
            "share_little_evidence": float((known < _explain.MIN_KNOWN_TERMS).mean()),
            "share_no_known_term": float((known == 0).mean()),
            "explain_seconds": seconds,
        }
        print(name, results[name])

    candidates = set(tagger.tags_)
    titles, tag_lists = tagger.train_questions_["title"].tolist(), tagger.train_questions_["tags"]
    results["named_tags"] = {}
    for rate in (0.1, 0.25, 0.5):
        named = _explain.named_tags(titles, tag_lists.tolist(), min_rate=rate)
        warned = found = real = 0
        for title, body, tags in zip(held["title"], held["body"], held["tags"]):
            words = [w for w in _explain._question_words(title, body)
                     if w in named and w not in candidates]
            warned += bool(words)
            found += len(words)
            real += sum(w in tags for w in words)
        results["named_tags"][str(rate)] = row = {
            "tag_names": len(named),
            "share_of_questions_warned": warned / len(held),
            "named_that_are_a_real_tag": real / max(found, 1),
        }
        print(f"min_rate={rate}", row)
    write_results("explain-warnings", results)


if __name__ == "__main__":
    main()
