"""Progress bars for the long steps: cleaning, fitting, comparing.

Where bars show: on a terminal and in a Jupyter notebook (``tqdm.auto``),
never when the output goes to a file, a pipe or a test's captured output
(tqdm's ``disable=None`` hides a bar whose stream is not a terminal). Steps
that finish within ``DELAY`` seconds draw nothing, so a single suggestion or a
small fit stays silent.

What decides, first match wins:

1. a ``progress=`` argument (``compare``, ``TextCleaner.clean_many``...);
2. :func:`show_progress` (also a context manager);
3. the environment variable ``TOPICTAGS_PROGRESS`` (``0``, ``false``, ``off``
   or ``no``: never; ``1``, ``true``, ``on``, ``yes``: even when not a terminal);
4. otherwise: shown on a terminal or in a notebook.

Scikit-learn's NMF has no per-iteration callback, and continuing a fit in
blocks of iterations is not the same computation (its stopping rule compares
each iteration with the first one of the call), so NMF shows one step with its
elapsed time. scikit-learn's batch LDA runs one ``_em_step`` per iteration:
the bar counts those calls on the estimator (the computation is untouched:
the counter calls the method it wraps), and falls back to one step if a
scikit-learn release renames it.

In a notebook the bar is ``tqdm.notebook``'s widget, except that its output is
re-published when it closes: a widget view is blank wherever widgets are not
drawn (``jupyter nbconvert --to html`` without widget state, notebook
viewers), and its text fallback would be the bar as first shown (0 %). The
re-published text reads the final state ("9/9 [00:21<00:00]").
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterable, Iterator
from typing import Any

__all__ = ["DELAY", "ENV", "lda_iterations", "progress_bar", "resolve", "show_progress", "step"]

ENV = "TOPICTAGS_PROGRESS"
DELAY = 1.0  # seconds before a bar appears: quick steps draw nothing
_OFF = {"0", "false", "off", "no"}
_ON = {"1", "true", "on", "yes"}
_setting: list[bool | None] = [None]  # show_progress(); a list so it is set in place


def resolve(progress: bool | None = None) -> bool | None:
    """``True`` (show), ``False`` (hide) or ``None`` (show on a terminal or notebook)."""
    if progress is not None:
        return bool(progress)
    if _setting[0] is not None:
        return _setting[0]
    value = os.environ.get(ENV, "").strip().lower()
    if value in _OFF:
        return False
    if value in _ON:
        return True
    return None


class show_progress(contextlib.AbstractContextManager):
    """Show or hide topictags' progress bars for the process, or within a ``with`` block.

    Parameters
    ----------
    enabled : bool or None
        ``False`` hides every bar, ``True`` shows them even when the output
        is not a terminal, ``None`` restores the default (a terminal or a
        notebook, unless ``TOPICTAGS_PROGRESS`` says otherwise).

    Examples
    --------
    >>> import topictags as tt
    >>> with tt.show_progress(False):      # quiet for this block only
    ...     pass
    >>> _ = tt.show_progress(False)        # quiet from now on
    >>> _ = tt.show_progress(None)         # back to the default
    """

    def __init__(self, enabled: bool | None) -> None:
        self._previous = _setting[0]
        _setting[0] = None if enabled is None else bool(enabled)

    def __exit__(self, *exc_info: object) -> None:
        _setting[0] = self._previous


_NOTEBOOK_BAR = None


def _notebook_bar_class():
    global _NOTEBOOK_BAR
    if _NOTEBOOK_BAR is None:
        import IPython.display
        from tqdm.notebook import tqdm as notebook_tqdm

        class NotebookBar(notebook_tqdm):
            """A tqdm notebook bar displayed with a display id, re-published on close."""

            def __init__(self, *args: Any, **kwargs: Any) -> None:
                self._handle = None
                delay = kwargs.get("delay", 0) or 0
                if delay <= 0:
                    kwargs["display"] = False  # displayed below, with an id
                super().__init__(*args, **kwargs)
                if delay <= 0 and not self.disable and hasattr(self, "container"):
                    self._show()

            def _show(self) -> None:
                self._handle = IPython.display.display(self.container, display_id=True)
                self.displayed = True

            def display(self, *args: Any, check_delay: bool = True, **kwargs: Any):
                # A delayed bar appears on its first update after the delay:
                # shown here, with an id, instead of tqdm's anonymous display.
                if check_delay and self.delay > 0 and not self.displayed:
                    self._show()
                return super().display(*args, check_delay=check_delay, **kwargs)

            def close(self) -> None:
                super().close()
                if self._handle is not None:
                    # the text/plain of the new output is the final meter
                    self._handle.update(self.container)
                    self._handle = None

        _NOTEBOOK_BAR = NotebookBar
    return _NOTEBOOK_BAR


def _bar_class():
    """``tqdm.auto.tqdm``, or in a notebook the bar that ends in its final state."""
    from tqdm.auto import tqdm

    try:
        from tqdm.notebook import tqdm as notebook_tqdm
    except ImportError:  # pragma: no cover - tqdm always ships it
        return tqdm
    if isinstance(tqdm, type) and issubclass(tqdm, notebook_tqdm):
        return _notebook_bar_class()
    return tqdm


def _tqdm(**kwargs: Any):
    tqdm = _bar_class()

    shown = resolve(kwargs.pop("progress", None))
    # disable=None: tqdm hides the bar when its stream is not a terminal;
    # tqdm.auto's notebook bar shows it in Jupyter.
    kwargs.setdefault("delay", DELAY)
    kwargs.setdefault("leave", False)
    kwargs.setdefault("dynamic_ncols", True)
    return tqdm(disable=None if shown is None else not shown, **kwargs)


def progress_bar(
    iterable: Iterable | None = None,
    *,
    total: int | None = None,
    desc: str,
    unit: str = "it",
    progress: bool | None = None,
    leave: bool = False,
):
    """A tqdm bar (see the module docstring for when it shows)."""
    return _tqdm(iterable=iterable, total=total, desc=desc, unit=unit, progress=progress,
                 leave=leave)


@contextlib.contextmanager
def step(desc: str, *, progress: bool | None = None) -> Iterator[Any]:
    """One step with no inner progress to report: its name and a running clock.

    tqdm redraws a bar only when it advances, so a thread redraws this one
    every half second (after ``DELAY``) to keep the elapsed time true.
    """
    bar = _tqdm(total=1, desc=desc, unit="step", progress=progress,
                bar_format="{desc}: {elapsed}{postfix}")
    done = threading.Event()

    def tick() -> None:
        if done.wait(DELAY):
            return
        while not done.is_set():
            bar.refresh()
            done.wait(0.5)

    ticker = None
    if not bar.disable:
        ticker = threading.Thread(target=tick, name="topictags-progress", daemon=True)
        ticker.start()
    try:
        yield bar
        bar.update(1)
    finally:
        done.set()
        if ticker is not None:
            ticker.join()
        bar.close()


@contextlib.contextmanager
def lda_iterations(estimator, desc: str, *, progress: bool | None = None) -> Iterator[Any]:
    """Count scikit-learn LDA's EM iterations on ``estimator`` while its fit runs.

    Yields the bar (its ``n`` is the number of iterations run so far).
    """
    method = getattr(type(estimator), "_em_step", None)
    if method is None:  # another scikit-learn: one step, honestly
        with step(desc, progress=progress) as bar:
            yield bar
        return
    bar = _tqdm(total=estimator.max_iter, desc=desc, unit="iteration", progress=progress)

    def counted(*args: Any, **kwargs: Any):
        result = method(estimator, *args, **kwargs)
        bar.update(1)
        return result

    estimator._em_step = counted  # an instance attribute, shadowing the method
    try:
        yield bar
    finally:
        del estimator._em_step
        bar.close()
