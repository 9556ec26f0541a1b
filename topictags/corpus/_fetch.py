"""Fetching questions from the Stack Exchange API, page by page, cached on disk.

The HTTP retries (5xx, connection errors, ``Retry-After``) are urllib3's
``Retry`` mounted on a requests session. Two rules of this API are not HTTP
and get a little logic of their own: the ``backoff`` field of a response
(wait that many seconds before calling the method again) and the throttle
error (``error_id`` 502, sent with HTTP 400), which is either a short
violation worth retrying or the daily quota being used up.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import logging
import math
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
import requests
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

from .._files import write_atomic
from .._version import __version__
from ..errors import CorpusError, FetchError, ParameterError, QuotaExceededError
from ._load import load_questions

__all__ = ["fetch_questions"]

_log = logging.getLogger(__name__)

# Every wait goes through this name so that tests (and callers) can replace it.
_sleep = time.sleep

_PAGE_SIZE = 100  # the API's maximum; fixed so that a cached page means one thing
_FILTER = "withbody"  # the built-in filter: the default fields plus `body`
_SORTS = ("activity", "votes", "creation", "hot", "week", "month")
_MAX_TAGS = 5  # the API refuses more in `tagged`
_TIMEOUT = (10, 60)  # connect, read (seconds)
_RETRY_CAP = 60.0  # longest wait between two retries of one request (seconds)
_RETRIES = 5  # of a request refused with one of the errors below
# throttle_violation (a burst), internal_error and temporarily_unavailable come
# with HTTP 400, as every API error does, so urllib3 does not retry them.
_RETRIED_ERRORS = frozenset({500, 502, 503})
# A throttle error that says "more requests available in N seconds" with N
# beyond this is the daily quota, not a burst: waiting is not worth it.
_LONGEST_THROTTLE_WAIT = 300
_AVAILABLE_IN = re.compile(r"available in (\d+) seconds?")
_SITE = re.compile(r"^[a-z0-9][a-z0-9.-]*$")
_HOSTS = {  # api_site_parameter -> host, where it is not "<site>.stackexchange.com"
    "stackoverflow": "stackoverflow.com",
    "serverfault": "serverfault.com",
    "superuser": "superuser.com",
    "askubuntu": "askubuntu.com",
    "mathoverflow": "mathoverflow.net",
    "stackapps": "stackapps.com",
    "meta": "meta.stackexchange.com",
}


class _Retry(Retry):
    """urllib3's retry policy, sleeping through :data:`_sleep` with a cap."""

    def sleep(self, response=None) -> None:
        seconds = None
        if response is not None and self.respect_retry_after_header:
            seconds = self.get_retry_after(response)
        if not seconds:
            seconds = self.get_backoff_time()
        if seconds > 0:
            # A Retry-After of hours would hang the fetch; the cap keeps
            # retries going and the retry count ends them.
            _sleep(min(seconds, _RETRY_CAP))


@dataclass
class _Progress:
    """What the requests of one fetch have told us so far."""

    requests: int = 0
    quota_remaining: int | None = None
    quota_max: int | None = None
    wait: float = 0.0  # seconds to wait before the next request (the `backoff` field)


