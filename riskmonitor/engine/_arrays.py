"""Array aliases and the validation helpers every input type uses.

The engine works in float64 arrays for speed (money at the edges is Decimal; see STYLE).
Input arrays are copied and made read-only so a frozen dataclass is frozen all the way down.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

NO_INDEX = -1  # "no such row" in an index column (e.g. the numeraire has no price symbol)


def frozen(array: NDArray[np.generic]) -> NDArray[np.generic]:
    """Mark an array read-only in place and return it."""
    array.flags.writeable = False
    return array


def float_column(name: str, values: ArrayLike, length: int | None = None) -> FloatArray:
    """A finite float64 copy of `values`, read-only; ValueError naming `name` otherwise."""
    array = np.array(values, dtype=np.float64, copy=True).reshape(-1)
    _check_length(name, array, length)
    if not np.isfinite(array).all():
        raise ValueError(f"{name}: values must be finite (no NaN or infinity)")
    return frozen(array)  # type: ignore[return-value]


def index_column(name: str, values: ArrayLike, upper: int, length: int | None = None) -> IntArray:
    """An int64 copy of `values` with every entry in [0, upper), read-only."""
    return _bounded_index(name, values, 0, upper, length)


def optional_index_column(
    name: str, values: ArrayLike, upper: int, length: int | None = None
) -> IntArray:
    """Like `index_column` but NO_INDEX (-1) is allowed."""
    return _bounded_index(name, values, NO_INDEX, upper, length)


def bool_column(name: str, values: ArrayLike, length: int | None = None) -> BoolArray:
    array = np.array(values, dtype=np.bool_, copy=True).reshape(-1)
    _check_length(name, array, length)
    return frozen(array)  # type: ignore[return-value]


def name_table(name: str, values: Sequence[str]) -> tuple[str, ...]:
    """A tuple of unique, non-empty names."""
    names = tuple(str(value) for value in values)
    if any(not value for value in names):
        raise ValueError(f"{name}: names must be non-empty")
    if len(set(names)) != len(names):
        raise ValueError(f"{name}: names must be unique")
    return names


def _bounded_index(
    name: str, values: ArrayLike, lower: int, upper: int, length: int | None
) -> IntArray:
    raw = np.array(values, copy=True).reshape(-1)
    if raw.size and not np.issubdtype(raw.dtype, np.integer):
        raise ValueError(f"{name}: indices must be integers")
    array = raw.astype(np.int64)
    _check_length(name, array, length)
    if array.size and (array.min() < lower or array.max() >= upper):
        raise ValueError(f"{name}: index out of range [{lower}, {upper})")
    return frozen(array)  # type: ignore[return-value]


def _check_length(name: str, array: NDArray[np.generic], length: int | None) -> None:
    if length is not None and array.shape[0] != length:
        raise ValueError(f"{name}: expected {length} values, got {array.shape[0]}")
