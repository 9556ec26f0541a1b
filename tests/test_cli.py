"""The command line, run as users run it: a subprocess on real files."""

import html
import json
import re
import subprocess
import sys

import pytest
from conftest import make_questions

MODEL = "m.topictags"
HOSTILE_TAG = "<img/src=x/onerror=alert(1)>"


def run(*args, stdin=None, cwd):
    return subprocess.run(
        [sys.executable, "-m", "topictags.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


def explorer_csv(frame, path):
    out = frame.rename(
        columns={
            "id": "Id",
            "title": "Title",
            "body": "Body",
            "creation_date": "CreationDate",
            "score": "Score",
        }
    )
    out["Tags"] = frame["tags"].map(lambda tags: "".join(f"<{t}>" for t in tags))
    out[["Id", "Title", "Body", "Tags", "CreationDate", "Score"]].to_csv(path, index=False)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    questions = make_questions(200)
    questions.loc[0, "title"] = "<script>alert('x')</script> pandas dataframe"
    explorer_csv(questions.iloc[:150], folder / "train.csv")
    explorer_csv(questions.iloc[150:], folder / "test.csv")
    # The report shows tags: plant markup in a frequent one (Parquet keeps lists).
    hostile = questions.copy()
    hostile["tags"] = [
        [*tags, HOSTILE_TAG] if i % 3 == 0 else tags for i, tags in enumerate(hostile["tags"])
    ]
    hostile.iloc[:150].to_parquet(folder / "hostile_train.parquet")
    hostile.iloc[150:].to_parquet(folder / "hostile_test.parquet")
    result = run("fit", "train.csv", "-o", MODEL, "--n-topics", "4", cwd=folder)
    assert result.returncode == 0, result.stderr
    return folder


def test_suggest_arguments_and_stdin(workdir):
    result = run("suggest", "--model", MODEL, "pandas dataframe merge", "css layout", cwd=workdir)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and "pandas" in lines[0] and "css" in lines[1]
    result = run(
        "suggest",
        "--model",
        MODEL,
        "--json",
        "--k",
        "2",
        stdin="jquery click event\n\nmysql join query\n",
        cwd=workdir,
    )
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["text"] for r in records] == ["jquery click event", "", "mysql join query"]
    assert records[1]["tags"] == [] and len(records[0]["tags"]) == 2
    assert records[0]["scores"] == sorted(records[0]["scores"], reverse=True)
    assert result.stderr == ""  # quiet when piped


def test_suggest_explain_text_and_json(workdir):
    texts = ["pandas dataframe merge column", "mysql"]
    plain = run("suggest", "--model", MODEL, "--json", *texts, cwd=workdir)
    result = run("suggest", "--model", MODEL, "--explain", *texts, cwd=workdir)
    assert result.returncode == 0, result.stderr
    blocks = result.stdout.strip().split("\n\n")
    assert len(blocks) == 2 and blocks[0].splitlines()[0] == texts[0]
    first = json.loads(plain.stdout.splitlines()[0])
    assert f"  {first['tags'][0]}  {first['scores'][0]:.3f} = sigmoid(" in blocks[0]
    assert re.search(r"^    \+\S+  topic \d+ \(.*\) <- ", blocks[0], flags=re.MULTILINE)
    assert "little evidence: only 1 known term (mysql)" in blocks[1]
    result = run("suggest", "--model", MODEL, "--explain", "--json", *texts, cwd=workdir)
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [[t["tag"] for t in r["tags"]] for r in records] == [
        json.loads(line)["tags"] for line in plain.stdout.splitlines()
    ]
    tag = records[0]["tags"][0]
    parts = sum(t["contribution"] for t in tag["topics"]) + tag["other"] + tag["bias"]
    assert tag["logit"] == pytest.approx(parts)
    assert records[1]["low_evidence"] and not records[0]["low_evidence"]


def test_suggest_threshold(workdir):
    result = run("suggest", "--model", MODEL, "--json", "--k", "4", "pandas dataframe merge",
                 cwd=workdir)
    scores = json.loads(result.stdout)["scores"]
    assert len(scores) == 4
    cut = (scores[1] + scores[2]) / 2  # two tags above it
    for extra in ((), ("--explain",)):
        result = run("suggest", "--model", MODEL, "--json", "--k", "4", "--threshold", str(cut),
                     *extra, "pandas dataframe merge", cwd=workdir)
        assert result.returncode == 0, result.stderr
        assert len(json.loads(result.stdout)["tags"]) == 2


def test_suggest_explain_needs_a_topic_model(workdir, tmp_path):
    import topictags as tt

    tt.MostFrequentTagger().fit(make_questions(20)).save(tmp_path / "mf.topictags")
    result = run("suggest", "--model", str(tmp_path / "mf.topictags"), "--explain", "x",
                 cwd=workdir)
    assert result.returncode == 1
    assert "--explain needs a topic model" in result.stderr
    assert "MostFrequentTagger" in result.stderr


def test_evaluate_json(workdir):
    result = run("evaluate", "--model", MODEL, "test.csv", "--json", cwd=workdir)
    assert result.returncode == 0, result.stderr
    scores = json.loads(result.stdout)
    assert scores["n_questions"] == 50 and 0.3 < scores["jaccard"] <= 1


def test_never_overwrites_without_force(workdir):
    before = (workdir / MODEL).read_bytes()
    result = run("fit", "train.csv", "-o", MODEL, cwd=workdir)
    assert result.returncode == 1 and "--force" in result.stderr
    assert (workdir / MODEL).read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("suggest", "--model", "missing.topictags", "x"), "no model file at missing.topictags"),
        (("suggest", "--model", "train.csv", "x"), "not a topictags model file"),
        (("fit", "nothing.csv", "-o", "x.topictags"), "nothing.csv: no such file"),
    ],
)
def test_failures_are_one_line_exit_1(workdir, args, message):
    result = run(*args, cwd=workdir)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert "Traceback" not in result.stderr


