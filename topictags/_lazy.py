"""Names of a package imported on first use (PEP 562), so ``import topictags`` is fast.

``import topictags`` used to import every layer, and with them scikit-learn,
spaCy, pandas, matplotlib and gensim: 2.7 s before ``topictags --help`` could
answer. Each package now lists what it exports and where it lives; the module
holding a name is imported the first time the name is used
(``tt.TopicTagger``, ``from topictags import compare``). The packages also
import their names under ``typing.TYPE_CHECKING``, so type checkers, editors
and the import-layer contract (``lint-imports``) still see every import.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str, exports: Mapping[str, str]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``, whose ``exports`` maps name -> module.

    Modules are relative to ``package`` (``"._topic_tagger"``). A name, once
    imported, is set on the package, so later look-ups are plain attributes.
    """

    def __getattr__(name: str) -> object:
        try:
            module_name = exports[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(module_name, package), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(exports))

    return __getattr__, __dir__
