"""Stored venue data -> engine inputs, in two stages the service times apart:

- `load_sources` reads the latest snapshot of every source (a few queries, plain tuples) and
  maps it to the engine's row types: spot holdings become spot position rows (cost from
  `costbasis`) and balances, futures positions derivative rows, prices candidate quotes;
- `build_inputs` turns the rows into `EngineInputs` with the engine's builders.

Nothing unknown is valued silently: what had to be assumed or left out is listed in `Notes`.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from apps.risk.columns import PositionColumns, book_from_columns, marks_from_quotes
from apps.risk.costbasis import CostBasis, SpotFill, average_cost
from apps.risk.equity import (
    STATE_LAG_SECONDS,
    CarriedState,
    EquityHistory,
    equity_series,
    path_samples,
    transfers_since,
)
from apps.risk.history_cache import Closes, daily_closes_cached
from apps.risk.selectors import sources
from apps.risk.selectors.sources import SECONDS_PER_DAY, AccountRef, PriceRef
from apps.risk.settings import NUMERAIRE, PAR_SOURCE, RiskSettings
from riskmonitor.engine import (
    BalanceRow,
    EngineInputs,
    History,
    Kind,
    MarketRow,
    PriceHistory,
    QuoteRow,
    build_market_info,
    canonical_symbol,
)


@dataclass
class Notes:
    """What the loader assumed or could not use (also in the snapshot's figures)."""

    cost_basis_assumed: list[str] = field(default_factory=list)
    unmapped_symbols: list[str] = field(default_factory=list)
    unpriced_transfers: list[str] = field(default_factory=list)
    missing_accounts: list[str] = field(default_factory=list)
    open_orders: dict[str, int] = field(default_factory=dict)
    history_instruments: dict[str, str] = field(default_factory=dict)

    def flags(self) -> list[str]:
        named = {
            "cost_basis_assumed": self.cost_basis_assumed,
            "unmapped_symbols": self.unmapped_symbols,
            "unpriced_transfers": self.unpriced_transfers,
            "missing_account_snapshot": self.missing_accounts,
        }
        return [flag for flag, items in named.items() if items]


@dataclass(frozen=True)
class SourceData:
    """Everything one evaluation read, as engine rows. Times are POSIX seconds (UTC)."""

    as_of: float
    day_start: float
    positions: PositionColumns
    balances: list[BalanceRow]
    custodians: tuple[str, ...]
    quotes: list[QuoteRow]
    first_day: int
    days: int
    closes: dict[str, Closes]
    equity: list[tuple[float, float]]  # the path samples (apps.risk.equity)
    equity_state: CarriedState | None
    transfers: list[tuple[float, float]]
    market: dict[str, MarketRow]
    input_as_of: dict[str, str | None]
    stale_sources: list[dict[str, Any]]
    notes: Notes


@dataclass
class _Context:
    settings: RiskSettings
    as_of: datetime
    day_start: datetime
    notes: Notes = field(default_factory=Notes)
    _canonical: dict[str, str | None] = field(default_factory=dict)

    def rank(self, venue: str) -> tuple[int, str]:
        order = self.settings.pricing_order
        return (order.index(venue) if venue in order else len(order), venue)

    def canonical(self, symbol: str) -> str | None:
        if symbol not in self._canonical:
            try:
                self._canonical[symbol] = canonical_symbol(symbol, self.settings.asset_aliases)
            except ValueError:
                self.notes.unmapped_symbols.append(symbol)
                self._canonical[symbol] = None
        return self._canonical[symbol]


def load_sources(*, portfolio_id: int, as_of: datetime, settings: RiskSettings) -> SourceData:
    """Read and map the portfolio's latest stored data (see the module docstring)."""
    day_start = as_of.replace(hour=0, minute=0, second=0, microsecond=0)
    ctx = _Context(settings=settings, as_of=as_of, day_start=day_start)
    accounts = sources.portfolio_accounts(portfolio_id)
    by_snapshot = {a.snapshot_id: a for a in accounts if a.snapshot_id is not None}
    ctx.notes.missing_accounts = [a.name for a in accounts if a.snapshot_id is None]
    balance_raw = sources.balance_lines(list(by_snapshot))
    position_raw = sources.position_lines(list(by_snapshot))
    orders = sources.open_order_counts(list(by_snapshot))
    ctx.notes.open_orders = {by_snapshot[s].name: n for s, n in orders.items()}
    prices = sources.latest_prices()
    history = _history_instruments(ctx, prices)
    end_day = int(day_start.timestamp()) // SECONDS_PER_DAY
    first_day = end_day - (settings.var_lookback_days + 1)
    by_instrument = daily_closes_cached([p.instrument_id for p in history.values()],
                                         first_day, end_day)  # fmt: skip
    closes = {s: by_instrument[p.instrument_id] for s, p in history.items()
              if p.instrument_id in by_instrument}  # fmt: skip
    quotes = _quotes(ctx, prices)
    positions = _spot_rows(ctx, accounts, balance_raw, by_snapshot, closes, quotes)
    positions.extend(_derivative_rows(ctx, accounts, position_raw, by_snapshot))
    equity_read = _equity_history(portfolio_id, as_of, day_start)
    equity = path_samples(equity_read)
    since = datetime.fromtimestamp(transfers_since(equity, day_start.timestamp()), tz=UTC)
    ids = [a.id for a in accounts]
    statuses = sources.source_statuses(sorted({a.venue for a in accounts}))
    input_as_of = _input_as_of(accounts, prices, statuses)
    return SourceData(
        as_of=as_of.timestamp(), day_start=day_start.timestamp(), positions=positions,
        balances=_balance_rows(balance_raw, by_snapshot),
        custodians=tuple(sorted({a.venue for a in accounts if a.venue_kind == "custodian"})),
        quotes=quotes, first_day=first_day, days=end_day - first_day, closes=closes,
        equity=equity, equity_state=equity_read.state,
        transfers=_transfers(ctx, sources.external_transfers(ids, since), quotes),
        market=_market_rows(history), input_as_of=input_as_of,
        stale_sources=_stale(input_as_of, as_of, settings.staleness_seconds),
        notes=ctx.notes,
    )  # fmt: skip


def build_inputs(data: SourceData, settings: RiskSettings) -> EngineInputs:
    """`EngineInputs` from the loaded rows; closes go straight into a matrix (no per-day
    Python loop), aligned with the book's symbols."""
    book = book_from_columns(
        data.positions, data.balances, custodians=data.custodians,
        asset_aliases=settings.asset_aliases,
    )  # fmt: skip
    marks = marks_from_quotes(
        data.quotes, book.symbols, pricing_order=settings.pricing_order,
        asset_aliases=settings.asset_aliases,
    )  # fmt: skip
    # The day axis starts at the first day any symbol has a close: days before the history
    # began are not "no move" days, and a short history must show as one (var_short_history).
    first = min((c.days[0] for c in data.closes.values() if c.days), default=data.first_day)
    first = max(first, data.first_day)
    matrix = np.full((data.first_day + data.days - first, book.n_symbols), np.nan)
    for column, symbol in enumerate(book.symbols):
        if symbol in data.closes:
            closes = data.closes[symbol]
            matrix[closes.day_array - first, column] = closes.close_array
    history = History(
        prices=PriceHistory(closes=matrix),
        equity=equity_series(data.equity, data.transfers),
    )
    return EngineInputs(
        book=book, marks=marks, history=history, as_of=data.as_of,
        market=build_market_info(book.symbols, data.market),
    )  # fmt: skip


def _equity_history(portfolio_id: int, as_of: datetime, day_start: datetime) -> EquityHistory:
    """The state row, the day mark and the samples after the state row; the full history
    when the state row predates the running columns (then the state is rebuilt from it)."""
    state_before = as_of - timedelta(seconds=STATE_LAG_SECONDS)
    rows = sources.equity_history(portfolio_id, as_of, state_before, day_start)
    state: CarriedState | None = None
    for _, at, _, hwm, worst in (r for r in rows if r[0] == 0):
        if hwm is None:
            return EquityHistory(None, None, sources.equity_samples(portfolio_id, as_of))
        state = CarriedState(at, hwm, worst)
    mark = next(((r[1], r[2]) for r in rows if r[0] == 1), None)
    return EquityHistory(
        state=state,
        day_mark=mark, recent=sorted((r[1], r[2]) for r in rows if r[0] == 2),
    )  # fmt: skip


def _history_instruments(ctx: _Context, prices: Sequence[PriceRef]) -> dict[str, PriceRef]:
    """Per canonical symbol, the instrument whose daily candles make its history: the first
    venue in pricing order, spot before perpetual."""
    chosen: dict[str, PriceRef] = {}
    # Bucketed rather than sorted with a key per price: a stable sort by bucket rank.
    buckets: dict[tuple[str, bool], list[PriceRef]] = defaultdict(list)
    for price in prices:
        buckets[(price.venue, price.kind != "spot")].append(price)
    ranked = sorted(buckets, key=lambda b: (ctx.rank(b[0]), b[1]))
    for price in (p for bucket in ranked for p in buckets[bucket]):
        symbol = ctx.canonical(price.symbol)
        if symbol is not None and symbol not in chosen:
            chosen[symbol] = price
            ctx.notes.history_instruments[symbol] = f"{price.venue}:{price.kind}"
    return chosen


def _quotes(ctx: _Context, prices: Sequence[PriceRef]) -> list[QuoteRow]:
    """One candidate per (venue, symbol): the spot last trade, else the perpetual's mark;
    then a par quote (1 USD, ranked after every venue) for each alias of USD."""
    quotes: dict[tuple[str, str], QuoteRow] = {}
    spot_first = [
        *(p for p in prices if p.kind == "spot"),
        *(p for p in prices if p.kind != "spot"),
    ]
    for price in spot_first:
        symbol = ctx.canonical(price.symbol)
        key = (price.venue, symbol or "")
        if symbol is None or key in quotes or not (math.isfinite(price.price) and price.price > 0):
            continue
        quotes[key] = QuoteRow(symbol, price.venue, price.price, price.as_of)
    par = [
        QuoteRow(f"{asset}-{NUMERAIRE}", PAR_SOURCE, 1.0, ctx.as_of.timestamp())
        for asset, group in ctx.settings.asset_aliases.items()
        if group == NUMERAIRE and asset != NUMERAIRE
    ]
    return [*quotes.values(), *par]


def _balance_rows(
    raw: Iterable[tuple[int, str, str, float]], by_snapshot: dict[int, AccountRef]
) -> list[BalanceRow]:
    return [
        BalanceRow(by_snapshot[s].venue, by_snapshot[s].name, asset, total)
        for s, _wallet, asset, total in raw
        if total != 0
    ]


def _spot_rows(
    ctx: _Context,
    accounts: Sequence[AccountRef],
    balances: Iterable[tuple[int, str, str, float]],
    by_snapshot: dict[int, AccountRef],
    closes: dict[str, Closes],
    quotes: Sequence[QuoteRow],
) -> PositionColumns:
    """A spot row per (exchange spot account, non-cash asset held or traded today)."""
    spot = {a.id: a for a in accounts if a.market == "spot" and a.venue_kind == "exchange"}
    held = _spot_holdings(ctx, balances, by_snapshot, spot)
    fills: dict[tuple[int, str], list[SpotFill]] = defaultdict(list)
    for account_id, symbol, side, amount, price, at in sources.spot_fills(list(spot)):
        size = amount if side == "buy" else -amount
        fills[(account_id, symbol)].append(SpotFill(at, size, price))
    today = ctx.day_start.timestamp()
    traded = {k for k in fills if k[1].endswith(f"-{NUMERAIRE}") and not _cash_symbol(ctx, k[1])}
    # Without stored fills the whole holding is the opening lot (what average_cost returns),
    # and its opening price depends on the symbol only.
    unfilled: dict[str, CostBasis] = {}
    rows: list[tuple[AccountRef, str, float, float, float]] = []
    for key in sorted({*held, *traded}):
        account, symbol = spot[key[0]], key[1]
        size, trades = held.get(key, 0.0), fills.get(key)
        if trades:
            opening = _opening_price(symbol, trades, closes, quotes, ctx)
            basis = average_cost(size, trades, today, opening)
        else:
            if symbol not in unfilled:
                opening = _opening_price(symbol, [], closes, quotes, ctx)
                unfilled[symbol] = CostBasis(opening, 0.0, True)
            basis = unfilled[symbol]
        if basis.assumed and size != 0:
            ctx.notes.cost_basis_assumed.append(f"{account.name}:{symbol}")
        if size == 0 and basis.realized_today == 0:
            continue
        rows.append((account, symbol, size, max(basis.avg_entry, 0.0), basis.realized_today))
    return PositionColumns.of(
        [r[0] for r in rows], [r[1] for r in rows], Kind.SPOT, [r[2] for r in rows],
        [r[3] for r in rows], realized_today=[r[4] for r in rows],
    )  # fmt: skip


def _spot_holdings(
    ctx: _Context,
    balances: Iterable[tuple[int, str, str, float]],
    by_snapshot: dict[int, AccountRef],
    spot: dict[int, AccountRef],
) -> dict[tuple[int, str], float]:
    """Spot-wallet units per (spot account, `ASSET-USD`), cash assets left out."""
    spot_snapshots = {s: a.id for s, a in by_snapshot.items() if a.id in spot}
    symbol_of: dict[str, str | None] = {}
    held: dict[tuple[int, str], float] = defaultdict(float)
    for s, wallet, asset, total in balances:
        if wallet != "spot" or s not in spot_snapshots:
            continue
        if asset not in symbol_of:
            symbol_of[asset] = None if ctx.settings.is_cash(asset) else f"{asset}-{NUMERAIRE}"
        symbol = symbol_of[asset]
        if symbol is not None:
            held[(spot_snapshots[s], symbol)] += total
    return held


def _cash_symbol(ctx: _Context, symbol: str) -> bool:
    return ctx.settings.is_cash(symbol.split("-")[0])


def _opening_price(
    symbol: str,
    fills: Sequence[SpotFill],
    closes: dict[str, Closes],
    quotes: Sequence[QuoteRow],
    ctx: _Context,
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
    candidates = sorted((ctx.rank(q.source), q.price) for q in quotes if q.symbol == symbol)
    return candidates[0][1] if candidates else 0.0


def _derivative_rows(
    ctx: _Context,
    accounts: Sequence[AccountRef],
    lines: Sequence[tuple[int, str, float, float, float]],
    by_snapshot: dict[int, AccountRef],
) -> PositionColumns:
    """A derivative row per futures position line, plus a size-0 row per (account, symbol)
    closed today with realized P&L (so realized today is not lost)."""
    futures = {a.id: a for a in accounts if a.market == "futures"}
    realized = sources.derivative_realized_since(list(futures), ctx.day_start)
    # In line order, so unmapped symbols are noted in the order they appear.
    canonical = {raw: ctx.canonical(raw) for raw in dict.fromkeys(line[1] for line in lines)}
    kept = [
        (by_snapshot[s], symbol, raw, contracts, contract_size, entry)
        for s, raw, contracts, contract_size, entry in lines
        if (symbol := canonical[raw]) is not None and not contract_size <= 0
    ]
    seen = {(r[0].id, r[2]) for r in kept}
    closed = [
        (futures[account_id], symbol, amount)
        for (account_id, raw_symbol), amount in sorted(realized.items())
        if (symbol := ctx.canonical(raw_symbol)) is not None
        and (account_id, raw_symbol) not in seen and account_id in futures
    ]  # fmt: skip
    rows = PositionColumns.of(
        [r[0] for r in kept], [r[1] for r in kept], Kind.DERIVATIVE, [r[3] for r in kept],
        [r[5] for r in kept], [r[4] for r in kept],
        [realized.get((r[0].id, r[2]), 0.0) for r in kept],
    )  # fmt: skip
    rows.extend(PositionColumns.of(
        [c[0] for c in closed], [c[1] for c in closed], Kind.DERIVATIVE, [0.0] * len(closed),
        [0.0] * len(closed), realized_today=[c[2] for c in closed],
    ))  # fmt: skip
    return rows


def _transfers(
    ctx: _Context,
    raw: Iterable[tuple[datetime, str, str, float, str]],
    quotes: Sequence[QuoteRow],
) -> list[tuple[float, float]]:
    """External transfers in USD (deposit > 0): cash at par, other assets at their
    best-ranked current quote; an unpriced one is left out and listed."""
    result = []
    for at, asset, direction, amount, _counterparty in raw:
        sign = {"deposit": 1.0, "withdrawal": -1.0}.get(direction)
        price = 1.0 if ctx.settings.is_cash(asset) else _best_price(f"{asset}-USD", quotes, ctx)
        if sign is None or price is None:
            ctx.notes.unpriced_transfers.append(f"{asset}@{at.isoformat()}")
            continue
        result.append((at.timestamp(), sign * amount * price))
    return result


def _best_price(symbol: str, quotes: Sequence[QuoteRow], ctx: _Context) -> float | None:
    candidates = sorted((ctx.rank(q.source), q.price) for q in quotes if q.symbol == symbol)
    return candidates[0][1] if candidates else None


def _market_rows(history: dict[str, PriceRef]) -> dict[str, MarketRow]:
    rows = {}
    for symbol, p in history.items():
        half_spread = 0.0
        if p.bid and p.ask and p.ask >= p.bid > 0:
            half_spread = (p.ask - p.bid) / (p.ask + p.bid) * 1e4
        rows[symbol] = MarketRow(
            liquidity=p.quote_volume_24h or 0.0, lot_size=p.lot_size, half_spread_bps=half_spread
        )
    return rows


def _input_as_of(
    accounts: Iterable[AccountRef],
    prices: Iterable[PriceRef],
    statuses: Iterable[tuple[str, datetime | None, int, str]],
) -> dict[str, str | None]:
    """When each source's data is from: accounts (their latest snapshot), each venue's
    freshest price, and the ingestion's per-endpoint data-source status."""
    result: dict[str, str | None] = {
        f"account:{a.name}": a.snapshot_as_of.isoformat() if a.snapshot_as_of else None
        for a in accounts
    }
    newest: dict[str, float] = {}
    for p in prices:
        newest[p.venue] = max(p.as_of, newest.get(p.venue, p.as_of))
    result.update(
        {
            f"prices:{venue}": datetime.fromtimestamp(at, tz=UTC).isoformat()
            for venue, at in sorted(newest.items())
        }
    )
    result.update({f"source:{s}": at.isoformat() if at else None for s, at, _, _ in statuses})
    return result


def _stale(
    input_as_of: dict[str, str | None], as_of: datetime, limit: float
) -> list[dict[str, Any]]:
    """Sources older than the staleness limit, or never seen (age None), with their age."""
    stale = []
    for source, at in input_as_of.items():
        age = None if at is None else (as_of - datetime.fromisoformat(at)).total_seconds()
        if age is None or age > limit:
            stale.append({"source": source, "as_of": at, "age_seconds": age})
    return stale
