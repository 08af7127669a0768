"""Build engine inputs from plain rows (what a Django selector naturally has).

The row types are small frozen dataclasses; the builders resolve names to indices, add the
symbols needed to price every asset (`X-USD`), apply `asset_aliases` and validate.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from riskmonitor.engine._arrays import NO_INDEX
from riskmonitor.engine.inputs import (
    Book,
    EquitySeries,
    Kind,
    MarketInfo,
    Marks,
    PriceHistory,
)

NUMERAIRE = "USD"
DEFAULT_ASSET_ALIASES: Mapping[str, str] = {"USDT": "USD", "USDC": "USD", "FDUSD": "USD"}
UNASSIGNED_STRATEGY = "unassigned"


@dataclass(frozen=True)
class PositionRow:
    """One position: size signed (base units for spot, contracts for derivatives)."""

    venue: str
    account: str
    symbol: str
    kind: Kind
    size: float
    avg_entry: float
    multiplier: float = 1.0
    realized_today: float = 0.0
    strategy: str = UNASSIGNED_STRATEGY
    venue_mark: float = float("nan")  # the holding venue's mark (derivatives); NaN: none


@dataclass(frozen=True)
class BalanceRow:
    """Units of one asset held at (venue or custodian, account); signed (borrowed < 0)."""

    venue: str
    account: str
    asset: str
    amount: float


@dataclass(frozen=True)
class QuoteRow:
    """A price observed for a symbol by a source (venue) at `timestamp` (POSIX s, UTC)."""

    symbol: str
    source: str
    price: float
    timestamp: float


@dataclass(frozen=True)
class MarketRow:
    """Trading facts of a symbol for hedging (see `MarketInfo`)."""

    liquidity: float
    lot_size: float = 0.0
    fee_bps: float = 0.0
    half_spread_bps: float = 0.0


def split_symbol(symbol: str) -> tuple[str, str]:
    """`BASE-QUOTE` -> (BASE, QUOTE); ValueError for anything else."""
    parts = symbol.split("-")
    if len(parts) != 2 or not all(parts):
        raise ValueError(f"symbol {symbol!r}: expected canonical BASE-QUOTE")
    return parts[0], parts[1]


def canonical_symbol(symbol: str, asset_aliases: Mapping[str, str] = DEFAULT_ASSET_ALIASES) -> str:
    """Alias the quote (BTC-USDT -> BTC-USD); the base keeps its own name."""
    base, quote = split_symbol(symbol)
    return f"{base}-{asset_aliases.get(quote, quote)}"


def build_book(
    positions: Iterable[PositionRow],
    balances: Iterable[BalanceRow],
    *,
    custodians: Iterable[str] = (),
    asset_aliases: Mapping[str, str] = DEFAULT_ASSET_ALIASES,
    extra_symbols: Iterable[str] = (),
) -> Book:
    """A `Book` from rows. `custodians` names the venues whose balances count as positions."""
    pos = list(positions)
    bal = list(balances)
    custodian_names = set(custodians)
    pos_symbols = [canonical_symbol(row.symbol, asset_aliases) for row in pos]
    requested = [*pos_symbols, *(canonical_symbol(s, asset_aliases) for s in extra_symbols)]
    assets = _asset_table(requested, [row.asset for row in bal], asset_aliases)
    symbols = _symbol_table(requested, assets, asset_aliases)
    venues = _names([*(row.venue for row in pos), *(row.venue for row in bal)])
    accounts = _names([*(row.account for row in pos), *(row.account for row in bal)])
    strategies = _names([row.strategy for row in pos]) or (UNASSIGNED_STRATEGY,)
    sym_at, asset_at = _positions_of(symbols), _positions_of(assets)
    venue_at, account_at = _positions_of(venues), _positions_of(accounts)
    strategy_at = _positions_of(strategies)
    return Book(
        symbols=symbols,
        venues=venues,
        accounts=accounts,
        strategies=strategies,
        assets=assets,
        symbol_base=np.array([asset_at[split_symbol(s)[0]] for s in symbols], dtype=np.int64),
        symbol_quote=np.array([asset_at[split_symbol(s)[1]] for s in symbols], dtype=np.int64),
        asset_price_symbol=_price_symbols(assets, sym_at),
        asset_group=np.array([asset_at[asset_aliases.get(a, a)] for a in assets], dtype=np.int64),
        asset_position_symbol=_position_symbols(assets, sym_at, asset_aliases),
        venue_is_custodian=np.array([v in custodian_names for v in venues], dtype=np.bool_),
        pos_symbol=np.array([sym_at[s] for s in pos_symbols], dtype=np.int64),
        pos_venue=np.array([venue_at[row.venue] for row in pos], dtype=np.int64),
        pos_account=np.array([account_at[row.account] for row in pos], dtype=np.int64),
        pos_strategy=np.array([strategy_at[row.strategy] for row in pos], dtype=np.int64),
        pos_kind=np.array([int(row.kind) for row in pos], dtype=np.int64),
        pos_size=np.array([row.size for row in pos], dtype=np.float64),
        pos_multiplier=np.array([row.multiplier for row in pos], dtype=np.float64),
        pos_avg_entry=np.array([row.avg_entry for row in pos], dtype=np.float64),
        pos_realized_today=np.array([row.realized_today for row in pos], dtype=np.float64),
        bal_venue=np.array([venue_at[row.venue] for row in bal], dtype=np.int64),
        bal_account=np.array([account_at[row.account] for row in bal], dtype=np.int64),
        bal_asset=np.array([asset_at[row.asset] for row in bal], dtype=np.int64),
        bal_amount=np.array([row.amount for row in bal], dtype=np.float64),
        pos_venue_mark=np.array([row.venue_mark for row in pos], dtype=np.float64),
    )


def build_marks(
    quotes: Iterable[QuoteRow],
    symbols: Sequence[str],
    *,
    pricing_order: Sequence[str] = (),
    asset_aliases: Mapping[str, str] = DEFAULT_ASSET_ALIASES,
) -> Marks:
    """`Marks` aligned with `symbols`. Sources missing from `pricing_order` rank after it,
    in order of first appearance; quotes for symbols outside `symbols` are ignored."""
    sym_at = _positions_of(tuple(symbols))
    rows = [(canonical_symbol(q.symbol, asset_aliases), q) for q in quotes]
    rows = [(symbol, q) for symbol, q in rows if symbol in sym_at]
    sources = _names([*pricing_order, *(q.source for _, q in rows)])
    source_at = _positions_of(sources)
    return Marks(
        sources=sources,
        symbol=np.array([sym_at[symbol] for symbol, _ in rows], dtype=np.int64),
        source=np.array([source_at[q.source] for _, q in rows], dtype=np.int64),
        price=np.array([q.price for _, q in rows], dtype=np.float64),
        timestamp=np.array([q.timestamp for _, q in rows], dtype=np.float64),
    )


def build_price_history(
    symbols: Sequence[str], closes: Mapping[str, Sequence[float | None]]
) -> PriceHistory:
    """Closes per symbol, each list on the same day axis (oldest first, None = no close).
    A symbol absent from `closes` gets an all-missing column."""
    days = max((len(series) for series in closes.values()), default=0)
    matrix = np.full((days, len(symbols)), np.nan)
    for column, symbol in enumerate(symbols):
        series = closes.get(symbol, ())
        if len(series) not in (0, days):
            raise ValueError(f"closes[{symbol!r}]: expected {days} days, got {len(series)}")
        for day, value in enumerate(series):
            matrix[day, column] = np.nan if value is None else value
    return PriceHistory(closes=matrix)


def build_equity_series(
    samples: Iterable[tuple[float, float]], transfers: Iterable[tuple[float, float]] = ()
) -> EquitySeries:
    """From (timestamp, equity) samples and (timestamp, amount) transfers, in any order."""
    eq = sorted(samples)
    tr = sorted(transfers)
    return EquitySeries(
        timestamps=np.array([t for t, _ in eq], dtype=np.float64),
        equity=np.array([v for _, v in eq], dtype=np.float64),
        transfer_timestamps=np.array([t for t, _ in tr], dtype=np.float64),
        transfer_amounts=np.array([a for _, a in tr], dtype=np.float64),
    )


def build_market_info(symbols: Sequence[str], rows: Mapping[str, MarketRow]) -> MarketInfo:
    """`MarketInfo` aligned with `symbols`; a symbol without a row is not a hedge candidate."""
    empty = MarketRow(liquidity=0.0)
    picked = [rows.get(symbol, empty) for symbol in symbols]
    return MarketInfo(
        liquidity=np.array([r.liquidity for r in picked], dtype=np.float64),
        lot_size=np.array([r.lot_size for r in picked], dtype=np.float64),
        fee_bps=np.array([r.fee_bps for r in picked], dtype=np.float64),
        half_spread_bps=np.array([r.half_spread_bps for r in picked], dtype=np.float64),
    )


def _asset_table(
    symbols: Sequence[str], balance_assets: Sequence[str], aliases: Mapping[str, str]
) -> tuple[str, ...]:
    legs = [asset for symbol in symbols for asset in split_symbol(symbol)]
    assets = _names([NUMERAIRE, *legs, *balance_assets])
    return _names([*assets, *(aliases.get(a, a) for a in assets)])


def _symbol_table(
    requested: Sequence[str], assets: Sequence[str], aliases: Mapping[str, str]
) -> tuple[str, ...]:
    # every non-numeraire asset needs its own USD price and, after aliasing, a position symbol
    pricing = [f"{a}-{NUMERAIRE}" for a in assets if a != NUMERAIRE]
    grouped = [f"{aliases.get(a, a)}-{NUMERAIRE}" for a in assets if aliases.get(a, a) != NUMERAIRE]
    return _names([*requested, *pricing, *grouped])


def _price_symbols(assets: Sequence[str], sym_at: Mapping[str, int]) -> np.ndarray:
    return np.array(
        [NO_INDEX if a == NUMERAIRE else sym_at[f"{a}-{NUMERAIRE}"] for a in assets],
        dtype=np.int64,
    )


def _position_symbols(
    assets: Sequence[str], sym_at: Mapping[str, int], aliases: Mapping[str, str]
) -> np.ndarray:
    groups = [aliases.get(a, a) for a in assets]
    return np.array(
        [NO_INDEX if g == NUMERAIRE else sym_at[f"{g}-{NUMERAIRE}"] for g in groups],
        dtype=np.int64,
    )


def _names(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _positions_of(names: Sequence[str]) -> dict[str, int]:
    return {name: i for i, name in enumerate(names)}
