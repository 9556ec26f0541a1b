"""Input checks shared by the pages and the charts."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["as_matrix"]


def as_matrix(x: Any, name: str) -> np.ndarray:
    """A finite, non-empty 2-D float array (sparse input is densified)."""
    if hasattr(x, "toarray"):
        x = x.toarray()
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a numeric 2-D array: {exc}") from None
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 2-D, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape})")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    return arr
