"""Files written by ``topictags explore`` and ``topictags report``.

Every page is self-contained (charts embedded as PNG data, no request to any
host) and every string that comes from the corpus is HTML-escaped.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import pandas as pd

from .._files import write_atomic
from ..errors import OutputExistsError

__all__ = ["write_explore", "write_report"]

# Nothing on the page may load or run: images are inline data, style is inline.
_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
img { max-width: 100%; }
"""


def _atomic_write(path: Path, data: bytes, *, force: bool) -> Path:
    return write_atomic(path, [data], overwrite=force, hint="--force")


def _png(fig) -> bytes:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def _topic_labels(tagger, n: int = 3) -> list[str]:
    return [", ".join(t for t, _ in tagger.topic_tags(k, n)) for k in range(tagger.model_.n_topics)]


def _charts(tagger, table: pd.DataFrame | None = None) -> dict[str, bytes]:
    import matplotlib

    matplotlib.use("Agg")  # files, not windows
    from .. import viz

    model = tagger.model_
    labels = _topic_labels(tagger)
    shown = list(range(min(12, model.n_topics)))
    charts = {
        "top_terms": viz.plot_top_terms(
            model.components_, model.feature_names_, topics=shown, topic_labels=labels
        ),
        "topic_tags": viz.plot_topic_tag_heatmap(
            tagger.topic_tag_, tagger.tags_, topics=shown, topic_labels=labels
        ).figure,
        "prevalence": viz.plot_topic_prevalence(tagger.doc_topic_, topic_labels=labels).figure,
    }
    if table is not None:
        charts["comparison"] = viz.plot_comparison(table).figure
    return {name: _png(fig) for name, fig in charts.items()}


def write_explore(tagger, folder: Path, *, force: bool = False) -> list[Path]:
    """The pyLDAvis page and PNG charts of a fitted topic tagger in ``folder``."""
    from .. import viz

    folder.mkdir(parents=True, exist_ok=True)
    targets = [folder / "topics.html"] + [
        folder / f"{name}.png" for name in ("top_terms", "topic_tags", "prevalence")
    ]
    existing = [str(p) for p in targets if p.exists()]
    if existing and not force:
        raise OutputExistsError(f"{', '.join(existing)} exist(s); pass --force to overwrite")
    model = tagger.model_
    prepared = viz.prepare_ldavis(
        model.components_, tagger.doc_topic_, tagger.doc_lengths_,
        model.feature_names_, tagger.term_frequency_,
    )
    written = [viz.save_ldavis(prepared, targets[0], topic_labels=_topic_labels(tagger),
                               overwrite=force)]
    for name, data in _charts(tagger).items():
        written.append(_atomic_write(folder / f"{name}.png", data, force=force))
    return written


def _img(data: bytes, alt: str) -> str:
    encoded = base64.b64encode(data).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{encoded}">'


def _corpus_stats(train: pd.DataFrame, test: pd.DataFrame) -> tuple[str, str]:
    questions = pd.concat([train, test], ignore_index=True)
    counts = questions["tags"].explode().value_counts()
    stats = pd.DataFrame(
        {
            "value": [
                len(train), len(test), counts.size,
                round(questions["tags"].map(len).mean(), 2),
                int(questions["title"].str.len().median()),
                int(questions["body"].str.len().median()),
            ]
        },
        index=["training questions", "test questions", "distinct tags", "mean tags per question",
               "median title length (characters)", "median body length (characters of HTML)"],
    )
    top = counts.head(20).rename_axis("tag").reset_index(name="questions")
    return stats.to_html(escape=True), top.to_html(index=False, escape=True)


def write_report(train, test, output: Path, *, n_topics: int = 40, k: int = 3,
                 random_state: int | None = 0, force: bool = False) -> Path:
    """Fit the taggers, compare them and write one self-contained HTML report."""
    import topictags as tt

    nmf = tt.TopicTagger("nmf", n_topics=n_topics, random_state=random_state).fit(train)
    models = [
        nmf,
        nmf.with_mapping("lexical"),
        # Unfitted: compare fits them on train, with its progress bar.
        tt.TopicTagger("lda", n_topics=n_topics, random_state=random_state),
        tt.SupervisedTagger(random_state=random_state),
        tt.MostFrequentTagger(),
    ]
    table = tt.compare(models, train, test, k=k, refit=False, progress=True)
    topics = nmf.topics(n_terms=8, n_tags=3)
    topics = pd.DataFrame(
        {
            "topic": topics["topic"],
            "top terms": topics["terms"].map(", ".join),
            "mapped tags": topics["tags"].map(", ".join),
            "prevalence": topics["prevalence"].round(4),
        }
    )
    stats, top_tags = _corpus_stats(train, test)
    charts = _charts(nmf, table)
    body = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<title>topictags report</title><style>{_STYLE}</style></head><body>
<h1>topictags report</h1>
<p>topictags {html.escape(tt.__version__)}; NMF and LDA with {n_topics} topics,
top-{len(nmf.tags_)} candidate tags, k={k}, random_state={random_state}.</p>
<h2>Corpus</h2>{stats}<h3>Most frequent tags</h3>{top_tags}
<h2>Comparison</h2>
<p>Jaccard, precision@k, recall@k and F1 per question, true tags restricted to the
candidate tags, questions without one left out.</p>
{table.round(4).to_html(escape=True)}
{_img(charts["comparison"], "comparison of the taggers")}
<h2>Topics (NMF)</h2>{topics.to_html(index=False, escape=True)}
{_img(charts["top_terms"], "top terms of the first topics")}
{_img(charts["topic_tags"], "topic to tag mapping")}
{_img(charts["prevalence"], "topic prevalence")}
</body></html>
"""
    return _atomic_write(Path(output), body.encode("utf-8"), force=force)