def fetch_questions(
    site: str = "stackoverflow",
    tagged=None,
    fromdate=None,
    todate=None,
    sort: str = "creation",
    max_questions: int | None = 1000,
    api_key: str | None = None,
    cache_dir=None,
    api_root: str = "https://api.stackexchange.com/2.3",
    *,
    progress: bool = True,
) -> pd.DataFrame:
    """Fetch questions with their bodies from the Stack Exchange API.

    Pages of 100 questions are requested from ``/questions`` (newest
    first for ``sort="creation"``) until ``max_questions`` are in or the
    API has no more. Each page is saved under ``cache_dir`` as soon as it
    arrives: an interrupted fetch (quota used up, network down, Ctrl-C)
    resumes where it stopped, and running the same query again costs no
    quota. Without an app key the API allows 300 requests a day per IP
    address, with one 10,000.

    Parameters
    ----------
    site : str, default="stackoverflow"
        The site's API name (``"stackoverflow"``, ``"beer"``,
        ``"meta.stackoverflow"``) or its host (``"beer.stackexchange.com"``).
    tagged : str or list of str, optional
        Questions carrying all these tags: ``"python;pandas"`` or
        ``["python", "pandas"]`` (at most 5).
    fromdate, todate : date, datetime, str or int, optional
        Creation-date bounds: a date or datetime (naive means UTC), an ISO
        8601 string (``"2024-01-31"``, ``"2024-01-31T12:00:00Z"``) or Unix
        seconds. A date means its midnight: ``todate="2024-02-01"`` takes
        in all of January 31. When ``todate`` is not given, the first run
        of a query pins it to that moment, so resumed pages line up and a
        rerun returns the same questions; pass ``todate`` (or another
        ``cache_dir``) to fetch newer ones.
    sort : {"creation", "activity", "votes", "hot", "week", "month"}
        Order of the pages (descending).
    max_questions : int or None, default=1000
        Stop after this many questions; ``None``: every matching question
        (mind the quota: one request per 100 questions).
    api_key : str, optional
        A Stack Apps key (not secret; raises the quota to 10,000 a day).
        It is not part of the cache key: pages fetched without it are reused.
    cache_dir : str or PathLike, optional
        Folder of the page cache; default ``$XDG_CACHE_HOME/topictags/api``
        (``~/.cache/topictags/api``). Each query gets its own subfolder.
    api_root : str, default="https://api.stackexchange.com/2.3"
        Base URL of the API (a local server in tests).
    progress : bool, default=True
        Show a progress bar with the remaining quota (tqdm; in a terminal
        or a notebook only).

    Returns
    -------
    DataFrame
        The frame :func:`load_questions` returns (``id``, ``title`` with
        HTML entities decoded, ``body`` HTML, ``tags``, ``creation_date``,
        ``score``) plus ``site``, the question's host
        (``"stackoverflow.com"``), at most ``max_questions`` rows, each
        question once. ``attrs`` holds ``quota_remaining`` and
        ``quota_max`` (from the last API response of this call; ``None``
        when every page came from the cache), ``api_requests`` (requests
        made by this call), ``cache_path`` (the query's cache folder) and
        ``todate`` (the bound used, pinned or given, ISO 8601 UTC).

    Raises
    ------
    ParameterError
        A parameter has an invalid value (checked before any request).
    QuotaExceededError
        The API's quota is used up; the pages fetched so far stay cached
        and a rerun after the quota resets resumes from the next page.
    FetchError
        The API answered with an error (its ``error_name`` and
        ``error_message`` are in the message), kept failing after retries,
        or could not be reached.
    CorpusError
        No question matches the query.

    Examples
    --------
    Live calls to api.stackexchange.com, so not run by the tests (they serve
    the API's answers from 127.0.0.1, see tests/test_fetch.py):

    >>> import topictags as tt
    >>> questions = tt.fetch_questions(  # needs the network  # doctest: +SKIP
    ...     tagged="pandas", max_questions=200
    ... )
    >>> questions.attrs["quota_remaining"]  # needs the network  # doctest: +SKIP
    298
    """
    site = _check_site(site)
    tags = _check_tags(tagged)
    start, end = _epoch(fromdate, "fromdate"), _epoch(todate, "todate")
    if start is not None and end is not None and start > end:
        raise ParameterError(
            f"fromdate ({fromdate!r}) is after todate ({todate!r}); swap them"
        )
    if sort not in _SORTS:
        raise ParameterError(f"sort must be one of {', '.join(_SORTS)}; got {sort!r:.60}")
    if max_questions is not None and (
        isinstance(max_questions, bool)
        or not isinstance(max_questions, (int, np.integer))
        or max_questions < 1
    ):
        raise ParameterError(
            f"max_questions must be a positive integer or None (all), got {max_questions!r:.60}"
        )
    if api_key is not None and (not isinstance(api_key, str) or not api_key.strip()):
        raise ParameterError("api_key must be a non-empty string (a Stack Apps key) or None")
    root = _check_root(api_root)

    query = {
        "site": site,
        "tagged": ";".join(tags) if tags else None,
        "fromdate": start,
        "todate": end,
        "sort": sort,
        "order": "desc",
        "pagesize": _PAGE_SIZE,
        "filter": _FILTER,
    }
    folder, query = _cache_folder(_cache_root(cache_dir), root, query)
    params = {name: value for name, value in query.items() if value is not None}
    if api_key is not None:
        params["key"] = api_key.strip()

    state = _Progress()
    items = _collect(f"{root}/questions", params, folder, max_questions, state,
                     progress=progress, desc=f"fetch {site}")
    _log.info(
        "fetched %d questions from %s with %d requests (quota_remaining %s of %s)",
        len(items), site, state.requests, state.quota_remaining, state.quota_max,
    )
    questions = _frame(items, site, query)
    questions.attrs.update(
        quota_remaining=state.quota_remaining,
        quota_max=state.quota_max,
        api_requests=state.requests,
        cache_path=str(folder),
        todate=f"{pd.Timestamp(query['todate'], unit='s'):%Y-%m-%dT%H:%M:%SZ}",
    )
    return questions


