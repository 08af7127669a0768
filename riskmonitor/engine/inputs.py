"""Input types of the engine: what the caller loads from stored venue data.

Conventions shared by every input:
- money is USD (the numeraire), float64; sizes are signed (long > 0, short < 0);
- times are POSIX seconds in UTC (float);
- name tables (`symbols`, `venues`, ...) are tuples and rows refer to them by integer index;
- arrays are copied and made read-only at construction, and bad values raise ValueError
  naming the field, so nothing malformed (NaN, negative price, dangling index) gets in.

`riskmonitor.engine.build` makes these from plain rows; build them by hand only for speed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np

from riskmonitor.engine._arrays import (
    BoolArray,
    FloatArray,
    IntArray,
    bool_column,
    float_column,
    frozen,
    index_column,
    name_table,
    optional_index_column,
)


class Kind(IntEnum):
    """What a position row holds."""

    SPOT = 0  # a spot holding of the base asset (also present in the balances)
    DERIVATIVE = 1  # a perpetual or future: size in contracts, valued through its P&L only


@dataclass(frozen=True)
class Book:
    """Positions and balances of one portfolio, one row per (venue, account, instrument/asset).

    Name tables: `symbols` are canonical `BASE-QUOTE` (stablecoin quotes already aliased to USD);
    `assets` holds every asset of the balances and every base/quote of the symbols.

    Symbol and asset reference columns:
    - `symbol_base`, `symbol_quote` (per symbol): index into `assets`;
    - `asset_price_symbol` (per asset): the symbol whose mark is the asset's own USD price
      (`X-USD`), NO_INDEX for the numeraire (price 1.0);
    - `asset_group` (per asset): the asset it is reported under after `asset_aliases`
      (USDT -> USD); itself when not aliased;
    - `asset_position_symbol` (per asset): the symbol custodian holdings of the asset count
      toward (`X-USD` after aliases), NO_INDEX for the numeraire and its aliases;
    - `venue_is_custodian` (per venue): balances there count as positions.

    Position rows (`pos_*`): `pos_size` signed, base units for spot, contracts for derivatives;
    `pos_multiplier` base units per contract (1 for spot); `pos_avg_entry` in quote currency per
    base unit; `pos_realized_today` USD, realized since 00:00 UTC; `pos_venue_mark` the mark
    the holding venue reported with a derivative position (quote currency per base unit, the
    price its margin engine uses), NaN when it reported none (then the symbol's headline mark
    values the row). Spot rows ignore it: spot is valued at the pricing order's price.

    Balance rows (`bal_*`): `bal_amount` signed units of `bal_asset` held at (venue, account).
    """

    symbols: tuple[str, ...]
    venues: tuple[str, ...]
    accounts: tuple[str, ...]
    strategies: tuple[str, ...]
    assets: tuple[str, ...]
    symbol_base: IntArray
    symbol_quote: IntArray
    asset_price_symbol: IntArray
    asset_group: IntArray
    asset_position_symbol: IntArray
    venue_is_custodian: BoolArray
    pos_symbol: IntArray
    pos_venue: IntArray
    pos_account: IntArray
    pos_strategy: IntArray
    pos_kind: IntArray
    pos_size: FloatArray
    pos_multiplier: FloatArray
    pos_avg_entry: FloatArray
    pos_realized_today: FloatArray
    bal_venue: IntArray
    bal_account: IntArray
    bal_asset: IntArray
    bal_amount: FloatArray
    # default (empty): no row has a venue mark
    pos_venue_mark: FloatArray = field(default_factory=lambda: np.empty(0))

    def __post_init__(self) -> None:
        for table in ("symbols", "venues", "accounts", "strategies", "assets"):
            _set(self, table, name_table(table, getattr(self, table)))
        self._check_reference_columns()
        self._check_position_rows()
        self._check_balance_rows()

    @property
    def n_symbols(self) -> int:
        return len(self.symbols)

    def _check_reference_columns(self) -> None:
        n_sym, n_asset = len(self.symbols), len(self.assets)
        _set(self, "symbol_base", index_column("symbol_base", self.symbol_base, n_asset, n_sym))
        _set(self, "symbol_quote", index_column("symbol_quote", self.symbol_quote, n_asset, n_sym))
        for name in ("asset_price_symbol", "asset_position_symbol"):
            _set(self, name, optional_index_column(name, getattr(self, name), n_sym, n_asset))
        _set(self, "asset_group", index_column("asset_group", self.asset_group, n_asset, n_asset))
        custodian = bool_column("venue_is_custodian", self.venue_is_custodian, len(self.venues))
        _set(self, "venue_is_custodian", custodian)

    def _check_position_rows(self) -> None:
        n = np.asarray(self.pos_size).reshape(-1).shape[0]
        for name, table in (
            ("pos_symbol", self.symbols),
            ("pos_venue", self.venues),
            ("pos_account", self.accounts),
            ("pos_strategy", self.strategies),
        ):
            _set(self, name, index_column(name, getattr(self, name), len(table), n))
        _set(self, "pos_kind", index_column("pos_kind", self.pos_kind, len(Kind), n))
        for name in ("pos_size", "pos_multiplier", "pos_avg_entry", "pos_realized_today"):
            _set(self, name, float_column(name, getattr(self, name), n))
        if (self.pos_multiplier <= 0).any():
            raise ValueError("pos_multiplier: must be > 0")
        if (self.pos_avg_entry < 0).any():
            raise ValueError("pos_avg_entry: must be >= 0")
        _set(self, "pos_venue_mark", _optional_prices("pos_venue_mark", self.pos_venue_mark, n))

    def _check_balance_rows(self) -> None:
        n = np.asarray(self.bal_amount).reshape(-1).shape[0]
        _set(self, "bal_venue", index_column("bal_venue", self.bal_venue, len(self.venues), n))
        _set(
            self,
            "bal_account",
            index_column("bal_account", self.bal_account, len(self.accounts), n),
        )
        _set(self, "bal_asset", index_column("bal_asset", self.bal_asset, len(self.assets), n))
        _set(self, "bal_amount", float_column("bal_amount", self.bal_amount, n))


@dataclass(frozen=True)
class Marks:
    """Candidate prices, one row per (symbol, source); the engine picks one per symbol.

    `sources` is the pricing order, most preferred first (config's pricing order).
    `price` is in the symbol's quote currency per base unit, > 0: the venue mark price for
    derivatives, the last trade for spot (the caller chooses which it stores).
    `timestamp` is when the source observed the price (POSIX seconds, UTC).
    """

    sources: tuple[str, ...]
    symbol: IntArray
    source: IntArray
    price: FloatArray
    timestamp: FloatArray

    def __post_init__(self) -> None:
        _set(self, "sources", name_table("sources", self.sources))
        n = np.asarray(self.price).reshape(-1).shape[0]
        _set(self, "price", float_column("price", self.price, n))
        if (self.price <= 0).any():
            raise ValueError("price: must be > 0")
        _set(self, "timestamp", float_column("timestamp", self.timestamp, n))
        _set(self, "source", index_column("source", self.source, len(self.sources), n))
        # symbol range is checked against the book in EngineInputs
        _set(self, "symbol", index_column("symbol", self.symbol, np.iinfo(np.int64).max, n))


@dataclass(frozen=True)
class PriceHistory:
    """Aligned daily closes, shape (days, n_symbols), oldest first, completed days only.

    Today's open candle must not be included. NaN marks a day a symbol has no close (not yet
    listed, gap); a close is otherwise > 0. Returns are derived once at construction so a
    caller reusing the history across cycles pays for them once:
    `simple_returns` r_t = c_t / c_{t-1} - 1, `log_returns` ln(c_t / c_{t-1}),
    shape (days - 1, n_symbols), NaN where either close is missing;
    `simple_returns_filled` the same with NaN replaced by 0 (a missing return is taken as
    "no move" in the VaR scenarios; see docs/risk-methodology.md);
    `log_returns_squared` r^2 with 0 for missing; `returns_present` 1.0 where a return exists,
    else 0.0 (float so weighted counts are one BLAS product); `valid_returns_before`:
    row k counts each symbol's non-missing returns among the first k (window counts by
    difference).
    """

    closes: FloatArray
    simple_returns: FloatArray = field(init=False, repr=False)
    log_returns: FloatArray = field(init=False, repr=False)
    simple_returns_filled: FloatArray = field(init=False, repr=False)
    log_returns_squared: FloatArray = field(init=False, repr=False)
    returns_present: FloatArray = field(init=False, repr=False)
    valid_returns_before: IntArray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        closes = np.array(self.closes, dtype=np.float64, copy=True)
        if closes.ndim != 2:
            raise ValueError("closes: expected a 2-D array (days, symbols)")
        if np.isinf(closes).any() or (closes <= 0).any():
            raise ValueError("closes: must be > 0 and finite, or NaN for no close")
        ratio = closes[1:] / closes[:-1]
        simple = ratio - 1.0
        logs = np.log(ratio)
        valid = np.isfinite(simple)
        counts = np.zeros((simple.shape[0] + 1, closes.shape[1]), dtype=np.int64)
        np.cumsum(valid, axis=0, out=counts[1:])
        _set(self, "closes", frozen(closes))
        _set(self, "simple_returns", frozen(simple))
        _set(self, "log_returns", frozen(logs))
        _set(self, "simple_returns_filled", frozen(np.where(valid, simple, 0.0)))
        _set(self, "log_returns_squared", frozen(np.where(valid, logs * logs, 0.0)))
        _set(self, "returns_present", frozen(valid.astype(np.float64)))
        _set(self, "valid_returns_before", frozen(counts))

    def valid_returns(self, window: int) -> IntArray:
        """Non-missing returns per symbol among the last `window` days."""
        counts = self.valid_returns_before
        recent: IntArray = counts[-1] - counts[max(counts.shape[0] - 1 - window, 0)]
        return recent

    @property
    def n_symbols(self) -> int:
        return int(self.closes.shape[1])


@dataclass(frozen=True)
class EquitySeries:
    """Past portfolio equity samples and external transfers, both ascending in time.

    `equity` USD at `timestamps`; a transfer stamped t is already reflected in equity samples
    at or after t. `transfer_amounts` USD, deposits > 0, withdrawals < 0.
    """

    timestamps: FloatArray
    equity: FloatArray
    transfer_timestamps: FloatArray
    transfer_amounts: FloatArray

    def __post_init__(self) -> None:
        n = np.asarray(self.equity).reshape(-1).shape[0]
        _set(self, "timestamps", _ascending("timestamps", self.timestamps, n))
        _set(self, "equity", float_column("equity", self.equity, n))
        m = np.asarray(self.transfer_amounts).reshape(-1).shape[0]
        _set(
            self,
            "transfer_timestamps",
            _ascending("transfer_timestamps", self.transfer_timestamps, m),
        )
        _set(self, "transfer_amounts", float_column("transfer_amounts", self.transfer_amounts, m))


@dataclass(frozen=True)
class BacktestSeries:
    """Daily realized P&L and the VaR reported for the next day, aligned by day, oldest first.

    `var[t]` is the 1-day VaR (USD, positive = loss) reported at the end of day t, i.e. the
    forecast for day t + 1; `pnl[t]` is day t's daily P&L (USD). NaN marks a missing day.
    """

    pnl: FloatArray
    var: FloatArray

    def __post_init__(self) -> None:
        pnl = np.array(self.pnl, dtype=np.float64, copy=True).reshape(-1)
        var = np.array(self.var, dtype=np.float64, copy=True).reshape(-1)
        if pnl.shape != var.shape:
            raise ValueError("pnl, var: expected the same length")
        if np.isinf(pnl).any() or np.isinf(var).any():
            raise ValueError("pnl, var: infinity is not a value (use NaN for a missing day)")
        _set(self, "pnl", frozen(pnl))
        _set(self, "var", frozen(var))


@dataclass(frozen=True)
class StartOfDayEquity:
    """Equity at 00:00 UTC (USD) obtained otherwise than from a stored equity sample, e.g.
    rebuilt from the venues' current state. When given it replaces the search of the equity
    samples for the day's mark. `equity` None: it could not be obtained; `reason` is then the
    flag that says why (e.g. "start_of_day_price_missing"). With an equity, `reason` is a
    caveat flag on how it was obtained (e.g. "start_of_day_venue_mark_missing"), or None."""

    equity: float | None
    source: str
    reason: str | None = None

    def __post_init__(self) -> None:
        if self.equity is not None and not np.isfinite(self.equity):
            raise ValueError("equity: expected a finite number or None")


@dataclass(frozen=True)
class History:
    """Everything time-series: daily closes, equity samples, and the VaR backtest record;
    `start_of_day`: the day's opening equity when it does not come from `equity`."""

    prices: PriceHistory
    equity: EquitySeries
    backtest: BacktestSeries | None = None
    start_of_day: StartOfDayEquity | None = None


