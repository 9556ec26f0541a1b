"""Saving and loading fitted taggers in a safe, versioned, checksummed format."""

from ._io import FORMAT, FORMAT_VERSION, TRUSTED_TYPES, load, read_manifest, save

__all__ = ["FORMAT", "FORMAT_VERSION", "TRUSTED_TYPES", "load", "read_manifest", "save"]
