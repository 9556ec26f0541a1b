"""A notebook widget to browse the topics of a fitted tagger and try questions."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from .._validation import check_positive_int
from ..errors import InputTextError
from ..viz._links import question_links
from ..viz._templates import Link, Table, cell_text, render

__all__ = ["topic_browser"]


def _import_ipywidgets():
    try:
        import ipywidgets
    except ImportError as exc:
        raise ImportError(
            "topic_browser needs ipywidgets: pip install 'topictags[notebook]' "
            "(or pip install ipywidgets)"
        ) from exc
    return ipywidgets


def _scores(pairs: list[tuple[Any, float]]) -> list[list[str]]:
    return [[cell_text(name), f"{value:.3f}"] for name, value in pairs]


def topic_pane(tagger, topic: int, *, n_terms: int = 10, n_tags: int = 5,
               n_questions: int = 5, label: dict | None = None) -> str:
    """HTML of one topic: its label, top terms, mapped tags, representative questions.

    ``label`` is the topic's ``TopicLabel.as_dict()`` (computed from
    ``tagger.topic_label_details()`` when not given): the label line and its
    tags with their shares and weak marks, as on the pyLDAvis page. Rendered
    from ``topic_pane.html`` with autoescaping: terms, tags and titles come
    from user text and are always inserted as text.
    """
    if label is None:
        label = tagger.topic_label_details()[topic].as_dict()
    questions = tagger.representative_questions(topic, n_questions)
    rows = [
        [[Link(str(title), href)], ", ".join(tags), f"{weight:.2f}"]
        for title, tags, weight, href in zip(
            questions["title"], questions["tags"], questions["weight"],
            question_links(questions), strict=True,
        )
    ]
    return render(
        "topic_pane.html",
        topic=int(topic),
        prevalence=float(tagger.topic_view().doc_topic[:, topic].mean()),
        label=label["label"],
        label_tags=Table(
            ["tag", "share of the topic's questions", "evidence"],
            [[cell_text(g["tag"]) + ("?" if g["weak"] else ""), f"{g['share']:.0%}",
              cell_text("weak: " + g["reason"] if g["weak"] else "supported")]
             for g in label["tags"]],
        ),
        terms=Table(["term", "probability"], _scores(tagger.topic_terms(topic, n_terms))),
        tags=Table(["tag", "score"], _scores(tagger.topic_tags(topic, n_tags))),
        questions=Table(["question", "tags", "weight"], rows),
    )


def question_pane(tagger, text: str, *, n_topics: int = 5, k: int = 5,
                  labels: list[str] | None = None) -> str:
    """HTML of a question's topic mixture (top ``n_topics``) and suggested tags, explained.

    For a tagger with ``explain_tags`` (a topic tagger) the tags come with
    the explanation ``suggest_tags(text, k, explain=True)`` gives: per tag its
    score, the topics that carried it with their contributions and the
    question's terms that drove them, and the warnings (little evidence, tag
    names of the question that are not candidate tags). Topics are numbered
    as the browser numbers them (the groups of a reduced tagger, with the
    fine topic beside).
    """
    if not text.strip():
        return render("question_pane.html", message="Type a question above.", italic=True)
    try:
        # In the topics the labels name: the groups of a reduced tagger.
        mixture = np.asarray(tagger.view_transform([text]))[0]
        explanation = (tagger.explain_tags(text, k=k) if hasattr(tagger, "explain_tags")
                       else None)
        if explanation is None:
            tags, scores = tagger.suggest_tags(text, k=k, return_scores=True)
    except InputTextError as exc:
        return render("question_pane.html", message=str(exc), italic=False)
    if mixture.sum() <= 0:
        return render(
            "question_pane.html",
            message="No term of this text is in the model's vocabulary: no topic, no tag.",
            italic=False,
        )
    labels = labels if labels is not None else tagger.topic_labels()
    top = [int(i) for i in np.argsort(-mixture, kind="stable")[:n_topics] if mixture[i] > 0]
    mixture_table = Table(
        ["topic", "label", "share"],
        [[str(i), labels[i], f"{mixture[i]:.1%}"] for i in top],
    )
    if explanation is None:
        return render("question_pane.html", message=None, mixture=mixture_table,
                      tags=Table(["tag", "score"], _scores(list(zip(tags, scores)))))
    return render("question_pane.html", message=None, mixture=mixture_table,
                  tags=_explanation_table(explanation, labels,
                                          grouped=len(labels) != tagger.doc_topic_.shape[1]),
                  warnings=explanation.warnings,
                  note=_explanation_note(explanation))


def _explanation_table(explanation, labels: list[str], grouped: bool) -> Table:
    """The rows of ``Explanation._repr_html_``, with topics numbered as the browser's."""
    logistic = explanation.mapping == "logistic"
    rows = []
    for tag in explanation.tags:
        score = f"{tag.score:.3f}"
        if logistic:
            score += f" (logit {tag.logit:+.2f} = topics {tag.logit - tag.bias:+.2f}, " \
                     f"bias {tag.bias:+.2f})"
        first = [cell_text(tag.tag), score]
        if not tag.topics:
            rows.append([*first, "-", "", "", ""])
        for i, topic in enumerate(tag.topics):
            shown = f"{topic.view_topic}: {labels[topic.view_topic]}"
            if grouped:  # the browser shows groups: name the fine topic too
                shown += f" (fine topic {topic.topic}: {', '.join(topic.label)})"
            rows.append([*(first if i == 0 else ["", ""]), shown,
                         f"{topic.contribution:+.3g}", f"{topic.share:.1%}",
                         ", ".join(t for t, _ in topic.terms) or "-"])
        if tag.topics and abs(tag.other) >= 5e-4:
            rows.append(["", "", "other topics", f"{tag.other:+.3g}", "", ""])
    contribution = "contribution (logit)" if logistic else "contribution"
    return Table(["tag", "score", "topic that carried it", contribution,
                  "share of the question", "question terms behind the topic"], rows)


