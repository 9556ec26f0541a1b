"""Explained suggestions: why a topic tagger suggests a tag, and what it cannot see.

A topic tagger scores a question's tags from its topic mixture ``theta``
alone, so a suggestion decomposes exactly over the topics:

- non-negative mappings (``"lexical"``, ``"cooccurrence"``, ``"blend"``):
  ``score_t = sum_k theta_k * M[k, t]``; topic ``k`` contributes
  ``theta_k * M[k, t]`` and the contributions add up to the score;
- ``"logistic"``: ``score_t = sigmoid(logit_t)`` with
  ``logit_t = sum_k sqrt(theta_k) * W[k, t] + b_t``; topic ``k`` contributes
  ``sqrt(theta_k) * W[k, t]`` (``theta_k * W[k, t]`` for model files written
  before the square roots), the bias ``b_t`` is reported apart, and
  contributions plus bias add up to the logit.

The question's terms that drove a topic are ranked by
``x_j * phi[k, j]``: the term's weight in the question's document vector (the
TF-IDF value for NMF, the count for LDA, title tokens counted ``title_weight``
times) times its probability in the topic's term distribution.

Two warnings say when a suggestion should not be trusted:

- **little evidence**: the question has fewer than ``min_known_terms``
  distinct in-vocabulary terms (default :data:`MIN_KNOWN_TERMS` = 3). With one
  or two known terms the mixture rests on those words only, and the tags are
  whatever those words' topics lean to. Three is below a short title's
  worth: on ``questions.parquet`` a title alone has a median of 4 known
  terms (13 % of titles have fewer than 3), a title with its body 19 (0.05 %
  below 3). It flags titles such as ``"Docker error"`` and leaves ordinary
  questions alone.
- **not a candidate**: a word of the question's title (of its text, code
  blocks left out, when it has no title) names a tag that training
  questions use when they say that word, but that tag is not one of the
  ``n_tags`` candidates, so it can never be suggested (``"Docker container
  cannot connect to localhost"`` when ``docker`` is not among the
  candidates). "Use when they say it" is measured on the training titles: of
  the training questions whose title contains the word, at least
  :data:`MIN_TAG_RATE` (half) carry the tag, and at least
  :data:`MIN_TAG_MENTIONS` (2) do. Without that test every question warns:
  the real tags of Stack Overflow include ``with``, ``on``, ``this``,
  ``using``, ``file`` and ``data``. On 8,000 questions of
  ``questions.parquet`` (50 candidates) the rule keeps ``docker`` (11 of the
  12 titles that say it are tagged ``docker``), ``mongodb`` (7/7) and
  ``angular`` (7/9), and drops ``email`` (13/28), ``string`` (35/125),
  ``merge`` (4/30), ``file`` (26/291), ``using`` (1/551) and ``with``
  (0/936). On 2,000 other questions of the file, the words it names are a
  real tag of their question 75 % of the time (at a quarter: 55 %, at a
  tenth: 39 %) and 28 % of the questions get the warning
  (``benchmarks/explain_warnings.py``).
"""

from __future__ import annotations

import html
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from .._validation import normalize_rows

__all__ = [
    "MIN_KNOWN_TERMS",
    "MIN_TAG_MENTIONS",
    "MIN_TAG_RATE",
    "Explanation",
    "TagExplanation",
    "TopicContribution",
    "explain_suggestions",
    "named_tags",
    "topic_contributions",
]

# Fewer distinct in-vocabulary terms than this: "little evidence" (see the
# module docstring for why three).
MIN_KNOWN_TERMS = 3
# A word names a tag when at least this share of the training titles that
# contain it carry the tag (half), and at least MIN_TAG_MENTIONS of them do (see the
# module docstring for the measured cases).
MIN_TAG_RATE = 0.5
MIN_TAG_MENTIONS = 2

# Words of the raw text that may be tag names: letters and digits with the
# punctuation tags use inside a name (c#, c++, node.js, ruby-on-rails).
_WORD = re.compile(r"[a-z0-9][a-z0-9#+.\-]*[a-z0-9#+]|[a-z0-9]")
_MARKUP = re.compile(r"<[^>]*>")
_CODE = re.compile(r"<pre\b.*?</pre\s*>", flags=re.DOTALL | re.IGNORECASE)