def _collect(url: str, params: dict, folder: Path, max_questions: int | None,
             state: _Progress, *, progress: bool, desc: str) -> list[dict]:
    """The API items of the query, page after page, from the cache where it has them."""
    from .._progress import progress_bar

    items: list[dict] = []
    seen: set[int] = set()
    # progress=True is the default of every bar (a terminal or a notebook);
    # show_progress() and TOPICTAGS_PROGRESS apply as everywhere (_progress.py).
    bar = progress_bar(total=max_questions, desc=desc, unit="question",
                       progress=None if progress else False)
    try:
        with _session() as session:
            page, more = 1, True
            while more and (max_questions is None or len(items) < max_questions):
                payload = _cached_page(folder, page)
                if payload is None:
                    payload = _get_page(session, url, {**params, "page": page}, state, folder)
                    _save_page(folder, page, payload)
                    bar.set_postfix(quota_remaining=state.quota_remaining, refresh=False)
                before = len(items)
                for item in payload["items"]:
                    # Pages shift when questions move between them while we page
                    # (new activity with sort="activity"): keep each question once.
                    key = item.get("question_id") if isinstance(item, dict) else None
                    if key is None or key in seen:
                        continue
                    seen.add(key)
                    items.append(item)
                    if len(items) == max_questions:
                        break
                bar.update(len(items) - before)
                more = bool(payload.get("has_more"))
                wanted = max_questions is None or len(items) < max_questions
                if more and wanted and state.quota_remaining == 0:
                    raise _quota_error(state, folder, page + 1)
                page += 1
    finally:
        bar.close()
    return items


# -- parameters ------------------------------------------------------------------
def _check_site(site) -> str:
    if not isinstance(site, str) or not _SITE.match(site.strip().lower()):
        raise ParameterError(
            f"site must be a Stack Exchange site name such as 'stackoverflow' or "
            f"'beer.stackexchange.com', got {site!r:.60}"
        )
    return site.strip().lower()


def _check_tags(tagged) -> list[str]:
    if tagged is None:
        return []
    if isinstance(tagged, str):
        values = tagged.split(";")
    elif isinstance(tagged, (list, tuple)):
        values = list(tagged)
    else:
        raise ParameterError(
            f"tagged must be a string such as 'python;pandas' or a list of tags, "
            f"got {type(tagged).__name__}"
        )
    tags: list[str] = []
    for value in values:
        if not isinstance(value, str) or not value.strip() or any(c.isspace() or c == ";"
                                                                  for c in value.strip()):
            raise ParameterError(
                f"tagged holds {value!r:.60}: each tag is one word without spaces "
                "(write 'python;pandas' or ['python', 'pandas'])"
            )
        if value.strip().lower() not in tags:
            tags.append(value.strip().lower())
    if len(tags) > _MAX_TAGS:
        raise ParameterError(f"tagged holds {len(tags)} tags; the API takes at most {_MAX_TAGS}")
    # The API matches all the tags whatever their order: one order, one cache entry.
    return sorted(tags)