def test_verbose_shows_traceback(workdir):
    result = run("--verbose", "suggest", "--model", "missing.topictags", "x", cwd=workdir)
    assert result.returncode == 1 and "Traceback" in result.stderr


def test_usage_errors_exit_2(workdir):
    assert run("suggest", "--bogus", cwd=workdir).returncode == 2
    assert run("fit", "train.csv", cwd=workdir).returncode == 2  # -o is required
    assert run("--help", cwd=workdir).returncode == 0


def test_explore_writes_offline_page_and_charts(workdir):
    result = run("explore", "--model", MODEL, "-o", "explore", cwd=workdir)
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in (workdir / "explore").iterdir())
    assert names == ["prevalence.png", "top_terms.png", "topic_tags.png", "topics.html"]
    page = (workdir / "explore" / "topics.html").read_text()
    assert "https://" not in page.split("<body", 1)[0] and 'src="http' not in page
    again = run("explore", "--model", MODEL, "-o", "explore", cwd=workdir)
    assert again.returncode == 1 and "--force" in again.stderr


@pytest.fixture(scope="module")
def report(workdir):
    result = run(
        "report",
        "hostile_train.parquet",
        "hostile_test.parquet",
        "-o",
        "report.html",
        "--n-topics",
        "4",
        cwd=workdir,
    )
    assert result.returncode == 0, result.stderr
    return workdir / "report.html"


def test_report_is_self_contained_and_escaped(report):
    page = report.read_text()
    assert HOSTILE_TAG not in page and "&lt;img/src=x/onerror=alert(1)&gt;" in page
    assert 'src="http' not in page and "<link" not in page
    # the comparison, and three charts for each of NMF and LDA
    assert page.count('src="data:image/png;base64,') == 7
    for heading in ("Corpus", "Comparison", "Topics (NMF)", "Topics (LDA)",
                    "Example suggestions"):
        assert re.search(rf'<h2 id="[a-z-]+">{re.escape(heading)}</h2>', page)
    # The only links: representative training questions, on their own site
    # (these questions come without a site: Stack Overflow).
    hrefs = [h for h in re.findall(r'href="([^"]*)"', page)
             if not h.startswith("#") and not h.endswith("-topics.html")]
    assert len(hrefs) >= 4  # at least one per topic
    ids = {int(h.rsplit("/", 1)[1]) for h in hrefs}
    assert all(re.fullmatch(r"https://stackoverflow\.com/questions/\d+", h) for h in hrefs)
    # training questions (representative) and test questions (examples)
    assert ids <= set(range(1000, 1200))  # make_questions ids: 150 train, 50 test
    # The topic tables label topics as TopicTagger.topic_labels does.
    assert '<th scope="col">terms</th>' in page