def _explanation_note(explanation) -> str:
    if explanation.mapping == "logistic":
        return ("Each topic adds sqrt(its share) x its weight for the tag to the tag's logit; "
                "the score is the sigmoid of topics + bias.")
    return "Each topic adds its share x its weight for the tag; the contributions sum to the score."


def static_browser(tagger, *, selected: int = 0, n_terms: int = 10, n_tags: int = 5,
                   n_questions: int = 5, labels: list[str] | None = None,
                   question: str = "", k: int = 5) -> str:
    """HTML of every topic pane in ``<details>`` blocks, ``selected`` open; no script.

    The browser's fallback where widgets cannot be drawn: an exported
    notebook (``jupyter nbconvert --to html``) or a notebook viewer shows
    this instead of a blank output. ``question``, the text typed in the
    browser, is shown first with its pane (mixture and explained tags).
    """
    labels = labels if labels is not None else tagger.topic_labels()
    panes = [
        {
            "title": f"{k}: {label}",
            "open": k == selected,
            "html": topic_pane(tagger, k, n_terms=n_terms, n_tags=n_tags,
                               n_questions=n_questions),
        }
        for k, label in enumerate(labels)
    ]
    asked = None
    if question.strip():
        asked = {"text": question,
                 "html": question_pane(tagger, question, k=k, labels=labels)}
    return render("topic_browser_static.html", panes=panes, question=asked)


@functools.cache
def _browser_box(widgets):
    """A VBox whose notebook output carries a static HTML copy beside the widget."""

    class TopicBrowser(widgets.VBox):
        """The browser's VBox; its ``text/html`` output is :func:`static_browser`.

        A live notebook draws the widget (the widget view comes first); an
        export without widget state, or a viewer without widgets, shows the
        static copy instead of nothing.
        """

        _static = None  # () -> str, set by topic_browser

        def _repr_mimebundle_(self, **kwargs):
            bundle = super()._repr_mimebundle_(**kwargs)
            if self._static is not None:
                bundle["text/html"] = self._static()
            return bundle

    TopicBrowser.__qualname__ = "TopicBrowser"
    return TopicBrowser


def topic_browser(
    tagger,
    *,
    n_terms: int = 10,
    n_tags: int = 5,
    n_questions: int = 5,
    k: int = 5,
):
    """An ipywidgets browser of a fitted topic tagger.

    A dropdown lists the topics, most prevalent first, numbered from 0 as in
    the model, with their labels (``tagger.topic_labels()``); picking one
    shows its label's tags with their shares and weak marks, its top terms,
    its mapped tags with their scores and its most
    representative training questions (linked to their site). Below, a
    text box takes a question: on Enter (or when it loses focus) its topic
    mixture (top 5 topics) and its suggested tags are shown, explained as
    ``suggest_tags(text, explain=True)`` explains them (the topics that
    carried each tag, the question's terms behind them, the warnings).

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
        Its notebook output also carries a static HTML copy of every topic
        (``text/html``, no script), shown where widgets cannot be drawn: an
        HTML export without widget state, a notebook viewer.
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
    >>> browser = topic_browser(tagger)
    >>> dropdown, topic_pane, text, question_pane = browser.children
    >>> text.value = "How do I merge two DataFrames on a column?"
    >>> "pandas" in question_pane.value
    True
    >>> browser  # shows the widget: needs a Jupyter front end  # doctest: +SKIP
    """
    for name, value in (("n_terms", n_terms), ("n_tags", n_tags),
                        ("n_questions", n_questions), ("k", k)):
        check_positive_int(value, name)
    widgets = _import_ipywidgets()
    details = [label.as_dict() for label in tagger.topic_label_details()]
    labels = [label["label"] for label in details]
    # Most prevalent first, as on the pyLDAvis page and in the charts.
    order = sorted(range(len(details)), key=lambda i: (-details[i]["prevalence"], i))
    dropdown = widgets.Dropdown(
        options=[(f"{i}: {labels[i]}", i) for i in order],
        value=order[0],
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
            tagger, dropdown.value, n_terms=n_terms, n_tags=n_tags, n_questions=n_questions,
            label=details[dropdown.value],
        )

    def show_question(change: dict | None = None) -> None:
        question_html.value = question_pane(tagger, text.value, k=k, labels=labels)

    dropdown.observe(show_topic, names="value")
    text.observe(show_question, names="value")
    show_topic()
    browser = _browser_box(widgets)([dropdown, topic_html, text, question_html])
    browser._static = lambda: static_browser(
        tagger, selected=dropdown.value, n_terms=n_terms, n_tags=n_tags,
        n_questions=n_questions, labels=labels, question=text.value, k=k,
    )
    return browser
