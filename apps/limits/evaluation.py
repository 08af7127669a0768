"""Limits against risk figures: one LimitReading per (limit, scope), breached or not.

Pure: no database, no clock. ``figures`` is a ``RiskAssessment.to_dict()`` (a stored
RiskSnapshot's JSON or a what-if result); the limits are plain ``LimitSpec`` mirrors of the
model. Figures are float64 (the engine's); limit values arrive as floats here.

A figure the engine could not compute (``null``: a missing mark, no start-of-day equity, too
little history for VaR) gives no reading for that limit: unknown is neither compliant nor in
breach, and the engine's flags say why. A symbol or asset absent from the figures is flat:
its position, notional and delta limits read 0, so an alert on it can resolve.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from apps.limits.kinds import EVERY, KINDS, PNL_CALCULATION_SOURCE, PORTFOLIO
from apps.limits.readings import LimitReading, ScopeKind, Severity
from riskmonitor.engine.limits import opening_level, severity, utilization

Figures = Mapping[str, Any]


@dataclass(frozen=True)
class LimitSpec:
    """A limit as evaluation needs it (a frozen mirror of ``apps.limits.models.Limit``)."""

    id: int
    key: str
    kind: str
    scope: str
    value: float
    warn_at_utilization: float | None = None
    enabled: bool = True

    @property
    def breach_type(self) -> str:
        return KINDS[self.kind].breach_type

    @property
    def scope_kind(self) -> ScopeKind:
        return KINDS[self.kind].scope_kind


@dataclass(frozen=True)
class StaleSource:
    """A data source and the age of its latest good data (``exchange-1:balances``, 42.0).

    ``overdue_seconds`` is how far past its own refresh schedule it is and ``stale`` the
    verdict of ``apps.venues.freshness`` (overdue beyond the grace, or its last pull failed);
    ``overdue_seconds`` None: not judged against a schedule, its age stands in."""

    name: str
    age_seconds: float | None  # None: never had good data
    overdue_seconds: float | None = None
    stale: bool = False


@dataclass(frozen=True)
class _Measure:
    scope: str
    current: float
    limit: float
    unit: str


def _section(figures: Figures, name: str) -> Mapping[str, Any]:
    return cast(Mapping[str, Any], figures.get(name) or {})


def _symbol_figure(spec: LimitSpec, figures: Figures, field: str) -> float | None:
    row = _section(figures, "symbols").get(spec.scope)
    return 0.0 if row is None else row.get(field)


def _one(spec: LimitSpec, current: float | None, limit: float, unit: str) -> list[_Measure]:
    return [] if current is None else [_Measure(spec.scope, float(current), limit, unit)]


def _net_size(spec: LimitSpec, f: Figures, _s: Sequence[StaleSource]) -> list[_Measure]:
    # max_long > 0 sees only long net sizes, max_short < 0 only short ones (DESIGN §5).
    return _one(spec, _symbol_figure(spec, f, "net_size"), spec.value, "units")


def _long_notional(spec: LimitSpec, f: Figures, _s: Sequence[StaleSource]) -> list[_Measure]:
    return _one(spec, _symbol_figure(spec, f, "net_exposure"), spec.value, "usd")


def _short_notional(spec: LimitSpec, f: Figures, _s: Sequence[StaleSource]) -> list[_Measure]:
    # Stored as a magnitude (the brief's form); compared on the short side: signed exposure.
    return _one(spec, _symbol_figure(spec, f, "net_exposure"), -abs(spec.value), "usd")


def _concentration(spec: LimitSpec, f: Figures, _s: Sequence[StaleSource]) -> list[_Measure]:
    return _one(spec, _symbol_figure(spec, f, "concentration"), spec.value, "fraction")


def _symbol_notional(spec: LimitSpec, f: Figures, _s: Sequence[StaleSource]) -> list[_Measure]:
    symbols = _section(f, "symbols")
    names = sorted(symbols) if spec.scope == EVERY else [spec.scope]
    found = []
    for name in names:
        notional = symbols[name].get("notional") if name in symbols else 0.0
        if notional is not None:
            found.append(_Measure(name, float(notional), spec.value, "usd"))
    return found


def _portfolio(section: str, field: str, unit: str) -> Callable[..., list[_Measure]]:
    def measure(spec: LimitSpec, f: Figures, _s: Sequence[StaleSource]) -> list[_Measure]:
        return _one(spec, _section(f, section).get(field), spec.value, unit)

    return measure


def _delta(spec: LimitSpec, f: Figures, _s: Sequence[StaleSource]) -> list[_Measure]:
    row = _section(f, "deltas").get(spec.scope)
    units = 0.0 if row is None else row.get("units")
    # The limit binds either way: compare the magnitude of the net exposure.
    return _one(spec, None if units is None else abs(units), spec.value, "units")


def _loss(amount: float | None) -> float | None:
    return None if amount is None else max(-amount, 0.0)


def _daily_loss(spec: LimitSpec, f: Figures, _s: Sequence[StaleSource]) -> list[_Measure]:
    return _one(spec, _loss(_section(f, "pnl").get("daily_pnl")), abs(spec.value), "usd")


def _drawdown(spec: LimitSpec, f: Figures, _s: Sequence[StaleSource]) -> list[_Measure]:
    depth = _loss(_section(f, "drawdown").get("drawdown"))
    return _one(spec, depth, abs(spec.value), "fraction")


def _stress(spec: LimitSpec, f: Figures, _s: Sequence[StaleSource]) -> list[_Measure]:
    pnls = [row["pnl"] for row in f.get("stress") or () if row.get("pnl") is not None]
    worst = _loss(min(pnls)) if pnls else None
    return _one(spec, worst, spec.value, "usd")


def _overdue(source: StaleSource, grace: float) -> float | None:
    """How late the source is against its own schedule; a stale verdict (a failed pull is
    stale at once, whatever its age) reads at least the grace, so it is a breach."""
    if source.stale:
        return max(source.overdue_seconds or 0.0, grace)
    if source.overdue_seconds is None:  # not judged against a schedule: its age stands in
        return source.age_seconds
    return source.overdue_seconds


def _staleness(spec: LimitSpec, _f: Figures, sources: Sequence[StaleSource]) -> list[_Measure]:
    if spec.scope == EVERY:
        chosen = [s for s in sources if s.name != PNL_CALCULATION_SOURCE]
    else:
        chosen = [s for s in sources if s.name == spec.scope]
    if spec.kind == "pnl_frequency":  # time since the last calculation, a plain age
        ages = [(s.name, s.age_seconds) for s in chosen]
        return [_Measure(n, age, spec.value, "seconds") for n, age in ages if age is not None]
    # data_staleness: the limit is the grace (minutes) past each source's own refresh
    # interval, so an hourly source read 59 minutes ago is not late at all.
    grace = spec.value * 60.0
    late = [(s.name, _overdue(s, grace)) for s in chosen]
    return [_Measure(n, over, grace, "seconds") for n, over in late if over is not None]


_MEASURES: dict[str, Callable[[LimitSpec, Figures, Sequence[StaleSource]], list[_Measure]]] = {
    "position_max_long": _net_size,
    "position_max_short": _net_size,
    "position_max_long_notional": _long_notional,
    "position_max_short_notional": _short_notional,
    "concentration": _concentration,
    "gross_notional": _portfolio("exposure", "gross_notional", "usd"),
    "total_notional": _portfolio("exposure", "total_notional", "usd"),
    "symbol_notional": _symbol_notional,
    "delta": _delta,
    "daily_loss": _daily_loss,
    "max_drawdown": _drawdown,
    "trailing_stop": _drawdown,
    # Historical VaR: the one DESIGN §5 defines first and the backtest checks (risk-methodology).
    "var_99": _portfolio("var", "historical_var", "usd"),
    "leverage": _portfolio("exposure", "leverage", "ratio"),
    "stress_loss": _stress,
    "data_staleness": _staleness,
    "pnl_frequency": _staleness,
}


def _reading(spec: LimitSpec, m: _Measure, thresholds: Mapping[str, float]) -> LimitReading:
    used = utilization(m.current, m.limit)
    return LimitReading(
        limit_id=spec.id,
        limit_key=spec.key,
        breach_type=spec.breach_type,
        scope_kind=spec.scope_kind,
        scope=m.scope if spec.scope_kind != "portfolio" else PORTFOLIO,
        current=m.current,
        limit=m.limit,
        utilization=used,
        severity=cast(Severity | None, severity(used, thresholds)),
        opening_level=opening_level(spec.warn_at_utilization, thresholds),
        unit=m.unit,
    )


def limits_evaluate(
    *,
    limits: Sequence[LimitSpec],
    figures: Figures,
    stale_sources: Sequence[StaleSource] = (),
    thresholds: Mapping[str, float],
) -> list[LimitReading]:
    """One reading for every enabled limit and every scope it applies to, in the limits' order.

    Utilization and severity as DESIGN §5 (``riskmonitor.engine.limits``); non-finite figures
    are treated as unknown (no reading), never as 0.
    """
    readings = []
    for spec in limits:
        if not spec.enabled:
            continue
        for measure in _MEASURES[spec.kind](spec, figures, stale_sources):
            if math.isfinite(measure.current):
                readings.append(_reading(spec, measure, thresholds))
    return readings
