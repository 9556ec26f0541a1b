"""One validation layer: parameter constraints, matrices, row normalisation.

Estimators declare their constraints once, as a class attribute
``_constraints`` mapping each constructor parameter to a list of
accepted constraints (any one suffices), and call :func:`validate_params` at
the start of ``fit``. The semantics follow scikit-learn's (private)
``sklearn.utils._param_validation``; this module is the library's own so that
only :mod:`topictags.errors` types are raised, with messages that say what
to pass instead.

Constraints are :class:`Interval`, :class:`Options`, :class:`Pair`, a type
(``str``, ``bool``, ``tuple``...), ``None`` or ``"random_state"``. Functions
check their arguments with the same constraints through :func:`check_value`.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import ParameterError

__all__ = [
    "DOCUMENT_FREQUENCY",
    "Interval",
    "Options",
    "Pair",
    "RealNotInt",
    "as_matrix",
    "check_positive_int",
    "check_value",
    "normalize_rows",
    "scale_to_max",
    "validate_params",
]


class RealNotInt(numbers.Real):
    """Real numbers that are not integers (``0.5``, ``1.0``; not ``1``), for
    parameters where an int and a float mean different things (``min_df``)."""


RealNotInt.register(float)
RealNotInt.register(np.floating)


@dataclass(frozen=True)
class Interval:
    """Numbers of ``kind`` (``numbers.Integral``, ``numbers.Real`` or :class:`RealNotInt`) in
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
        kind = {numbers.Integral: "an integer", RealNotInt: "a float"}.get(self.kind, "a number")
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


@dataclass(frozen=True)
class Pair:
    """A ``(low, high)`` pair of integers with ``minimum <= low <= high``
    (n-gram ranges), as a tuple or a list."""

    minimum: int = 1

    def accepts(self, value: Any) -> bool:
        return (
            isinstance(value, (tuple, list))
            and len(value) == 2
            and all(
                isinstance(v, numbers.Integral) and not isinstance(v, (bool, np.bool_))
                for v in value
            )
            and self.minimum <= value[0] <= value[1]
        )

    def __str__(self) -> str:
        return f"a pair (low, high) of integers with {self.minimum} <= low <= high"


# A vectorizer's min_df/max_df: a number of documents, or a share of them.
DOCUMENT_FREQUENCY: list = [Interval(numbers.Integral, 1, None), Interval(RealNotInt, 0, 1)]


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
        check_value(getattr(estimator, name), name, accepted, owner=type(estimator).__name__)


def check_value(value: Any, name: str, accepted: list, *, owner: str | None = None) -> Any:
    """Check one value (a function's argument) against a list of constraints.

    The same rule and message as :func:`validate_params`, for functions
    whose arguments are not an estimator's parameters.

    Parameters
    ----------
    value : object
    name : str
        The argument's name, for the message.
    accepted : list
        Constraints, any one of which suffices.
    owner : str, optional
        Prefix of the message (the class whose parameter it is).

    Returns
    -------
    object
        ``value``, unchanged.

    Raises
    ------
    ParameterError
        Naming the argument, the value given and what is accepted.

    Examples
    --------
    >>> check_value(5, "n_terms", [Interval(numbers.Integral, 1, None)])
    5
    >>> check_value(None, "k", [Interval(numbers.Integral, 1, None), None])
    >>> check_value(1, "top_n", [Interval(numbers.Integral, 2, None)])
    Traceback (most recent call last):
    ...
    topictags.errors.ParameterError: top_n must be an integer >= 2, got 1
    """
    if any(_accepts(c, value) for c in accepted):
        return value
    wanted = " or ".join(_describe(c) for c in accepted)
    prefix = f"{owner}: " if owner else ""
    raise ParameterError(f"{prefix}{name} must be {wanted}, got {value!r:.80}")


def check_positive_int(value: Any, name: str) -> int:
    """``value`` as an ``int`` if it is an integer >= 1 (not a bool).

    Raises
    ------
    ParameterError
        ``"{name} must be a positive integer, got {value!r}"``.

    Examples
    --------
    >>> check_positive_int(3, "k")
    3
    """
    return int(check_value(value, name, [Interval(numbers.Integral, 1, None)]))


def as_matrix(x: Any, name: str, *, nonnegative: bool = False) -> np.ndarray:
    """A finite, non-empty 2-D float array (sparse input is densified);
    with ``nonnegative``, also no entry below zero (topic weights).

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
    if nonnegative and (arr < 0).any():
        raise ParameterError(f"{name} contains negative values; topic weights must be >= 0")
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
