"""Position rows from stored venue data (plain Python over the selectors' tuples): spot
holdings of exchange spot accounts with their average cost (`costbasis`), and futures
position lines with the venue-reported realized P&L of today."""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence

from apps.risk.evaluation.columns import PositionColumns
from apps.risk.evaluation.config import NUMERAIRE
from apps.risk.evaluation.costbasis import CostBasis, SpotFill, average_cost
from apps.risk.evaluation.history_cache import Closes
from apps.risk.evaluation.load_context import LoadContext
from apps.risk.selectors import sources
from apps.risk.selectors.sources import SECONDS_PER_DAY, AccountRef
from riskmonitor.engine import Kind


def spot_rows(
    ctx: LoadContext,
    accounts: Sequence[AccountRef],
    balances: Iterable[tuple[int, str, str, float]],
    by_snapshot: dict[int, AccountRef],
    closes: dict[str, Closes],
) -> PositionColumns:
    """A spot row per (exchange spot account, non-cash asset held or traded today)."""
    spot = {a.id: a for a in accounts if a.market == "spot" and a.venue_kind == "exchange"}
    held = _spot_holdings(ctx, balances, by_snapshot, spot)
    bases = _spot_cost_bases(ctx, held, _spot_fills(spot), closes)
    sized = [(key, held.get(key, 0.0), basis) for key, basis in bases.items()]
    ctx.notes.cost_basis_assumed.extend(
        f"{spot[key[0]].name}:{key[1]}" for key, size, basis in sized if basis.assumed and size
    )
    kept = [row for row in sized if row[1] != 0 or row[2].realized_today != 0]
    return PositionColumns.of(
        [spot[key[0]] for key, _, _ in kept], [key[1] for key, _, _ in kept], Kind.SPOT,
        [size for _, size, _ in kept], [max(basis.avg_entry, 0.0) for _, _, basis in kept],
        realized_today=[basis.realized_today for _, _, basis in kept],
    )  # fmt: skip


def _spot_fills(spot: dict[int, AccountRef]) -> dict[tuple[int, str], list[SpotFill]]:
    """The stored spot fills per (account, canonical symbol), in time order; buys > 0."""
    fills: dict[tuple[int, str], list[SpotFill]] = defaultdict(list)
    for account_id, symbol, side, amount, price, at in sources.spot_fills(list(spot)):
        size = amount if side == "buy" else -amount
        fills[(account_id, symbol)].append(SpotFill(at, size, price))
    return fills


def _spot_cost_bases(
    ctx: LoadContext,
    held: dict[tuple[int, str], float],
    fills: dict[tuple[int, str], list[SpotFill]],
    closes: dict[str, Closes],
) -> dict[tuple[int, str], CostBasis]:
    """Average cost and realized today per (account, symbol) held or traded, in key order."""
    today = ctx.day_start.timestamp()
    traded = {k for k in fills if k[1].endswith(f"-{NUMERAIRE}") and not _cash_symbol(ctx, k[1])}
    # Without stored fills the whole holding is the opening lot (what average_cost returns),
    # and its opening price depends on the symbol only: one basis per symbol.
    unfilled: dict[str, CostBasis] = {}

    def basis(key: tuple[int, str]) -> CostBasis:
        trades = fills.get(key)
        if trades:
            opening = _opening_price(key[1], trades, closes, ctx)
            return average_cost(held.get(key, 0.0), trades, today, opening)
        if key[1] not in unfilled:
            unfilled[key[1]] = CostBasis(_opening_price(key[1], [], closes, ctx), 0.0, True)
        return unfilled[key[1]]

    return {key: basis(key) for key in sorted({*held, *traded})}


