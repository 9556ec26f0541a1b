"""The ``topictags`` command line: fit, suggest, evaluate, compare, explore, insights, report,
fetch."""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from .._version import __version__
from ..corpus import FORMATS
from ..errors import OutputExistsError, TopicTagsError

__all__ = ["build_parser", "main"]

_MAPPINGS = ("lexical", "cooccurrence", "blend", "logistic")
# The command line fits what TopicTagger() fits: same default mapping.
_DEFAULT_MAPPING = "logistic"
_DEFAULT_N_TOPICS = 150
_TOPICS_HELP = f"fine topics tags are learned from (default {_DEFAULT_N_TOPICS}, as in Python)"
_DEFAULT_VIEW_TOPICS = 30


class _Failure(Exception):
    """A failure reported on one line, exit status 1."""


def _status(message: str) -> None:
    # Progress talk goes to a terminal only: piped runs stay quiet.
    if sys.stderr.isatty():
        print(message, file=sys.stderr, flush=True)


def _refuse_existing(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise OutputExistsError(f"{path} exists; pass --force to overwrite it")


def _print_table(table, as_json: bool) -> None:
    import pandas as pd

    if as_json:
        print(json.dumps(table.reset_index().to_dict(orient="records"), default=float))
    else:
        with pd.option_context("display.width", 200, "display.precision", 4,
                               "display.max_columns", 20):
            print(table.to_string())


def _reading_options(args) -> dict:
    """The options of ``load_questions`` / ``iter_questions`` given on the command line."""
    columns = {}
    for item in args.column or ():
        field, sep, name = item.partition("=")
        if not sep or not field.strip() or not name.strip():
            raise _Failure(f"--column takes FIELD=NAME (e.g. title=QuestionTitle), got {item!r}")
        columns[field.strip()] = name.strip()
    dayfirst = {"auto": None, "day-first": True, "month-first": False}[args.dates]
    return dict(sep=args.sep, encoding=args.encoding, dayfirst=dayfirst,
                columns=columns or None, site=args.site)


def _load(args, source):
    """``load_questions`` with the reading options given on the command line."""
    import topictags as tt

    return tt.load_questions(source, **_reading_options(args))


# ``topictags fit`` streams the corpus (bounded memory) when its files are
# this large or more, unless --chunksize says otherwise: an in-memory fit
# needs about 8 kB per question, ~3 GB at this size of Posts.xml (~170k
# questions; docs/performance.md).
STREAM_ABOVE_BYTES = 256 * 2**20
STREAM_CHUNKSIZE = 10_000
# Compressed dumps hold about this many times their size of XML.
_COMPRESSED = (".7z", ".zip", ".gz", ".bz2", ".zst")
_COMPRESSION_RATIO = 5


def _corpus_bytes(sources: Sequence[str]) -> int:
    """Estimated bytes of text of the corpus files (compressed ones counted x5)."""
    import glob

    total = 0
    for source in sources:
        for name in glob.glob(source) or [source]:
            path = Path(name)
            if path.is_dir():
                path = path / "Posts.xml"
            try:
                size = path.stat().st_size
            except OSError:
                continue  # the reader reports a missing file
            total += size * (_COMPRESSION_RATIO if path.suffix.lower() in _COMPRESSED else 1)
    return total


def _peak_memory_mb() -> float:
    import resource

    # ru_maxrss is in KiB on Linux (bytes on macOS).
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


# -- subcommands ---------------------------------------------------------------
def _fit(args) -> None:
    import topictags as tt

    output = Path(args.output)
    _refuse_existing(output, args.force)
    chunksize = args.chunksize
    if chunksize is None:
        chunksize = STREAM_CHUNKSIZE if _corpus_bytes(args.corpus) >= STREAM_ABOVE_BYTES else 0
    if chunksize < 0:
        raise _Failure(f"--chunksize takes a number of questions (0: in memory), got {chunksize}")
    tagger = tt.TopicTagger(
        args.method,
        n_topics=args.n_topics,
        n_tags=args.n_tags,
        mapping=args.mapping,
        view_topics=args.view_topics,
        backend=args.backend,
        random_state=args.random_state,
    )
    if chunksize:
        _status(f"fitting {tagger.name} on a stream of chunks of {chunksize} questions")
        tagger.fit(tt.iter_questions(args.corpus, chunksize=chunksize, **_reading_options(args)))
        done = f"{tagger.stream_['n_questions']} questions streamed"
    else:
        questions = _load(args, args.corpus)
        _status(f"fitting {tagger.name} on {len(questions)} questions")
        tagger.fit(questions)
        done = f"{len(questions)} questions in memory"
    tagger.save(output, overwrite=args.force)
    _status(f"saved {output} ({done}, {tagger.fit_seconds_:.1f} s to fit, "
            f"peak memory {_peak_memory_mb():.0f} MB)")


def _suggest(args) -> None:
    import topictags as tt

    model = tt.load(args.model)
    texts = args.text if args.text else [line.rstrip("\n") for line in sys.stdin]
    if args.explain:
        if not hasattr(model, "explain_tags"):
            raise _Failure(
                f"--explain needs a topic model; {args.model} holds a "
                f"{type(model).__name__}: drop --explain, or fit one with 'topictags fit'"
            )
        explanations = model.explain_tags(texts, args.k, threshold=args.threshold)
        for explanation in explanations:
            if args.json:
                print(json.dumps(explanation.to_dict(), ensure_ascii=False))
            else:
                print(explanation, end="\n\n")
        return
    tags, scores = model.suggest_tags(texts, args.k, threshold=args.threshold,
                                      return_scores=True)
    for text, question_tags, question_scores in zip(texts, tags, scores):
        if args.json:
            record = {"text": text, "tags": question_tags,
                      "scores": [round(s, 6) for s in question_scores]}
            print(json.dumps(record, ensure_ascii=False))
        else:
            print(", ".join(question_tags))


def _evaluate(args) -> None:
    import topictags as tt

    model = tt.load(args.model)
    result = tt.evaluate(model, _load(args, args.test), k=args.k)
    if args.json:
        print(json.dumps(result, default=float))
    else:
        for key, value in result.items():
            print(f"{key:>24}  {value:.4f}" if isinstance(value, float) else f"{key:>24}  {value}")


def _compare(args) -> None:
    import topictags as tt

    train, test = _load(args, args.train), _load(args, args.test)
    seed, n = args.random_state, args.n_topics
    models = [
        tt.TopicTagger("nmf", n_topics=n, mapping=args.mapping, view_topics=args.view_topics,
                       random_state=seed),
        tt.TopicTagger("lda", n_topics=n, mapping=args.mapping, view_topics=args.view_topics,
                       random_state=seed),
        tt.SupervisedTagger(random_state=seed),
        tt.MostFrequentTagger(),
    ]
    _status(f"fitting {len(models)} models on {len(train)} questions")
    table = tt.compare(models, train, test, k=args.k, progress=True,
                       tracking="mlflow" if args.track else None)
    _print_table(table, args.json)


def _explore(args) -> None:
    import topictags as tt

    from ._report import write_explore

    model = tt.load(args.model)
    if not isinstance(model, tt.TopicTagger):
        raise _Failure(f"{args.model} holds a {type(model).__name__}; explore needs a topic tagger")
    for path in write_explore(model, Path(args.output), force=args.force):
        print(path)


def _insights(args) -> None:
    import topictags as tt

    from .._files import write_atomic

    chart = Path(args.chart) if args.chart else None
    if chart is not None:
        _refuse_existing(chart, args.force)
    model = tt.load(args.model)
    if not isinstance(model, tt.TopicTagger):
        raise _Failure(f"{args.model} holds a {type(model).__name__}; insights needs a topic "
                       "tagger: fit one with 'topictags fit'")
    insights = model.tag_insights(max_distance=args.max_distance)
    if args.json:
        print(json.dumps(insights.to_dict(), ensure_ascii=False, default=float))
    else:
        print(insights)
    if chart is not None:
        import io

        buffer = io.BytesIO()
        insights.plot().savefig(buffer, format="png", dpi=110)
        write_atomic(chart, [buffer.getvalue()], overwrite=args.force, hint="--force")
        _status(f"wrote {chart}")


def _report(args) -> None:

    from ._report import write_report

    output = Path(args.output)
    _refuse_existing(output, args.force)
    train, test = _load(args, args.train), _load(args, args.test)
    _status(f"fitting models on {len(train)} questions for the report")
    write_report(train, test, output, n_topics=args.n_topics, k=args.k,
                 random_state=args.random_state, force=args.force)
    print(output)


def _view_topics(value: str) -> int | None:
    if value == "all":
        return None
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a positive number or 'all', got {value!r}")
    return n


_FETCH_FORMATS = (".parquet", ".csv", ".json", ".jsonl")


def _fetch(args) -> None:
    import io

    import topictags as tt

    from .._files import write_atomic

    output = Path(args.output)
    suffix = output.suffix.lower()
    if suffix not in _FETCH_FORMATS:
        raise _Failure(
            f"{output}: cannot write {suffix or 'a file without extension'}; name it "
            + ", ".join(f"*{s}" for s in _FETCH_FORMATS)
        )
    # Before any request: an existing file must not cost quota to be refused.
    _refuse_existing(output, args.force)
    questions = tt.fetch_questions(
        site=args.site, tagged=args.tagged, fromdate=args.fromdate, todate=args.todate,
        sort=args.sort, max_questions=args.max_questions, api_key=args.api_key,
        cache_dir=args.cache_dir, api_root=args.api_root,
    )
    if suffix == ".parquet":
        buffer = io.BytesIO()
        questions.to_parquet(buffer, index=False)
        data = buffer.getvalue()
    elif suffix == ".csv":
        # Tags as the Data Explorer writes them, so load_questions reads them back.
        flat = questions.assign(tags=questions["tags"].map(lambda t: "".join(f"<{x}>" for x in t)))
        data = flat.to_csv(index=False, date_format="%Y-%m-%dT%H:%M:%S").encode("utf-8")
    else:
        data = questions.to_json(orient="records", lines=suffix == ".jsonl",
                                 date_format="iso", force_ascii=False).encode("utf-8")
    write_atomic(output, [data], overwrite=args.force, hint="--force")
    attrs = questions.attrs
    _status(f"fetched {len(questions)} questions with {attrs['api_requests']} API requests "
            f"(quota_remaining {attrs['quota_remaining']}; pages cached in {attrs['cache_path']})")
    print(output)


def _max_questions(text: str) -> int | None:
    if text.strip().lower() == "all":
        return None
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number or 'all', got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1, got {value}")
    return value


# -- parser --------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``topictags`` command."""
    parser = argparse.ArgumentParser(
        prog="topictags",
        description="Topic models on Stack Overflow questions, turned into tag suggestions.",
    )
    parser.add_argument("--version", action="version", version=f"topictags {__version__}")
    parser.add_argument("--verbose", action="store_true", help="show tracebacks on errors")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, func, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(func=func)
        return p

    def seeded(p: argparse.ArgumentParser) -> None:
        p.add_argument("--random-state", type=int, default=0, help="seed (default 0)")

    def k_option(p: argparse.ArgumentParser) -> None:
        p.add_argument("--k", type=int, default=3, help="tags per question (default 3)")

    def model_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--n-topics", type=int, default=_DEFAULT_N_TOPICS, help=_TOPICS_HELP)
        p.add_argument("--view-topics", type=_view_topics, default=_DEFAULT_VIEW_TOPICS,
                       metavar="N", help="groups of the fine topics the views show, or 'all' "
                       f"(default {_DEFAULT_VIEW_TOPICS})")
        p.add_argument(
            "--mapping",
            choices=_MAPPINGS,
            default=_DEFAULT_MAPPING,
            help=f"topic -> tag mapping (default {_DEFAULT_MAPPING}, as in Python; "
            "see docs/index.md)",
        )

    def reading_options(p: argparse.ArgumentParser) -> None:
        g = p.add_argument_group("reading the corpus (as load_questions)")
        g.add_argument("--sep", help="CSV separator (default: detected from the header line)")
        g.add_argument("--encoding", help="text encoding of CSV/JSON files, e.g. cp1252 for "
                       "an Excel export (default: UTF-8, with or without byte-order mark)")
        g.add_argument("--dates", choices=("auto", "day-first", "month-first"), default="auto",
                       help="order of numeric dates such as 03/04/2012 (default auto: "
                       "detected, with a warning when the file cannot tell)")
        g.add_argument("--site", help="site of questions whose file or links do not name it, "
                       "e.g. superuser.com or beer (default: from file names and links)")
        g.add_argument("--column", action="append", metavar="FIELD=NAME",
                       help="read FIELD (id, title, body, tags, creation_date, score, site) "
                       "from column NAME, e.g. --column title=QuestionTitle; repeatable")

    p = add("fit", _fit, "Fit a topic tagger on corpus file(s) and save it.")
    p.add_argument("corpus", nargs="+", help="corpus files or globs. Accepted: " + FORMATS)
    reading_options(p)
    p.add_argument("-o", "--output", required=True, help="model file to write")
    p.add_argument("--method", choices=("nmf", "lda"), default="nmf", help="(default nmf)")
    p.add_argument(
        "--chunksize", type=int, metavar="N",
        help="stream the corpus N questions at a time (bounded memory; mini-batch NMF or "
        "online LDA), 0 to fit in memory (default: stream by chunks of "
        f"{STREAM_CHUNKSIZE} when the files hold {STREAM_ABOVE_BYTES // 2**20} MiB or more)",
    )
    model_options(p)
    p.add_argument("--n-tags", type=int, default=50, help="candidate tags (default 50)")
    p.add_argument(
        "--backend", choices=("sklearn", "gensim"), default="sklearn", help="LDA backend"
    )
    seeded(p)
    p.add_argument("--force", action="store_true", help="overwrite an existing model file")

    p = add("suggest", _suggest, "Suggest tags for questions given as arguments or on stdin.")
    p.add_argument("--model", required=True, help="model file written by 'fit'")
    p.add_argument("text", nargs="*", help="question texts; none: one question per stdin line")
    k_option(p)
    p.add_argument("--threshold", type=float, default=None, metavar="SCORE",
                   help="only tags scoring at least SCORE (with --k, at most k of them)")
    p.add_argument("--explain", action="store_true",
                   help="say why: per tag its score, the topics that carried it and the "
                   "question's terms behind them; warn on little evidence and on tag names "
                   "that are not candidate tags (topic models only)")
    p.add_argument("--json", action="store_true", help="one JSON object per question")

    p = add("evaluate", _evaluate, "Score a saved model on labelled test questions.")
    p.add_argument("--model", required=True, help="model file written by 'fit'")
    p.add_argument("test", nargs="+", help="test corpus files or globs (formats as for fit)")
    reading_options(p)
    k_option(p)
    p.add_argument("--json", action="store_true", help="print the scores as one JSON object")

    p = add("compare", _compare, "Fit NMF, LDA, supervised and most-frequent taggers; compare.")
    p.add_argument("train", help="training corpus file or glob (formats as for fit)")
    p.add_argument("test", help="test corpus file or glob")
    reading_options(p)
    k_option(p)
    model_options(p)
    seeded(p)
    p.add_argument("--json", action="store_true", help="print the table as JSON records")
    p.add_argument("--track", action="store_true", help="log runs to MLflow")

    p = add("explore", _explore, "Write the pyLDAvis page and charts of a saved topic tagger.")
    p.add_argument("--model", required=True, help="model file written by 'fit'")
    p.add_argument("-o", "--output", required=True, help="folder to write into")
    p.add_argument("--force", action="store_true", help="overwrite existing files")

    p = add("insights", _insights, "Candidate tag merges, gaps in the tag set and over-broad "
            "tags of a saved topic tagger.")
    p.add_argument("--model", required=True, help="model file written by 'fit'")
    p.add_argument("--max-distance", type=float, default=0.1, metavar="H",
                   help="Hellinger distance of two tags' topic profiles under which they are "
                   "a candidate merge (default 0.1)")
    p.add_argument("--chart", metavar="PNG", help="also draw the three analyses into this file")
    p.add_argument("--json", action="store_true", help="print the findings as one JSON object")
    p.add_argument("--force", action="store_true", help="overwrite an existing chart file")

    p = add("report", _report, "Fit models and write one self-contained HTML report.")
    p.add_argument("train", help="training corpus file or glob (formats as for fit)")
    p.add_argument("test", help="test corpus file or glob")
    reading_options(p)
    p.add_argument("-o", "--output", required=True, help="HTML file to write")
    k_option(p)
    p.add_argument("--n-topics", type=int, default=_DEFAULT_N_TOPICS, help=_TOPICS_HELP)
    seeded(p)
    p.add_argument("--force", action="store_true", help="overwrite an existing report")

    p = add("fetch", _fetch, "Fetch questions with their bodies from the Stack Exchange API.")
    p.add_argument("--site", default="stackoverflow",
                   help="site API name or host: stackoverflow, beer, beer.stackexchange.com "
                   "(default stackoverflow)")
    p.add_argument("--tagged", help="questions with all these tags, e.g. 'python;pandas'")
    p.add_argument("--fromdate", help="created at or after: 2024-01-31 or Unix seconds")
    p.add_argument("--todate", help="created at or before: 2024-01-31 or Unix seconds "
                   "(default: the time of the first run of this query)")
    p.add_argument("--sort", default="creation",
                   choices=("creation", "activity", "votes", "hot", "week", "month"),
                   help="page order, newest or highest first (default creation)")
    p.add_argument("--max-questions", type=_max_questions, default=1000, metavar="N",
                   help="stop after N questions, or 'all' (default 1000; 100 per request)")
    p.add_argument("--api-key", help="Stack Apps key: 10,000 requests a day instead of 300")
    p.add_argument("--cache-dir", help="page cache (default ~/.cache/topictags/api); a rerun "
                   "or a resumed fetch reads pages from it at no quota")
    p.add_argument("--api-root", default="https://api.stackexchange.com/2.3",
                   help="API base URL (default https://api.stackexchange.com/2.3)")
    p.add_argument("-o", "--output", required=True,
                   help="file to write: .parquet, .csv, .json or .jsonl")
    p.add_argument("--force", action="store_true", help="overwrite an existing output file")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 failure, 2 usage)."""
    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except (TopicTagsError, _Failure, OSError, ValueError, ImportError) as exc:
        if args.verbose:
            traceback.print_exc()
        message = " ".join(str(exc).split()) or type(exc).__name__
        print(f"topictags: error: {message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("topictags: interrupted", file=sys.stderr)
        return 130
    return 0
