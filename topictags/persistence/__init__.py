"""Saving and loading fitted taggers in a safe, versioned, checksummed format."""

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:  # what the names are, for type checkers and lint-imports
    from ._io import FORMAT, FORMAT_VERSION, TRUSTED_TYPES, load, read_manifest, save

__all__ = ["FORMAT", "FORMAT_VERSION", "TRUSTED_TYPES", "load", "read_manifest", "save"]

# Imported on first use (topictags/_lazy.py): `import topictags` stays fast.
__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "FORMAT": "._io",
        "FORMAT_VERSION": "._io",
        "TRUSTED_TYPES": "._io",
        "load": "._io",
        "read_manifest": "._io",
        "save": "._io",
    },
)
