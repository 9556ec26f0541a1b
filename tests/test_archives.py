"""Data-dump archives as downloaded: .7z (built with 7zz as the dumps are, and
with libarchive), .zip, .xml.gz, .xml.bz2, .xml.zst, streamed without extracting."""

from __future__ import annotations

import bz2
import gzip
import os
import shutil
import subprocess
import tracemalloc
from pathlib import Path
from xml.sax.saxutils import quoteattr

import libarchive
import pandas as pd
import pytest
import zstandard

import topictags as tt
from topictags.errors import CorpusError

SEVEN_ZIP = shutil.which("7zz") or shutil.which("7z")


def dump_rows(site_ids, *, pipes=True):
    """Posts.xml rows in the dump's shape: questions with `.000` dates, answers
    between them, `|a|b|` tags (newer dumps) or `<a><b>` (older), `></row>` rows."""
    rows = []
    for qid in site_ids:
        tags = "|beer|hops|" if pipes else "<beer><hops>"
        rows.append(
            f'  <row Id="{qid}" PostTypeId="1" AcceptedAnswerId="{qid + 1}" '
            f'CreationDate="2014-01-21T20:{qid % 60:02d}:09.000" Score="{qid % 9}" '
            f'ViewCount="70" Body={quoteattr(f"<p>Question {qid} &amp; hops</p>")} '
            f'Title="Question {qid}" Tags={quoteattr(tags)} AnswerCount="1" />'
        )
        close = "></row>" if qid % 2 else " />"
        rows.append(
            f'  <row Id="{qid + 1}" PostTypeId="2" ParentId="{qid}" '
            f'CreationDate="2014-01-22T08:00:00.000" Score="2" '
            f'Body="&lt;p&gt;An answer&lt;/p&gt;"{close}'
        )
    return rows


def posts_bytes(ids, *, pipes=True):
    body = "\r\n".join(dump_rows(ids, pipes=pipes))
    return ('<?xml version="1.0" encoding="utf-8"?>\r\n<posts>\r\n' + body
            + "\r\n</posts>\r\n").encode()


def other_table(name):
    return (f'<?xml version="1.0" encoding="utf-8"?>\r\n<{name.lower()}>\r\n'
            f'  <row Id="1" />\r\n</{name.lower()}>\r\n').encode()


def site_folder(tmp_path, ids=(1, 3, 5), pipes=True):
    """The members of a site's dump: Badges, Comments, PostHistory, Posts, Tags, Users."""
    folder = tmp_path / "members"
    folder.mkdir(exist_ok=True)
    for table in ("Badges", "Comments", "PostHistory", "PostLinks", "Tags", "Users", "Votes"):
        (folder / f"{table}.xml").write_bytes(other_table(table))
    (folder / "Posts.xml").write_bytes(posts_bytes(ids, pipes=pipes))
    return folder


def seven_zip(archive: Path, folder: Path, *members: str):
    """Build ``archive`` with 7-Zip as the dumps are built (LZMA2, solid)."""
    subprocess.run(
        [SEVEN_ZIP, "a", "-t7z", "-m0=lzma2", "-ms=on", "-bso0", "-bsp0", str(archive),
         *members], cwd=folder, check=True,
    )


def libarchive_7z(archive: Path, files: dict[str, bytes], fmt="7zip"):
    with libarchive.file_writer(str(archive), fmt) as writer:
        for name, data in files.items():
            writer.add_file_from_memory(name, len(data), data)


needs_7zz = pytest.mark.skipif(
    SEVEN_ZIP is None and not os.environ.get("CI"),
    reason="7-Zip (7zz) not installed: .ci/run installs Debian's 7zip",
)


@needs_7zz
def test_site_archive_built_by_7zip(tmp_path):
    folder = site_folder(tmp_path)
    archive = tmp_path / "beer.stackexchange.com.7z"
    seven_zip(archive, folder, "Badges.xml", "Comments.xml", "PostHistory.xml",
              "PostLinks.xml", "Posts.xml", "Tags.xml", "Users.xml", "Votes.xml")
    before = sorted(p.name for p in tmp_path.iterdir())
    q = tt.load_questions(archive)
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing extracted
    assert q["id"].tolist() == [1, 3, 5]
    assert q["site"].unique().tolist() == ["beer.stackexchange.com"]
    assert q["tags"][0] == ["beer", "hops"]
    assert q["creation_date"][0] == pd.Timestamp("2014-01-21 20:01:09")
    assert q["body"][0] == "<p>Question 1 &amp; hops</p>"


@needs_7zz
def test_stack_overflow_posts_archive(tmp_path):
    # stackoverflow.com-Posts.7z holds Posts.xml directly, older `<a><b>` tags.
    folder = site_folder(tmp_path, ids=(4, 9), pipes=False)
    archive = tmp_path / "stackoverflow.com-Posts.7z"
    seven_zip(archive, folder, "Posts.xml")
    q = tt.load_questions(archive)
    assert q["id"].tolist() == [4, 9] and set(q["site"]) == {"stackoverflow.com"}
    assert q["tags"].tolist() == [["beer", "hops"]] * 2


@needs_7zz
def test_archive_without_posts_lists_its_members(tmp_path):
    folder = site_folder(tmp_path)
    archive = tmp_path / "stackoverflow.com-Comments.7z"
    seven_zip(archive, folder, "Comments.xml")
    with pytest.raises(CorpusError, match=r"holds no Posts.xml \(members: Comments.xml\).*"
                                          "stackoverflow.com-Posts.7z"):
        tt.load_questions(archive)


