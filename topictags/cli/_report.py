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
import math
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
# Test questions shown with each tagger's suggestions.
_EXAMPLES = 5


def _atomic_write(path: Path, data: bytes, *, force: bool) -> Path:
    return write_atomic(path, [data], overwrite=force, hint="--force")


def _png(fig) -> bytes:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def _figure_of(drawn):
    """The figure of what a chart returned (an Axes, a Figure or a SubFigure)."""
    from matplotlib.figure import Figure

    while not isinstance(drawn, Figure):
        drawn = drawn.figure
    return drawn


def _charts(tagger, table: pd.DataFrame | None = None) -> dict[str, bytes]:
    """The tagger's charts as PNG bytes, through its façade (one labelling, one order).

    The top-terms and topic-tag charts show the ``_CHART_TOPICS`` most
    prevalent topics, most prevalent first, labelled by ``topic_labels()``.
    """
    import matplotlib

    matplotlib.use("Agg")  # files, not windows
    from .. import viz

    charts = {
        "top_terms": tagger.visualize_terms(top=_CHART_TOPICS),
        "topic_tags": tagger.visualize_tag_heatmap(top=_CHART_TOPICS),
        "prevalence": tagger.visualize_prevalence(),
    }
    if table is not None:
        charts["comparison"] = viz.plot_comparison(table)
    return {name: _png(_figure_of(drawn)) for name, drawn in charts.items()}


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


# -- numbers for people -----------------------------------------------------------
def _count(n) -> str:
    """``4000`` -> ``"4,000"``."""
    return f"{int(n):,}"


def _seconds(seconds) -> str:
    """``12.34`` -> ``"12.3 s"``, ``106`` -> ``"1 min 46 s"``; ``"–"`` when unknown."""
    if seconds is None or not math.isfinite(float(seconds)):
        return "–"
    seconds = float(seconds)
    if seconds < 60:
        return f"{seconds:.1f} s" if seconds >= 1 else f"{seconds:.2f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s"


def _speed(per_second) -> str:
    """``521.0075`` -> ``"521 questions/s"``; ``"–"`` when unknown."""
    if per_second is None or not math.isfinite(float(per_second)):
        return "–"
    value = float(per_second)
    shown = f"{value:,.0f}" if value >= 10 else f"{value:.1f}"
    return f"{shown} questions/s"


def _score(value) -> str:
    """A metric in [0, 1] to 3 decimals; ``"–"`` for NaN (a model that failed)."""
    return "–" if value is None or not math.isfinite(float(value)) else f"{float(value):.3f}"


def _percent(share: float, digits: int = 1) -> str:
    return f"{100 * share:.{digits}f}%"


def _comparison_rows(table: pd.DataFrame, k: int) -> pd.DataFrame:
    """The ``compare`` table as people read it: 3 decimals, counts, seconds, speeds."""
    out = pd.DataFrame(
        {
            "Jaccard": table["jaccard"].map(_score),
            f"precision@{k}": table["precision@k"].map(_score),
            f"recall@{k}": table["recall@k"].map(_score),
            "F1": table["f1"].map(_score),
            "questions scored": table["n_questions"].map(
                lambda n: "–" if pd.isna(n) else _count(n)
            ),
            "fit time": table["fit_seconds"].map(_seconds),
            "suggestion speed": table["suggestions_per_second"].map(_speed),
        },
        index=table.index,
    )
    if "error" in table.columns:
        out["error"] = table["error"]
    return out


