"""One validation layer: parameter constraints, matrices, row normalisation.

Estimators declare their constraints once, as a class attribute
``_constraints`` mapping each constructor parameter to a list of
accepted constraints (any one suffices), and call :func:`validate_params` at
the start of ``fit``. The semantics follow scikit-learn's (private)
``sklearn.utils._param_validation``; this module is the library's own so that
only :mod:`topictags.errors` types are raised, with messages that say what
to pass instead.

Constraints are :class:`Interval`, :class:`Options`, a type (``str``,
``bool``, ``tuple``...), ``None`` or ``"random_state"``.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import ParameterError

__all__ = [
    "Interval",
    "Options",
    "as_matrix",
    "normalize_rows",
    "scale_to_max",
    "validate_params",
]


@dataclass(frozen=True)
class Interval:
    """Numbers of ``kind`` (``numbers.Integral`` or ``numbers.Real``) in
    ``[left, right]`` (``None``: unbounded); ``closed`` is one of
    ``"both"``, ``"left"``, ``"right"``, ``"neither"``."""

    kind: type
    left: float | None
    right: float | None
    closed: str = "both"

    def accepts(self, value: Any) -> bool:
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, self.kind):
            return False
        if isinstance(value, numbers.Real) and np.isnan(value):
            return False
        open_left = self.closed in ("right", "neither")
        open_right = self.closed in ("left", "neither")
        if self.left is not None and (value < self.left or (value == self.left and open_left)):
            return False
        return self.right is None or not (
            value > self.right or (value == self.right and open_right)
        )

    def __str__(self) -> str:
        kind = "an integer" if self.kind is numbers.Integral else "a number"
        if self.kind is numbers.Integral and self.right is None and self.closed == "both":
            if self.left == 1:
                return "a positive integer"
            if self.left == 0:
                return "a non-negative integer"
        if self.left is not None and self.right is not None:
            lo = "[" if self.closed in ("both", "left") else "("
            hi = "]" if self.closed in ("both", "right") else ")"
            return f"{kind} in {lo}{self.left}, {self.right}{hi}"
        if self.left is not None:
            op = ">=" if self.closed in ("both", "left") else ">"
            return f"{kind} {op} {self.left}"
        if self.right is not None:
            op = "<=" if self.closed in ("both", "right") else "<"
            return f"{kind} {op} {self.right}"
        return kind


@dataclass(frozen=True)
class Options:
    """One of a fixed set of values (``Options(("nmf", "lda"))``)."""

    values: tuple

    def accepts(self, value: Any) -> bool:
        try:
            return value in self.values
        except TypeError:  # unhashable or uncomparable values are not options
            return False

    def __str__(self) -> str:
        return "one of " + ", ".join(repr(v) for v in self.values)


def _accepts(constraint: Any, value: Any) -> bool:
    if constraint is None:
        return value is None
    if constraint == "random_state":
        return value is None or (
            isinstance(value, (numbers.Integral, np.random.RandomState))
            and not isinstance(value, (bool, np.bool_))
        )
    if isinstance(constraint, type):
        if constraint is bool:
            return isinstance(value, (bool, np.bool_))
        return isinstance(value, constraint)
    return constraint.accepts(value)


def _describe(constraint: Any) -> str:
    if constraint is None:
        return "None"
    if constraint == "random_state":
        return "an integer seed or None"
    if isinstance(constraint, type):
        return {bool: "True or False", str: "a string", tuple: "a tuple"}.get(
            constraint, f"a {constraint.__name__}"
        )
    return str(constraint)


def validate_params(estimator: Any, constraints: Mapping[str, list] | None = None) -> None:
    """Check an estimator's parameters against its declared constraints.

    Parameters
    ----------
    estimator : object
        Has the parameters as attributes (as every scikit-learn estimator).
    constraints : mapping, optional
        Parameter name -> list of constraints; defaults to the estimator's
        ``_constraints``.

    Raises
    ------
    ParameterError
        Naming the parameter, the value given and what is accepted.

    Examples
    --------
    >>> class Model:
    ...     _constraints = {"n": [Interval(numbers.Integral, 1, None)]}
    ...     n = 0
    >>> validate_params(Model())
    Traceback (most recent call last):
    ...
    topictags.errors.ParameterError: Model: n must be a positive integer, got 0
    """
    if constraints is None:
        constraints = getattr(type(estimator), "_constraints", {})
    for name, accepted in constraints.items():
        value = getattr(estimator, name)
        if any(_accepts(c, value) for c in accepted):
            continue
        wanted = " or ".join(_describe(c) for c in accepted)
        raise ParameterError(
            f"{type(estimator).__name__}: {name} must be {wanted}, got {value!r:.80}"
        )


def check_pair(value: Any, name: str, *, minimum: int = 1) -> tuple[int, int]:
    """An ``(low, high)`` pair of integers with ``minimum <= low <= high``
    (n-gram ranges)."""
    ok = (
        isinstance(value, (tuple, list))
        and len(value) == 2
        and all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in value)
        and minimum <= value[0] <= value[1]
    )
    if not ok:
        raise ParameterError(
            f"{name} must be a pair (low, high) of integers with {minimum} <= low <= high, "
            f"got {value!r:.60}"
        )
    return int(value[0]), int(value[1])


def as_matrix(x: Any, name: str) -> np.ndarray:
    """A finite, non-empty 2-D float array (sparse input is densified).

    Raises
    ------
    ParameterError
        Naming the argument and what is wrong with it.
    """
    if hasattr(x, "toarray"):
        x = x.toarray()
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"{name} must be a numeric 2-D array: {exc}") from None
    if arr.ndim != 2:
        raise ParameterError(f"{name} must be 2-D, got shape {arr.shape}")
    if arr.size == 0:
        raise ParameterError(f"{name} is empty (shape {arr.shape})")
    if not np.isfinite(arr).all():
        raise ParameterError(f"{name} contains NaN or infinite values")
    return arr


def normalize_rows(matrix: Any) -> np.ndarray:
    """Rows scaled to sum to one; all-zero rows stay zero.

    Examples
    --------
    >>> normalize_rows([[1.0, 3.0], [0.0, 0.0]])
    array([[0.25, 0.75],
           [0.  , 0.  ]])
    """
    matrix = np.asarray(matrix, dtype=np.float64)
    totals = matrix.sum(axis=1, keepdims=True)
    return np.divide(matrix, totals, out=np.zeros_like(matrix), where=totals > 0)


def scale_to_max(matrix: Any) -> np.ndarray:
    """The matrix divided by its largest entry (unchanged if that is not > 0).

    Examples
    --------
    >>> scale_to_max([[2.0, 0.0], [1.0, 4.0]])
    array([[0.5 , 0.  ],
           [0.25, 1.  ]])
    """
    matrix = np.asarray(matrix, dtype=np.float64)
    top = matrix.max() if matrix.size else 0.0
    return matrix / top if top > 0 else matrix