@dataclass(frozen=True)
class TopicContribution:
    """One topic's part in a tag's score.

    Attributes
    ----------
    topic : int
        The fine topic (the model's numbering, as in ``model_``).
    view_topic : int
        The topic the views show it in (its group in a reduced tagger, else
        ``topic`` itself), as in :meth:`TopicTagger.topics`.
    share : float
        The topic's share ``theta_k`` of the question.
    contribution : float
        ``theta_k * M[k, t]`` (non-negative mappings) or
        ``sqrt(theta_k) * W[k, t]`` (logistic, on the logit scale).
    label : list of str
        The topic's heaviest terms, to recognise it.
    terms : list of (str, float)
        The question's terms that drove the topic, by
        ``x_j * phi[k, j]``, heaviest first.
    """

    topic: int
    view_topic: int
    share: float
    contribution: float
    label: list[str]
    terms: list[tuple[str, float]]


@dataclass(frozen=True)
class TagExplanation:
    """Why one tag was suggested.

    Attributes
    ----------
    tag : str
    score : float
        The tag's score, as ``suggest_tags(..., return_scores=True)`` gives it.
    topics : list of TopicContribution
        The topics that carried it most (positive contributions only),
        largest first.
    other : float
        The contributions of every other topic, summed (negative ones
        included), so that ``sum(topics) + other (+ bias)`` is exact.
    bias : float or None
        The logistic mapping's intercept for the tag; None for the
        non-negative mappings.
    logit : float or None
        ``sum of contributions + bias`` (logistic only): ``score`` is its
        sigmoid.
    """

    tag: str
    score: float
    topics: list[TopicContribution]
    other: float
    bias: float | None = None
    logit: float | None = None


