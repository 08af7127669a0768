"""Stored venue data -> engine inputs, in two stages the service times apart:

- `load_sources` reads the latest snapshot of every source (a few queries, plain tuples and
  columns) and maps it to the engine's row types: spot holdings become spot position rows
  (cost from `costbasis`) and balances, futures positions derivative rows (both in
  `position_rows`), prices candidate quotes (`quotes`), earlier snapshots the equity path and
  the VaR backtest record;
- `build_inputs` turns the rows into `EngineInputs` (`columns`: the engine's builders' results,
  built in bulk).

Nothing unknown is valued silently: what had to be assumed or left out is listed in `Notes`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import numpy as np

from apps.risk.evaluation.backtest import ClosingRecord, backtest_series, first_record_day
from apps.risk.evaluation.columns import (
    BalanceColumns,
    PositionColumns,
    QuoteColumns,
    book_from_columns,
    marks_from_quotes,
)
from apps.risk.evaluation.config import NUMERAIRE, RiskSettings
from apps.risk.evaluation.equity import (
    STATE_LAG_SECONDS,
    CarriedState,
    EquityHistory,
    Sample,
    equity_series,
    path_samples,
    transfers_since,
)
from apps.risk.evaluation.history_cache import Closes, daily_closes_cached, price_history_cached
from apps.risk.evaluation.load_context import LoadContext, Notes
from apps.risk.evaluation.position_rows import derivative_rows, spot_rows
from apps.risk.evaluation.quotes import (
    PriceCodes,
    history_rows,
    newest_per_venue,
    price_codes,
    quote_columns,
    quote_rows,
)
from apps.risk.evaluation.start_of_day import (
    par_quotes,
    reconstruct_start_of_day,
    stored_mark_usable,
)
from apps.risk.selectors import sources
from apps.risk.selectors.history import (
    CLOSING,
    DAY_MARK,
    RECENT,
    STATE,
    equity_history,
    equity_samples,
)
from apps.risk.selectors.sources import SECONDS_PER_DAY, AccountRef, LatestPrices, MarketFacts
from riskmonitor.engine import (
    BacktestSeries,
    Book,
    EngineInputs,
    History,
    MarketRow,
    PriceHistory,
    StartOfDayEquity,
    build_market_info,
)


@dataclass(frozen=True)
class SourceData:
    """Everything one evaluation read, as engine rows. Times are POSIX seconds (UTC)."""

    as_of: float
    day_start: float
    positions: PositionColumns
    balances: BalanceColumns
    custodians: tuple[str, ...]
    quotes: QuoteColumns
    first_day: int
    days: int
    closes: dict[str, Closes]
    # What the closes are: the cache's read version and each symbol's history instrument.
    closes_source: tuple[int, tuple[tuple[str, int], ...]]
    equity: list[tuple[float, float]]  # the path samples (apps.risk.evaluation.equity)
    equity_state: CarriedState | None
    backtest: BacktestSeries | None  # the days' closing records (apps.risk.evaluation.backtest)
    # None: the day's opening equity is the stored day mark (apps.risk.evaluation.start_of_day)
    start_of_day: StartOfDayEquity | None
    transfers: list[tuple[float, float]]
    market: dict[str, MarketRow]
    input_as_of: dict[str, str | None]
    stale_sources: list[dict[str, Any]]
    notes: Notes


def load_sources(*, portfolio_id: int, as_of: datetime, settings: RiskSettings) -> SourceData:
    """Read and map the portfolio's latest stored data (see the module docstring)."""
    day_start = as_of.replace(hour=0, minute=0, second=0, microsecond=0)
    ctx = LoadContext(settings=settings, as_of=as_of, day_start=day_start)
    accounts = sources.portfolio_accounts(portfolio_id)
    by_snapshot = {a.snapshot_id: a for a in accounts if a.snapshot_id is not None}
    ctx.notes.missing_accounts = [a.name for a in accounts if a.snapshot_id is None]
    balance_raw = sources.balance_lines(list(by_snapshot))
    position_raw = sources.position_lines(list(by_snapshot))
    orders = sources.open_order_counts(list(by_snapshot))
    ctx.notes.open_orders = {by_snapshot[s].name: n for s, n in orders.items()}
    prices = sources.latest_prices()
    codes = price_codes(prices, ctx.canonical)
    instruments = _history_instruments(ctx, prices, codes)
    end_day = int(day_start.timestamp()) // SECONDS_PER_DAY
    first_day = end_day - history_days(settings)
    cached = daily_closes_cached(list(instruments.values()), first_day, end_day)
    closes = {s: cached.by_instrument[i] for s, i in instruments.items()
              if i in cached.by_instrument}  # fmt: skip
    ctx.quotes = quotes = _quotes(ctx, prices, codes)
    positions = spot_rows(ctx, accounts, balance_raw, by_snapshot, closes)
    positions.extend(derivative_rows(ctx, accounts, position_raw, by_snapshot))
    window = settings.params.backtest_window_days
    equity_read, closing = _snapshot_history(portfolio_id, as_of, day_start, window)
    equity = path_samples(equity_read)
    start_of_day = _start_of_day(ctx, _day_mark(equity_read, day_start.timestamp()),
                                 accounts, balance_raw, prices.instrument_id)  # fmt: skip
    since = datetime.fromtimestamp(transfers_since(equity, day_start.timestamp()), tz=UTC)
    ids = [a.id for a in accounts]
    statuses = sources.source_statuses(sorted({a.venue for a in accounts}))
    newest = newest_per_venue(codes, prices)
    input_as_of = _input_as_of(accounts, newest, statuses)
    return SourceData(
        as_of=as_of.timestamp(), day_start=day_start.timestamp(), positions=positions,
        balances=_balance_columns(balance_raw, by_snapshot),
        custodians=tuple(sorted({a.venue for a in accounts if a.venue_kind == "custodian"})),
        quotes=quotes, first_day=first_day, days=end_day - first_day, closes=closes,
        closes_source=(cached.version, tuple(sorted(instruments.items()))),
        equity=equity, equity_state=equity_read.state,
        backtest=backtest_series(closing, first_record_day(day_start.timestamp(), window),
                                 end_day),
        start_of_day=start_of_day,
        transfers=_transfers(ctx, sources.external_transfers(ids, since)),
        market=_market_rows(ctx, instruments, sources.market_facts(list(instruments.values()))),
        input_as_of=input_as_of,
        stale_sources=sources.stale_inputs(
            accounts, newest, as_of=as_of, grace_seconds=settings.staleness_seconds
        ),
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
    key = (data.closes_source, book.symbols, data.first_day, data.days)
    prices = price_history_cached(key, lambda: PriceHistory(closes=_closes_matrix(data, book)))
    history = History(
        prices=prices,
        equity=equity_series(data.equity, data.transfers),
        backtest=data.backtest,
        start_of_day=data.start_of_day,
    )
    return EngineInputs(
        book=book, marks=marks, history=history, as_of=data.as_of,
        market=build_market_info(book.symbols, data.market),
    )  # fmt: skip


def history_days(settings: RiskSettings) -> int:
    """Daily closes read: the VaR's lookback plus the hypothetical backtest's window of
    returns (each tested day needs `var_lookback_days` before it), plus one close."""
    return settings.var_lookback_days + settings.params.backtest_window_days + 1


def day_axis_start(data: SourceData, symbols: Iterable[str]) -> int:
    """The first day of the closes matrix: the first day one of the book's own history
    instruments has a close. Days before the history began are not "no move" days, so a
    short history shows as one (var_short_history); with no close at all the axis is empty."""
    end = data.first_day + data.days
    starts = (data.closes[s].days[0] for s in symbols if s in data.closes and data.closes[s].days)
    return max(min(starts, default=end), data.first_day)


def _closes_matrix(data: SourceData, book: Book) -> np.ndarray:
    """The closes aligned with the book's symbols, one row per day from `day_axis_start`."""
    first = day_axis_start(data, book.symbols)
    matrix = np.full((data.first_day + data.days - first, book.n_symbols), np.nan)
    for column, symbol in enumerate(book.symbols):
        if symbol in data.closes:
            closes = data.closes[symbol]
            matrix[closes.day_array - first, column] = closes.close_array
    return matrix


def _snapshot_history(
    portfolio_id: int, as_of: datetime, day_start: datetime, window_days: int
) -> tuple[EquityHistory, list[ClosingRecord]]:
    """The equity history (the state row, the day mark and the samples after the state row;
    the full history when the state row predates the running columns, then the state is
    rebuilt from it) and the days' closing records of the backtest window, in one query."""
    state_before = as_of - timedelta(seconds=STATE_LAG_SECONDS)
    first_day = first_record_day(day_start.timestamp(), window_days)
    rows = equity_history(portfolio_id, as_of, state_before, day_start, first_day)
    closing = [(at, pnl, var) for part, at, pnl, var, _ in rows if part == CLOSING]
    state: CarriedState | None = None
    for _, at, _, hwm, worst in (r for r in rows if r[0] == STATE):
        if hwm is None:
            full = equity_samples(portfolio_id, as_of)
            return EquityHistory(None, None, full), closing
        state = CarriedState(at, hwm, worst)
    mark = next(((r[1], r[2]) for r in rows if r[0] == DAY_MARK), None)
    recent = sorted((r[1], r[2]) for r in rows if r[0] == RECENT)
    return EquityHistory(state, cast(Sample | None, mark), cast(list[Sample], recent)), closing


def _start_of_day(
    ctx: LoadContext,
    mark: Sample | None,
    accounts: list[AccountRef],
    balances: list[tuple[int, str, str, float]],
    instrument_ids: list[int],
) -> StartOfDayEquity | None:
    """The day's opening equity when the stored day mark is not it (None: the mark is).
    A mark older than the staleness limit (downtime across midnight) gives way to the
    reconstruction; it is kept, flagged, only when the reconstruction has no price."""
    day_start = ctx.day_start.timestamp()
    if stored_mark_usable(mark, day_start, ctx.settings.staleness_seconds):
        return None
    rebuilt = reconstruct_start_of_day(
        accounts=accounts, balances=balances, day_start=ctx.day_start, settings=ctx.settings,
        canonical=ctx.canonical, instrument_ids=instrument_ids,
    )  # fmt: skip
    if rebuilt.equity is None and mark is not None:
        ctx.notes.old_day_mark = True
        return None
    return rebuilt


def _day_mark(read: EquityHistory, day_start: float) -> Sample | None:
    """The last stored sample at or before 00:00 (read apart, or among the full history)."""
    if read.day_mark is not None or read.state is not None:
        return read.day_mark
    return next((s for s in reversed(read.recent) if s[0] <= day_start), None)


def _history_instruments(
    ctx: LoadContext, prices: LatestPrices, codes: PriceCodes
) -> dict[str, int]:
    """Per canonical symbol, the instrument whose daily candles make its history: the first
    venue in pricing order, spot before perpetual (noted as `venue:kind`)."""
    chosen = {}
    for row in history_rows(codes, ctx.rank).tolist():
        symbol = codes.symbols[codes.symbol[row]]
        chosen[symbol] = prices.instrument_id[row]
        ctx.notes.history_instruments[symbol] = f"{prices.venue[row]}:{prices.kind[row]}"
    return chosen


def _quotes(ctx: LoadContext, prices: LatestPrices, codes: PriceCodes) -> QuoteColumns:
    """One candidate per (venue, symbol): the spot last trade, else the perpetual's mark;
    then a par quote (1 USD, ranked after every venue) for each alias of USD."""
    par = par_quotes(ctx.settings, ctx.as_of.timestamp())
    return quote_columns(codes, prices, quote_rows(codes, prices)).plus(par)


def _balance_columns(
    raw: Iterable[tuple[int, str, str, float]], by_snapshot: dict[int, AccountRef]
) -> BalanceColumns:
    kept = [(by_snapshot[s], asset, total) for s, _wallet, asset, total in raw if total != 0]
    return BalanceColumns(
        venue=[account.venue for account, _, _ in kept],
        account=[account.name for account, _, _ in kept],
        asset=[asset for _, asset, _ in kept],
        amount=[total for _, _, total in kept],
    )


def _transfers(
    ctx: LoadContext,
    raw: Iterable[tuple[datetime, str, str, float, str]],
) -> list[tuple[float, float]]:
    """External transfers in USD (deposit > 0): cash at par, other assets at their
    best-ranked current quote; an unpriced one is left out and listed."""
    result = []
    for at, asset, direction, amount, _counterparty in raw:
        sign = {"deposit": 1.0, "withdrawal": -1.0}.get(direction)
        price = 1.0 if ctx.settings.is_cash(asset) else ctx.best_price(f"{asset}-{NUMERAIRE}")
        if sign is None or price is None:
            ctx.notes.unpriced_transfers.append(f"{asset}@{at.isoformat()}")
            continue
        result.append((at.timestamp(), sign * amount * price))
    return result


def _market_rows(
    ctx: LoadContext, history: dict[str, int], facts: dict[int, MarketFacts]
) -> dict[str, MarketRow]:
    """Hedging facts per symbol, from its history instrument's latest price and the taker
    fee the venue reported for it (a hedge is a market order); a symbol whose venue has not
    reported one is costed without a fee and listed in `hedge_fee_unknown`."""
    rows = {}
    for symbol, instrument in history.items():
        p = facts[instrument]
        half_spread = 0.0
        if p.bid and p.ask and p.ask >= p.bid > 0:
            half_spread = (p.ask - p.bid) / (p.ask + p.bid) * 1e4
        if p.taker_fee is None:
            ctx.notes.hedge_fee_unknown.append(symbol)
        rows[symbol] = MarketRow(
            liquidity=p.quote_volume_24h or 0.0, lot_size=p.lot_size,
            fee_bps=(p.taker_fee or 0.0) * 1e4, half_spread_bps=half_spread,
        )  # fmt: skip
    return rows


def _input_as_of(
    accounts: Iterable[AccountRef],
    newest_prices: dict[str, float],
    statuses: Iterable[tuple[str, datetime | None, int, str]],
) -> dict[str, str | None]:
    """When each source's data is from: accounts (their latest snapshot), each venue's
    freshest price, and the ingestion's per-endpoint data-source status."""
    result: dict[str, str | None] = {
        f"account:{a.name}": a.snapshot_as_of.isoformat() if a.snapshot_as_of else None
        for a in accounts
    }
    result.update(
        {
            f"prices:{venue}": datetime.fromtimestamp(at, tz=UTC).isoformat()
            for venue, at in sorted(newest_prices.items())
        }
    )
    result.update({f"source:{s}": at.isoformat() if at else None for s, at, _, _ in statuses})
    return result
