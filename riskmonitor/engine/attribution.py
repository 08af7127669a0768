"""Performance attribution: P&L (unrealized + realized today, USD) by strategy, venue, symbol.

Rows without a mark contribute their realized P&L only and mark their group incomplete.
Custodian holdings carry no cost basis, so they have no P&L to attribute.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from riskmonitor.engine._arrays import BoolArray, FloatArray, IntArray
from riskmonitor.engine.inputs import Book
from riskmonitor.engine.outputs import Attribution, PnlTable

PAIR_SEPARATOR = "|"  # between venue and symbol in the names of ``by_venue_symbol``


@dataclass(frozen=True)
class GroupPnl:
    """Full-length arrays over a name table (USD); `rows` counts the rows of each group."""

    unrealized: FloatArray
    realized: FloatArray
    complete: BoolArray
    rows: IntArray

    @property
    def total(self) -> FloatArray:
        total: FloatArray = self.unrealized + self.realized
        return total


def group_pnl(keys: IntArray, n: int, unrealized: FloatArray, realized: FloatArray) -> GroupPnl:
    """Sum row P&L per group; NaN unrealized rows are left out and make the group incomplete."""
    missing = np.bincount(keys, weights=np.isnan(unrealized), minlength=n)
    return GroupPnl(
        unrealized=np.bincount(keys, weights=np.nan_to_num(unrealized, nan=0.0), minlength=n),
        realized=np.bincount(keys, weights=realized, minlength=n),
        complete=missing == 0,
        rows=np.bincount(keys, minlength=n),
    )


def pnl_table(names: tuple[str, ...], groups: GroupPnl) -> PnlTable:
    """The groups that have rows, as a table."""
    keep = np.flatnonzero(groups.rows > 0)
    return PnlTable(
        names=tuple(names[i] for i in keep.tolist()),
        unrealized_pnl=groups.unrealized[keep],
        realized_today=groups.realized[keep],
        total_pnl=groups.total[keep],
        complete=groups.complete[keep],
    )


def attribution(book: Book, unrealized: FloatArray, by_symbol: GroupPnl) -> Attribution:
    realized = book.pos_realized_today

    def table(keys: IntArray, names: tuple[str, ...]) -> PnlTable:
        return pnl_table(names, group_pnl(keys, len(names), unrealized, realized))

    pairs = tuple(
        f"{venue}{PAIR_SEPARATOR}{symbol}" for venue in book.venues for symbol in book.symbols
    )
    return Attribution(
        by_strategy=table(book.pos_strategy, book.strategies),
        by_venue=table(book.pos_venue, book.venues),
        by_symbol=pnl_table(book.symbols, by_symbol),
        # Row-major over (venue, symbol): key venue * n_symbols + symbol.
        by_venue_symbol=table(book.pos_venue * len(book.symbols) + book.pos_symbol, pairs),
    )
