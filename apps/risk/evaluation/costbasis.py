"""Average-cost basis of spot holdings from stored fills (plain Python, no Django).

A spot holding is known from the balances; its cost only from the fills we stored, which may
start after the holding was built. The part held before the first stored fill (the opening lot)
is carried at an assumed price the caller chooses (docs/risk-methodology.md, "How the snapshot
is built"), and the result says so. Fees are not part of the cost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

_DUST = 1e-12


@dataclass(frozen=True)
class SpotFill:
    """A spot fill: size signed in base units (buy > 0), price in quote per base unit."""

    timestamp: float
    size: float
    price: float


@dataclass(frozen=True)
class CostBasis:
    """avg_entry: quote per base unit; realized_today: quote units realized by sells stamped at
    or after the day start; assumed: the opening lot's cost was assumed, not known."""

    avg_entry: float
    realized_today: float
    assumed: bool


def average_cost(
    holding: float, fills: Sequence[SpotFill], day_start: float, opening_price: float
) -> CostBasis:
    """Replay `fills` (ascending time) over the opening lot `holding - sum(fill sizes)`.

    A buy moves the average toward its price; a sell realizes (price - average) on what is
    held and leaves the average unchanged. A negative opening lot (units left by transfer, not
    by trade) is taken as 0, so a sell never realizes on units we did not hold.
    """
    opening = holding - sum(fill.size for fill in fills)
    if abs(opening) <= _DUST * max(abs(holding), 1.0):
        opening = 0.0  # float noise of the sum, not a lot
    qty = max(opening, 0.0)
    avg = opening_price
    realized = 0.0
    for fill in fills:
        if fill.size > 0:
            avg = (qty * avg + fill.size * fill.price) / (qty + fill.size)
            qty += fill.size
            continue
        sold = min(-fill.size, qty)
        if fill.timestamp >= day_start:
            realized += (fill.price - avg) * sold
        qty -= sold
    return CostBasis(avg_entry=avg, realized_today=realized, assumed=opening > 0 or not fills)
