"""Output types: frozen dataclasses, each with a JSON-safe `to_dict()`.

Tables are columnar (one read-only numpy array or tuple per column, rows aligned with `names`)
so building them costs a few array operations; `row(name)` and `to_dict()` render on demand.
Inside a table's float columns NaN means "not computable" (its status column or the
assessment's flags say why); every rendering turns it into None.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import cast

from riskmonitor.engine._arrays import BoolArray, FloatArray, IntArray
from riskmonitor.engine.params import EngineParams
from riskmonitor.engine.serialize import JsonMixin, JsonValue, to_json


class Table(JsonMixin):
    """Columns aligned with the key column `names`; `to_dict()` is {name: row}."""

    names: tuple[str, ...]

    def index(self, name: str) -> int:
        try:
            return self.names.index(name)
        except ValueError:
            raise KeyError(name) from None

    def row(self, name: str) -> dict[str, JsonValue]:
        i = self.index(name)
        return {column: to_json(getattr(self, column)[i]) for column in self._columns()}

    def to_dict(self) -> dict[str, JsonValue]:
        columns = self._columns()
        # Rendered a column at a time (arrays in bulk), then zipped into rows.
        rendered = [cast(list[JsonValue], to_json(getattr(self, c))) for c in columns]
        return {
            name: dict(zip(columns, values, strict=True))
            for name, values in zip(self.names, zip(*rendered, strict=True), strict=True)
        }

    def __len__(self) -> int:
        return len(self.names)

    def _columns(self) -> list[str]:
        return [f.name for f in fields(self) if f.name != "names"]  # type: ignore[arg-type]


@dataclass(frozen=True)
class SymbolTable(Table):
    """Per canonical symbol.

    net_size: base units (sum over venues, accounts, custodian; derivatives * multiplier).
    mark: quote currency per base unit; mark_usd: USD per base unit (mark * quote's USD price).
    mark_status: "fresh" | "stale" | "missing"; mark_source: the venue, None when missing;
    mark_age_seconds: as_of - the mark's timestamp.
    notional = |net_size| * mark_usd; gross_notional = sum over venues of |venue net| * mark_usd;
    net_exposure = net_size * mark_usd (signed, USD); concentration = gross / portfolio gross.
    unrealized_pnl, realized_today, total_pnl: USD over the position rows of the symbol.
    vol_realized, vol_ewma: annualized (sqrt 365) volatility of daily log returns;
    return_days: daily returns available in the VaR lookback window.
    """

    names: tuple[str, ...]
    net_size: FloatArray
    mark: FloatArray
    mark_usd: FloatArray
    mark_status: tuple[str, ...]
    mark_source: tuple[str | None, ...]
    mark_age_seconds: FloatArray
    notional: FloatArray
    gross_notional: FloatArray
    net_exposure: FloatArray
    concentration: FloatArray
    unrealized_pnl: FloatArray
    realized_today: FloatArray
    total_pnl: FloatArray
    vol_realized: FloatArray
    vol_ewma: FloatArray
    return_days: IntArray


@dataclass(frozen=True)
class DeltaTable(Table):
    """Per asset after aliases: base long, quote short (see docs/risk-methodology.md).

    units: signed asset units; usd: signed USD value at each leg's own price;
    usd_complete: False when some leg could not be valued (its units still count).
    """

    names: tuple[str, ...]
    units: FloatArray
    usd: FloatArray
    usd_complete: BoolArray


@dataclass(frozen=True)
class PnlTable(Table):
    """P&L (USD) grouped by one key (strategy, venue or symbol).

    complete: False when a row of the group had no mark (its unrealized P&L is left out).
    """

    names: tuple[str, ...]
    unrealized_pnl: FloatArray
    realized_today: FloatArray
    total_pnl: FloatArray
    complete: BoolArray


@dataclass(frozen=True)
class VenuePositions(JsonMixin):
    """Net size (base units) per (symbol, venue) over accounts; `to_dict()` {symbol: {venue:
    size}}. A cell is listed when any row touched it, even if it nets to zero."""

    symbols: tuple[str, ...]
    venues: tuple[str, ...]
    symbol_index: IntArray
    venue_index: IntArray
    size: FloatArray

    def for_symbol(self, symbol: str) -> dict[str, float]:
        mask = self.symbol_index == self.symbols.index(symbol)
        venues = self.venue_index[mask].tolist()
        return {self.venues[v]: s for v, s in zip(venues, self.size[mask].tolist(), strict=True)}

    def to_dict(self) -> dict[str, JsonValue]:
        result: dict[str, dict[str, JsonValue]] = {}
        cells = zip(
            self.symbol_index.tolist(), self.venue_index.tolist(), self.size.tolist(), strict=True
        )
        for s, v, size in cells:
            result.setdefault(self.symbols[s], {})[self.venues[v]] = size
        return dict(result)


@dataclass(frozen=True)
class VenueBasis(JsonMixin):
    """The mark each venue's margin engine uses for a symbol against the headline mark.

    One cell per (symbol, venue) holding a derivative with a venue mark. `mark` and `headline`
    are in the symbol's quote currency per base unit; `basis` = mark - headline (same unit,
    NaN without a headline); `basis_bps` = basis / headline * 10,000. `to_dict()`:
    {symbol: {venue: {"mark", "headline", "basis", "basis_bps"}}}.
    """

    symbols: tuple[str, ...]
    venues: tuple[str, ...]
    symbol_index: IntArray
    venue_index: IntArray
    mark: FloatArray
    headline: FloatArray

    @property
    def basis(self) -> FloatArray:
        basis: FloatArray = self.mark - self.headline
        return basis

    @property
    def basis_bps(self) -> FloatArray:
        bps: FloatArray = self.basis / self.headline * 1e4
        return bps

    def to_dict(self) -> dict[str, JsonValue]:
        result: dict[str, dict[str, JsonValue]] = {}
        columns = [
            cast(list[JsonValue], to_json(c))
            for c in (self.mark, self.headline, self.basis, self.basis_bps)
        ]
        cells = zip(self.symbol_index.tolist(), self.venue_index.tolist(), *columns, strict=True)
        for s, v, mark, headline, basis, bps in cells:
            result.setdefault(self.symbols[s], {})[self.venues[v]] = {
                "mark": mark, "headline": headline, "basis": basis, "basis_bps": bps,
            }  # fmt: skip
        return dict(result)


@dataclass(frozen=True)
class PnlSummary(JsonMixin):
    """Portfolio P&L and equity, USD.

    total_pnl = unrealized_pnl + realized_today. equity = value of all balances + unrealized
    P&L of derivatives. daily_pnl = equity - equity_start_of_day - transfers_today;
    daily_loss = min(daily_pnl, 0). None where an input is missing (see flags).
    """

    unrealized_pnl: float
    realized_today: float
    total_pnl: float
    equity: float
    equity_complete: bool
    equity_start_of_day: float | None
    start_of_day_timestamp: float | None
    transfers_today: float
    daily_pnl: float | None
    daily_loss: float | None
    start_of_day_source: str | None = None


@dataclass(frozen=True)
class ExposureSummary(JsonMixin):
    """Notionals (USD) and leverage. gross = sum |venue position| * mark; net = |sum of signed
    exposures|; total = sum over symbols of |net size| * mark. leverage = gross / equity,
    None when equity <= 0."""

    gross_notional: float
    net_notional: float
    total_notional: float
    leverage: float | None
    max_concentration: float | None
    max_concentration_symbol: str | None


@dataclass(frozen=True)
class VarSummary(JsonMixin):
    """1-day VaR and expected shortfall, USD, positive = loss. None when fewer than 2 scenarios."""

    confidence: float
    horizon_days: int
    scenarios: int
    historical_var: float | None
    expected_shortfall: float | None
    parametric_var: float | None
    sigma_p: float | None
    z: float
    ewma_lambda: float


@dataclass(frozen=True)
class BacktestSummary(JsonMixin):
    """VaR backtest over the last `window_days` pairs (VaR of day t-1, P&L of day t)."""

    window_days: int
    observations: int
    exceptions: int
    expected_exceptions: float
    exception_rate: float | None
    kupiec_lr: float | None
    kupiec_p_value: float | None
    zone: str


@dataclass(frozen=True)
class HypotheticalBacktest(JsonMixin):
    """Hypothetical-P&L VaR backtest (Basel): today's exposures held fixed over past days.

    Each of the last `observations` days d is tested: its VaR is the historical VaR from the
    `estimation_days` scenario days before d, its P&L the scenario P&L of day d (USD).
    `window_days` and `lookback_days` are what was asked for (250, 500); with fewer than
    their sum of `history_days`, both are shortened and `short_history` is true.
    """

    window_days: int
    lookback_days: int
    history_days: int
    observations: int
    estimation_days: int
    short_history: bool
    exceptions: int
    expected_exceptions: float
    exception_rate: float
    kupiec_lr: float
    kupiec_p_value: float
    zone: str


@dataclass(frozen=True)
class VarBacktest(JsonMixin):
    """Both VaR backtests: `hypothetical` (today's exposures over past returns, there on
    the first cycle; None below 3 scenario days) and `actual` (each day's realized P&L
    against the VaR stored the day before; None until such a pair exists)."""

    hypothetical: HypotheticalBacktest | None
    actual: BacktestSummary | None


@dataclass(frozen=True)
class DrawdownSummary(JsonMixin):
    """HWM, drawdown (a fraction <= 0), trailing stop and rapid drawdown (USD, <= 0)."""

    equity: float
    high_water_mark: float | None
    drawdown: float | None
    max_drawdown: float | None
    trailing_stop_pct: float
    trailing_stop_triggered: bool
    rapid_drawdown: float
    rapid_window_seconds: float


@dataclass(frozen=True)
class StressResult(JsonMixin):
    """Change of equity (USD) under one scenario, on current positions."""

    name: str
    pnl: float
    pnl_pct_equity: float | None
    unmatched_assets: tuple[str, ...]


@dataclass(frozen=True)
class Attribution(JsonMixin):
    """P&L (unrealized + realized today) by strategy, venue and symbol, and by (venue, symbol)
    pair (`by_venue_symbol`, names ``"<venue>|<symbol>"``: the position heatmap's cells)."""

    by_strategy: PnlTable
    by_venue: PnlTable
    by_symbol: PnlTable
    by_venue_symbol: PnlTable


@dataclass(frozen=True)
class HedgeRecommendation(JsonMixin):
    """An order bringing an asset's delta to `target_units`.

    side "buy" | "sell" | None; size in base units, rounded to the lot; notional_usd and
    est_cost_usd (fee + half spread) in USD. `reason` says why there is no order when
    symbol or side is None ("no_liquid_instrument", "below_lot_size").
    """

    asset: str
    delta_units: float
    limit_units: float | None
    target_units: float
    symbol: str | None
    side: str | None
    size: float
    notional_usd: float
    est_cost_usd: float
    reason: str


@dataclass(frozen=True)
class RiskAssessment(JsonMixin):
    """Everything one `assess` call computed, with the parameters it used."""

    engine_version: str
    as_of: float
    symbols: SymbolTable
    venue_positions: VenuePositions
    basis: VenueBasis
    deltas: DeltaTable
    pnl: PnlSummary
    exposure: ExposureSummary
    var: VarSummary
    var_backtest: VarBacktest
    drawdown: DrawdownSummary
    stress: tuple[StressResult, ...]
    attribution: Attribution
    hedges: tuple[HedgeRecommendation, ...]
    missing_marks: tuple[str, ...]
    stale_marks: tuple[str, ...]
    flags: tuple[str, ...]
    params: EngineParams
