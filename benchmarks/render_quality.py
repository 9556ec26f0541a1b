"""Print benchmarks/results/quality.json as the markdown tables of docs/benchmarks.md.

    python benchmarks/render_quality.py
"""

from __future__ import annotations

import json

from _common import RESULTS

COLUMNS = ("jaccard", "precision@k", "recall@k", "f1", "fit_seconds", "suggestions_per_second")


def main() -> None:
    results = json.loads((RESULTS / "quality.json").read_text())
    machine = results["machine"]
    print(f"Measured {machine['date']} on {machine['cores']} cores, Python {machine['python']}, "
          f"scikit-learn {machine['scikit-learn']}: `{machine['command']}`.\n")
    for corpus, data in results["corpora"].items():
        s = data["summary"]
        print(f"### {corpus} ({s['n_train']} train / {s['n_test']} test, k={results['k']}, "
              f"top-{results['n_tags']} tags)\n")
        print("| model | " + " | ".join(COLUMNS) + " |")
        print("|---" * (len(COLUMNS) + 1) + "|")
        for row in data["table"]:
            cells = [f"{row[c]:.4f}" if c in COLUMNS[:4] else f"{row[c]:.0f}" for c in COLUMNS]
            print(f"| {row['model']} | " + " | ".join(cells) + " |")
        if "default_topic_tagger" in s:
            print(f"\nThe default `TopicTagger()` (**{s['default_topic_tagger']}**): Jaccard "
                  f"{s['default_jaccard']:.4f} = **{s['default_ratio']:.3f} x** the supervised "
                  f"comparator ({s['supervised_jaccard']:.4f}).")
        print(f"\nBest topic tagger: **{s['best_topic_tagger']}**, Jaccard "
              f"{s['best_topic_jaccard']:.4f} = **{s['best_topic_ratio']:.3f} x** the supervised "
              f"comparator ({s['supervised_jaccard']:.4f}); purely unsupervised `lexical`: "
              f"{s['lexical_ratio']:.3f} x.\n")


if __name__ == "__main__":
    main()