@dataclass(frozen=True)
class MarketInfo:
    """Per-symbol trading facts for hedge recommendations, aligned with `Book.symbols`.

    `liquidity` a score, higher is more liquid (e.g. 24h quote volume, USD); <= 0 means
    "do not hedge with it". `lot_size` base units (0 = no rounding). `fee_bps`,
    `half_spread_bps` in basis points of notional.
    """

    liquidity: FloatArray
    lot_size: FloatArray
    fee_bps: FloatArray
    half_spread_bps: FloatArray

    def __post_init__(self) -> None:
        n = np.asarray(self.liquidity).reshape(-1).shape[0]
        for name in ("liquidity", "lot_size", "fee_bps", "half_spread_bps"):
            _set(self, name, float_column(name, getattr(self, name), n))
        if (self.lot_size < 0).any():
            raise ValueError("lot_size: must be >= 0")


@dataclass(frozen=True)
class EngineInputs:
    """One assessment's inputs; `as_of` is the valuation time (POSIX seconds, UTC)."""

    book: Book
    marks: Marks
    history: History
    as_of: float
    market: MarketInfo | None = None

    def __post_init__(self) -> None:
        n = self.book.n_symbols
        if self.marks.symbol.size and self.marks.symbol.max() >= n:
            raise ValueError("marks.symbol: index out of range of book.symbols")
        if self.history.prices.n_symbols != n:
            raise ValueError("history.prices.closes: one column per book symbol expected")
        if self.market is not None and self.market.liquidity.shape[0] != n:
            raise ValueError("market: one row per book symbol expected")
        if not np.isfinite(self.as_of):
            raise ValueError("as_of: must be finite")


def _ascending(name: str, values: object, length: int) -> FloatArray:
    array = float_column(name, values, length)  # type: ignore[arg-type]
    if (np.diff(array) < 0).any():
        raise ValueError(f"{name}: must be ascending")
    return array


def _optional_prices(name: str, values: object, length: int) -> FloatArray:
    """Prices > 0 where given, NaN for "none"; infinity and prices <= 0 are refused. An empty
    column stands for "none for every row"."""
    array = np.array(values, dtype=np.float64, copy=True).reshape(-1)
    if array.shape[0] == 0:
        array = np.full(length, np.nan)
    if array.shape[0] != length:
        raise ValueError(f"{name}: expected {length} values, got {array.shape[0]}")
    given = ~np.isnan(array)
    if np.isinf(array).any() or (array[given] <= 0).any():
        raise ValueError(f"{name}: must be > 0 and finite, or NaN for none")
    return frozen(array)  # type: ignore[return-value]


def _set(instance: object, name: str, value: object) -> None:
    # frozen dataclasses normalise their own fields in __post_init__ this way
    object.__setattr__(instance, name, value)
