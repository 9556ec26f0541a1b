"""A local stand-in for the Stack Exchange API (``/2.3/questions``), for tests.

It serves the API's real shapes: gzip-encoded JSON (the API gzips every
response), the common wrapper (``items``, ``has_more``, ``quota_max``,
``quota_remaining``, ``backoff``, ``page``, ``page_size``), items as the
``withbody`` filter returns them (``question_id``, HTML-escaped ``title``,
``body`` HTML, ``tags`` list, ``creation_date`` in Unix seconds, ``score``,
``link``...), and error responses (HTTP 400 with ``error_id``,
``error_name``, ``error_message``). Each request costs one unit of quota,
and a used-up quota answers the daily throttle error, as the API does.
"""

from __future__ import annotations

import gzip
import html
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

SITES = {
    "stackoverflow": "stackoverflow.com",
    "stackoverflow.com": "stackoverflow.com",
    "beer": "beer.stackexchange.com",
    "beer.stackexchange.com": "beer.stackexchange.com",
}
THEMES = [["python", "pandas"], ["javascript", "jquery"], ["css", "html"], ["sql", "mysql"]]
DAILY_THROTTLE = {
    "error_id": 502,
    "error_name": "throttle_violation",
    "error_message": "too many requests from this IP, more requests available in 82216 seconds",
}
BURST_THROTTLE = {
    "error_id": 502,
    "error_name": "throttle_violation",
    "error_message": "Violation of backoff parameter",
}


def make_items(n: int, host: str = "stackoverflow.com", *, start: int = 1_700_000_000) -> list:
    """``n`` questions as the API returns them, newest first."""
    items = []
    for i in range(n):
        qid = 70_000_000 + i
        title = f"Can't merge <frames> & \"join\" #{i}"
        items.append({
            "tags": THEMES[i % len(THEMES)],
            "owner": {"account_id": 1000 + i, "reputation": 11, "user_id": 2000 + i,
                      "user_type": "registered", "display_name": f"user{i}",
                      "link": f"https://{host}/users/{2000 + i}/user{i}"},
            "is_answered": i % 2 == 0,
            "view_count": 10 * i,
            "answer_count": i % 3,
            "score": (i % 7) - 2,
            "last_activity_date": start - 60 * i + 30,
            "creation_date": start - 60 * i,
            "question_id": qid,
            "content_license": "CC BY-SA 4.0",
            "link": f"https://{host}/questions/{qid}/cant-merge-frames-{i}",
            # The API escapes titles: "Can&#39;t", "&lt;frames&gt;", "&amp;", "&quot;".
            "title": html.escape(title).replace("&#x27;", "&#39;"),
            "body": f"<p>How do I merge two <code>DataFrame</code>s? Question {i} &amp; more</p>\n"
                    "<pre><code>df.merge(other)\n</code></pre>\n",
        })
    return items


class FakeStackExchange:
    """The fake API on ``127.0.0.1`` (port chosen by the system).

    Attributes
    ----------
    questions : dict
        Site host -> items, newest first.
    requests : list of dict
        Every request received: ``path``, ``params`` (one value each) and
        ``headers``.
    script : list of (status, body, headers)
        Responses served (in order, one per request) before the normal
        ones; ``body`` is a dict (JSON) or bytes.
    fail_pages : dict
        Page number -> (status, body): served whenever that page is asked for.
    backoff : dict
        Page number -> seconds, put in that page's ``backoff`` field.
    quota_remaining : int
        Requests left; 0 answers the daily throttle error.
    """

    def __init__(self, questions: dict | None = None, *, quota_max: int = 300):
        self.questions = questions if questions is not None else {
            "stackoverflow.com": make_items(250)
        }
        self.requests: list[dict] = []
        self.script: list[tuple] = []
        self.fail_pages: dict[int, tuple] = {}
        self.backoff: dict[int, int] = {}
        self.quota_max = quota_max
        self.quota_remaining = quota_max
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/2.3"

    def pages_requested(self) -> list[int]:
        return [int(r["params"].get("page", 1)) for r in self.requests]

    def __enter__(self) -> FakeStackExchange:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    # -- answering ---------------------------------------------------------------
    def respond(self, path: str, params: dict, headers: dict) -> tuple[int, object, dict]:
        with self._lock:
            self.requests.append({"path": path, "params": params, "headers": headers})
            if self.script:
                return self.script.pop(0)
            page = int(params.get("page", 1))
            if page in self.fail_pages:
                status, body = self.fail_pages[page]
                return status, body, {}
            if self.quota_remaining <= 0:
                return 400, DAILY_THROTTLE, {}
            self.quota_remaining -= 1
            if path != "/2.3/questions":
                return 404, {"error_id": 404, "error_name": "no_method",
                             "error_message": "no method found with this name"}, {}
            site = params.get("site")
            if site not in SITES:
                return 400, {"error_id": 400, "error_name": "bad_parameter",
                             "error_message": f"No site found for name `{site}`"}, {}
            size = int(params.get("pagesize", 30))
            if not 0 <= size <= 100:
                return 400, {"error_id": 400, "error_name": "bad_parameter",
                             "error_message": "pagesize"}, {}
            items = self._matching(SITES[site], params)
            chunk = items[(page - 1) * size : page * size]
            if params.get("filter") != "withbody":  # the default filter has no body
                chunk = [{k: v for k, v in item.items() if k != "body"} for item in chunk]
            body = {
                "items": chunk,
                "has_more": page * size < len(items),
                "quota_max": self.quota_max,
                "quota_remaining": self.quota_remaining,
                "page": page,
                "page_size": size,
            }
            if page in self.backoff:
                body["backoff"] = self.backoff[page]
            return 200, body, {}

    def _matching(self, host: str, params: dict) -> list[dict]:
        items = self.questions.get(host, [])
        wanted = [t for t in params.get("tagged", "").split(";") if t]
        start = int(params.get("fromdate", 0))
        end = int(params.get("todate", 2**62))
        return [
            item for item in items
            if all(t in item["tags"] for t in wanted) and start <= item["creation_date"] <= end
        ]

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                parts = urlsplit(self.path)
                params = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                status, body, headers = fake.respond(parts.path, params, dict(self.headers))
                raw = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
                data = gzip.compress(raw)  # like the API: gzip, asked for or not
                self.send_response(status)
                kind = "application/json; charset=utf-8"
                self.send_header("Content-Type", headers.pop("Content-Type", kind))
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):  # keep test output clean
                pass

        return Handler
