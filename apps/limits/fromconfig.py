"""The limits ``risk_limits.yaml`` states, one per (kind, scope), in either of the brief's forms.

Pure: turns the validated config model into plain specs; the loader service stores them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from apps.limits.kinds import EVERY, KINDS, PNL_CALCULATION_SOURCE, PORTFOLIO
from riskmonitor.conf.schemas.limits import LimitsFile, PositionLimit, RiskLimits


@dataclass(frozen=True)
class ConfigLimit:
    key: str
    kind: str
    scope: str
    value: Decimal
    warn_at_utilization: Decimal | None

    @property
    def breach_type(self) -> str:
        return KINDS[self.kind].breach_type


def to_decimal(value: float | int | None) -> Decimal | None:
    """The YAML number as written (0.1 stays 0.1, not its binary float expansion)."""
    return None if value is None else Decimal(str(value))


def _limit(key: str, kind: str, scope: str, value: float, warn: float | None) -> ConfigLimit:
    return ConfigLimit(key, kind, scope, Decimal(str(value)), to_decimal(warn))


_POSITION_FIELDS = (
    ("max_long", "position_max_long"),
    ("max_short", "position_max_short"),
    ("max_long_notional", "position_max_long_notional"),
    ("max_short_notional", "position_max_short_notional"),
    ("concentration_limit", "concentration"),
)


def _position(symbol: str, limits: PositionLimit) -> Iterator[ConfigLimit]:
    for field, kind in _POSITION_FIELDS:
        value = getattr(limits, field)
        if value is not None:
            key = f"position_limits.{symbol}.{field}"
            yield _limit(key, kind, symbol, value, limits.warn_at_utilization)


def _portfolio(rl: RiskLimits) -> Iterator[ConfigLimit]:
    pl = rl.portfolio_limits
    warn = pl.warn_at_utilization
    fields = (
        ("max_total_notional", "gross_notional", pl.max_total_notional),
        ("max_var_99", "var_99", pl.max_var_99),
        ("max_leverage_ratio", "leverage", pl.max_leverage_ratio),
        ("max_stress_loss", "stress_loss", pl.max_stress_loss),
    )
    for field, kind, value in fields:
        if value is not None:
            yield _limit(f"portfolio_limits.{field}", kind, PORTFOLIO, value, warn)


def _drawdown(rl: RiskLimits) -> Iterator[ConfigLimit]:
    """portfolio_limits.max_daily_loss / max_drawdown_pct state the same limits as
    drawdown_limits.daily_loss / max_drawdown (the config check makes them agree): one limit
    each, under the drawdown_limits key, which both brief versions have. It takes the
    portfolio_limits warn level when portfolio_limits names it."""
    dl, pl = rl.drawdown_limits, rl.portfolio_limits
    daily_warn = pl.warn_at_utilization if pl.max_daily_loss is not None else None
    dd_warn = pl.warn_at_utilization if pl.max_drawdown_pct is not None else None
    yield _limit("drawdown_limits.daily_loss", "daily_loss", PORTFOLIO, dl.daily_loss, daily_warn)
    yield _limit(
        "drawdown_limits.max_drawdown", "max_drawdown", PORTFOLIO, dl.max_drawdown, dd_warn
    )
    yield _limit(
        "drawdown_limits.trailing_stop_pct", "trailing_stop", PORTFOLIO, dl.trailing_stop_pct, None
    )


def _notional(rl: RiskLimits) -> Iterator[ConfigLimit]:
    nl = rl.notional_limits
    warn = nl.warn_at_utilization
    yield _limit(
        "notional_limits.total_portfolio", "total_notional", PORTFOLIO, nl.total_portfolio, warn
    )
    yield _limit("notional_limits.per_symbol", "symbol_notional", EVERY, nl.per_symbol, warn)


def _delta(rl: RiskLimits) -> Iterator[ConfigLimit]:
    for asset, limit in rl.delta_limits.items():
        key = f"delta_limits.{asset}.max_net_exposure"
        yield _limit(key, "delta", asset, limit.max_net_exposure, limit.warn_at_utilization)


def _operational(rl: RiskLimits) -> Iterator[ConfigLimit]:
    ol = rl.operational_limits
    yield _limit(
        "operational_limits.position_staleness_minutes",
        "data_staleness", EVERY, ol.position_staleness_minutes, None,
    )  # fmt: skip
    yield _limit(
        "operational_limits.pnl_calculation_frequency",
        "pnl_frequency", PNL_CALCULATION_SOURCE, ol.pnl_calculation_frequency, None,
    )  # fmt: skip


def config_limits(limits_file: LimitsFile) -> list[ConfigLimit]:
    """Every limit the file states, in a stable order; sections left out state none (defaults of
    operational_limits apply, as the config loader fills them in)."""
    rl = limits_file.risk_limits
    found: list[ConfigLimit] = []
    for symbol, position in rl.position_limits.items():
        found.extend(_position(symbol, position))
    for section in (_portfolio, _drawdown, _notional, _delta, _operational):
        found.extend(section(rl))
    return found