def test_several_site_archives_with_colliding_ids(tmp_path):
    for site in ("beer.stackexchange.com", "coffee.stackexchange.com", "meta.stackexchange.com"):
        libarchive_7z(tmp_path / f"{site}.7z", {"Posts.xml": posts_bytes((1, 3)),
                                                "Tags.xml": other_table("Tags")})
    q = tt.load_questions(str(tmp_path / "*.7z"))
    assert len(q) == 6 and q["id"].tolist() == [1, 3] * 3
    assert q["site"].tolist() == ["beer.stackexchange.com"] * 2 + [
        "coffee.stackexchange.com"] * 2 + ["meta.stackexchange.com"] * 2


def test_bundle_of_site_folders_in_one_archive(tmp_path):
    archive = tmp_path / "dumps.zip"
    libarchive_7z(archive, {"beer.stackexchange.com/Posts.xml": posts_bytes((1,)),
                            "coffee.stackexchange.com/Posts.xml": posts_bytes((1,)),
                            "README.txt": b"dump"}, fmt="zip")
    q = tt.load_questions(archive)
    assert q["site"].tolist() == ["beer.stackexchange.com", "coffee.stackexchange.com"]


@pytest.mark.parametrize(
    ("suffix", "compress"),
    [(".gz", gzip.compress), (".bz2", bz2.compress),
     (".zst", lambda data: zstandard.ZstdCompressor().compress(data))],
)
def test_compressed_posts_xml(tmp_path, suffix, compress):
    folder = tmp_path / "superuser.com"
    folder.mkdir()
    path = folder / f"Posts.xml{suffix}"
    path.write_bytes(compress(posts_bytes((2, 7))))
    q = tt.load_questions(path)
    assert q["id"].tolist() == [2, 7] and set(q["site"]) == {"superuser.com"}
    named = tmp_path / f"askubuntu.com-Posts.xml{suffix}"
    named.write_bytes(compress(posts_bytes((2,))))
    assert tt.load_questions(named)["site"].tolist() == ["askubuntu.com"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("beer.stackexchange.com.7z", b"7z\xbc\xaf\x27\x1c\x00\x04garbage", "cannot be read as"),
        ("Posts.xml.gz", gzip.compress(posts_bytes((1,)), mtime=0)[:40], "cannot be read"),
        ("Posts.xml.bz2", b"BZh9 not bzip2", "cannot be read"),
        ("Posts.xml.zst", b"\x28\xb5\x2f\xfd broken", "cannot be read"),
    ],
    ids=["7z", "gz-truncated", "bz2", "zst"],
)
def test_damaged_downloads(tmp_path, name, content, message):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(CorpusError, match=message) as info:
        tt.load_questions(tmp_path / name)
    assert name in str(info.value)


def test_truncated_7z_member(tmp_path):
    # A non-solid archive whose member data is cut: the header is intact
    # (written at the end), the stream ends early.
    archive = tmp_path / "beer.stackexchange.com.7z"
    libarchive_7z(archive, {"Posts.xml": posts_bytes(range(1, 4000, 2))})
    data = bytearray(archive.read_bytes())
    data[64:2000] = bytes(1936)  # corrupt the compressed stream, keep the size
    archive.write_bytes(bytes(data))
    with pytest.raises(CorpusError, match="beer.stackexchange.com.7z"):
        tt.load_questions(archive)


def test_doctype_inside_an_archive_says_what_to_do(tmp_path):
    doc = posts_bytes((1,)).replace(b"<posts>", b"<!DOCTYPE posts>\r\n<posts>", 1)
    archive = tmp_path / "beer.stackexchange.com.7z"
    libarchive_7z(archive, {"Posts.xml": doc})
    with pytest.raises(CorpusError, match=r"7z:Posts.xml: refused unsafe XML.*have none"):
        tt.load_questions(archive)


def answers_member(n_answers):
    """A Posts.xml of two questions and ``n_answers`` answers (~290 bytes each)."""
    rows = [f'  <row Id="{i}" PostTypeId="2" ParentId="1" CreationDate="2014-01-22T08:00:00.000"'
            f' Score="1" Body="{"&lt;p&gt;" + "hops and malt " * 12 + "&lt;/p&gt;"}" />'
            for i in range(10, 10 + n_answers)]
    return posts_bytes((1, 3)).replace(b"</posts>", ("\r\n".join(rows) + "\r\n</posts>").encode())


def peak_python_heap(path):
    tracemalloc.start()
    try:
        q = tt.load_questions(path)
        return q, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_member_is_streamed_not_held_in_memory(tmp_path):
    # The Python heap while loading does not grow with the member: blocks are
    # parsed and dropped as they come (answers are never kept).
    peaks = {}
    for n in (12_000, 42_000):
        doc = answers_member(n)
        archive = tmp_path / f"{n}" / "beer.stackexchange.com.7z"
        archive.parent.mkdir()
        with libarchive.file_writer(str(archive), "7zip", options="compression-level=1") as w:
            w.add_file_from_memory("Posts.xml", len(doc), doc)
        q, peaks[len(doc)] = peak_python_heap(archive)
        assert q["id"].tolist() == [1, 3]
    (small, small_peak), (large, large_peak) = sorted(peaks.items())
    assert large > 12_000_000 and large - small > 8_000_000
    assert large_peak - small_peak < 1_000_000, peaks
    assert large_peak < large / 2, peaks
