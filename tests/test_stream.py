"""Streaming corpora (issue 12, part 1): tt.iter_questions reads every format in chunks.

Fixtures are in the shapes real files have: data-dump rows with `.000` dates,
answers between the questions and `|a|b|` or `<a><b>` tags; Excel re-saves
with a BOM, `;` and day-first dates; cp1252 bytes; ids repeated across sites;
30-question exports; chunk boundaries falling inside runs of repeated ids.
"""

from __future__ import annotations

import bz2
import gzip
import json
import tracemalloc
import warnings
from xml.sax.saxutils import quoteattr

import libarchive
import numpy as np
import pandas as pd
import pytest
import zstandard
from small_export import write_data_explorer_csv

import topictags as tt
from topictags.corpus import QUESTION_COLUMNS
from topictags.corpus._seen import SeenIds
from topictags.errors import CorpusError, CorpusWarning, TagFormatError

CHUNKSIZES = (1, 2, 7, 10_000)


def dump(ids, *, pipes=True, date=lambda q: f"2014-01-21T20:{q % 60:02d}:09.000",
         tail="</posts>\r\n"):
    """A Posts.xml as the dump writes it: an answer after every question."""
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<posts>"]
    for q in ids:
        tags = "|beer|hops|" if pipes else "<beer><hops>"
        lines.append(
            f'  <row Id="{q}" PostTypeId="1" AcceptedAnswerId="{q + 1}" '
            f'CreationDate="{date(q)}" Score="{q % 9}" ViewCount="70" '
            f'Body={quoteattr(f"<p>Question {q} &amp; hops</p>")} Title="Question {q}" '
            f'Tags={quoteattr(tags)} AnswerCount="1" />'
        )
        close = "></row>" if q % 2 else " />"
        lines.append(f'  <row Id="{q + 100000}" PostTypeId="2" ParentId="{q}" '
                     f'CreationDate="2014-01-22T08:00:00.000" Score="2" '
                     f'Body="&lt;p&gt;An answer&lt;/p&gt;"{close}')
    return ("\r\n".join(lines) + "\r\n" + tail).encode("utf-8")


def excel_rows(dates):
    """An Excel re-save in a European locale: BOM, `;`, CRLF, HTML full of separators."""
    text = "\ufeffId;Title;Body;Tags;CreationDate;Score\r\n"
    for i, date in enumerate(dates, start=1):
        text += (f'{i};Grind {i};"<p>Fine, finer; finest &amp; more.</p>\r\n<pre>a; b, c</pre>";'
                 f"<espresso><grinding>;{date};{i % 5}\r\n")
    return text


