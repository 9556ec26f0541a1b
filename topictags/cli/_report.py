"""Files written by ``topictags explore`` and ``topictags report``.

Every page is self-contained (charts embedded as PNG data, no request to any
host) and rendered from the Jinja2 templates of ``topictags/viz/templates``
with autoescaping, so every string that comes from the corpus is inserted as
text. Topics are labelled by :meth:`TopicTagger.topic_labels
<topictags.tagging.TopicTagger.topic_labels>`, as on the pyLDAvis page and in
the notebook browser.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pandas as pd

from .._files import write_atomic
from .._validation import check_positive_int
from ..errors import OutputExistsError

__all__ = ["write_explore", "write_report"]

# Representative questions listed per topic in the report's topic table.
_QUESTIONS_PER_TOPIC = 2
# Topics drawn in the top-terms and topic-tag charts (all are in the table).
_CHART_TOPICS = 12


def _atomic_write(path: Path, data: bytes, *, force: bool) -> Path:
    return write_atomic(path, [data], overwrite=force, hint="--force")


def _png(fig) -> bytes:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def _charts(tagger, table: pd.DataFrame | None = None) -> dict[str, bytes]:
    import matplotlib

    matplotlib.use("Agg")  # files, not windows
    from .. import viz

    view = tagger.topic_view()  # the topics the views show (groups of a reduced tagger)
    labels = tagger.topic_labels()
    shown = list(range(min(_CHART_TOPICS, view.n_topics)))
    charts = {
        "top_terms": viz.plot_top_terms(
            view.components, tagger.model_.feature_names_, topics=shown, topic_labels=labels
        ),
        "topic_tags": viz.plot_topic_tag_heatmap(
            view.topic_tag, tagger.tags_, topics=shown, topic_labels=labels
        ).figure,
        "prevalence": viz.plot_topic_prevalence(view.doc_topic, topic_labels=labels).figure,
    }
    if table is not None:
        charts["comparison"] = viz.plot_comparison(table).figure
    return {name: _png(fig) for name, fig in charts.items()}


def write_explore(tagger, folder: Path, *, force: bool = False) -> list[Path]:
    """The pyLDAvis page and PNG charts of a fitted topic tagger in ``folder``.

    Raises
    ------
    OutputExistsError
        One of the files exists and ``force`` is false.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    targets = [folder / "topics.html"] + [
        folder / f"{name}.png" for name in ("top_terms", "topic_tags", "prevalence")
    ]
    existing = [str(p) for p in targets if p.exists()]
    if existing and not force:
        raise OutputExistsError(f"{', '.join(existing)} exist(s); pass --force to overwrite")
    # The façade labels the topics with topic_labels(), as everywhere else.
    written = [tagger.save_ldavis(targets[0], overwrite=force)]
    for name, data in _charts(tagger).items():
        written.append(_atomic_write(folder / f"{name}.png", data, force=force))
    return written


def _corpus_stats(train: pd.DataFrame, test: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    questions = pd.concat([train, test], ignore_index=True)
    counts = questions["tags"].explode().dropna().value_counts()
    stats = pd.DataFrame(
        {
            "value": [
                len(train), len(test), counts.size,
                round(float(questions["tags"].map(len).mean()), 2),
                int(questions["title"].str.len().median()),
                int(questions["body"].str.len().median()),
            ]
        },
        index=["training questions", "test questions", "distinct tags", "mean tags per question",
               "median title length (characters)", "median body length (characters of HTML)"],
        dtype=object,  # counts stay integers next to the mean
    )
    top = counts.head(20).rename_axis("tag").reset_index(name="questions")
    return stats, top


def _topic_rows(tagger) -> pd.DataFrame:
    """One row per topic: label, top terms, representative questions with links."""
    from ..viz._links import question_links
    from ..viz._templates import Link

    topics = tagger.topics(n_terms=8, n_tags=3)
    questions = []
    for k in range(len(topics)):
        frame = tagger.representative_questions(k, _QUESTIONS_PER_TOPIC)
        questions.append(
            [Link(str(title), href) for title, href in
             zip(frame["title"], question_links(frame), strict=True)]
        )
    return pd.DataFrame(
        {
            "topic": topics["topic"],
            "label": tagger.topic_labels(),
            "top terms": topics["terms"].map(", ".join),
            "prevalence": topics["prevalence"].round(4),
            "representative questions": questions,
        }
    )


def write_report(train, test, output: Path, *, n_topics: int = 150, k: int = 3,
                 random_state: int | None = 0, force: bool = False) -> Path:
    """Fit the taggers, compare them and write one self-contained HTML report.

    Raises
    ------
    ParameterError
        ``n_topics`` or ``k`` is not a positive integer.
    OutputExistsError
        ``output`` exists and ``force`` is false (checked before fitting).
    FileNotFoundError
        The folder of ``output`` does not exist.
    """
    import topictags as tt

    from ..viz._templates import frame_table, render

    n_topics = check_positive_int(n_topics, "n_topics")
    k = check_positive_int(k, "k")
    output = Path(output)
    if output.exists() and not force:
        raise OutputExistsError(f"{output} exists; pass --force to overwrite it")
    if not output.parent.is_dir():
        raise FileNotFoundError(
            f"cannot write {output}: folder {output.parent} does not exist; create it first"
        )
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
    stats, top_tags = _corpus_stats(train, test)
    charts = {
        name: base64.b64encode(data).decode("ascii")
        for name, data in _charts(nmf, table).items()
    }
    page = render(
        "report.html",
        version=tt.__version__,
        n_topics=nmf.model_.n_topics,
        n_tags=len(nmf.tags_),
        k=k,
        random_state=random_state,
        stats=frame_table(stats, index=True),
        top_tags=frame_table(top_tags),
        comparison=frame_table(table, index=True),
        topics=frame_table(_topic_rows(nmf)),
        charts=charts,
    )
    return _atomic_write(output, page.encode("utf-8"), force=force)