@dataclass(frozen=True)
class Explanation:
    """Suggested tags of one question, with why, and with what the tagger could not see.

    Attributes
    ----------
    text : str
        The question as given, markup removed (title and body joined by
        ``" - "`` when both are given).
    tags : list of TagExplanation
        The suggestions, best first: the same tags and scores as
        ``suggest_tags`` with the same ``k`` and ``threshold``.
    mapping : str
        The tagger's mapping (``"logistic"`` contributions are on the logit
        scale, the others on the score's).
    known_terms : list of str
        The question's distinct in-vocabulary terms, heaviest first.
    low_evidence : bool
        Fewer than ``min_known_terms`` known terms: the suggestions rest on
        a word or two (none at all when ``known_terms`` is empty).
    min_known_terms : int
        The threshold used for ``low_evidence``.
    not_candidates : list of (str, int)
        Words of the question's title (of its text, without code blocks,
        when it has no title) that name a tag (:func:`named_tags`: the
        training questions that say the word tend to carry it) which is not
        a candidate tag, with the number of training questions tagged with
        it, most used first: these tags cannot be suggested.
    n_candidates : int
        Number of candidate tags (the tagger's ``n_tags`` vocabulary).
    """

    text: str
    tags: list[TagExplanation]
    mapping: str
    known_terms: list[str]
    low_evidence: bool
    min_known_terms: int
    not_candidates: list[tuple[str, int]] = field(default_factory=list)
    n_candidates: int = 0

    @property
    def warnings(self) -> list[str]:
        """The reasons not to trust the suggestions, as sentences (empty if none)."""
        out = []
        n = len(self.known_terms)
        if n == 0:
            out.append("no known term: the question has no word of the model's vocabulary, "
                       "so nothing is suggested")
        elif self.low_evidence:
            out.append(f"little evidence: only {n} known term{'s' if n > 1 else ''} "
                       f"({', '.join(self.known_terms)}), fewer than {self.min_known_terms}")
        if self.not_candidates:
            named = ", ".join(f"'{t}' ({c} training question{'s' if c > 1 else ''})"
                              for t, c in self.not_candidates)
            many = len(self.not_candidates) > 1
            out.append(f"{named} {'are tags' if many else 'is a tag'} of the training "
                       f"questions that say {'them' if many else 'it'}, but not among the "
                       f"{self.n_candidates} candidate tags: "
                       f"{'they' if many else 'it'} cannot be suggested (fit with a larger "
                       f"n_tags to make {'them candidates' if many else 'it a candidate'})")
        return out

    def to_dict(self) -> dict:
        """Plain Python types only (for ``json.dumps``), with the warnings included."""
        out = asdict(self)
        out["not_candidates"] = [{"tag": t, "count": c} for t, c in self.not_candidates]
        for tag in out["tags"]:
            for topic in tag["topics"]:
                topic["terms"] = [{"term": t, "weight": w} for t, w in topic["terms"]]
        out["warnings"] = self.warnings
        return out

    def __str__(self) -> str:
        logistic = self.mapping == "logistic"
        lines = [self.text if len(self.text) <= 100 else self.text[:99] + "…"]
        lines += [f"  ! {w}" for w in self.warnings]
        for tag in self.tags:
            if logistic:
                lines.append(
                    f"  {tag.tag}  {tag.score:.3f} = sigmoid({tag.logit:+.2f}: topics "
                    f"{tag.logit - tag.bias:+.2f}, bias {tag.bias:+.2f})"
                )
            else:
                lines.append(f"  {tag.tag}  {tag.score:.3g} (sum of the topics' contributions)")
            for topic in tag.topics:
                terms = ", ".join(t for t, _ in topic.terms) or "-"
                lines.append(
                    f"    {topic.contribution:+.3g}  topic {topic.topic} "
                    f"({', '.join(topic.label)}; {topic.share:.0%} of the question) "
                    f"<- {terms}"
                )
            if tag.topics and abs(tag.other) >= 5e-4:
                lines.append(f"    {tag.other:+.3g}  other topics")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        e = html.escape
        logistic = self.mapping == "logistic"
        parts = [f"<div class='topictags-explanation'><p><b>{e(self.text)}</b></p>"]
        if self.warnings:
            parts.append("<ul>" + "".join(f"<li>⚠ {e(w)}</li>" for w in self.warnings)
                         + "</ul>")
        parts.append("<table><tr><th>tag</th><th>score</th><th>topic</th><th>contribution"
                     f"{' (logit)' if logistic else ''}</th><th>share</th>"
                     "<th>question terms</th></tr>")
        for tag in self.tags:
            rows: list = list(tag.topics) or [None]
            if tag.topics and abs(tag.other) >= 5e-4:
                rows.append("other")  # so that the column adds up, as in str()
            for i, topic in enumerate(rows):
                head = (f"<td rowspan='{len(rows)}'>{e(tag.tag)}</td>"
                        f"<td rowspan='{len(rows)}'>{tag.score:.3f}"
                        + (f"<br><small>logit {tag.logit:+.2f} = topics + bias "
                           f"{tag.bias:+.2f}</small>" if logistic else "")
                        + "</td>") if i == 0 else ""
                if topic is None:
                    parts.append(f"<tr>{head}<td colspan='4'>-</td></tr>")
                    continue
                if topic == "other":
                    parts.append(f"<tr>{head}<td><i>other topics</i></td>"
                                 f"<td>{tag.other:+.3g}</td><td></td><td></td></tr>")
                    continue
                terms = ", ".join(e(t) for t, _ in topic.terms)
                parts.append(
                    f"<tr>{head}<td>{topic.topic}: {e(', '.join(topic.label))}</td>"
                    f"<td>{topic.contribution:+.3g}</td><td>{topic.share:.0%}</td>"
                    f"<td>{terms}</td></tr>"
                )
        parts.append("</table></div>")
        return "".join(parts)