def _epoch(value, name: str) -> int | None:
    """Unix seconds of a date bound (naive dates and times are UTC)."""
    if value is None:
        return None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        seconds = int(value)
    elif isinstance(value, (float, np.floating)):
        if not math.isfinite(value) or value != int(value):
            raise ParameterError(f"{name} must be whole Unix seconds, got {value!r}")
        seconds = int(value)
    elif isinstance(value, (str, dt.date, np.datetime64)):
        # Only ISO 8601 text: "01/02/2024" means a different day to different readers.
        if isinstance(value, str) and not re.match(r"^\s*\d{4}-\d{2}-\d{2}", value):
            raise ParameterError(
                f"{name}={value!r:.60} is not an ISO 8601 date; write it as '2024-01-31' "
                "(or a datetime, or Unix seconds)"
            )
        try:
            stamp = pd.Timestamp(value)
        except (ValueError, TypeError, OverflowError) as exc:
            raise ParameterError(f"{name}={value!r:.60} is not a date: {exc}") from exc
        if pd.isna(stamp):
            raise ParameterError(f"{name} is a missing date (NaT); pass None for no bound")
        stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
        seconds = math.floor(stamp.timestamp())
    else:
        raise ParameterError(
            f"{name} must be a date, a datetime, an ISO 8601 string or Unix seconds, "
            f"got {type(value).__name__}"
        )
    if seconds < 0:
        raise ParameterError(f"{name} is before 1970 ({value!r:.60}); Stack Exchange began in 2008")
    return seconds