def _spot_holdings(
    ctx: LoadContext,
    balances: Iterable[tuple[int, str, str, float]],
    by_snapshot: dict[int, AccountRef],
    spot: dict[int, AccountRef],
) -> dict[tuple[int, str], float]:
    """Spot-wallet units per (spot account, `ASSET-USD`), cash assets left out. One line per
    key: an account has one latest snapshot, a snapshot one line per (wallet, asset)."""
    spot_snapshots = {s: a.id for s, a in by_snapshot.items() if a.id in spot}
    lines = [(spot_snapshots[s], asset, total) for s, wallet, asset, total in balances
             if wallet == "spot" and s in spot_snapshots]  # fmt: skip
    symbol_of = {
        asset: None if ctx.settings.is_cash(asset) else f"{asset}-{NUMERAIRE}"
        for asset in {asset for _, asset, _ in lines}
    }
    return {
        (account_id, symbol): total
        for account_id, asset, total in lines
        if (symbol := symbol_of[asset]) is not None
    }


def _cash_symbol(ctx: LoadContext, symbol: str) -> bool:
    return ctx.settings.is_cash(symbol.split("-")[0])


def _opening_price(
    symbol: str,
    fills: Sequence[SpotFill],
    closes: dict[str, Closes],
    ctx: LoadContext,
) -> float:
    """The assumed cost of the lot held before the first stored fill: the daily close of the
    day before that fill (with no fills, the last completed close); else the first fill's
    price; else the best-ranked current quote; else 0 (the symbol has no price at all, so
    its P&L is not computed anyway)."""
    days, series = closes[symbol][:2] if symbol in closes else ([], [])
    day = int(fills[0].timestamp) // SECONDS_PER_DAY if fills else 1 << 40
    index = bisect.bisect_left(days, day)
    if index > 0:
        return series[index - 1]
    if fills:
        return fills[0].price
    best = ctx.best_price(symbol)
    return 0.0 if best is None else best


def _venue_mark(mark: float) -> float:
    # a line stored without a usable mark (0) is valued at the headline mark instead
    return mark if mark > 0 else math.nan


def derivative_rows(
    ctx: LoadContext,
    accounts: Sequence[AccountRef],
    lines: Sequence[tuple[int, str, str, float, float, float, float]],
    by_snapshot: dict[int, AccountRef],
) -> PositionColumns:
    """A derivative row per futures position line, valued at the mark the venue reported with
    it (its margin engine's, so the row's unrealized P&L is the venue's), plus a size-0 row per
    (account, instrument) closed today with realized P&L (so realized today is not lost).
    Realized P&L is matched per instrument (account, venue symbol), not per canonical symbol."""
    futures = {a.id: a for a in accounts if a.market == "futures"}
    realized = sources.derivative_realized_since(list(futures), ctx.day_start)
    # In line order, so unmapped symbols are noted in the order they appear.
    canonical = {raw: ctx.canonical(raw) for raw in dict.fromkeys(line[1] for line in lines)}
    kept = [
        (
            by_snapshot[s],
            symbol,
            raw,
            venue_symbol,
            contracts,
            contract_size,
            entry,
            _venue_mark(mark),
        )
        for s, raw, venue_symbol, contracts, contract_size, entry, mark in lines
        if (symbol := canonical[raw]) is not None and not contract_size <= 0
    ]
    owners, symbols, raws, venue_symbols, contracts, contract_sizes, entries, marks = (
        (list(c) for c in zip(*kept, strict=True)) if kept else ([], [], [], [], [], [], [], [])
    )
    # Most cycles have no realized P&L yet: no lookup per line then.
    keys = (
        [(o.id, v, raw) for o, v, raw in zip(owners, venue_symbols, raws, strict=True)]
        if realized else []
    )  # fmt: skip
    rows = PositionColumns.of(
        owners, symbols, Kind.DERIVATIVE, contracts, entries, contract_sizes,
        [realized.get(key, 0.0) for key in keys] if realized else [0.0] * len(kept),
        marks,
    )  # fmt: skip
    seen = set(keys)
    closed = [
        (futures[account_id], symbol, amount)
        for (account_id, venue_symbol, raw_symbol), amount in sorted(realized.items())
        if (symbol := ctx.canonical(raw_symbol)) is not None
        and (account_id, venue_symbol, raw_symbol) not in seen and account_id in futures
    ]  # fmt: skip
    rows.extend(PositionColumns.of(
        [c[0] for c in closed], [c[1] for c in closed], Kind.DERIVATIVE, [0.0] * len(closed),
        [0.0] * len(closed), realized_today=[c[2] for c in closed],
    ))  # fmt: skip
    return rows