def _table_after(page: str, heading: str) -> list[list[str]]:
    """The cells of the first table after ``heading``, one list per body row."""
    part = page.split(heading, 1)[1]
    body = re.search(r"<tbody>(.*?)</tbody>", part, re.DOTALL)[1]
    return [
        [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
         for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.DOTALL)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.DOTALL)
    ]


def test_report_numbers_are_formatted_for_people(report):
    # Issue 11 part 7: counts were "4000.00", speeds "5.210075e+02".
    page = report.read_text(encoding="utf-8")
    comparison = _table_after(page, '<h2 id="comparison">')
    assert [row[0] for row in comparison][-1] == "most-frequent"
    for _model, jaccard, precision, recall, f1, n, fit, speed in comparison:
        for score in (jaccard, precision, recall, f1):
            assert re.fullmatch(r"[01]\.\d{3}", score), score
        assert re.fullmatch(r"\d{1,3}(,\d{3})*", n), n  # a count, no decimals
        assert re.fullmatch(r"\d+\.\d{1,2} s|\d+ min \d+ s", fit), fit
        assert re.fullmatch(r"\d{1,3}(,\d{3})* questions/s|\d\.\d questions/s", speed), speed
    stats = dict((row[0], row[1]) for row in _table_after(page, '<h2 id="corpus">'))
    assert stats["training questions"] == "150" and stats["test questions"] == "50"
    assert re.fullmatch(r"\d\.\d\d", stats["mean tags per question"])
    assert not re.search(r"\d\.\d+e[+-]\d", page.split("<img", 1)[0])  # no 5.21e+02


def test_report_shows_nmf_and_lda_topics_by_prevalence_with_their_ldavis_pages(report):
    page = report.read_text(encoding="utf-8")
    for method in ("nmf", "lda"):
        rows = _table_after(page, f'<h2 id="topics-{method}">')
        assert sorted(int(row[0]) for row in rows) == [0, 1, 2, 3]
        shares = [float(row[1].rstrip("%")) for row in rows]
        assert shares == sorted(shares, reverse=True)  # most prevalent first
        target = f"report-{method}-topics.html"
        assert f'<a href="{target}">' in page
        assert (report.parent / target).is_file()
        linked = (report.parent / target).read_text(encoding="utf-8")
        assert "<script src=" not in linked and 'id="topictags-ldavis-' in linked
    examples = page.split('<h2 id="examples">', 1)[1]
    assert examples.count('class="example"') == 5
    for name in ("nmf-4-logistic", "lda-4-logistic", "supervised-svm"):
        assert examples.count(f"<td>{name}</td>") == 5


def test_report_number_formats():
    from topictags.cli._report import _count, _seconds, _speed

    assert _count(4000) == "4,000" and _count(4000.0) == "4,000"
    assert _seconds(12.34) == "12.3 s" and _seconds(0.04) == "0.04 s"
    assert _seconds(106.2) == "1 min 46 s" and _seconds(float("nan")) == "–"
    assert _speed(521.0075) == "521 questions/s" and _speed(5.21) == "5.2 questions/s"
    assert _speed(503310.4) == "503,310 questions/s"


def test_report_explains_suggestions_when_a_tagger_can():
    # The hook for suggest_tags(..., explain=True): used when the tagger takes it.
    from topictags.cli._report import _explanation

    class Plain:
        def suggest_tags(self, X, k=3):
            return ["a"]

    class Explaining:
        def suggest_tags(self, X, k=3, explain=False):
            return type("E", (), {"summary": "pandas: topic 3 (merge, column)"})()

    assert _explanation(Plain(), "text", 3) is None
    assert _explanation(Explaining(), "text", 3) == "pandas: topic 3 (merge, column)"