def _check_root(api_root) -> str:
    parts = urlsplit(api_root) if isinstance(api_root, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise ParameterError(
            f"api_root must be an http(s) URL such as 'https://api.stackexchange.com/2.3', "
            f"got {api_root!r:.80}"
        )
    return api_root.rstrip("/")


def _cache_root(cache_dir) -> Path:
    if cache_dir is None:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        return Path(base) / "topictags" / "api"
    if not isinstance(cache_dir, (str, os.PathLike)):
        raise ParameterError(f"cache_dir must be a folder path, got {type(cache_dir).__name__}")
    return Path(os.path.expanduser(os.fspath(cache_dir)))


# -- cache -----------------------------------------------------------------------
def _cache_folder(root: Path, api_root: str, query: dict) -> tuple[Path, dict]:
    """The query's folder, and the query with its pinned ``todate``.

    The folder is named by a hash of everything that decides the pages
    (not the key, not ``max_questions``). Its ``query.json`` records the
    query; an open-ended one gets ``todate`` = the first run's time, so
    the pages of a resumed run continue those of the first.
    """
    described = {"api_root": api_root, "method": "questions", **query}
    digest = hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()[:20]
    folder = root / f"{query['site']}-{digest}"
    manifest = folder / "query.json"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        recorded = _read_json(manifest)
        if recorded is None or not isinstance(recorded.get("todate"), int):
            recorded = {**described, "todate": query["todate"] or int(time.time()),
                        "todate_given": query["todate"] is not None}
            write_atomic(manifest, [json.dumps(recorded, indent=1).encode()], overwrite=True)
    except OSError as exc:
        raise FetchError(
            f"cannot use the cache folder {folder} ({exc}); pass cache_dir= a writable folder"
        ) from exc
    return folder, {**query, "todate": recorded["todate"]}


def _page_name(page: int) -> str:
    return f"page-{page:05d}.json"


def _read_json(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        _log.warning("ignoring unreadable cache file %s (%s)", path, exc)
        return None
    return data if isinstance(data, dict) else None


def _save_page(folder: Path, page: int, payload: dict) -> None:
    try:
        write_atomic(folder / _page_name(page), [json.dumps(payload).encode("utf-8")],
                     overwrite=True)
    except OSError as exc:
        raise FetchError(
            f"cannot save page {page} in the cache folder {folder} ({exc}); free some space "
            "or pass cache_dir= another folder"
        ) from exc


def _cached_page(folder: Path, page: int) -> dict | None:
    payload = _read_json(folder / _page_name(page))
    if payload is not None and not isinstance(payload.get("items"), list):
        _log.warning("ignoring cache file %s: no 'items' list", folder / _page_name(page))
        return None
    return payload


# -- requests --------------------------------------------------------------------
def _session() -> requests.Session:
    retry = _Retry(
        total=5, connect=3, read=3, status=5,
        backoff_factor=1.0, backoff_max=_RETRY_CAP,
        status_forcelist=(429, 500, 502, 503, 504), allowed_methods=frozenset({"GET"}),
        raise_on_status=False,  # the last response is turned into a FetchError below
    )
    session = requests.Session()
    session.mount("http://", HTTPAdapter(max_retries=retry))
    session.mount("https://", HTTPAdapter(max_retries=retry))
    # requests sends Accept-Encoding: gzip and decodes it; the API gzips every response.
    session.headers["User-Agent"] = f"topictags/{__version__} (fetch_questions)"
    return session


def _get_page(session, url: str, params: dict, state: _Progress, folder: Path) -> dict:
    """One page of ``/questions``, honouring ``backoff`` and retrying throttles."""
    for attempt in range(_RETRIES + 1):
        if state.wait > 0:
            _sleep(state.wait)
            state.wait = 0.0
        payload, response = _request(session, url, params)
        state.requests += 1
        if isinstance(payload.get("quota_remaining"), int):
            state.quota_remaining = payload["quota_remaining"]
        if isinstance(payload.get("quota_max"), int):
            state.quota_max = payload["quota_max"]
        if isinstance(payload.get("backoff"), (int, float)):
            state.wait = float(payload["backoff"])
        error_id = payload.get("error_id")
        if error_id is None and response.ok:
            if isinstance(payload.get("items"), list):
                return payload
            raise FetchError(
                f"{url} answered JSON without an 'items' list; check api_root (it should end "
                "in the API version, e.g. https://api.stackexchange.com/2.3)"
            )
        if error_id not in _RETRIED_ERRORS:
            raise _api_error(payload, response, url, params)
        if error_id == 502 and _quota_is_out(payload, state):
            raise _quota_error(state, folder, params["page"], payload)
        # A burst throttle or a passing failure: wait as told, else exponentially
        # longer, capped.
        found = _AVAILABLE_IN.search(str(payload.get("error_message", "")))
        told = int(found.group(1)) if found else 0
        state.wait = max(state.wait, told, min(_RETRY_CAP, 2.0**attempt))
    raise FetchError(
        f"the Stack Exchange API kept refusing page {params['page']} with "
        f"{payload.get('error_name')} ({payload.get('error_message')!s:.200}) after "
        f"{_RETRIES} retries; the pages fetched so far are cached in {folder}: rerun later "
        "to resume"
    )


def _quota_is_out(throttle: dict, state: _Progress) -> bool:
    """Whether a throttle error means the daily quota (not worth waiting for)."""
    message = str(throttle.get("error_message", "")).lower()
    found = _AVAILABLE_IN.search(message)
    if state.quota_remaining == 0 or throttle.get("quota_remaining") == 0:
        return True
    if found:
        return int(found.group(1)) > _LONGEST_THROTTLE_WAIT
    # The API's words for the per-IP daily limit when it gives no delay.
    return "too many requests from this ip" in message


def _request(session, url: str, params: dict):
    try:
        response = session.get(url, params=params, timeout=_TIMEOUT)
    except requests.RequestException as exc:
        raise FetchError(
            f"cannot reach {url} ({type(exc).__name__}: {_redact(str(exc), params)}); check "
            "the network connection and api_root, then rerun: cached pages are kept"
        ) from exc
    try:
        payload = response.json()
    except ValueError as exc:  # requests' JSONDecodeError, or undecodable gzip
        if response.status_code >= 500:  # urllib3 has retried it already
            raise FetchError(
                f"{url} answered HTTP {response.status_code} {response.reason} after retries; "
                "the API is struggling: try again later (cached pages are kept)"
            ) from exc
        raise FetchError(
            f"{url} answered HTTP {response.status_code} with a body that is not JSON "
            f"({response.headers.get('Content-Type', 'no content type')}); check api_root "
            "(it should end in the API version, e.g. /2.3)"
        ) from exc
    if not isinstance(payload, dict):
        raise FetchError(f"{url} answered a JSON {type(payload).__name__}, not an API response")
    return payload, response


def _redact(text: str, params: dict) -> str:
    key = params.get("key")
    return text.replace(key, "***") if key else text


def _api_error(payload: dict, response, url: str, params: dict) -> FetchError:
    if payload.get("error_id") is None:
        return FetchError(
            f"{url} answered HTTP {response.status_code} (after retries) without an API "
            "error; try again later"
        )
    name, message = payload.get("error_name"), payload.get("error_message")
    hint = {
        400: "check the parameters (site, tagged, dates)",
        401: "this method needs an access token",
        402: "check api_key",
        403: "check api_key",
        405: "pass api_key=",
        500: "the API failed; try again later",
        503: "the API is unavailable; try again later",
    }.get(payload["error_id"], "see https://api.stackexchange.com/docs/error-handling")
    return FetchError(
        f"Stack Exchange API error {payload['error_id']} {name}: {_redact(str(message), params)} "
        f"(page {params.get('page')} of site {params.get('site')!r}); {hint}"
    )


def _quota_error(state: _Progress, folder: Path, next_page: int,
                 throttle: dict | None = None) -> QuotaExceededError:
    if throttle is not None and state.quota_remaining != 0:
        found = _AVAILABLE_IN.search(str(throttle.get("error_message", "")))
        hours = f" ({int(found.group(1)) / 3600:.1f} hours)" if found else ""
        why = f"throttle_violation: {throttle.get('error_message')!s:.200}{hours}"
    else:
        why = f"quota_remaining {state.quota_remaining} of {state.quota_max}"
    return QuotaExceededError(
        f"the Stack Exchange API quota is used up ({why}); the {next_page - 1} page(s) "
        f"fetched are cached in {folder} and a rerun resumes from page {next_page}. Without "
        "a key the API allows 300 requests a day per IP address; pass api_key= (a free "
        "Stack Apps key) for 10,000"
    )


# -- frame -----------------------------------------------------------------------
def _host(item: dict, site: str) -> str:
    host = urlsplit(item["link"]).hostname if isinstance(item.get("link"), str) else None
    if host:
        return host.lower()
    if site.endswith((".com", ".net")):
        return site
    # "meta.stackoverflow" and "pt.stackoverflow" hang below stackoverflow.com,
    # "beer.meta" below meta.stackexchange.com.
    prefix, _, last = site.rpartition(".")
    if last in _HOSTS:
        return f"{prefix}.{_HOSTS[last]}" if prefix else _HOSTS[last]
    return f"{site}.stackexchange.com"


def _frame(items: list[dict], site: str, query: dict) -> pd.DataFrame:
    records = []
    for item in items:
        title = item.get("title")
        records.append({
            "id": item.get("question_id"),
            # The API HTML-escapes titles ("Can&#39;t"); dumps and the Data Explorer do not.
            "title": html.unescape(title) if isinstance(title, str) else title,
            "body": item.get("body"),
            "tags": item.get("tags"),
            "creation_date": item.get("creation_date"),
            "score": item.get("score"),
            "site": _host(item, site),
        })
    if not records:
        asked = ", ".join(
            f"{name}={query[name]!r}" if name == "tagged"
            else f"{name}={pd.Timestamp(query[name], unit='s'):%Y-%m-%dT%H:%M:%SZ}"
            for name in ("tagged", "fromdate", "todate") if query[name] is not None
        )
        raise CorpusError(
            f"no question on {site} matches {asked or 'the query'}; check the tag names "
            "(as written on the site) and the dates"
        )
    frame = pd.DataFrame.from_records(records)
    frame["creation_date"] = pd.to_numeric(frame["creation_date"], errors="coerce")
    questions = load_questions(frame, drop_duplicates=False)
    # load_questions gains a `site` column in another branch; until then, add it here.
    if "site" not in questions.columns and len(questions) == len(frame):
        questions["site"] = frame["site"].to_numpy()
    return questions
