"""fetch_questions and `topictags fetch` against a local Stack Exchange API.

The server (tests/_se_api_server.py) is a real HTTP server on 127.0.0.1
serving the API's JSON shapes, gzip-encoded; the network is never reached.
Waits go through topictags.corpus._fetch._sleep, recorded here instead of
slept: the tests check which waits were asked for, never the clock.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import socket
import urllib.request

import pandas as pd
import pytest
from _se_api_server import BURST_THROTTLE, DAILY_THROTTLE, FakeStackExchange, make_items

import topictags as tt
from topictags.cli import main
from topictags.corpus import _fetch
from topictags.errors import (
    CorpusError,
    FetchError,
    ParameterError,
    QuotaExceededError,
    TopicTagsError,
)


@pytest.fixture
def api():
    with FakeStackExchange() as server:
        yield server


@pytest.fixture
def sleeps(api, monkeypatch):
    """Seconds of every wait asked for, with the number of requests made before it."""
    record: list[tuple[float, int]] = []
    monkeypatch.setattr(_fetch, "_sleep", lambda seconds: record.append((seconds,
                                                                         len(api.requests))))
    return record


def fetch(api, tmp_path, **kwargs):
    kwargs.setdefault("cache_dir", tmp_path / "cache")
    kwargs.setdefault("progress", False)
    kwargs.setdefault("api_root", api.url)
    return tt.fetch_questions(**kwargs)


# -- pages and the frame -------------------------------------------------------------
def test_pages_until_max_questions(api, tmp_path, sleeps):
    questions = fetch(api, tmp_path, tagged=None, max_questions=150)
    assert len(questions) == 150
    assert api.pages_requested() == [1, 2]
    first = api.requests[0]["params"]
    assert first["site"] == "stackoverflow" and first["pagesize"] == "100"
    assert first["filter"] == "withbody" and first["sort"] == "creation"
    assert first["order"] == "desc" and "key" not in first
    assert "gzip" in api.requests[0]["headers"]["Accept-Encoding"]
    assert questions["id"].tolist() == [70_000_000 + i for i in range(150)]
    assert questions.attrs["quota_remaining"] == 298 and questions.attrs["quota_max"] == 300
    assert questions.attrs["api_requests"] == 2
    assert sleeps == []


def test_stops_when_has_more_is_false(api, tmp_path, sleeps):
    api.questions["stackoverflow.com"] = make_items(230)
    questions = fetch(api, tmp_path, max_questions=1000)
    assert len(questions) == 230 and api.pages_requested() == [1, 2, 3]
    everything = fetch(api, tmp_path / "again", max_questions=None)
    assert len(everything) == 230


def test_frame_is_what_load_questions_makes_of_the_api_response(api, tmp_path, sleeps):
    questions = fetch(api, tmp_path, max_questions=100)
    response = {"items": make_items(250)[:100], "has_more": True, "quota_max": 300,
                "quota_remaining": 299}
    saved = tmp_path / "response.json"
    saved.write_text(json.dumps(response), encoding="utf-8")
    loaded = tt.load_questions(saved)
    pd.testing.assert_frame_equal(questions[loaded.columns], loaded)
    assert questions["title"][0] == "Can't merge <frames> & \"join\" #0"  # entities decoded
    assert questions["body"][0].startswith("<p>How do I merge two <code>DataFrame</code>s?")
    assert questions["tags"][1] == ["javascript", "jquery"]
    assert questions["creation_date"][0] == pd.Timestamp("2023-11-14 22:13:20")
    assert str(questions["id"].dtype) == "Int64" and str(questions["score"].dtype) == "Int64"
    assert questions["score"].tolist()[:3] == [-2, -1, 0]
    assert (questions["site"] == "stackoverflow.com").all()


def test_site_comes_from_the_links(api, tmp_path, sleeps):
    api.questions["beer.stackexchange.com"] = make_items(12, host="beer.stackexchange.com")
    questions = fetch(api, tmp_path, site="beer")
    assert len(questions) == 12
    assert set(questions["site"]) == {"beer.stackexchange.com"}
    assert api.requests[0]["params"]["site"] == "beer"


def test_site_without_links_comes_from_the_parameter():
    assert _fetch._host({}, "stackoverflow") == "stackoverflow.com"
    assert _fetch._host({}, "beer") == "beer.stackexchange.com"
    assert _fetch._host({}, "beer.stackexchange.com") == "beer.stackexchange.com"
    assert _fetch._host({}, "meta.stackoverflow") == "meta.stackoverflow.com"
    assert _fetch._host({}, "beer.meta") == "beer.meta.stackexchange.com"
    assert _fetch._host({}, "mathoverflow") == "mathoverflow.net"
    assert _fetch._host({"link": "https://Coffee.StackExchange.com/q/1"}, "x") == (
        "coffee.stackexchange.com"
    )


def test_repeated_questions_across_pages_are_kept_once(api, tmp_path, sleeps):
    # With sort="activity" a question that moves up between two requests
    # comes back on the next page too.
    items = make_items(150)
    items.insert(120, dict(items[5]))
    api.questions["stackoverflow.com"] = items
    questions = fetch(api, tmp_path, sort="activity", max_questions=None)
    assert len(questions) == 150 and questions["id"].is_unique


def test_filters_are_sent_and_applied(api, tmp_path, sleeps):
    start = dt.datetime(2023, 11, 14, 20, 0)  # naive: UTC
    questions = fetch(api, tmp_path, tagged=["Pandas", "python"],
                      fromdate=start, todate="2023-11-14T22:00:00Z")
    params = api.requests[0]["params"]
    assert params["tagged"] == "pandas;python"
    assert params["fromdate"] == str(int(start.replace(tzinfo=dt.timezone.utc).timestamp()))
    assert params["todate"] == "1699999200"
    assert questions["tags"].map(lambda t: {"python", "pandas"} <= set(t)).all()
    assert questions["creation_date"].between("2023-11-14 20:00", "2023-11-14 22:00").all()
    assert 0 < len(questions) < 250


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (1_699_999_200, 1_699_999_200),
        ("1699999200", 1_699_999_200),
        ("2023-11-14", 1_699_920_000),
        (dt.date(2023, 11, 14), 1_699_920_000),
        (pd.Timestamp("2023-11-14 23:00", tz="Europe/Paris"), 1_699_999_200),
        (1_699_999_200.0, 1_699_999_200),
    ],
)
def test_date_bounds_accept_dates_strings_and_seconds(value, seconds):
    assert _fetch._epoch(value, "fromdate") == seconds


def test_tag_order_and_spelling_share_one_cache_entry(api, tmp_path, sleeps):
    fetch(api, tmp_path, tagged="python;pandas", todate=1_700_000_000)
    again = fetch(api, tmp_path, tagged=["pandas", "Python"], todate=1_700_000_000)
    assert len(api.requests) == 1 and again.attrs["api_requests"] == 0


# -- HTTP ----------------------------------------------------------------------------
def test_responses_are_gzip_on_the_wire(api, tmp_path, sleeps):
    raw = urllib.request.urlopen(f"{api.url}/questions?site=stackoverflow&pagesize=2")
    assert raw.headers["Content-Encoding"] == "gzip"
    body = raw.read()
    assert body[:2] == b"\x1f\x8b"
    assert json.loads(gzip.decompress(body))["quota_max"] == 300
    questions = fetch(api, tmp_path, max_questions=3)
    assert questions["title"][2].startswith("Can't merge")


def test_http_503_is_retried(api, tmp_path, sleeps):
    api.script = [(503, b"<html>Service Unavailable</html>", {"Content-Type": "text/html"})]
    questions = fetch(api, tmp_path, max_questions=100)
    assert len(questions) == 100
    assert api.pages_requested() == [1, 1]


def test_repeated_5xx_back_off_exponentially_with_a_cap(api, tmp_path, sleeps):
    unavailable = (503, b"busy", {"Content-Type": "text/plain"})
    api.script = [unavailable, (502, b"bad gateway", {}), unavailable, (500, b"oops", {})]
    questions = fetch(api, tmp_path, max_questions=10)
    assert len(questions) == 10 and api.pages_requested() == [1] * 5
    waits = [seconds for seconds, _ in sleeps]
    assert waits == sorted(waits) and len(waits) >= 3 and waits[-1] > waits[0] > 0
    # A Retry-After of a day is not slept through: capped, then given up.
    api.script = [(503, b"busy", {"Retry-After": "86400"})] * 10
    sleeps.clear()
    with pytest.raises(FetchError, match=r"HTTP 503.*try again later"):
        fetch(api, tmp_path / "again", max_questions=10)
    assert sleeps and max(seconds for seconds, _ in sleeps) <= _fetch._RETRY_CAP


def test_throttle_error_is_retried_after_a_wait(api, tmp_path, sleeps):
    api.script = [(400, BURST_THROTTLE, {}), (400, BURST_THROTTLE, {})]
    questions = fetch(api, tmp_path, max_questions=100)
    assert len(questions) == 100 and api.pages_requested() == [1, 1, 1]
    assert [seconds for seconds, _ in sleeps] == [1.0, 2.0]  # exponential
    assert [made for _, made in sleeps] == [1, 2]  # each before the next request


def test_throttle_error_that_never_stops_gives_up(api, tmp_path, sleeps):
    api.script = [(400, BURST_THROTTLE, {})] * 20
    with pytest.raises(FetchError, match="throttle_violation.*Violation of backoff parameter"):
        fetch(api, tmp_path)
    assert len(api.requests) == _fetch._RETRIES + 1
    assert max(seconds for seconds, _ in sleeps) <= _fetch._RETRY_CAP


def test_backoff_field_is_honoured_before_the_next_request(api, tmp_path, sleeps):
    api.backoff = {1: 7, 2: 12}
    questions = fetch(api, tmp_path, max_questions=250)
    assert len(questions) == 250
    assert sleeps == [(7.0, 1), (12.0, 2)]


def test_backoff_on_the_last_page_costs_no_wait(api, tmp_path, sleeps):
    api.backoff = {1: 30}
    fetch(api, tmp_path, max_questions=100)
    assert sleeps == []


def test_no_wait_for_pages_read_from_the_cache(api, tmp_path, sleeps):
    api.backoff = {1: 7}
    fetch(api, tmp_path, max_questions=150)
    sleeps.clear()
    fetch(api, tmp_path, max_questions=150)
    assert sleeps == []


# -- quota, cache, resuming ------------------------------------------------------------
def test_quota_used_up_keeps_the_pages_and_a_rerun_resumes(api, tmp_path, sleeps):
    api.questions["stackoverflow.com"] = make_items(480)
    api.quota_remaining = 2
    with pytest.raises(QuotaExceededError) as caught:
        fetch(api, tmp_path, max_questions=None)
    message = str(caught.value)
    assert "quota_remaining 0 of 300" in message and "resumes from page 3" in message
    assert "api_key=" in message and "10,000" in message
    assert isinstance(caught.value, (TopicTagsError, OSError))
    assert api.pages_requested() == [1, 2]  # no request that could only fail
    cached = sorted(p.name for p in (tmp_path / "cache").rglob("page-*.json"))
    assert cached == ["page-00001.json", "page-00002.json"]

    api.quota_remaining = 300
    questions = fetch(api, tmp_path, max_questions=None)
    assert len(questions) == 480 and questions["id"].is_unique
    assert api.pages_requested() == [1, 2, 3, 4, 5]
    assert questions.attrs["api_requests"] == 3


def test_daily_throttle_error_is_a_quota_error(api, tmp_path, sleeps):
    api.fail_pages = {2: (400, DAILY_THROTTLE)}
    daily = r"more requests available in 82216 seconds \(22\.8 hours\)"
    with pytest.raises(QuotaExceededError, match=daily) as caught:
        fetch(api, tmp_path, max_questions=250)
    assert "resumes from page 2" in str(caught.value)
    assert sleeps == [] and api.pages_requested() == [1, 2]  # no pointless retries
    api.fail_pages = {}
    assert len(fetch(api, tmp_path, max_questions=250)) == 250
    assert api.pages_requested() == [1, 2, 2, 3]


def test_temporarily_unavailable_error_is_retried(api, tmp_path, sleeps):
    unavailable = {"error_id": 503, "error_name": "temporarily_unavailable",
                   "error_message": "The API is down for maintenance"}
    api.script = [(400, unavailable, {})]
    assert len(fetch(api, tmp_path, max_questions=5)) == 5
    assert api.pages_requested() == [1, 1] and [s for s, _ in sleeps] == [1.0]


def test_ip_throttle_without_a_delay_is_a_quota_error(api, tmp_path, sleeps):
    api.script = [(400, {**BURST_THROTTLE, "error_message": "too many requests from this IP"}, {})]
    with pytest.raises(QuotaExceededError, match="too many requests from this IP"):
        fetch(api, tmp_path)
    assert len(api.requests) == 1 and sleeps == []


def test_throttle_once_the_quota_is_zero_is_a_quota_error(api, tmp_path, sleeps):
    throttled = {**BURST_THROTTLE, "quota_max": 300, "quota_remaining": 0}
    api.script = [(400, throttled, {})]
    with pytest.raises(QuotaExceededError, match="quota_remaining 0 of 300"):
        fetch(api, tmp_path)
    assert len(api.requests) == 1 and sleeps == []  # waiting would not bring quota back


def test_interrupted_fetch_resumes_without_asking_again(api, tmp_path, sleeps):
    api.questions["stackoverflow.com"] = make_items(450)
    api.fail_pages = {3: (400, {"error_id": 500, "error_name": "internal_error",
                               "error_message": "An unknown error occurred"})}
    with pytest.raises(FetchError, match=r"refusing page 3 with internal_error \(An unknown"):
        fetch(api, tmp_path, max_questions=None)
    first_todate = api.requests[0]["params"]["todate"]
    api.fail_pages = {}
    api.requests.clear()
    resumed = fetch(api, tmp_path, max_questions=None)
    assert api.pages_requested() == [3, 4, 5]
    # The open-ended query was pinned to the first run's time: pages line up.
    assert {r["params"]["todate"] for r in api.requests} == {first_todate}
    assert resumed.attrs["todate"] == (
        f"{pd.Timestamp(int(first_todate), unit='s'):%Y-%m-%dT%H:%M:%SZ}"
    )
    fresh = fetch(api, tmp_path / "fresh", max_questions=None)
    pd.testing.assert_frame_equal(resumed, fresh)


def test_ctrl_c_during_a_backoff_keeps_the_pages(api, tmp_path, monkeypatch):
    def interrupted(seconds):
        raise KeyboardInterrupt

    monkeypatch.setattr(_fetch, "_sleep", interrupted)
    api.backoff = {2: 10}
    with pytest.raises(KeyboardInterrupt):
        fetch(api, tmp_path, max_questions=None)
    monkeypatch.setattr(_fetch, "_sleep", lambda seconds: None)
    api.requests.clear()
    assert len(fetch(api, tmp_path, max_questions=None)) == 250
    assert api.pages_requested() == [3]


def test_rerun_costs_no_quota(api, tmp_path, sleeps):
    first = fetch(api, tmp_path, max_questions=200)
    second = fetch(api, tmp_path, max_questions=200)
    assert api.pages_requested() == [1, 2]
    pd.testing.assert_frame_equal(first, second)
    assert second.attrs["api_requests"] == 0 and second.attrs["quota_remaining"] is None
    # Asking for fewer questions reads the same cached pages.
    assert len(fetch(api, tmp_path, max_questions=20)) == 20 and len(api.requests) == 2


def test_a_key_is_sent_but_does_not_split_the_cache(api, tmp_path, sleeps):
    fetch(api, tmp_path, max_questions=100, api_key="k3y((")
    assert api.requests[0]["params"]["key"] == "k3y(("
    fetch(api, tmp_path, max_questions=100)
    assert len(api.requests) == 1


def test_damaged_cache_page_is_fetched_again(api, tmp_path, sleeps):
    questions = fetch(api, tmp_path, max_questions=150)
    page = next((tmp_path / "cache").rglob("page-00002.json"))
    page.write_text('{"items": [', encoding="utf-8")
    again = fetch(api, tmp_path, max_questions=150)
    assert api.pages_requested() == [1, 2, 2]
    pd.testing.assert_frame_equal(questions, again)


def test_default_cache_folder_is_the_user_cache(api, tmp_path, sleeps, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    questions = fetch(api, tmp_path, cache_dir=None, max_questions=5)
    assert questions.attrs["cache_path"].startswith(str(tmp_path / "xdg" / "topictags" / "api"))
    assert list((tmp_path / "xdg" / "topictags" / "api").rglob("page-00001.json"))


def test_unusable_cache_folder_is_a_fetch_error(api, tmp_path, sleeps):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file", encoding="utf-8")
    with pytest.raises(FetchError, match="cannot use the cache folder.*pass cache_dir="):
        fetch(api, tmp_path, cache_dir=blocker)
    assert api.requests == []


# -- errors ----------------------------------------------------------------------------
def test_api_error_names_the_api_error(api, tmp_path, sleeps):
    with pytest.raises(FetchError, match=r"400 bad_parameter: No site found for name `nosuch`"):
        fetch(api, tmp_path, site="nosuch")
    assert len(api.requests) == 1  # not retried


def test_access_denied_suggests_checking_the_key(api, tmp_path, sleeps):
    api.script = [(400, {"error_id": 403, "error_name": "access_denied",
                         "error_message": "key `secretish` is not valid"}, {})]
    with pytest.raises(FetchError, match="403 access_denied.*check api_key") as caught:
        fetch(api, tmp_path, api_key="secretish")
    assert "secretish" not in str(caught.value)


def test_no_matching_question_is_a_corpus_error(api, tmp_path, sleeps):
    with pytest.raises(CorpusError, match="no question on stackoverflow matches tagged='haskell'"):
        fetch(api, tmp_path, tagged="haskell")


def test_not_json_is_a_fetch_error(api, tmp_path, sleeps):
    api.script = [(200, b"<html>captive portal</html>", {"Content-Type": "text/html"})]
    with pytest.raises(FetchError, match="not JSON"):
        fetch(api, tmp_path)


def test_unreachable_server_is_a_fetch_error(tmp_path, sleeps):
    # A port bound but not listening refuses connections, and stays ours meanwhile.
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        root = f"http://127.0.0.1:{closed.getsockname()[1]}/2.3"
        with pytest.raises(FetchError, match="cannot reach .*check the network") as caught:
            tt.fetch_questions(api_root=root, cache_dir=tmp_path, progress=False,
                               api_key="sekrit")
    assert "sekrit" not in str(caught.value)
    assert isinstance(caught.value, OSError)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"site": ""}, "site must be"),
        ({"site": "stack overflow"}, "site must be"),
        ({"site": None}, "site must be"),
        ({"tagged": "python pandas"}, "without spaces"),
        ({"tagged": ["python", ""]}, "without spaces"),
        ({"tagged": ["a", "b", "c", "d", "e", "f"]}, "at most 5"),
        ({"tagged": 3}, "tagged must be"),
        ({"sort": "newest"}, "sort must be one of"),
        ({"max_questions": 0}, "positive integer"),
        ({"max_questions": True}, "positive integer"),
        ({"max_questions": 1.5}, "positive integer"),
        ({"fromdate": "01/02/2024"}, "ISO 8601"),
        ({"fromdate": "2024-02-30"}, "not a date"),
        ({"fromdate": pd.NaT}, "NaT"),
        ({"fromdate": -5}, "before 1970"),
        ({"fromdate": 1.5}, "whole Unix seconds"),
        ({"fromdate": [2024]}, "fromdate must be"),
        ({"fromdate": "2024-02-01", "todate": "2024-01-01"}, "after todate"),
        ({"api_key": ""}, "api_key"),
        ({"api_root": "ftp://example.org"}, "api_root must be"),
        ({"cache_dir": 3}, "cache_dir must be"),
    ],
)
def test_bad_parameters_are_refused_before_any_request(api, tmp_path, kwargs, match):
    with pytest.raises(ParameterError, match=match):
        fetch(api, tmp_path, **kwargs)
    assert api.requests == []


# -- progress --------------------------------------------------------------------------
def test_progress_bar_reports_the_quota(api, tmp_path, sleeps, monkeypatch):
    import tqdm.auto

    bars = []

    class Recorder(tqdm.auto.tqdm):
        def __init__(self, *args, **kwargs):
            kwargs["disable"] = False
            super().__init__(*args, **kwargs)
            bars.append(self)

    monkeypatch.setattr(tqdm.auto, "tqdm", Recorder)
    fetch(api, tmp_path, max_questions=150, progress=True)
    (bar,) = bars
    assert bar.n == 150 and bar.total == 150
    assert bar.postfix == "quota_remaining=298"


# -- command line ----------------------------------------------------------------------
def test_cli_fetch_writes_parquet_and_never_overwrites(api, tmp_path, sleeps, capsys):
    out = tmp_path / "questions.parquet"
    args = ["fetch", "--site", "stackoverflow", "--tagged", "pandas", "--max-questions", "40",
            "-o", str(out), "--api-root", api.url, "--cache-dir", str(tmp_path / "cache")]
    assert main(args) == 0
    written = tt.load_questions(out)
    assert len(written) == 40 and written["tags"].map(lambda t: "pandas" in t).all()
    assert api.requests[0]["params"]["tagged"] == "pandas"
    assert str(out) in capsys.readouterr().out
    before = out.read_bytes()
    requests_made = len(api.requests)

    assert main(args) == 1
    assert "exists; pass --force" in capsys.readouterr().err
    assert out.read_bytes() == before and len(api.requests) == requests_made  # no quota spent

    assert main([*args, "--force"]) == 0
    assert len(api.requests) == requests_made  # from the cache


def test_cli_fetch_csv_reads_back(api, tmp_path, sleeps):
    out = tmp_path / "questions.csv"
    assert main(["fetch", "--max-questions", "30", "-o", str(out), "--api-root", api.url,
                 "--cache-dir", str(tmp_path / "cache"), "--todate", "2023-11-14T22:00:00"]) == 0
    back = tt.load_questions(out)
    direct = fetch(api, tmp_path, max_questions=30, todate="2023-11-14T22:00:00")
    pd.testing.assert_frame_equal(back[["id", "title", "tags", "score"]],
                                  direct[["id", "title", "tags", "score"]])


def test_cli_fetch_errors_are_one_line(api, tmp_path, sleeps, capsys):
    api.fail_pages = {1: (400, DAILY_THROTTLE)}
    out = tmp_path / "q.parquet"
    code = main(["fetch", "-o", str(out), "--api-root", api.url,
                 "--cache-dir", str(tmp_path / "cache")])
    assert code == 1 and not out.exists()
    assert "quota is used up" in capsys.readouterr().err
    assert main(["fetch", "-o", str(tmp_path / "q.txt"), "--api-root", api.url]) == 1
    assert ".parquet" in capsys.readouterr().err