def _labels_on_page(page: str) -> list[str]:
    """The labels of the page's topic picker, in model order."""
    options = re.findall(r'<option value="[1-9]\d*">(\d+): (.*?)</option>', page)
    return [html.unescape(label) for _, label in sorted(options, key=lambda o: int(o[0]))]


def test_explore_labels_topics_as_the_tagger_does(tmp_path, monkeypatch):
    # Issue 10 part 6: for "logistic" mappings the CLI's labels differed from
    # save_ldavis's: a topic whose coefficients are all negative (here the rust
    # questions, rust not being a candidate tag) got an empty label.
    import numpy as np
    import pandas as pd

    import topictags as tt
    from topictags.cli import _report

    rng = np.random.default_rng(5)
    words = ["borrow", "checker", "lifetime", "cargo", "crate", "trait", "struct", "ownership"]
    rust = pd.DataFrame(
        [
            {"id": 5000 + i, "title": " ".join(rng.choice(words, 5)),
             "body": "<p>" + " ".join(rng.choice(words, 25)) + "</p>", "tags": ["rust"],
             "creation_date": pd.Timestamp("2015-01-01"), "score": 1}
            for i in range(20)
        ]
    )
    questions = pd.concat([make_questions(120), rust], ignore_index=True)
    tagger = tt.TopicTagger(
        "nmf", n_topics=5, n_tags=8, mapping="logistic", min_df=1, random_state=0
    ).fit(questions)
    labels = tagger.topic_labels()
    assert any(label.endswith(" | no tag") for label in labels)  # the case at stake
    tagger.save(tmp_path / MODEL)
    result = run("explore", "--model", MODEL, "-o", "explore", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "explore" / "topics.html").read_text(encoding="utf-8")
    assert _labels_on_page(page) == labels
    # the charts of `explore` and `report`, and the report's topic table
    import topictags.viz as viz

    seen = []

    def spy(real):
        def plot(*args, topic_labels=None, **kwargs):
            seen.append(list(topic_labels))
            return real(*args, topic_labels=topic_labels, **kwargs)

        return plot

    for name in ("plot_top_terms", "plot_topic_tag_heatmap", "plot_topic_prevalence"):
        monkeypatch.setattr(viz, name, spy(getattr(viz, name)))
    _report._charts(tagger)
    assert seen == [labels] * 3
    rows = _report._topic_rows(tagger)
    terms = {lab.topic: ", ".join(lab.terms) for lab in tagger.topic_label_details()}
    assert [terms[int(t)] for t in rows["topic"]] == [
        t.removesuffix(" (weak)") for t in rows["terms"]
    ]


@pytest.mark.browser
def test_report_renders_in_chromium(report, chromium):
    from topictags.viz._browser import dump_dom

    dom = dump_dom(report)
    assert dom.count("<table") >= 4 and "supervised-svm" in dom
    assert '<img src="x"' not in dom and "onerror" not in dom.replace("onerror=alert(1)&gt;", "")


def test_cli_model_defaults_are_the_python_defaults():
    from topictags import TopicTagger
    from topictags.cli import build_parser

    defaults = TopicTagger().get_params()
    for command in (["fit", "c.csv", "-o", "m"], ["compare", "a.csv", "b.csv"]):
        args = build_parser().parse_args(command)
        for name in ("mapping", "n_topics", "view_topics"):
            assert getattr(args, name) == defaults[name], (command, name)
    fit = build_parser().parse_args(["fit", "c.csv", "-o", "m"])
    for name in ("method", "n_tags", "backend"):
        assert getattr(fit, name) == defaults[name], name
    report = build_parser().parse_args(["report", "a.csv", "b.csv", "-o", "r.html"])
    assert report.n_topics == defaults["n_topics"]
    every = build_parser().parse_args(["fit", "c", "-o", "m", "--view-topics", "all"])
    assert every.view_topics is None
    with pytest.raises(SystemExit):
        build_parser().parse_args(["fit", "c", "-o", "m", "--view-topics", "0"])


