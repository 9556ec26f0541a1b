"""Quality benchmark: the comparison table on a fixed 80/20 split of each shared corpus.

    python benchmarks/quality.py            # both corpora
    python benchmarks/quality.py questions  # one corpus

Every model at its defaults (what ``TopicTagger()`` gives a user): the
default NMF tagger, the default LDA tagger, ``SupervisedTagger()`` and the
most-frequent baseline; each topic tagger is also scored in every other
mapping (``with_mapping``, same topics). Top-50 tags (the default), k=3,
split seed 0, model seeds 0. Prints each table and saves
benchmarks/results/quality.json (a run of one corpus keeps the other's
previous figures). The defaults were chosen on a validation split inside
the training part (benchmarks/tune_defaults.py); the test part is used here
only.
"""

from __future__ import annotations

import json
import sys

import pandas as pd
from _common import DATA, RESULTS, write_results

import topictags as tt

CORPORA = {"questions": "questions.parquet", "titles_only": "titles_only.parquet"}
K, N_TAGS, SEED = 3, 50, 0


def models() -> list:
    """The taggers compared, at their defaults (only the seed is given)."""
    return [
        tt.TopicTagger(random_state=SEED),
        tt.TopicTagger("lda", random_state=SEED),
        tt.SupervisedTagger(random_state=SEED),
        tt.MostFrequentTagger(),
    ]


def run(corpus: str) -> dict:
    questions = tt.load_questions(DATA / CORPORA[corpus])
    train, test = tt.train_test_split(questions, test_size=0.2, random_state=SEED)
    fitted = []
    for model in models():
        print(f"fitting {model.name} on {len(train)} questions", flush=True)
        fitted.append(model.fit(train))
    default = fitted[0].name
    # Every mapping of every topic tagger, without refitting the topic model.
    variants = []
    for model in fitted:
        if isinstance(model, tt.TopicTagger):
            variants += [model.with_mapping(m) for m in tt.tagging.MAPPINGS]
        else:
            variants.append(model)
    table = tt.compare(variants, train, test, k=K, refit=False)
    supervised = table.loc[[i for i in table.index if i.startswith("supervised")], "jaccard"].max()
    topic_rows = [i for i in table.index if not i.startswith(("supervised", "most-frequent"))]
    best = table.loc[topic_rows, "jaccard"].idxmax()
    summary = {
        "n_train": len(train),
        "n_test": len(test),
        "supervised_jaccard": supervised,
        "default_topic_tagger": default,
        "default_jaccard": table.loc[default, "jaccard"],
        "default_ratio": table.loc[default, "jaccard"] / supervised,
        "default_fit_seconds": table.loc[default, "fit_seconds"],
        "best_topic_tagger": best,
        "best_topic_jaccard": table.loc[best, "jaccard"],
        "best_topic_ratio": table.loc[best, "jaccard"] / supervised,
        "lexical_ratio": table.loc[
            [i for i in topic_rows if i.endswith("lexical")], "jaccard"
        ].max() / supervised,
    }
    with pd.option_context("display.width", 160, "display.precision", 4):
        print(f"\n== {corpus}: {len(train)} train / {len(test)} test, k={K}, top-{N_TAGS} tags")
        print(table)
        print({k: (round(v, 4) if isinstance(v, float) else v) for k, v in summary.items()})
    return {"table": table.reset_index().to_dict(orient="records"), "summary": summary}


def main(names: list[str]) -> None:
    if unknown := set(names) - set(CORPORA):
        raise SystemExit(f"unknown corpus {sorted(unknown)}; choose among {list(CORPORA)}")
    previous = RESULTS / "quality.json"
    corpora = json.loads(previous.read_text())["corpora"] if previous.exists() else {}
    results = {"k": K, "n_tags": N_TAGS, "split_seed": SEED, "corpora": corpora}
    for name in names or list(CORPORA):
        results["corpora"][name] = run(name)
    write_results("quality", results)


if __name__ == "__main__":
    main(sys.argv[1:])
