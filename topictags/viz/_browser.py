"""Headless Chromium: render a page, run its scripts, return the resulting DOM.

Used by the tests to check that the offline pages really draw (and that
planted markup does not run), without Selenium or a driver binary.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

__all__ = ["dump_dom", "find_chromium", "screenshot"]

# Checked in order; TOPICTAGS_CHROMIUM, when set, wins.
_CANDIDATES = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
)


def find_chromium() -> str | None:
    """Path of a Chromium or Chrome executable, or None.

    The environment variable ``TOPICTAGS_CHROMIUM`` may name one explicitly;
    otherwise ``chromium``, ``chromium-browser`` and ``google-chrome`` are
    looked up on ``PATH``.

    Returns
    -------
    str or None

    Examples
    --------
    >>> find_chromium()  # depends on the machine, None without a browser  # doctest: +SKIP
    '/usr/bin/chromium'
    """
    explicit = os.environ.get("TOPICTAGS_CHROMIUM")
    if explicit:
        return shutil.which(explicit)
    for name in _CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _as_url(path_or_url: str | os.PathLike) -> str:
    if isinstance(path_or_url, str) and re.match(r"^(file|https?|data|about):", path_or_url):
        return path_or_url
    if isinstance(path_or_url, str) and "#" in path_or_url:  # a local page and a fragment
        page, fragment = path_or_url.split("#", 1)
        return _as_url(page) + "#" + fragment
    path = Path(path_or_url)
    if not path.is_file():
        raise FileNotFoundError(f"no page to render at {path}")
    return path.resolve().as_uri()


def dump_dom(
    path_or_url: str | os.PathLike,
    *,
    timeout: float = 60,
    virtual_time_budget_ms: int = 5000,
) -> str:
    """Load a page in headless Chromium and return its DOM after scripts ran.

    Chromium runs with a fresh, throw-away profile and with background
    networking, sync and component updates off. ``--virtual-time-budget``
    fast-forwards timers and transitions, so a page that animates for a few
    seconds is dumped in its final state without waiting in real time.

    Parameters
    ----------
    path_or_url : str or path-like
        A local HTML file, or a ``file:``, ``http(s):``, ``data:`` URL.
    timeout : float, default=60
        Seconds before Chromium is killed.
    virtual_time_budget_ms : int, default=5000
        Virtual milliseconds the page may run before the dump.

    Returns
    -------
    str
        The serialised DOM (``document.documentElement.outerHTML``).

    Raises
    ------
    RuntimeError
        No Chromium is installed, it failed, timed out or printed nothing;
        the message ends with the tail of its stderr.
    FileNotFoundError
        ``path_or_url`` is a path that does not exist.

    Examples
    --------
    >>> dom = dump_dom("topics.html")  # needs Chromium, which may be absent  # doctest: +SKIP
    >>> dom.count('class="dot"')  # needs Chromium, which may be absent  # doctest: +SKIP
    7
    """
    out, err, code, url = _chromium(
        path_or_url, ["--dump-dom"], timeout=timeout, window_size=(1600, 1200),
        virtual_time_budget_ms=virtual_time_budget_ms,
    )
    if code != 0:
        raise RuntimeError(f"chromium exited with status {code} rendering {url}\n{_tail(err)}")
    if not out.strip():
        raise RuntimeError(f"chromium printed no DOM for {url}\n{_tail(err)}")
    return out


def screenshot(
    path_or_url: str | os.PathLike,
    output: str | os.PathLike,
    *,
    width: int = 1600,
    height: int = 1200,
    timeout: float = 60,
    virtual_time_budget_ms: int = 5000,
) -> Path:
    """Load a page in headless Chromium and save a PNG of its window.

    Same browser settings as :func:`dump_dom`; the picture is the
    ``width`` x ``height`` window after the page's scripts ran (taller pages
    are cut at ``height``: pass a larger one to see more).

    Parameters
    ----------
    path_or_url : str or path-like
        A local HTML file, or a URL (a fragment such as ``#topic=3`` is kept).
    output : str or path-like
        The PNG to write; replaced if it exists.
    width, height : int, default=1600, 1200
        Window size in CSS pixels.
    timeout : float, default=60
    virtual_time_budget_ms : int, default=5000

    Returns
    -------
    pathlib.Path
        ``output``.

    Raises
    ------
    RuntimeError
        No Chromium, or it failed or wrote no picture.

    For example ``screenshot("topics.html#topic=3&lambda=0.6&term=",
    "topics.png", width=900)`` pictures LDAvis's topic 3 in a 900 px window.
    """
    output = Path(output).resolve()
    _, err, code, url = _chromium(
        path_or_url, [f"--screenshot={output}"], timeout=timeout,
        window_size=(int(width), int(height)), virtual_time_budget_ms=virtual_time_budget_ms,
    )
    if code != 0 or not output.is_file():
        raise RuntimeError(f"chromium wrote no screenshot of {url} (status {code})\n{_tail(err)}")
    return output


def _chromium(
    path_or_url: str | os.PathLike,
    action: list[str],
    *,
    timeout: float,
    window_size: tuple[int, int],
    virtual_time_budget_ms: int,
) -> tuple[str, str, int, str]:
    """Run headless Chromium on a page with ``action`` (--dump-dom, --screenshot=...)."""
    url = _as_url(path_or_url)
    chromium = find_chromium()
    if chromium is None:
        raise RuntimeError(
            "no Chromium found: install chromium (e.g. apt-get install chromium) "
            "or set TOPICTAGS_CHROMIUM to a Chrome/Chromium executable"
        )
    with tempfile.TemporaryDirectory(
        prefix="topictags-chromium-", ignore_cleanup_errors=True
    ) as profile:
        cmd = [
            chromium,
            "--headless",
            "--no-sandbox",  # containers and CI runners often lack user namespaces
            "--disable-gpu",
            "--disable-dev-shm-usage",  # small /dev/shm in containers crashes tabs
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--no-first-run",
            "--no-default-browser-check",
            "--mute-audio",
            "--hide-scrollbars",
            f"--window-size={window_size[0]},{window_size[1]}",
            f"--user-data-dir={profile}",
            f"--virtual-time-budget={int(virtual_time_budget_ms)}",
            *action,
            url,
        ]
        out, err, code = _run(cmd, timeout)
    return out, err, code, url


def _run(cmd: list[str], timeout: float) -> tuple[str, str, int]:
    # Chromium forks renderer and utility processes; its own session lets a
    # timeout kill all of them, not only the browser process.
    posix = sys.platform != "win32"
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=posix,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(proc, posix)
        out, err = proc.communicate()
        raise RuntimeError(
            f"chromium did not finish within {timeout} s\n{_tail(err.decode('utf-8', 'replace'))}"
        ) from None
    except BaseException:
        _kill(proc, posix)
        proc.wait()
        raise
    return out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), proc.returncode


def _kill(proc: subprocess.Popen, posix: bool) -> None:
    try:
        if posix:
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    except (ProcessLookupError, PermissionError):
        pass


def _tail(stderr: str, n_lines: int = 15) -> str:
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    if not lines:
        return "(no stderr)"
    return "stderr (last lines):\n" + "\n".join(lines[-n_lines:])