def assert_stream_equals_load(source, chunksizes=CHUNKSIZES, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        whole = tt.load_questions(source, **options)
        for size in chunksizes:
            chunks = list(tt.iter_questions(source, chunksize=size, **options))
            lengths = [len(c) for c in chunks]
            assert all(n == size for n in lengths[:-1]) and 0 < lengths[-1] <= size
            for chunk in chunks:
                assert list(chunk.columns) == list(QUESTION_COLUMNS)
                assert chunk.dtypes.equals(whole.dtypes)
            streamed = pd.concat(chunks)
            assert streamed.index.tolist() == list(range(len(whole)))
            pd.testing.assert_frame_equal(streamed, whole)
    return whole


# --- every format: the stream is the load, whatever the chunk size ---------------


def test_posts_xml_and_dump_archives(tmp_path):
    data = dump(range(1, 40, 2))
    plain = tmp_path / "beer.stackexchange.com" / "Posts.xml"
    plain.parent.mkdir()
    plain.write_bytes(data)
    (tmp_path / "Posts.xml.gz").write_bytes(gzip.compress(data))
    (tmp_path / "Posts.xml.bz2").write_bytes(bz2.compress(dump(range(1, 40, 2), pipes=False)))
    (tmp_path / "Posts.xml.zst").write_bytes(zstandard.ZstdCompressor().compress(data))
    for name, fmt in (("coffee.stackexchange.com.7z", "7zip"),
                      ("stackoverflow.com-Posts.zip", "zip")):
        with libarchive.file_writer(str(tmp_path / name), fmt) as writer:
            for member, content in (("Tags.xml", b"<tags />"), ("Posts.xml", data)):
                writer.add_file_from_memory(member, len(content), content)
    for path in (plain, *(tmp_path / n for n in (
            "Posts.xml.gz", "Posts.xml.bz2", "Posts.xml.zst", "coffee.stackexchange.com.7z",
            "stackoverflow.com-Posts.zip"))):
        q = assert_stream_equals_load(path)
        assert q["id"].tolist() == list(range(1, 40, 2))  # answers dropped
        assert q["tags"][0] == ["beer", "hops"]
        assert q["creation_date"][0] == pd.Timestamp("2014-01-21 20:01:09")
    first = next(tt.iter_questions(tmp_path / "coffee.stackexchange.com.7z", chunksize=3))
    assert first["site"].tolist() == ["coffee.stackexchange.com"] * 3
    assert next(tt.iter_questions(plain))["site"][0] == "beer.stackexchange.com"


def test_csv_excel_european_and_cp1252(tmp_path):
    path = tmp_path / "QueryResults.csv"
    path.write_bytes(excel_rows(["2009-11-17 13:43"] * 9).encode("utf-8"))
    q = assert_stream_equals_load(path)
    assert q["body"][0].startswith("<p>Fine, finer; finest &amp; more.</p>\r\n<pre>")
    assert q["tags"][8] == ["espresso", "grinding"]
    windows = tmp_path / "cp1252.csv"
    windows.write_bytes(
        ("Id;Title;Tags\r\n" + "".join(f"{i};Café crème – l’espresso {i};<espresso>\r\n"
                                       for i in range(1, 12))).encode("cp1252"))
    q = assert_stream_equals_load(windows, encoding="cp1252")
    assert q["title"][10] == "Café crème – l’espresso 11"
    tsv = tmp_path / "export.tsv"
    tsv.write_bytes(b"Id\tTitle\tTags\r\n1\ta, b; c\t|a|b|\r\n2\td\t<c>\r\n3\te\tc\r\n")
    assert assert_stream_equals_load(tsv)["tags"].tolist() == [["a", "b"], ["c"], ["c"]]


def test_cp1252_bytes_late_in_the_file_stop_before_any_chunk(tmp_path):
    # The encoding is checked over the whole file first: no chunk of mojibake
    # (nor of good rows) comes out before the error.
    path = tmp_path / "QueryResults.csv"
    rows = "".join(f"{i};Title {i};<a>\r\n" for i in range(1, 50))
    path.write_bytes(("Id;Title;Tags\r\n" + rows).encode() + "50;Café;<a>\r\n".encode("cp1252"))
    chunks = tt.iter_questions(path, chunksize=5)
    with pytest.raises(CorpusError, match=r'not valid UTF-8 at byte \d+.*encoding="cp1252"'):
        next(chunks)


def test_parquet_by_row_groups(tmp_path):
    frame = pd.DataFrame({
        "Id": np.arange(1, 31), "Title": [f"t{i}" for i in range(30)],
        "Tags": [["Python", "pandas"] if i % 2 else ["r"] for i in range(30)],
        "CreationDate": pd.date_range("2014-01-23 21:26:09", periods=30, freq="h"),
        "Score": np.arange(30) - 3,
    })
    path = tmp_path / "questions.parquet"
    frame.to_parquet(path, row_group_size=4)
    q = assert_stream_equals_load(path)
    assert q["tags"][1] == ["python", "pandas"] and q["score"][0] == -3
    empty = tmp_path / "empty.parquet"
    frame.iloc[:0].to_parquet(empty)
    with pytest.raises(CorpusError, match="empty.parquet: no questions"):
        next(tt.iter_questions(empty))


def test_json_api_pages_and_json_lines(tmp_path):
    items = [{"question_id": i, "title": f"Can&#39;t use &lt;T&gt; {i}", "tags": ["c#", ".net"],
              "creation_date": 1390512369 + i, "score": i, "link":
              f"https://superuser.com/questions/{i}/x"} for i in range(1, 12)]
    page = tmp_path / "page.json"
    page.write_text(json.dumps({"items": items, "has_more": False}))
    q = assert_stream_equals_load(page)
    assert q["title"][0] == "Can't use <T> 1" and set(q["site"]) == {"superuser.com"}
    lines = tmp_path / "questions.jsonl"
    records = [{"Id": i, "Title": f"t{i}", "Tags": "|a|b|"} for i in range(1, 9)]
    records.append({"Id": 9, "Title": "late column", "Tags": "<a>", "Body": "<p>only here</p>"})
    lines.write_text("\n".join(map(json.dumps, records)) + "\n\n")
    q = assert_stream_equals_load(lines)
    # A column only the last line has is a column of every chunk.
    assert q["body"].tolist() == [""] * 8 + ["<p>only here</p>"]


def test_dataframes_globs_folders_and_lists(tmp_path):
    # Three 30-question exports named for their sites: the same ids, three sites.
    for name in ("beer.stackexchange.com", "coffee.stackexchange.com", "superuser.com"):
        write_data_explorer_csv(tmp_path / f"{name}.csv")
    q = assert_stream_equals_load(str(tmp_path / "*.csv"), chunksizes=(1, 25, 90))
    assert len(q) == 90 and q["id"].nunique() == 30
    chunks = list(tt.iter_questions(str(tmp_path / "*.csv"), chunksize=25))
    assert [len(c) for c in chunks] == [25, 25, 25, 15]
    # A chunk holds the end of one file and the start of the next.
    assert chunks[1]["site"].unique().tolist() == ["beer.stackexchange.com",
                                                   "coffee.stackexchange.com"]
    # A folder of exports, and an extracted dump (Posts.xml beside the other tables).
    assert_stream_equals_load(tmp_path, chunksizes=(25,))
    extracted = tmp_path / "dumps" / "beer.stackexchange.com"
    extracted.mkdir(parents=True)
    (extracted / "Users.xml").write_bytes(b'<users><row Id="1" /></users>')
    (extracted / "Posts.xml").write_bytes(dump([1, 3, 5]))
    q = assert_stream_equals_load(extracted)
    assert q["id"].tolist() == [1, 3, 5] and set(q["site"]) == {"beer.stackexchange.com"}
    assert_stream_equals_load(str(tmp_path / "dumps" / "*"))
    frame = pd.read_csv(tmp_path / "superuser.com.csv")
    assert_stream_equals_load(frame, site="superuser")
    assert_stream_equals_load([frame, str(extracted / "Posts.xml")], chunksizes=(7,))


# --- repeated ids across chunks ------------------------------------------------------


def test_repeats_dropped_across_chunk_boundaries(tmp_path):
    ids = [1, 2, 2, 2, 3, 1, 4, 3, 3, 5]
    path = tmp_path / "Posts.xml"
    path.write_bytes(dump(ids))
    for size in (1, 2, 3, 4, 10_000):
        with pytest.warns(CorpusWarning, match=r"5 question\(s\) repeat an id .*such as id 2") \
                as caught:
            chunks = list(tt.iter_questions(path, chunksize=size))
        assert len([w for w in caught if issubclass(w.category, CorpusWarning)]) == 1
        assert pd.concat(chunks)["id"].tolist() == [1, 2, 3, 4, 5]
    kept = pd.concat(tt.iter_questions(path, chunksize=3, drop_duplicates=False))
    assert kept["id"].tolist() == ids


def test_same_ids_on_other_sites_are_other_questions(tmp_path):
    csv = tmp_path / "QueryResults.csv"
    csv.write_text(
        "Id,Title,Tags,Site\n"
        + "".join(f"{i},t{i},<a>,{site}\n" for site in ("beer", "coffee", "meta")
                  for i in (1, 2, 3))
        + "2,repeat,<a>,coffee\n"
    )
    with pytest.warns(CorpusWarning, match=r"1 question\(s\).*such as id 2 on "
                                           r"coffee.stackexchange.com"):
        q = pd.concat(tt.iter_questions(csv, chunksize=2))
    assert len(q) == 9 and q.groupby("site")["id"].apply(list).tolist() == [[1, 2, 3]] * 3
    assert "repeat" not in q["title"].tolist()


def test_seen_ids_match_a_python_set():
    rng = np.random.default_rng(0)
    seen, reference = SeenIds(), set()
    for _ in range(200):
        sites = rng.choice(np.array(["", "beer.stackexchange.com"], dtype=object), size=50)
        ids = rng.integers(-5, 3000, size=50)
        expected = []
        for key in zip(sites.tolist(), ids.tolist()):
            expected.append(key in reference)
            reference.add(key)
        assert seen.repeats(sites, ids).tolist() == expected
    assert len(seen) == len(reference) and seen.nbytes == 8 * len(reference)
    # Levels of decreasing size: about log2(n) arrays, not one per chunk.
    levels = [len(level.levels) for level in seen._sites.values()]
    assert max(levels) <= 12


# --- decisions the whole file makes -------------------------------------------------


def test_day_first_evidence_in_the_last_row_decides_every_chunk(tmp_path):
    # Only the last date proves day-first: the first chunks must not be read
    # month-first (5 November, not 11 May).
    path = tmp_path / "QueryResults.csv"
    path.write_bytes(excel_rows(["05/11/2009 09:01"] * 8 + ["17/11/2009 13:43"]).encode())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        first = next(tt.iter_questions(path, chunksize=2))
    assert first["creation_date"].tolist() == [pd.Timestamp("2009-11-05 09:01")] * 2
    assert_stream_equals_load(path)
    as_parquet = tmp_path / "dates.parquet"
    pd.read_csv(path, sep=";", dtype=str).to_parquet(as_parquet, row_group_size=2)
    q = next(tt.iter_questions(as_parquet, chunksize=2))
    assert q["creation_date"][0] == pd.Timestamp("2009-11-05 09:01")
    lines = tmp_path / "dates.jsonl"
    lines.write_text("".join(json.dumps({"id": i, "tags": "a", "title": "t", "date": d}) + "\n"
                             for i, d in enumerate(["05/11/2009"] * 5 + ["17/11/2009"])))
    assert next(tt.iter_questions(lines, chunksize=2))["creation_date"][1] == pd.Timestamp(
        "2009-11-05")


def test_mixed_or_ambiguous_orders_are_told_once_for_the_whole_file(tmp_path):
    mixed = tmp_path / "mixed.csv"
    mixed.write_bytes(excel_rows(["17/11/2009"] + ["05/11/2009"] * 6 + ["11/17/2009"]).encode())
    chunks = tt.iter_questions(mixed, chunksize=2)
    with pytest.raises(CorpusError, match=r"mixes day-first dates \('17/11/2009'\) and "
                                          r"month-first dates \('11/17/2009'\)"):
        next(chunks)  # before any chunk, not after the first ones were handed out
    ambiguous = tmp_path / "ambiguous.csv"
    ambiguous.write_bytes(excel_rows(["05/11/2009"] * 7).encode())
    with pytest.warns(CorpusWarning) as caught:
        q = pd.concat(tt.iter_questions(ambiguous, chunksize=2))
    messages = [str(w.message) for w in caught]
    assert len(messages) == 1 and "read as month/day and as day/month alike" in messages[0]
    assert q["creation_date"][6] == pd.Timestamp("2009-05-11")
    # Dates that do not read in the order asked for: one warning, all counted.
    wrong = tmp_path / "wrong.csv"
    wrong.write_bytes(excel_rows(["05/11/2009", "13/01/2009", "01/01/2010", "14/01/2009"])
                      .encode())
    with pytest.warns(CorpusWarning) as caught:
        q = pd.concat(tt.iter_questions(wrong, chunksize=1, dayfirst=False))
    assert [str(w.message) for w in caught] == [
        f"{wrong}: 2 date(s) in column 'CreationDate' cannot be read month-first (such as "
        "'13/01/2009'); they are missing"]
    assert q["creation_date"].isna().tolist() == [False, True, False, True]


def test_posts_xml_numeric_dates_that_turn_day_first_stop_the_stream(tmp_path):
    # Dumps write ISO dates; a file that does not is read chunk by chunk, and
    # stops rather than hand out dates of both orders.
    path = tmp_path / "Posts.xml"
    path.write_bytes(dump([1, 3, 5, 7], date=lambda q: "17/11/2009" if q == 7 else "05/11/2009"))
    chunks = tt.iter_questions(path, chunksize=2)
    with pytest.warns(CorpusWarning, match="read as month/day and as day/month alike"):
        assert next(chunks)["creation_date"][0] == pd.Timestamp("2009-05-11")
    with pytest.raises(CorpusError, match="'17/11/2009', which only reads the other way; pass "
                                          "dayfirst=True or dayfirst=False"):
        list(chunks)
    q = pd.concat(tt.iter_questions(path, chunksize=2, dayfirst=True))
    assert q["creation_date"].tolist()[-2:] == [pd.Timestamp("2009-11-05"),
                                                pd.Timestamp("2009-11-17")]


# --- streaming, errors -------------------------------------------------------------


def test_posts_xml_chunks_come_out_while_parsing(tmp_path):
    # A dump cut short: the first chunks come out before the parser reaches
    # the damage (the whole-file reader saw nothing but the error).
    path = tmp_path / "Posts.xml"
    path.write_bytes(dump(range(1, 6000, 2), tail='<row Id="x" PostTypeId="1" Titl'))
    chunks = tt.iter_questions(path, chunksize=500)
    assert next(chunks)["id"].tolist() == list(range(1, 1000, 2))
    with pytest.raises(CorpusError, match="malformed XML"):
        list(chunks)


def test_posts_xml_stream_memory_is_bounded_by_the_chunk(tmp_path, monkeypatch):
    # Streamed, memory holds a chunk and the questions of one block of the
    # file (1 MiB, made 32 KiB here to keep the file small), not the file.
    monkeypatch.setattr("topictags.corpus._archives._BLOCK", 1 << 15)
    path = tmp_path / "Posts.xml"
    path.write_bytes(dump(range(1, 8000, 2)))
    tracemalloc.start()
    try:
        total = sum(len(c) for c in tt.iter_questions(path, chunksize=200))
        _, streamed = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        tt.load_questions(path)
        _, loaded = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total == 4000
    assert streamed < loaded / 3, (streamed, loaded)


def test_bad_arguments_are_refused_by_the_call(tmp_path):
    for chunksize in (0, -1, 2.5, "100", True, None):
        with pytest.raises(CorpusError, match="chunksize must be a whole number"):
            tt.iter_questions(tmp_path, chunksize=chunksize)
    with pytest.raises(CorpusError, match="missing.csv: no such file"):
        tt.iter_questions(tmp_path / "missing.csv")
    with pytest.raises(CorpusError, match="is a folder holding no Posts.xml"):
        tt.iter_questions(tmp_path)
    with pytest.raises(CorpusError, match="dayfirst must be"):
        tt.iter_questions(tmp_path, dayfirst="yes")


def test_tag_errors_name_the_row_of_the_file(tmp_path):
    path = tmp_path / "QueryResults.csv"
    path.write_text("Id,Title,Tags\n" + "".join(f"{i},t,<a>\n" for i in range(1, 7))
                    + "77,t,<a<b>\n")
    chunks = tt.iter_questions(path, chunksize=2)
    assert len(next(chunks)) == 2
    with pytest.raises(TagFormatError, match=r"QueryResults.csv, row 7 \(id 77\)"):
        list(chunks)


def test_header_only_file_is_checked_like_any_other(tmp_path):
    path = tmp_path / "QueryResults.csv"
    path.write_text("Id,Title,Body\n")
    with pytest.raises(CorpusError, match="missing required column 'Tags'"):
        next(tt.iter_questions(path))


# --- cleaning chunk by chunk -----------------------------------------------------


def test_clean_chunks_in_order_in_parallel_and_lazily(tmp_path, capsys):
    path = write_data_explorer_csv(tmp_path / "QueryResults.csv")
    cleaner = tt.TextCleaner(protected={"pandas", "c#"})
    whole = tt.load_questions(path)
    expected = cleaner.clean_many(whole["title"].tolist() + whole["body"].tolist())
    pulled = []

    def chunks():
        for chunk in tt.iter_questions(path, chunksize=7):
            pulled.append(len(chunk))
            yield chunk

    stream = tt.clean_chunks(chunks(), cleaner, progress=True, total=30)
    first = next(stream)
    assert len(pulled) == 1  # one chunk read for one chunk cleaned
    cleaned = pd.concat([first, *stream])
    assert cleaned["title_tokens"].tolist() == expected[:30]
    assert cleaned["body_tokens"].tolist() == expected[30:]
    assert cleaned.drop(columns=["title_tokens", "body_tokens"]).equals(whole)
    assert "30/30" in capsys.readouterr().err
    pulled.clear()
    stream = tt.clean_chunks(chunks(), cleaner, n_jobs=2)
    parallel = [next(stream)]
    assert len(pulled) == 4  # 2 * n_jobs ahead, not the whole input (joblib's generator)
    parallel += list(stream)
    assert [len(c) for c in parallel] == [7] * 4 + [2]
    pd.testing.assert_frame_equal(pd.concat(parallel), cleaned)
    texts = [whole["body"].tolist()[:3], whole["body"].tolist()[3:5]]
    assert list(tt.clean_chunks(texts, cleaner, n_jobs=2)) == [expected[30:33], expected[33:35]]


def test_clean_chunks_refuses_what_it_cannot_clean():
    from topictags.errors import ParameterError

    for n_jobs in (0, 1.5, True, "2"):
        with pytest.raises(ParameterError, match="n_jobs must be a whole number"):
            tt.clean_chunks([["a"]], n_jobs=n_jobs)
    with pytest.raises(ParameterError, match="cleaner must be a TextCleaner"):
        tt.clean_chunks([["a"]], cleaner=str.split)
    with pytest.raises(ParameterError, match="chunk 1 is a str"):
        list(tt.clean_chunks([["a"], "not a batch"]))
    with pytest.raises(ParameterError, match="chunk 0, text 1 is a int"):
        list(tt.clean_chunks([["a", 3]]))