def topic_contributions(
    theta: np.ndarray,
    topic_tag: np.ndarray,
    *,
    intercept: np.ndarray | None = None,
    features: str = "sqrt",
) -> tuple[np.ndarray, np.ndarray]:
    """Each topic's contribution to each tag's score, for one or more questions.

    Parameters
    ----------
    theta : ndarray, shape (n_questions, n_topics)
        Topic mixtures.
    topic_tag : ndarray, shape (n_topics, n_tags)
        The mapping in use (for logistic, its weights ``W``).
    intercept : ndarray, shape (n_tags,), optional
        The logistic intercepts; None for a non-negative mapping.
    features : {"sqrt", "plain"}, default="sqrt"
        What the logistic mapping was fitted on (ignored without intercept).

    Returns
    -------
    contributions : ndarray, shape (n_questions, n_topics, n_tags)
        Summed over topics: the scores (non-negative mappings) or the logits
        minus the intercepts (logistic).
    totals : ndarray, shape (n_questions, n_tags)
        The scores (non-negative) or the logits (logistic).

    Examples
    --------
    >>> theta = np.array([[0.25, 0.75]])
    >>> W = np.array([[2.0], [-1.0]])
    >>> parts, logit = topic_contributions(theta, W, intercept=np.array([0.5]))
    >>> parts[0, :, 0].tolist(), logit.tolist()
    ([1.0, -0.8660254037844386], [[0.6339745962155614]])
    """
    theta = np.asarray(theta, dtype=np.float64)
    if intercept is not None and features == "sqrt":
        theta = np.sqrt(theta)
    parts = theta[:, :, None] * np.asarray(topic_tag, dtype=np.float64)[None, :, :]
    totals = parts.sum(axis=1)
    if intercept is not None:
        totals = totals + np.asarray(intercept, dtype=np.float64)[None, :]
    return parts, totals


def named_tags(
    titles: Sequence[str],
    tag_lists: Sequence[Sequence[str]],
    *,
    min_rate: float = MIN_TAG_RATE,
    min_mentions: int = MIN_TAG_MENTIONS,
) -> dict[str, int]:
    """The words that name a tag: training questions that say them carry the tag.

    Parameters
    ----------
    titles : sequence of str
        Titles of the training questions.
    tag_lists : sequence of sequences of str
        Their tags.
    min_rate : float, default=MIN_TAG_RATE
        Least share of the titles containing the word that carry the tag.
    min_mentions : int, default=MIN_TAG_MENTIONS
        Least number of such titles that carry it.

    Returns
    -------
    dict
        word -> number of training questions tagged with it (all of them,
        whether their title says it or not).

    Examples
    --------
    >>> titles = ["Docker run exits", "Docker volume", "Upload with curl", "Join with SQL"]
    >>> tags = [["docker"], ["docker"], ["curl", "with"], ["sql"]]
    >>> named_tags(titles, tags)
    {'docker': 2}
    """
    tagged = Counter(tag for tags in tag_lists for tag in tags)
    said, said_and_tagged = Counter(), Counter()
    for title, tags in zip(titles, tag_lists):
        words = {w for w in _WORD.findall(str(title).lower()) if w in tagged}
        said.update(words)
        said_and_tagged.update(words.intersection(tags))
    return {
        word: tagged[word]
        for word, n in said_and_tagged.items()
        if n >= min_mentions and n >= min_rate * said[word]
    }


def _plain(text: str) -> str:
    """``text`` without HTML markup, on one line (for display and for finding tag names)."""
    return " ".join(html.unescape(_MARKUP.sub(" ", text)).split())


def _question_words(title: str, body: str) -> set[str]:
    """The raw lower-case words in which a question may name a tag.

    Its title's words, as :func:`named_tags` measured them on the training
    titles; for a question given without a title (a plain string), its
    text without code blocks. A whole body says too much by the way
    ("http" in a link, "go" in a sentence) to be read as naming tags.
    """
    text = title if title.strip() else _plain(_CODE.sub(" ", body))
    return set(_WORD.findall(text.lower()))