def _corpus_stats(train: pd.DataFrame, test: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    questions = pd.concat([train, test], ignore_index=True)
    counts = questions["tags"].explode().dropna().value_counts()
    stats = pd.DataFrame(
        {
            "value": [
                _count(len(train)), _count(len(test)), _count(counts.size),
                f"{float(questions['tags'].map(len).mean()):.2f}",
                _count(questions["title"].str.len().median()),
                _count(questions["body"].str.len().median()),
            ]
        },
        index=["training questions", "test questions", "distinct tags", "mean tags per question",
               "median title length (characters)", "median body length (characters of HTML)"],
    )
    top = counts.head(20).rename_axis("tag").reset_index(name="questions")
    top["questions"] = top["questions"].map(_count)
    return stats, top


def _topic_rows(tagger) -> pd.DataFrame:
    """One row per shown topic, most prevalent first: label, tags, questions with links.

    The label of ``tagger.topic_labels()`` (the charts' and the pyLDAvis
    page's) in two columns: its terms, and its tags with each tag's share of
    the topic's questions (``?``: weak).
    """
    from ..viz._links import question_links
    from ..viz._templates import Link

    details = sorted(tagger.topic_label_details(), key=lambda lab: (-lab.prevalence, lab.topic))
    rows = []
    for label in details:
        frame = tagger.representative_questions(label.topic, _QUESTIONS_PER_TOPIC)
        rows.append(
            {
                "topic": str(label.topic),
                "share": _percent(label.prevalence),
                "terms": ", ".join(label.terms) + (" (weak)" if label.weak and label.tags else ""),
                "tags (share of the topic's questions)": label.tags_text,
                "representative questions": [
                    Link(str(title), href)
                    for title, href in zip(frame["title"], question_links(frame), strict=True)
                ],
            }
        )
    return pd.DataFrame(rows)


def _explanation(model, text: str, k: int) -> str | None:
    """Why ``model`` suggests what it does for ``text``, when it can say (else None).

    The hook for ``suggest_tags(..., explain=True)`` (issue 11 part 5): used
    as soon as a tagger's ``suggest_tags`` takes ``explain``; its result is
    shown as text (its ``summary`` attribute when it has one).
    """
    import inspect

    try:
        parameters = inspect.signature(model.suggest_tags).parameters
    except (TypeError, ValueError):
        return None
    if "explain" not in parameters:
        return None
    explained = model.suggest_tags(text, k=k, explain=True)
    summary = getattr(explained, "summary", None)
    return str(summary() if callable(summary) else summary if summary is not None else explained)


def _examples(test: pd.DataFrame, models: dict, *, k: int, n: int,
              random_state: int | None) -> list[dict]:
    """``n`` test questions with their true tags and each model's suggestions."""
    from ..viz._links import question_links
    from ..viz._templates import Link, Table

    chosen = test.sample(n=min(n, len(test)), random_state=random_state)
    links = question_links(chosen)
    examples = []
    for (_, question), href in zip(chosen.iterrows(), links, strict=True):
        text = {"title": [question["title"]], "body": [question["body"]]}
        rows, notes = [], []
        for name, model in models.items():
            if model is None:
                continue
            frame = pd.DataFrame(text)
            tags, scores = model.suggest_tags(frame, k=k, return_scores=True)
            shown = ", ".join(f"{t} ({s:.2f})" for t, s in zip(tags[0], scores[0])) or "no tag"
            hits = sorted(set(tags[0]) & set(question["tags"]))
            rows.append([name, shown, ", ".join(hits) or "none"])
            explained = _explanation(model, question["title"] + "\n" + question["body"], k)
            if explained:
                notes.append({"model": name, "text": explained})
        examples.append(
            {
                "title": [Link(str(question["title"]), href)],
                "tags": ", ".join(question["tags"]),
                "suggestions": Table(["model", f"{k} suggested tags (score)", "right"], rows),
                "explanations": notes,
            }
        )
    return examples


def ldavis_paths(output: Path) -> dict[str, Path]:
    """The pyLDAvis pages written beside a report: ``<stem>-nmf-topics.html``, ``-lda-``."""
    output = Path(output)
    return {method: output.with_name(f"{output.stem}-{method}-topics.html")
            for method in ("nmf", "lda")}


def write_report(train, test, output: Path, *, n_topics: int = 150, k: int = 3,
                 random_state: int | None = 0, force: bool = False) -> Path:
    """Fit the taggers, compare them and write one self-contained HTML report.

    Beside ``output`` go the pyLDAvis pages of its NMF and LDA taggers
    (:func:`ldavis_paths`), which the report links to; the report itself
    holds everything else (charts as PNG data). It shows, with numbers
    formatted for reading (``4,000``, ``0.326``, ``1 min 46 s``,
    ``521 questions/s``): the corpus, the comparison, then for NMF and for
    LDA the topics, most prevalent first, labelled as everywhere else
    (``topic_labels()``), and example suggestions of each tagger on test
    questions.

    Raises
    ------
    ParameterError
        ``n_topics`` or ``k`` is not a positive integer.
    OutputExistsError
        ``output`` or one of its pyLDAvis pages exists and ``force`` is
        false (checked before fitting).
    FileNotFoundError
        The folder of ``output`` does not exist.
    """
    import topictags as tt

    from .. import viz
    from ..viz._templates import frame_table, render

    n_topics = check_positive_int(n_topics, "n_topics")
    k = check_positive_int(k, "k")
    output = Path(output)
    pages = ldavis_paths(output)
    existing = [str(p) for p in (output, *pages.values()) if p.exists()]
    if existing and not force:
        raise OutputExistsError(f"{', '.join(existing)} exist(s); pass --force to overwrite")
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
    table, fitted = tt.compare(models, train, test, k=k, refit=False, progress=True,
                               return_models=True)
    lda = fitted[models[2].name]
    stats, top_tags = _corpus_stats(train, test)
    sections = []
    for method, tagger in (("nmf", nmf), ("lda", lda)):
        if tagger is None:  # LDA failed: its row in the comparison says why
            continue
        tagger.save_ldavis(pages[method], overwrite=force)
        sections.append(
            {
                "method": method.upper(),
                "name": tagger.name,
                "ldavis": pages[method].name,
                "n_shown": tagger.topic_view().n_topics,
                "topics": frame_table(_topic_rows(tagger)),
                "charts": {
                    name: base64.b64encode(data).decode("ascii")
                    for name, data in _charts(tagger).items()
                },
            }
        )
    comparison_png = base64.b64encode(_png(_figure_of(viz.plot_comparison(table))))
    scored = {name: model for name, model in fitted.items()
              if name in (nmf.name, models[2].name, models[3].name)}
    page = render(
        "report.html",
        version=tt.__version__,
        n_topics=nmf.model_.n_topics,
        n_tags=len(nmf.tags_),
        k=k,
        random_state=random_state,
        stats=frame_table(stats, index=True),
        top_tags=frame_table(top_tags),
        comparison=frame_table(_comparison_rows(table, k), index=True),
        comparison_png=comparison_png.decode("ascii"),
        sections=sections,
        chart_topics=_CHART_TOPICS,
        examples=_examples(test, scored, k=k, n=_EXAMPLES, random_state=random_state),
    )
    return _atomic_write(output, page.encode("utf-8"), force=force)
