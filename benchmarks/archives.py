"""Memory and time of loading a large data-dump ``Posts.xml``, plain and archived.

    python benchmarks/archives.py                 # ~200 MB member: results/archives.json
    python benchmarks/archives.py --mb 50         # a smaller member
    PYTHONPATH=/tmp/py7zr-lib python benchmarks/archives.py   # also py7zr, where importable

A ``Posts.xml`` of about ``--mb`` MB is generated in the shape of the real
dump (one question for every three answers, ``.000`` dates, ``|a|b|`` tags,
bodies taken from the shared corpus, so that they compress like real HTML)
and packed as ``beer.stackexchange.com.7z`` (7-Zip, LZMA2, solid, as the dumps
are), ``Posts.xml.gz``, ``.bz2`` and ``.zst``. Each case then runs in a fresh
Python process that imports topictags, calls ``tt.load_questions`` and reports
its peak resident memory (``ru_maxrss``) and wall time. The baseline is the
same process stopped after the imports. The plain ``Posts.xml`` case shows
what the kept questions themselves cost; an archive case that streams costs
about the same, one that holds the member in memory costs the member's size
more.

For comparison, where py7zr is importable (it is not a dependency), the same
``.7z`` is read with py7zr twice: with its in-memory ``BytesIOFactory`` (what
``read()`` did in py7zr < 1.0) and with a writer that feeds each decompressed
chunk to the same parser (streaming by push).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import quoteattr

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import DATA, ROOT, write_results

CASE = r"""
import json, resource, sys, time
sys.path.insert(0, {root!r})
import topictags as tt
from topictags.corpus._archives import _libarchive
_libarchive()
kind, path = sys.argv[1], sys.argv[2]
start = time.perf_counter()
rows = 0
if kind == "baseline":
    pass
elif kind == "py7zr-bytesio":
    import py7zr
    from py7zr.io import BytesIOFactory
    factory = BytesIOFactory(1 << 40)
    with py7zr.SevenZipFile(path) as archive:
        archive.extract(targets=["Posts.xml"], factory=factory)
    member = factory.get("Posts.xml")
    member.seek(0)
    from topictags.corpus._posts_xml import read_posts_xml
    rows = len(read_posts_xml(iter(lambda: member.read(1 << 20), b""), path))
elif kind == "py7zr-stream":
    import py7zr
    from py7zr.io import Py7zIO, WriterFactory
    from defusedxml.ElementTree import DefusedXMLParser
    from topictags.corpus._posts_xml import _Questions
    target = _Questions()
    parser = DefusedXMLParser(target=target, forbid_dtd=True)
    class Feed(Py7zIO):
        def write(self, s): parser.feed(bytes(s)); return len(s)
        def read(self, size=None): return b""
        def seek(self, offset, whence=0): return 0
        def flush(self): pass
        def size(self): return 0
    class Factory(WriterFactory):
        def create(self, filename): return Feed()
    with py7zr.SevenZipFile(path) as archive:
        archive.extract(targets=["Posts.xml"], factory=Factory())
    rows = len(parser.close())
else:
    rows = len(tt.load_questions(path))
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({{"rows": rows, "seconds": seconds, "peak_rss_bytes": peak}}))
"""


def generate(path: Path, megabytes: int) -> dict:
    """Write a Posts.xml of about ``megabytes`` MB; return what it holds."""
    import pandas as pd

    bodies = (
        pd.read_parquet(DATA / "questions.parquet", columns=["body"])["body"].iloc[:3000].tolist()
        if (DATA / "questions.parquet").exists()
        else [f"<p>Body {i} with <code>code</code> &amp; text.</p>" * 20 for i in range(300)]
    )
    size, questions, post = 0, 0, 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write('<?xml version="1.0" encoding="utf-8"?>\r\n<posts>\r\n')
        while size < megabytes * 1_000_000:
            post += 1
            body = quoteattr(bodies[post % len(bodies)])
            if post % 4 == 1:
                questions += 1
                row = (f'  <row Id="{post}" PostTypeId="1" CreationDate="2014-01-21T20:26:05.000"'
                       f' Score="{post % 13}" ViewCount="120" Body={body}'
                       f' Title="Question number {post}" Tags="|beer|hops|" AnswerCount="3" />\r\n')
            else:
                row = (f'  <row Id="{post}" PostTypeId="2" ParentId="{post - post % 4 + 1}"'
                       f' CreationDate="2014-01-22T08:00:00.000" Score="1" Body={body} />\r\n')
            out.write(row)
            size += len(row)
        out.write("</posts>\r\n")
    return {"member_bytes": path.stat().st_size, "rows": post, "questions": questions}


def pack(folder: Path, posts: Path) -> dict[str, Path]:
    import bz2
    import gzip

    import zstandard

    archives = {"Posts.xml": posts}
    seven = folder / "beer.stackexchange.com.7z"
    tool = shutil.which("7zz") or shutil.which("7z")
    if tool:
        subprocess.run([tool, "a", "-t7z", "-m0=lzma2", "-mx=5", "-ms=on", "-bso0", "-bsp0",
                        str(seven), posts.name], cwd=folder, check=True)
    else:  # libarchive writes 7z too
        import libarchive

        with libarchive.file_writer(str(seven), "7zip") as writer:
            writer.add_files(str(posts), pathname="Posts.xml")
    archives[".7z (libarchive-c)"] = seven
    for suffix, opener in ((".gz", gzip.open), (".bz2", bz2.open)):
        target = folder / f"Posts.xml{suffix}"
        with open(posts, "rb") as src, opener(target, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        archives[f".xml{suffix}"] = target
    target = folder / "Posts.xml.zst"
    with open(posts, "rb") as src, open(target, "wb") as dst:
        zstandard.ZstdCompressor(level=3).copy_stream(src, dst)
    archives[".xml.zst"] = target
    return archives


def run(kind: str, path: Path) -> dict:
    script = CASE.format(root=str(ROOT))
    done = subprocess.run([sys.executable, "-c", script, kind, str(path)], check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=int, default=200, help="size of Posts.xml in MB")
    args = parser.parse_args()
    try:
        import py7zr
    except ImportError:
        py7zr = None
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        posts = folder / "Posts.xml"
        member = generate(posts, args.mb)
        print(f"Posts.xml: {member['member_bytes'] / 1e6:.0f} MB, {member['rows']} rows, "
              f"{member['questions']} questions")
        archives = pack(folder, posts)
        cases = {"baseline (imports only)": ("baseline", posts)}
        cases.update({name: ("load_questions", path) for name, path in archives.items()})
        if py7zr is not None:
            cases[".7z (py7zr, BytesIOFactory)"] = ("py7zr-bytesio", archives[".7z (libarchive-c)"])
            cases[".7z (py7zr, streaming writer)"] = ("py7zr-stream",
                                                      archives[".7z (libarchive-c)"])
        results = {}
        for name, (kind, path) in cases.items():
            measured = run(kind, path)
            measured["file_bytes"] = path.stat().st_size
            results[name] = measured
            print(f"{name:32s} {measured['peak_rss_bytes'] / 2**20:8.0f} MiB peak RSS "
                  f"{measured['seconds']:7.1f} s  {measured['rows']} questions  "
                  f"(file {measured['file_bytes'] / 1e6:.0f} MB)")
    plain = results["Posts.xml"]["peak_rss_bytes"]
    for measured in results.values():
        measured["peak_rss_over_plain_xml_bytes"] = measured["peak_rss_bytes"] - plain
    write_results("archives", {
        "member": member,
        "py7zr": getattr(py7zr, "__version__", None),
        "cases": results,
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    })


if __name__ == "__main__":
    main()
