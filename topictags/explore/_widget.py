"""A notebook widget to browse the topics of a fitted tagger and try questions."""

from __future__ import annotations

import html
from typing import Any

import numpy as np

from ..errors import InputTextError, ParameterError

__all__ = ["topic_browser"]

_TABLE = "border-collapse:collapse;font-size:13px"
_CELL = "border:1px solid #ddd;padding:2px 6px;text-align:left"


def _import_ipywidgets():
    try:
        import ipywidgets
    except ImportError as exc:
        raise ImportError(
            "topic_browser needs ipywidgets: pip install 'topictags[notebook]' "
            "(or pip install ipywidgets)"
        ) from exc
    return ipywidgets


def _table(header: list[str], rows: list[list[str]]) -> str:
    """An HTML table; cells must already be escaped."""
    head = "".join(f'<th style="{_CELL}">{h}</th>' for h in header)
    body = "".join(
        "<tr>" + "".join(f'<td style="{_CELL}">{c}</td>' for c in row) + "</tr>" for row in rows
    )
    return f'<table style="{_TABLE}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _esc(value: Any) -> str:
    # Terms, tags and titles come from user text: never insert them as markup.
    return html.escape(str(value), quote=True)


def topic_pane(tagger, topic: int, *, n_terms: int = 10, n_tags: int = 5,
               n_questions: int = 5) -> str:
    """HTML of one topic: top terms, mapped tags with scores, representative questions."""
    terms = tagger.topic_terms(topic, n_terms)
    tags = tagger.topic_tags(topic, n_tags)
    questions = tagger.representative_questions(topic, n_questions)
    prevalence = float(tagger.doc_topic_[:, topic].mean())
    parts = [
        f"<h4>Topic {topic} <small>({prevalence:.1%} of the training questions' weight)"
        "</small></h4>",
        "<b>Top terms</b>",
        _table(["term", "probability"], [[_esc(t), f"{w:.3f}"] for t, w in terms]),
        "<b>Mapped tags</b>",
        _table(["tag", "score"], [[_esc(t), f"{s:.3f}"] for t, s in tags])
        if tags
        else "<p>No tag: this topic does not point to any candidate tag.</p>",
        "<b>Representative questions</b>",
    ]
    rows = []
    for q in questions.itertuples():
        title = _esc(q.title)
        if isinstance(q.link, str):
            # Links are built from integer ids only, so they are safe as they are.
            title = f'<a href="{q.link}" target="_blank" rel="noopener noreferrer">{title}</a>'
        rows.append([title, _esc(", ".join(q.tags)), f"{q.weight:.2f}"])
    parts.append(_table(["question", "tags", "weight"], rows) if rows else "<p>None.</p>")
    return "\n".join(parts)


def question_pane(tagger, text: str, *, n_topics: int = 5, k: int = 5,
                  labels: list[str] | None = None) -> str:
    """HTML of a question's topic mixture (top ``n_topics``) and suggested tags."""
    if not text.strip():
        return "<p><i>Type a question above.</i></p>"
    try:
        mixture = np.asarray(tagger.transform([text]))[0]
        tags, scores = tagger.suggest_tags(text, k=k, return_scores=True)
    except InputTextError as exc:
        return f"<p>{_esc(exc)}</p>"
    if mixture.sum() <= 0:
        return "<p>No term of this text is in the model's vocabulary: no topic, no tag.</p>"
    labels = labels if labels is not None else tagger.topic_labels()
    top = [int(i) for i in np.argsort(-mixture, kind="stable")[:n_topics] if mixture[i] > 0]
    topic_rows = [[str(i), _esc(labels[i]), f"{mixture[i]:.1%}"] for i in top]
    tag_rows = [[_esc(t), f"{s:.3f}"] for t, s in zip(tags, scores)]
    return "\n".join(
        [
            "<b>Topic mixture</b>",
            _table(["topic", "label", "share"], topic_rows),
            "<b>Suggested tags</b>",
            _table(["tag", "score"], tag_rows) if tag_rows else "<p>No tag.</p>",
        ]
    )


def topic_browser(
    tagger,
    *,
    n_terms: int = 10,
    n_tags: int = 5,
    n_questions: int = 5,
    k: int = 5,
):
    """An ipywidgets browser of a fitted topic tagger.

    A dropdown lists the topics with their labels (top mapped tags); picking
    one shows its top terms, its mapped tags with their scores and its most
    representative training questions (linked to Stack Overflow). Below, a
    text box takes a question: on Enter (or when it loses focus) its topic
    mixture (top 5 topics) and its suggested tags are shown.

    Parameters
    ----------
    tagger : TopicTagger
        Fitted.
    n_terms, n_tags, n_questions : int
        How many terms, tags and questions to show per topic.
    k : int, default=5
        Tags suggested for a typed question.

    Returns
    -------
    ipywidgets.VBox
        Its children, in order: the topic ``Dropdown``, the topic pane
        (``HTML``), the question ``Text`` box and the question pane
        (``HTML``). Setting the dropdown's or text box's ``value`` updates the
        panes, in a notebook or not.

    Raises
    ------
    ImportError
        ipywidgets is not installed.

    Examples
    --------
    >>> browser = topic_browser(tagger)  # doctest: +SKIP
    >>> browser  # doctest: +SKIP
    """
    for name, value in (("n_terms", n_terms), ("n_tags", n_tags),
                        ("n_questions", n_questions), ("k", k)):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
            raise ParameterError(f"{name} must be a positive integer, got {value!r}")
    widgets = _import_ipywidgets()
    labels = tagger.topic_labels()
    dropdown = widgets.Dropdown(
        options=[(f"{i}: {label}", i) for i, label in enumerate(labels)],
        value=0,
        description="Topic",
        layout=widgets.Layout(width="60%"),
    )
    topic_html = widgets.HTML()
    text = widgets.Text(
        placeholder="Type a question, then press Enter",
        description="Question",
        continuous_update=False,  # transform + suggest on each key would lag
        layout=widgets.Layout(width="60%"),
    )
    question_html = widgets.HTML(value=question_pane(tagger, "", labels=labels))

    def show_topic(change: dict | None = None) -> None:
        topic_html.value = topic_pane(
            tagger, dropdown.value, n_terms=n_terms, n_tags=n_tags, n_questions=n_questions
        )

    def show_question(change: dict | None = None) -> None:
        question_html.value = question_pane(tagger, text.value, k=k, labels=labels)

    dropdown.observe(show_topic, names="value")
    text.observe(show_question, names="value")
    show_topic()
    return widgets.VBox([dropdown, topic_html, text, question_html])
