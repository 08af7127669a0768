"""The configuration one evaluation uses, read once per call from the validated YAML."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings as django_settings

from riskmonitor.conf import get_config
from riskmonitor.conf.schemas.limits import PriceShock
from riskmonitor.engine import EngineParams, StressScenario

NUMERAIRE = "USD"
PAR_SOURCE = "par"  # the source name of a USD alias priced at 1 when no venue quotes it


@dataclass(frozen=True)
class RiskSettings:
    pricing_order: tuple[str, ...]
    asset_aliases: Mapping[str, str]
    var_lookback_days: int
    staleness_seconds: float
    history_full_rate_hours: int
    trace_interval_seconds: float  # the calculation trace is rebuilt at most this often
    params: EngineParams
    delta_limits: Mapping[str, float]
    notional_total_limit: float
    notional_per_symbol_limit: float

    def group(self, asset: str) -> str:
        return self.asset_aliases.get(asset, asset)

    def is_cash(self, asset: str) -> bool:
        """USD and its aliases (USDT, USDC ...): cash, not a position."""
        return self.group(asset) == NUMERAIRE


def risk_settings() -> RiskSettings:
    cfg = get_config()
    monitoring = cfg.monitor.monitoring
    limits = cfg.limits.risk_limits
    staleness = float(limits.operational_limits.position_staleness_minutes) * 60.0
    delta_limits = {asset: d.max_net_exposure for asset, d in limits.delta_limits.items()}
    params = EngineParams(
        mark_stale_after_seconds=staleness,
        var_lookback_days=monitoring.var_lookback_days,
        trailing_stop_pct=limits.drawdown_limits.trailing_stop_pct,
        stress_scenarios=_scenarios(cfg.limits.stress_scenarios),
        delta_limits=delta_limits,
    )
    return RiskSettings(
        pricing_order=tuple(monitoring.pricing_order),
        asset_aliases=dict(monitoring.asset_aliases),
        var_lookback_days=monitoring.var_lookback_days,
        staleness_seconds=staleness,
        history_full_rate_hours=monitoring.history_full_rate_hours,
        trace_interval_seconds=float(django_settings.RISK_MONITOR["TRACE_INTERVAL_SECONDS"]),
        params=params,
        delta_limits=delta_limits,
        notional_total_limit=limits.notional_limits.total_portfolio,
        notional_per_symbol_limit=limits.notional_limits.per_symbol,
    )


def _scenarios(config: Mapping[str, Mapping[str, PriceShock]]) -> tuple[StressScenario, ...]:
    scenarios = []
    for name, shocks in config.items():
        relative = {a: s.relative for a, s in shocks.items() if s.relative is not None}
        absolute = {a: s.price for a, s in shocks.items() if s.price is not None}
        scenarios.append(StressScenario(name, relative=relative, absolute=absolute))
    return tuple(scenarios)
