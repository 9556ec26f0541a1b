"""Progress bars that leave a readable trace in an exported notebook.

``tqdm.auto`` draws an ipywidgets bar in a notebook. Its output is a widget
view, blank wherever widgets are not drawn (``jupyter nbconvert --to html``
without widget state, notebook viewers), and its text fallback is the bar as
it was when first shown: 0 %. :func:`progress_bar` is ``tqdm.auto.tqdm``
except that, in a notebook, the bar's output is updated when it closes, so
the text fallback reads the final state ("9/9 [00:21<00:00]"). In a terminal
or a log it is tqdm's text bar, unchanged.
"""

from __future__ import annotations

from typing import Any

__all__ = ["progress_bar"]

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
                    self._handle = IPython.display.display(self.container, display_id=True)
                    self.displayed = True

            def close(self) -> None:
                super().close()
                if self._handle is not None:
                    # the text/plain of the new output is the final meter
                    self._handle.update(self.container)
                    self._handle = None

        _NOTEBOOK_BAR = NotebookBar
    return _NOTEBOOK_BAR


def progress_bar(*args: Any, **kwargs: Any):
    """``tqdm.auto.tqdm(*args, **kwargs)``, whose notebook output ends in its final state."""
    from tqdm.auto import tqdm

    try:
        from tqdm.notebook import tqdm as notebook_tqdm
    except ImportError:  # pragma: no cover - tqdm always ships it
        return tqdm(*args, **kwargs)
    if isinstance(tqdm, type) and issubclass(tqdm, notebook_tqdm):
        return _notebook_bar_class()(*args, **kwargs)
    return tqdm(*args, **kwargs)
