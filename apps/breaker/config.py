"""What the breaker reads from the running configuration and the environment."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from apps.breaker.rules import Thresholds
from riskmonitor.conf import get_config


@dataclass(frozen=True)
class BreakerSettings:
    thresholds: Thresholds
    recovery_minutes: int
    # Recovery decides on the latest evaluation's figures only while they are this fresh.
    staleness_minutes: int


def breaker_settings() -> BreakerSettings:
    limits = get_config().limits.risk_limits
    cb = limits.circuit_breakers
    return BreakerSettings(
        thresholds=Thresholds(
            portfolio_loss=float(cb.portfolio_loss_threshold),
            rapid_drawdown=float(cb.rapid_drawdown_threshold),
            critical_alerts=int(cb.critical_alert_threshold),
        ),
        recovery_minutes=int(cb.recovery_time_minutes),
        staleness_minutes=int(limits.operational_limits.position_staleness_minutes),
    )


def breaker_enabled() -> bool:
    return bool(settings.RISK_MONITOR["CIRCUIT_BREAKER_ENABLED"])


def auto_liquidate() -> bool:
    return bool(settings.RISK_MONITOR["CIRCUIT_BREAKER_AUTO_LIQUIDATE"])


def emergency_targets() -> tuple[str, ...]:
    """Everyone the critical tier ever reaches, at once: a trip does not wait to escalate."""
    rule = get_config().limits.alert_configuration.escalation_rules.critical_severity
    return tuple(dict.fromkeys([*rule.initial_notification, *rule.escalate_to]))
