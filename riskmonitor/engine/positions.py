"""Cross-venue netting: net size per canonical symbol and its per-venue breakdown.

A "leg" is anything that holds base units of a symbol: a position row (spot holdings in base
units, derivatives in contracts * multiplier) or a custodian balance (asset X counts toward
`X-USD` after aliases, as the brief's aggregator does). Exchange balances are not legs: the
exchange's spot holdings already arrive as spot position rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from riskmonitor.engine._arrays import NO_INDEX, FloatArray, IntArray
from riskmonitor.engine.inputs import Book


@dataclass(frozen=True)
class Legs:
    """Base-unit quantities per (symbol, venue) source row; `size` signed, base units."""

    symbol: IntArray
    venue: IntArray
    size: FloatArray


@dataclass(frozen=True)
class VenueCells:
    """Net size per touched (symbol, venue) cell, summed over accounts."""

    symbol: IntArray
    venue: IntArray
    size: FloatArray


def position_legs(book: Book) -> Legs:
    """Position rows and custodian holdings as legs."""
    custodian = book.venue_is_custodian[book.bal_venue]
    held_symbol = book.asset_position_symbol[book.bal_asset]
    counts = custodian & (held_symbol != NO_INDEX)
    return Legs(
        symbol=np.concatenate([book.pos_symbol, held_symbol[counts]]),
        venue=np.concatenate([book.pos_venue, book.bal_venue[counts]]),
        size=np.concatenate([book.pos_size * book.pos_multiplier, book.bal_amount[counts]]),
    )


def net_sizes(legs: Legs, n_symbols: int) -> FloatArray:
    """Net base units per symbol: the plain sum of every leg's signed size."""
    return np.bincount(legs.symbol, weights=legs.size, minlength=n_symbols)


DENSE_CELLS_MAX = 4_000_000  # above this a (symbol x venue) grid costs more than a sort


def venue_cells(legs: Legs, n_symbols: int, n_venues: int) -> VenueCells:
    """Sum legs per (symbol, venue); keep every cell a leg touched, ordered by symbol, venue."""
    code = legs.symbol * n_venues + legs.venue
    if n_symbols * n_venues <= DENSE_CELLS_MAX:
        touched = np.bincount(code, minlength=n_symbols * n_venues)
        cells = np.flatnonzero(touched)
        size = np.bincount(code, weights=legs.size, minlength=n_symbols * n_venues)[cells]
    else:
        cells, inverse = np.unique(code, return_inverse=True)
        size = np.bincount(inverse, weights=legs.size, minlength=cells.shape[0])
    return VenueCells(symbol=cells // n_venues, venue=cells % n_venues, size=size)
