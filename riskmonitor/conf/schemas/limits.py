"""Schema of ``risk_limits.yaml``: limits, alert configuration and stress scenarios.

Money is in the portfolio's base currency (USD). Signs follow the brief: loss thresholds and the
size-form ``max_short`` are negative, every other limit is a positive magnitude.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, PlainValidator, model_validator

from riskmonitor.conf.fields import (
    Asset,
    ConfigModel,
    Fraction,
    NegativeFraction,
    NegativeNumber,
    OptionalFraction,
    OptionalPositiveNumber,
    OptionalShortSize,
    PositiveInt,
    PositiveNumber,
    Slug,
    Symbol,
    invalid,
)


class PositionLimit(ConfigModel):
    """One symbol's limits, in either brief form (sizes, notionals, or both)."""

    max_long: OptionalPositiveNumber = None  # base-asset units, e.g. 10.0 BTC
    max_short: OptionalShortSize = None  # signed base-asset units, e.g. -5.0 BTC
    max_long_notional: OptionalPositiveNumber = None  # USD
    max_short_notional: OptionalPositiveNumber = None  # USD, a magnitude as in the brief
    concentration_limit: OptionalFraction = None  # share of portfolio gross notional
    warn_at_utilization: OptionalFraction = None  # None: lowest severity threshold

    @model_validator(mode="after")
    def _has_a_limit(self) -> PositionLimit:
        limits = (self.max_long, self.max_short, self.max_long_notional, self.max_short_notional)
        if all(limit is None for limit in limits) and self.concentration_limit is None:
            raise invalid(
                "must set at least one of max_long, max_short, max_long_notional, "
                "max_short_notional, concentration_limit"
            )
        return self


class PortfolioLimits(ConfigModel):
    """Portfolio-wide limits; a limit left out (None) is not monitored."""

    max_total_notional: OptionalPositiveNumber = None
    max_daily_loss: OptionalPositiveNumber = (
        None  # a magnitude; drawdown_limits.daily_loss is signed
    )
    max_drawdown_pct: OptionalFraction = None
    max_var_99: OptionalPositiveNumber = None
    max_leverage_ratio: OptionalPositiveNumber = None
    max_stress_loss: OptionalPositiveNumber = None  # worst stress scenario loss, a magnitude
    warn_at_utilization: OptionalFraction = None


class NotionalLimits(ConfigModel):
    total_portfolio: PositiveNumber
    per_symbol: PositiveNumber
    warn_at_utilization: OptionalFraction = None


class DeltaLimit(ConfigModel):
    max_net_exposure: PositiveNumber  # units of the asset, either direction
    warn_at_utilization: OptionalFraction = None


class DrawdownLimits(ConfigModel):
    daily_loss: NegativeNumber  # USD, e.g. -500000
    max_drawdown: NegativeFraction  # from the high-water mark, e.g. -0.15
    trailing_stop_pct: Fraction  # a magnitude, e.g. 0.10


class CircuitBreakers(ConfigModel):
    portfolio_loss_threshold: NegativeNumber  # total P&L, USD
    rapid_drawdown_threshold: NegativeNumber  # equity change within 10 minutes, USD
    critical_alert_threshold: PositiveInt = 5
    recovery_time_minutes: PositiveInt = 60


class OperationalLimits(ConfigModel):
    position_staleness_minutes: PositiveInt = 5
    pnl_calculation_frequency: PositiveInt = 30  # seconds
    alert_escalation_minutes: PositiveInt = 10


class RiskLimits(ConfigModel):
    position_limits: dict[Symbol, PositionLimit]
    portfolio_limits: PortfolioLimits = Field(default_factory=PortfolioLimits)
    notional_limits: NotionalLimits
    delta_limits: dict[Asset, DeltaLimit]
    drawdown_limits: DrawdownLimits
    circuit_breakers: CircuitBreakers
    operational_limits: OperationalLimits = Field(default_factory=OperationalLimits)


class SeverityThresholds(ConfigModel):
    """Utilization (current / limit) at which each severity starts."""

    low: PositiveNumber = 0.5
    medium: PositiveNumber = 0.75
    high: PositiveNumber = 0.9
    critical: PositiveNumber = 1.0


class EscalationRule(ConfigModel):
    initial_notification: list[Slug] = Field(min_length=1)
    escalation_delay_minutes: PositiveInt
    escalate_to: list[Slug] = Field(default_factory=list)  # empty: never escalates


def _escalation(initial: list[str], delay: int, escalate_to: list[str]) -> EscalationRule:
    return EscalationRule(
        initial_notification=initial, escalation_delay_minutes=delay, escalate_to=escalate_to
    )


class EscalationRules(ConfigModel):
    """One policy per severity; the brief's values for high and critical are the defaults."""

    low_severity: EscalationRule = Field(default_factory=lambda: _escalation(["risk_team"], 60, []))
    medium_severity: EscalationRule = Field(
        default_factory=lambda: _escalation(["risk_team"], 30, [])
    )
    high_severity: EscalationRule = Field(
        default_factory=lambda: _escalation(["risk_team"], 15, ["head_of_trading", "cro"])
    )
    critical_severity: EscalationRule = Field(
        default_factory=lambda: _escalation(["risk_team", "head_of_trading"], 5, ["ceo", "board"])
    )


class AlertConfiguration(ConfigModel):
    severity_thresholds: SeverityThresholds = Field(default_factory=SeverityThresholds)
    escalation_rules: EscalationRules = Field(default_factory=EscalationRules)


class PriceShock(ConfigModel):
    """A shock to one asset: a relative move (-0.30 = -30%) or an absolute price (USDT 0.97)."""

    relative: float | None = None
    price: float | None = None

    def apply(self, price: float) -> float:
        return self.price if self.price is not None else price * (1.0 + (self.relative or 0.0))


_SHOCK_REASON = (
    "must be a relative move greater than -1 (e.g. -0.30) or a mapping {price: <positive number>}"
)


def _parse_shock(value: Any) -> PriceShock:
    if isinstance(value, int | float) and not isinstance(value, bool) and -1 < value < 100:
        return PriceShock(relative=float(value))
    if isinstance(value, dict) and set(value) == {"price"}:
        price = value["price"]
        if isinstance(price, int | float) and not isinstance(price, bool) and 0 < price < 1e12:
            return PriceShock(price=float(price))
    raise invalid(_SHOCK_REASON)


Shock = Annotated[PriceShock, PlainValidator(_parse_shock)]


class LimitsFile(ConfigModel):
    """The whole of ``risk_limits.yaml``."""

    risk_limits: RiskLimits
    alert_configuration: AlertConfiguration = Field(default_factory=AlertConfiguration)
    # scenario name -> asset -> shock; assets are matched after asset_aliases.
    stress_scenarios: dict[Slug, dict[Asset, Shock]] = Field(default_factory=dict)
