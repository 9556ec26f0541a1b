"""Every topictags chart, from taggers fitted on the shared corpus: shown, and saved as PNGs.

Run from the project root:

    python examples/charts.py OUTPUT_DIR [--questions PATH] [--sample N] [--no-show] [--force]

Writes ``top_terms.png``, ``topic_tags.png``, ``prevalence.png``,
``over_time.png``, ``drift.png``, ``model_selection.png``,
``comparison.png`` and ``tag_insights.png`` into ``OUTPUT_DIR`` (created if needed), then shows the
figures when matplotlib has a window to show them in. About a minute on 2
cores with the default sample of 4000 questions; ``--topics 40 --sample 0``
draws them for the whole corpus (a few minutes). Every ``visualize_*``
method returns a Figure, saved here with a plain ``savefig``: the charts
are laid out so that nothing is clipped.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd

import topictags as tt
from topictags.viz import plot_comparison, plot_model_selection

DEFAULT = Path(__file__).resolve().parents[2] / "shared/data/stackoverflow/questions.parquet"
NAMES = ("top_terms", "topic_tags", "prevalence", "over_time", "drift", "model_selection",
         "comparison", "tag_insights")
# Backends that draw into files only: plt.show() would just warn.
FILE_BACKENDS = {"agg", "cairo", "pdf", "pgf", "ps", "svg", "template"}


def charts(questions, *, n_topics: int = 25, progress: bool = True) -> dict:
    """The figures, by file name (without ``.png``)."""
    train, test = tt.train_test_split(questions, test_size=0.2, random_state=0)
    nmf = tt.TopicTagger("nmf", n_topics=n_topics, random_state=0).fit(train)
    lda = tt.TopicTagger("lda", n_topics=n_topics, max_iter=10, random_state=0).fit(train)
    baseline = tt.MostFrequentTagger().fit(train)
    table = tt.compare([nmf, nmf.with_mapping("logistic"), lda, baseline], train, test,
                       refit=False)
    # Both model families, so that each panel shows the measures that apply to it.
    selection = pd.concat([
        tt.select_n_topics(questions.iloc[:2000], method, (10, 20, 40), random_state=0,
                           n_jobs=2, progress=progress)
        for method in ("nmf", "lda")
    ], ignore_index=True)
    dated = train.dropna(subset=["creation_date"])
    split = dated["creation_date"].quantile(0.5)  # the older half against the newer
    return {
        "top_terms": nmf.visualize_terms(top=8, n_terms=8),
        "topic_tags": nmf.visualize_tag_heatmap(top=15, n_tags=20),
        "prevalence": nmf.visualize_prevalence(),
        "over_time": nmf.visualize_over_time("Y", top=6, min_questions=50),
        "drift": nmf.visualize_drift(dated[dated["creation_date"] < split],
                                     dated[dated["creation_date"] >= split]),
        "model_selection": plot_model_selection(selection),
        "comparison": plot_comparison(table).figure,
        # candidate tag merges, gap topics, over-broad tags (docs/exploration.md)
        "tag_insights": nmf.tag_insights().plot(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path, help="folder for the PNG files")
    parser.add_argument("--questions", type=Path, default=DEFAULT, help="corpus file")
    parser.add_argument("--sample", type=int, default=4000, help="questions used (0: all)")
    parser.add_argument("--topics", type=int, default=25, help="topics of the fitted models")
    parser.add_argument("--no-show", action="store_true", help="only save the files")
    parser.add_argument("--force", action="store_true", help="overwrite existing PNGs")
    args = parser.parse_args(argv)

    targets = [args.output / f"{name}.png" for name in NAMES]
    existing = [str(p) for p in targets if p.exists()]
    if existing and not args.force:
        parser.error(f"{', '.join(existing)} exist(s); pass --force to overwrite")
    args.output.mkdir(parents=True, exist_ok=True)

    questions = tt.load_questions(args.questions)
    if 0 < args.sample < len(questions):
        questions = questions.sample(n=args.sample, random_state=0).reset_index(drop=True)
    for name, fig in charts(questions, n_topics=args.topics).items():
        path = args.output / f"{name}.png"
        fig.savefig(path, dpi=110)
        print(path)
    if not args.no_show and matplotlib.get_backend().lower() not in FILE_BACKENDS:
        plt.show()
    return 0


if __name__ == "__main__":
    sys.exit(main())