def explain_suggestions(
    tagger,
    titles: list[str],
    bodies: list[str],
    *,
    k: int | None = 3,
    threshold: float | None = None,
    n_topics: int = 3,
    n_terms: int = 3,
    min_known_terms: int = MIN_KNOWN_TERMS,
) -> list[Explanation]:
    """Explain a fitted :class:`~topictags.tagging.TopicTagger`'s suggestions.

    Parameters
    ----------
    tagger : TopicTagger
        Fitted.
    titles, bodies : list of str
        The questions as :func:`~topictags.corpus.as_texts` splits them
        (shown, and searched for tag names).
    k, threshold : as in ``suggest_tags``
    n_topics : int, default=3
        Topics listed per tag.
    n_terms : int, default=3
        Question terms listed per topic.
    min_known_terms : int, default=MIN_KNOWN_TERMS
        Fewer distinct known terms than this flags ``low_evidence``.

    Returns
    -------
    list of Explanation
        One per question, in order.
    """
    model = tagger.model_
    documents = tagger._documents(titles, bodies)
    X = model.vectorize(documents).tocsr()
    theta = model.transform_matrix(X)
    logistic = tagger.mapping_ == "logistic"
    intercept = tagger.logistic_[1] if logistic else None
    features = getattr(tagger, "logistic_features_", "sqrt")
    parts, totals = topic_contributions(theta, tagger.topic_tag_, intercept=intercept,
                                        features=features)
    # The tags and scores suggest_tags gives, computed its way: the
    # explanation never disagrees with the suggestion, even in the last bit.
    scores, evidence = tagger._scores_from_documents(documents)
    chosen, _ = tagger._top_k(scores, evidence, k, threshold, with_scores=False)

    phi = normalize_rows(np.asarray(model.components_, dtype=np.float64))
    names = model.feature_names_
    groups = tagger.__dict__.get("groups_")
    tag_index = {str(t): j for j, t in enumerate(tagger.tags_)}
    candidates = set(tag_index)
    train = tagger.train_questions_
    named = named_tags(train["title"].tolist(), train["tags"].tolist())
    labels: dict[int, list[str]] = {}

    def label(topic: int) -> list[str]:
        if topic not in labels:
            order = np.argsort(-phi[topic], kind="stable")[:4]
            labels[topic] = [str(names[j]) for j in order]
        return labels[topic]

    out = []
    for i, (title, body) in enumerate(zip(titles, bodies)):
        shown_title, shown_body = _plain(title), _plain(body)
        text = " - ".join(part for part in (shown_title, shown_body) if part)
        row = X.getrow(i)
        cols, weights = row.indices, row.data
        by_weight = np.argsort(-weights, kind="stable")
        known = [str(names[cols[j]]) for j in by_weight]
        words = _question_words(title, body)
        missing = sorted(
            ((w, named[w]) for w in words if w in named and w not in candidates),
            key=lambda item: (-item[1], item[0]),
        )
        explained = []
        for tag in chosen[i]:
            t = tag_index[tag]
            contrib = parts[i, :, t]
            order = [q for q in np.argsort(-contrib, kind="stable")[:n_topics] if contrib[q] > 0]
            topics = []
            for q in order:
                drive = weights * phi[q, cols]
                top = [j for j in np.argsort(-drive, kind="stable")[:n_terms] if drive[j] > 0]
                topics.append(TopicContribution(
                    topic=int(q),
                    view_topic=int(groups[q]) if groups is not None else int(q),
                    share=float(theta[i, q]),
                    contribution=float(contrib[q]),
                    label=label(int(q)),
                    terms=[(str(names[cols[j]]), float(drive[j])) for j in top],
                ))
            shown = math.fsum(c.contribution for c in topics)
            total = float(totals[i, t])
            bias = float(intercept[t]) if logistic else None
            explained.append(TagExplanation(
                tag=tag,
                score=float(scores[i, t]),
                topics=topics,
                other=float(math.fsum(contrib.tolist()) - shown),
                bias=bias,
                logit=total if logistic else None,
            ))
        out.append(Explanation(
            text=text,
            tags=explained,
            mapping=str(tagger.mapping_),
            known_terms=known,
            low_evidence=len(known) < min_known_terms,
            min_known_terms=int(min_known_terms),
            not_candidates=missing,
            n_candidates=len(candidates),
        ))
    return out
