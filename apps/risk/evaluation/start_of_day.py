"""Equity at 00:00 UTC rebuilt from what the venues report now, for a day whose 00:00 has no
stored equity sample (a first start, or downtime across midnight); docs/risk-methodology.md,
"Start-of-day equity".

Holdings at 00:00 are the latest stored ones with today's fills and external transfers
undone: a fill or transfer stamped in (00:00, the account's snapshot time] is in the snapshot
and is reversed; a later one is not in it yet and is left alone. Per account:

- spot fill (d = +1 buy, -1 sell): base -= d * amount, quote += d * cost, fee asset += fee;
- linear fill: contracts in base units s -= d * amount; with K = entry * s (quote units, the
  position's cost) K -= d * price * amount + realized; the wallet asset += fee - realized.
  That is the average-cost bookkeeping of the venue run backwards (an increase adds
  d * price * amount to K; a reduction takes entry * amount off it, which is
  d * price * amount + realized; a flip does both), so entry at 00:00 = K / s;
- external transfer: deposit -> asset -= amount, withdrawal -> asset += amount.

They are then valued by the engine's own functions (`resolve_marks`, `valuation`, `equity`)
at the 00:00 prices: per instrument the open of the 1-minute candle that starts the day, else
the open of the daily candle starting then (both are the day's first trade; the minute one is
stored from 00:01, the daily one only once the day has closed). Balances and spot holdings
take the headline price: one candidate per venue and symbol (spot before perpetual) in
pricing order, USD aliases at par as at any time. A perpetual position takes its own venue's
perpetual price at 00:00 (that instrument's opening candle) as its venue mark, as the live
evaluation values it at the mark its venue reports; one without such a candle falls back to
the headline price, flagged (`start_of_day_venue_mark_missing`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from apps.marketdata.models import CandleInterval, InstrumentKind
from apps.risk.evaluation.columns import (
    BalanceColumns,
    PositionColumns,
    QuoteColumns,
    book_from_columns,
    marks_from_quotes,
)
from apps.risk.evaluation.config import NUMERAIRE, PAR_SOURCE, RiskSettings
from apps.risk.evaluation.equity import Sample
from apps.risk.evaluation.quotes import price_codes, quote_columns, quote_rows
from apps.risk.selectors import start_of_day as reads
from apps.risk.selectors.sources import AccountRef, LatestPrices
from riskmonitor.engine import Kind, QuoteRow, StartOfDayEquity
from riskmonitor.engine.marks import MISSING, needed_symbols, resolve_marks, valuation
from riskmonitor.engine.pnl import equity, row_unrealized

RECONSTRUCTED = "reconstructed"
PRICE_MISSING = "start_of_day_price_missing"  # a holding at 00:00 has no 00:00 price
FILL_UNKNOWN = "start_of_day_fill_unknown"  # a spot fill of today has no stored instrument
NO_ACCOUNT_DATA = "start_of_day_no_account_data"  # no account has a stored snapshot
# a perpetual held at 00:00 has no 00:00 price of its own venue: valued at the headline one
VENUE_MARK_MISSING = "start_of_day_venue_mark_missing"
# The interval whose open is used when an instrument has both (see the module docstring).
PREFERRED_INTERVAL = CandleInterval.MINUTE

Canonical = Callable[[str], str | None]
# (venue name, venue symbol) of a perpetual instrument -> its price at 00:00 (quote per base)
VenueMarks = Mapping[tuple[str, str], float]


@dataclass
class _Position:
    """A futures position being unwound: base units and cost (entry * size, quote units)."""

    symbol: str
    contract_size: float
    size: float = 0.0
    cost: float = 0.0


@dataclass
class _Holdings:
    units: dict[tuple[int, str], float] = field(default_factory=lambda: defaultdict(float))
    positions: dict[tuple[int, str], _Position] = field(default_factory=dict)


@dataclass(frozen=True)
class OpeningHoldings:
    """What the accounts held at 00:00: balances, and derivative rows (contracts, entry per
    base unit, contract size as the multiplier, the venue's own 00:00 price as the venue mark)
    as the engine's columns."""

    balances: BalanceColumns
    derivatives: PositionColumns
    fills_unwound: int
    transfers_unwound: int
    unknown_fills: int  # spot fills whose instrument (base, quote) is not stored: not undone
    unmarked: int = 0  # derivative rows without a 00:00 price of their venue (NaN venue mark)


@dataclass(frozen=True)
class OpeningValue:
    """The holdings' value at 00:00 (USD; None when a needed price is missing, listed)."""

    equity: float | None
    unpriced: tuple[str, ...]


def opening_holdings(
    accounts: Sequence[AccountRef],
    balances: Iterable[tuple[int, str, str, float]],
    positions: Iterable[reads.PositionRow],
    fills: Iterable[reads.FillRow],
    transfers: Iterable[reads.TransferRow],
    day_start: float,
    canonical: Canonical,
    venue_marks: VenueMarks | None = None,
) -> OpeningHoldings:
    """The latest snapshots' holdings with what happened after `day_start` undone (see the
    module docstring). Balances and positions are of the accounts' latest snapshots;
    positions in a symbol that has no canonical form are left out, as the loader does.
    Each derivative row carries its venue's 00:00 price from `venue_marks` (NaN: none)."""
    by_snapshot = {a.snapshot_id: a for a in accounts if a.snapshot_id is not None}
    seen_until = {a.id: a.snapshot_as_of.timestamp() for a in accounts if a.snapshot_as_of}
    held = _Holdings()
    for snapshot_id, _wallet, asset, total in balances:
        held.units[(by_snapshot[snapshot_id].id, asset)] += total
    for line in positions:
        owner = by_snapshot[line.snapshot_id].id
        size = line.contracts * line.contract_size
        held.positions[(owner, line.venue_symbol)] = _Position(
            line.symbol, line.contract_size, size, line.entry_price * size
        )

    def in_snapshot(account_id: int, at: float) -> bool:
        return day_start < at <= seen_until.get(account_id, -np.inf)

    today = [f for f in fills if in_snapshot(f.account_id, f.timestamp)]
    undone = [f for f in today if f.market != "spot" or (f.base and f.quote)]
    for fill in reversed(undone):  # latest first: each undo starts from the state after it
        _undo_fill(held, fill)
    moved = [t for t in transfers if in_snapshot(t.account_id, t.timestamp)]
    for transfer in moved:
        sign = {"deposit": 1.0, "withdrawal": -1.0}.get(transfer.direction, 0.0)
        held.units[(transfer.account_id, transfer.asset)] -= sign * transfer.amount
    accounts_by_id = {a.id: a for a in accounts}
    derivatives = _derivative_columns(held, accounts_by_id, canonical, venue_marks or {})
    return OpeningHoldings(
        balances=_balance_columns(held, accounts_by_id),
        derivatives=derivatives,
        fills_unwound=len(undone),
        transfers_unwound=len(moved),
        unknown_fills=len(today) - len(undone),
        unmarked=sum(map(math.isnan, derivatives.venue_mark)),
    )


def _undo_fill(held: _Holdings, fill: reads.FillRow) -> None:
    d = 1.0 if fill.side == "buy" else -1.0
    account = fill.account_id
    held.units[(account, fill.fee_asset)] += fill.fee
    if fill.market == "spot":
        held.units[(account, fill.base or "")] -= d * fill.amount  # both known (see the caller)
        held.units[(account, fill.quote or "")] += d * fill.cost
        return
    realized = fill.realized_pnl or 0.0  # none reported: the wallet/cost split is off, not the sum
    key = (account, fill.venue_symbol)
    if key not in held.positions:
        held.positions[key] = _Position(fill.symbol, fill.contract_size or 1.0)
    position = held.positions[key]
    position.size -= d * fill.amount
    position.cost -= d * fill.cost + realized
    wallet = fill.quote or fill.fee_asset
    held.units[(account, wallet)] -= realized


def _balance_columns(held: _Holdings, accounts: dict[int, AccountRef]) -> BalanceColumns:
    # Undoing in floats can leave 1e-17 of an asset sold out today: that is none of it.
    kept = [
        (accounts[a], asset, units) for (a, asset), units in held.units.items()
        if abs(units) > 1e-12
    ]  # fmt: skip
    return BalanceColumns(
        venue=[account.venue for account, _, _ in kept],
        account=[account.name for account, _, _ in kept],
        asset=[asset for _, asset, _ in kept],
        amount=[units for _, _, units in kept],
    )


def _derivative_columns(
    held: _Holdings, accounts: dict[int, AccountRef], canonical: Canonical, marks: VenueMarks
) -> PositionColumns:
    # A position flat at 00:00 is worth nothing then; a size within float noise of 0 is flat.
    kept = [
        (accounts[a], symbol, p, marks.get((accounts[a].venue, venue_symbol), math.nan))
        for (a, venue_symbol), p in held.positions.items()
        if abs(p.size) > 1e-12 and (symbol := canonical(p.symbol)) is not None
    ]  # fmt: skip
    return PositionColumns.of(
        [account for account, _, _, _ in kept], [s for _, s, _, _ in kept], Kind.DERIVATIVE,
        [p.size / p.contract_size for _, _, p, _ in kept],
        [p.cost / p.size for _, _, p, _ in kept], [p.contract_size for _, _, p, _ in kept],
        venue_mark=[mark for _, _, _, mark in kept],
    )  # fmt: skip


def _opening_candles(opening: Iterable[reads.OpeningPrice]) -> list[reads.OpeningPrice]:
    """One row per instrument: its minute candle's when it has both."""
    chosen: dict[int, reads.OpeningPrice] = {}
    for row in opening:
        if row.instrument_id not in chosen or row.interval == PREFERRED_INTERVAL:
            chosen[row.instrument_id] = row
    return list(chosen.values())


def venue_opening_marks(opening: Iterable[reads.OpeningPrice]) -> dict[tuple[str, str], float]:
    """Per perpetual instrument (venue, venue symbol), its own price at 00:00: the venue mark
    its positions are valued at then, as the live evaluation values them at the venue's mark."""
    return {
        (row.venue, row.venue_symbol): row.open
        for row in _opening_candles(opening) if row.kind == InstrumentKind.PERPETUAL
    }  # fmt: skip


def opening_quotes(
    opening: Sequence[reads.OpeningPrice], canonical: Canonical, day_start: float
) -> list[QuoteRow]:
    """One 00:00 quote per (venue, symbol): the instrument's candle open (the minute candle
    when it has both), spot before perpetual, as the latest-price quotes are chosen."""
    rows = _opening_candles(opening)
    prices = LatestPrices(
        instrument_id=[r.instrument_id for r in rows], venue=[r.venue for r in rows],
        kind=[r.kind for r in rows], symbol=[r.symbol for r in rows],
        price=np.array([r.open for r in rows], dtype=np.float64),
        as_of=np.full(len(rows), day_start, dtype=np.float64),
    )  # fmt: skip
    codes = price_codes(prices, canonical)
    return quote_columns(codes, prices, quote_rows(codes, prices)).rows()


def par_quotes(settings: RiskSettings, at: float) -> list[QuoteRow]:
    """A 1 USD quote for each alias of USD, ranked after every venue."""
    return [
        QuoteRow(f"{asset}-{NUMERAIRE}", PAR_SOURCE, 1.0, at)
        for asset, group in settings.asset_aliases.items()
        if group == NUMERAIRE and asset != NUMERAIRE
    ]


def opening_value(
    holdings: OpeningHoldings,
    quotes: Sequence[QuoteRow],
    *,
    settings: RiskSettings,
    custodians: Iterable[str],
    day_start: float,
) -> OpeningValue:
    """Equity of the holdings at the 00:00 quotes, as the engine values a book: balances
    at their asset's price, derivatives by their unrealized P&L against their entry."""
    book = book_from_columns(
        holdings.derivatives, holdings.balances, custodians=custodians,
        asset_aliases=settings.asset_aliases,
    )  # fmt: skip
    table = _quote_table(quotes)
    marks = marks_from_quotes(
        table, book.symbols, pricing_order=settings.pricing_order,
        asset_aliases=settings.asset_aliases,
    )  # fmt: skip
    resolved = resolve_marks(marks, book.n_symbols, day_start, np.inf)
    value = valuation(book, resolved)
    total = equity(book, value, row_unrealized(book, value))
    if total.complete:
        return OpeningValue(total.value, ())
    missing = needed_symbols(book) & (resolved.status == MISSING)
    return OpeningValue(None, tuple(book.symbols[i] for i in np.flatnonzero(missing).tolist()))


def _quote_table(quotes: Sequence[QuoteRow]) -> QuoteColumns:
    return QuoteColumns(
        symbol=[q.symbol for q in quotes], source=[q.source for q in quotes],
        price=np.array([q.price for q in quotes], dtype=np.float64),
        timestamp=np.array([q.timestamp for q in quotes], dtype=np.float64),
    )  # fmt: skip


def stored_mark_usable(mark: Sample | None, day_start: float, max_age_seconds: float) -> bool:
    """A stored sample is the day's opening equity when it is at most `max_age_seconds`
    before 00:00: an older one (downtime across midnight) misses the moves before 00:00."""
    return mark is not None and day_start - mark[0] <= max_age_seconds


def reconstruct_start_of_day(
    *,
    accounts: Sequence[AccountRef],
    balances: Sequence[tuple[int, str, str, float]],
    day_start: datetime,
    settings: RiskSettings,
    canonical: Canonical,
    instrument_ids: Sequence[int],
) -> StartOfDayEquity:
    """The start-of-day equity rebuilt from the stored state (reads today's fills, external
    transfers, position lines and the 00:00 candles of the given instruments: those with a
    latest price, the ones the evaluation prices from)."""
    stored = [a for a in accounts if a.snapshot_id is not None]
    if not stored:
        return StartOfDayEquity(None, RECONSTRUCTED, NO_ACCOUNT_DATA)
    ids = [a.id for a in stored]
    at = day_start.timestamp()
    opening = reads.opening_prices(day_start, instrument_ids)
    holdings = opening_holdings(
        stored, balances, reads.position_lines([a.snapshot_id for a in stored if a.snapshot_id]),
        reads.fills_after(ids, day_start), reads.external_transfers_after(ids, day_start),
        at, canonical, venue_opening_marks(opening),
    )  # fmt: skip
    quotes = [*opening_quotes(opening, canonical, at), *par_quotes(settings, at)]
    if holdings.unknown_fills:
        return StartOfDayEquity(None, RECONSTRUCTED, FILL_UNKNOWN)
    custodians = sorted({a.venue for a in stored if a.venue_kind == "custodian"})
    value = opening_value(holdings, quotes, settings=settings, custodians=custodians, day_start=at)
    if value.equity is None:
        return StartOfDayEquity(None, RECONSTRUCTED, PRICE_MISSING)
    caveat = VENUE_MARK_MISSING if holdings.unmarked else None
    return StartOfDayEquity(value.equity, RECONSTRUCTED, caveat)