def test_compare_json(workdir):
    result = run("compare", "train.csv", "test.csv", "--n-topics", "4", "--json", cwd=workdir)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert {r["model"] for r in rows} == {
        "nmf-4-logistic",
        "lda-4-logistic",
        "supervised-svm",
        "most-frequent",
    }


@pytest.mark.corpus
@pytest.mark.slow
def test_fit_and_suggest_on_shared_titles(shared_titles_path, tmp_path):
    result = run(
        "fit", str(shared_titles_path), "-o", "titles.topictags", "--n-topics", "20", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    result = run(
        "suggest",
        "--model",
        "titles.topictags",
        "--json",
        "How to read a CSV file into a pandas DataFrame",
        cwd=tmp_path,
    )
    assert "python" in json.loads(result.stdout)["tags"]


def excel_european_csv(frame, path):
    """An export re-saved by Excel in a European locale: cp1252 bytes, ``;``,
    CRLF, day-first dates, and the column names of a join with answers."""
    lines = ["QuestionId;QuestionTitle;QuestionBody;Tags;CreationDate"]
    for row in frame.itertuples():
        body = row.body.replace('"', '""') + " caf\u00e9 \u2019quoted\u2019"
        tags = "".join(f"<{t}>" for t in row.tags)
        date = row.creation_date.strftime("%d/%m/%Y %H:%M")
        lines.append(f'{row.id};"{row.title}";"{body}";{tags};{date}')
    path.write_bytes("\r\n".join(lines).encode("cp1252") + b"\r\n")


def test_reading_options_for_an_excel_export(tmp_path):
    # Issue 9: the command line reads what load_questions reads, with its options.
    questions = make_questions(120)
    excel_european_csv(questions.iloc[:90], tmp_path / "train.csv")
    excel_european_csv(questions.iloc[90:], tmp_path / "test.csv")
    refused = run("fit", "train.csv", "-o", MODEL, "--n-topics", "4", cwd=tmp_path)
    assert refused.returncode == 1
    assert "cp1252" in refused.stderr  # the way out is named
    common = ["--encoding", "cp1252", "--dates", "day-first", "--site", "superuser.com"]
    fitted = run("fit", "train.csv", "-o", MODEL, "--n-topics", "4", *common, cwd=tmp_path)
    assert fitted.returncode == 0, fitted.stderr
    scored = run("evaluate", "--model", MODEL, "test.csv", "--json", *common, cwd=tmp_path)
    assert scored.returncode == 0, scored.stderr
    assert json.loads(scored.stdout)["n_questions"] == 30

    import topictags as tt

    model = tt.load(tmp_path / MODEL)
    train = model.train_questions_
    assert set(train["site"]) == {"superuser.com"}
    # day-first: 2010-01-08 (8 January) was written 08/01/2010, not read as 1 August
    assert train["creation_date"].tolist() == questions["creation_date"].iloc[:90].tolist()


def test_column_option_maps_fields(tmp_path):
    frame = make_questions(60).rename(columns={"title": "Heading", "body": "Text"})
    frame["tags"] = frame["tags"].map("|".join)
    frame.to_csv(tmp_path / "odd.csv", index=False)
    missing = run("fit", "odd.csv", "-o", MODEL, "--n-topics", "3", cwd=tmp_path)
    assert missing.returncode == 1 and "Title" in missing.stderr
    mapped = run("fit", "odd.csv", "-o", MODEL, "--n-topics", "3", "--column", "title=Heading",
                 "--column", "body=Text", cwd=tmp_path)
    assert mapped.returncode == 0, mapped.stderr
    bad = run("fit", "odd.csv", "-o", "x.topictags", "--column", "title", cwd=tmp_path)
    assert bad.returncode == 1 and "FIELD=NAME" in bad.stderr


def test_fit_help_lists_every_accepted_format():
    from topictags.corpus import FORMATS

    result = subprocess.run([sys.executable, "-m", "topictags.cli", "fit", "--help"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    for suffix in (".csv", ".tsv", ".parquet", ".json", ".jsonl", ".xml", ".xml.gz", ".7z",
                   ".zip", ".xml.zst", ".xml.bz2"):
        assert suffix in text
    assert " ".join(FORMATS.split()) in text.replace("- ", "-")
