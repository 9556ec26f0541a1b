"""Issue 9 on the real corpus: real questions written in the shapes users' files have.

    python benchmarks/real_shapes.py            # 6,000 questions of questions.parquet
    python benchmarks/real_shapes.py --n 3000

A seeded sample of ``questions.parquet`` is written as three data-dump sites
(``Posts.xml`` rows with ``.000`` dates, answers mixed in, ids that repeat across
the sites, ``<a><b>`` tags in two and the newer ``|a|b|`` in the third), one of
them also as ``beer.stackexchange.com.7z`` (7-Zip) and ``.xml.gz``, and as an
Excel-re-saved Data Explorer export (cp1252, ``;``, CRLF, day-first dates,
``QuestionTitle``/``QuestionBody`` columns of a join). Each is loaded back and
checked against the sample; then NMF, LDA (both backends), the supervised and
the most-frequent taggers are fitted on the three sites, saved, loaded and
compared, and a 30-question file goes through the command line's defaults.
Prints the figures and saves benchmarks/results/real-shapes.json.
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from xml.sax.saxutils import quoteattr

import numpy as np
import pandas as pd
from _common import DATA, write_results

import topictags as tt

SITES = ("beer.stackexchange.com", "coffee.stackexchange.com", "quantumcomputing.stackexchange.com")


def posts_xml(frame: pd.DataFrame, *, pipes: bool) -> bytes:
    """A data-dump ``Posts.xml``: a question row, then an answer row, per question."""
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<posts>"]
    for i, row in enumerate(frame.itertuples()):
        date = row.creation_date.strftime("%Y-%m-%dT%H:%M:%S") + ".000"
        tags = ("|" + "|".join(row.tags) + "|") if pipes else "".join(f"<{t}>" for t in row.tags)
        lines.append(
            f'  <row Id="{row.id}" PostTypeId="1" CreationDate="{date}" Score="{row.score}" '
            f"Body={quoteattr(row.body)} Title={quoteattr(row.title)} Tags={quoteattr(tags)} />"
        )
        # answers are rows too; an empty element written as <row ...></row>
        lines.append(f'  <row Id="{10_000_000 + i}" PostTypeId="2" ParentId="{row.id}" '
                     f'CreationDate="{date}" Score="1" Body="&lt;p&gt;an answer&lt;/p&gt;"></row>')
    lines.append("</posts>")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def excel_csv(frame: pd.DataFrame) -> bytes:
    """A Data Explorer join re-saved by Excel in a European locale."""
    out = pd.DataFrame({
        "QuestionId": frame["id"],
        "QuestionTitle": frame["title"],
        "QuestionBody": frame["body"],
        "Tags": frame["tags"].map(lambda ts: "".join(f"<{t}>" for t in ts)),
        "CreationDate": frame["creation_date"].dt.strftime("%d/%m/%Y %H:%M"),
    })
    text = out.to_csv(sep=";", index=False, lineterminator="\r\n")
    return text.encode("cp1252", errors="replace")


def sample(n: int) -> pd.DataFrame:
    questions = tt.load_questions(DATA / "questions.parquet")
    keep = questions["creation_date"].notna() & questions["tags"].map(bool)
    frame = questions[keep].sample(n=n, random_state=0).reset_index(drop=True)
    frame["score"] = frame["score"].fillna(0).astype(int)
    frame["creation_date"] = frame["creation_date"].dt.floor("s")
    return frame


def write_shapes(frame: pd.DataFrame, folder: Path) -> dict[str, Path]:
    thirds = np.array_split(np.arange(len(frame)), 3)
    paths = {}
    for k, (site, rows) in enumerate(zip(SITES, thirds)):
        part = frame.iloc[rows].copy()
        part["id"] = np.arange(1, len(part) + 1)  # every site numbers its posts from 1
        (folder / site).mkdir()
        path = folder / site / "Posts.xml"
        path.write_bytes(posts_xml(part, pipes=k == 2))
        paths[site] = path
    beer = paths[SITES[0]]
    # a compressed dump named by its site, as a user keeps several side by side
    paths["gzip"] = folder / "beer.stackexchange.com-Posts.xml.gz"
    with gzip.open(paths["gzip"], "wb") as out:
        out.write(beer.read_bytes())
    seven = shutil.which("7zz") or shutil.which("7z")
    if seven:
        archive = folder / "beer.stackexchange.com.7z"
        subprocess.run([seven, "a", "-bd", "-y", str(archive), "Posts.xml"],
                       cwd=beer.parent, check=True, capture_output=True)
        paths["7z"] = archive
    paths["excel"] = folder / "QueryResults.csv"
    paths["excel"].write_bytes(excel_csv(frame))
    return paths


def check_loading(frame: pd.DataFrame, paths: dict[str, Path]) -> dict:
    figures = {}
    start = time.perf_counter()
    sites = tt.load_questions([paths[s] for s in SITES])
    figures["three_sites"] = {
        "rows_written": len(frame), "rows_loaded": len(sites),
        "per_site": sites["site"].value_counts().to_dict(),
        "seconds": time.perf_counter() - start,
    }
    assert len(sites) == len(frame), "questions were dropped"
    assert sites["creation_date"].tolist() == frame["creation_date"].tolist()
    assert sites["tags"].tolist() == frame["tags"].tolist()
    plain = tt.load_questions(paths[SITES[0]])
    for name in ("gzip", "7z"):
        if name in paths:
            other = tt.load_questions(paths[name])
            assert other.equals(plain), name
            figures[name] = {"rows": len(other), "site": sorted(set(other["site"]))}
    try:
        tt.load_questions(paths["excel"])
    except tt.errors.CorpusError as exc:
        figures["excel_without_encoding"] = str(exc)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        excel = tt.load_questions(paths["excel"], encoding="cp1252")
    figures["excel"] = {
        "rows": len(excel),
        "dates_equal": excel["creation_date"].tolist()
        == frame["creation_date"].dt.floor("min").tolist(),
        "warnings": [str(w.message) for w in caught],
    }
    assert figures["excel"]["dates_equal"], "day-first dates were swapped"
    return {"loading": figures}, sites


def check_models(sites: pd.DataFrame, folder: Path) -> dict:
    train, test = tt.train_test_split(sites, test_size=0.2, random_state=0)
    models = [
        tt.TopicTagger("nmf", random_state=0),
        tt.TopicTagger("lda", random_state=0),
        tt.TopicTagger("lda", backend="gensim", random_state=0),
        tt.SupervisedTagger(random_state=0),
        tt.MostFrequentTagger(),
    ]
    table, fitted = tt.compare(models, train, test, return_models=True)
    rows = {}
    for label, model in fitted.items():
        path = folder / f"{label}.topictags"
        model.save(path)
        loaded = tt.load(path)
        same = loaded.suggest_tags(test.iloc[:200]) == model.suggest_tags(test.iloc[:200])
        rows[label] = {**table.loc[label].to_dict(), "same_after_load": same,
                       "file_bytes": path.stat().st_size}
        assert same, label
    nmf = fitted[table.index[table.index.str.startswith("nmf")][0]]
    links = pd.concat([nmf.representative_questions(t, n=3) for t in range(5)])
    link_sites = sorted({u.split("/")[2] for u in links["link"]})
    assert set(link_sites) <= set(SITES)
    return {"train": len(train), "test": len(test), "models": rows, "link_sites": link_sites}


def check_small(frame: pd.DataFrame, folder: Path) -> dict:
    small = folder / "small"
    small.mkdir()
    part = frame.iloc[:30].copy()
    (small / "coffee.stackexchange.com").mkdir()
    dump = small / "coffee.stackexchange.com" / "Posts.xml"
    dump.write_bytes(posts_xml(part, pipes=True))
    cli = subprocess.run([sys.executable, "-m", "topictags.cli", "fit", str(dump), "-o",
                          str(small / "m.topictags")], capture_output=True, text=True)
    questions = tt.load_questions(dump)
    table = tt.compare(
        [tt.TopicTagger("nmf", random_state=0), tt.SupervisedTagger(random_state=0),
         tt.MostFrequentTagger()], questions.iloc[:24], questions.iloc[24:],
    )
    lda = tt.TopicTagger("lda", n_topics=20, min_df=1, random_state=0).fit(questions)
    page = lda.save_ldavis(small / "lda.html")
    return {
        "cli_fit_defaults": {"exit": cli.returncode, "stderr": cli.stderr.strip()},
        "compare_30_questions": table.reset_index().to_dict(orient="records"),
        "lda_20_topics_page_bytes": page.stat().st_size,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=6000, help="questions sampled (default 6000)")
    n = parser.parse_args().n
    frame = sample(n)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = write_shapes(frame, folder)
        results, sites = check_loading(frame, paths)
        results["models"] = check_models(sites, folder)
        results["small"] = check_small(frame, folder)
    with pd.option_context("display.width", 160, "display.precision", 4):
        print(pd.DataFrame(results["models"]["models"]).T)
    write_results("real-shapes", {"n_questions": n, **results})


if __name__ == "__main__":
    main()
