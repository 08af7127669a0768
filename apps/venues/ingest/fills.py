"""Which symbols' fills to read this cycle.

Reading trades costs request weight per symbol (Binance: 20 for spot), so we read them when
something says a fill may have happened: first contact, a moved balance of the symbol's assets,
a moved position, an order that appeared, vanished or filled more; and at least every
``fills_sweep_seconds`` anyway. Reads start a minute before the cursor: overlap is free (fills
are unique) and covers trades the venue published late.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from apps.venues.ingest.plan import AccountPlan, InstrumentRef, PreviousState, VenuePlan
from riskmonitor.lib.venue_rows import BalanceRow, OrderRow, PositionRow

OVERLAP_MS = 60_000


def _rows(outcomes: Iterable[object], endpoint: str) -> list[object]:
    found: list[object] = []
    for o in outcomes:
        if getattr(o, "endpoint", None) == endpoint and getattr(o, "pulled", None) is not None:
            found.extend(o.pulled.rows)  # type: ignore[attr-defined]
    return found


def _moved_assets(prev: PreviousState, balances: list[BalanceRow]) -> set[str]:
    now = {(b.wallet, b.asset): b.total for b in balances}
    keys = set(now) | set(prev.balances)
    return {
        asset
        for (wallet, asset) in keys
        if now.get((wallet, asset), Decimal(0)) != prev.balances.get((wallet, asset), Decimal(0))
    }


def _moved_symbols(
    prev: PreviousState, positions: list[PositionRow], orders: list[OrderRow]
) -> set[str]:
    moved = set()
    now_pos = {p.venue_symbol: p.contracts for p in positions}
    for symbol in set(now_pos) | set(prev.positions):
        if now_pos.get(symbol, Decimal(0)) != prev.positions.get(symbol, Decimal(0)):
            moved.add(symbol)
    now_orders = {o.order_id: (o.venue_symbol, o.filled) for o in orders}
    for order_id in set(now_orders) | set(prev.orders):
        before, after = prev.orders.get(order_id), now_orders.get(order_id)
        if before != after:
            moved.add((after or before)[0])  # type: ignore[index]
    return moved


def fills_due(
    plan: VenuePlan, acct: AccountPlan, outcomes: Sequence[object], symbols: list[InstrumentRef]
) -> list[tuple[str, int]]:
    """(venue symbol, read-from ms) for every symbol whose fills should be read now."""
    balances = [r for r in _rows(outcomes, "balances") if isinstance(r, BalanceRow)]
    positions = [r for r in _rows(outcomes, "positions") if isinstance(r, PositionRow)]
    orders = [r for r in _rows(outcomes, "orders") if isinstance(r, OrderRow)]
    prev = acct.previous
    assets = _moved_assets(prev, balances) if prev else set()
    moved = _moved_symbols(prev, positions, orders) if prev else set()
    wallet_moved = acct.market == "futures" and bool(assets)  # fees and P&L land in the wallet
    backfill_from = plan.now_ms - plan.backfill_fills_hours * 3_600_000 + 1  # whole windows
    due = []
    for ref in symbols:
        cursor = acct.cursors.get(ref.venue_symbol)
        if cursor is None:
            due.append((ref.venue_symbol, backfill_from))
            continue
        read_until, swept_at = cursor
        stale = plan.now_ms - swept_at >= plan.fills_sweep_seconds * 1000
        touched = (
            ref.venue_symbol in moved
            or wallet_moved
            or (acct.market == "spot" and ({ref.base, ref.quote} & assets))
        )
        if prev is None or stale or touched:
            due.append((ref.venue_symbol, max(backfill_from, read_until - OVERLAP_MS)))
    return due
