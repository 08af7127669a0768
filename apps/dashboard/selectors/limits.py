"""Every limit with its utilization against the portfolio's latest snapshot and its warn and
alert lines, and the page's colour bands from ``dashboard_config.yaml``."""

from __future__ import annotations

from typing import Any

from apps.limits.selectors import LimitCurrent, limits_current, severity_thresholds
from apps.limits.states import BREACH_SEVERITY, compliance_state, worst_state
from apps.positions.models import Portfolio
from riskmonitor.conf import get_config
from riskmonitor.engine.limits import opening_level


def limit_utilization(*, portfolio: Portfolio) -> dict[str, Any]:
    """``warn_line``: the utilization where the limit's alert opens (its warn_at_utilization,
    else the lowest severity threshold); ``alert_line``: where it is in breach (the critical
    threshold). A limit without a reading (disabled, or its figure unknown) has no utilization."""
    current = limits_current(portfolio_id=portfolio.pk)
    thresholds = severity_thresholds()
    display = get_config().dashboard.dashboard.limits_display
    return {
        "portfolio": portfolio.name,
        "snapshot_id": current.snapshot.id if current.snapshot else None,
        "as_of": current.snapshot.as_of if current.snapshot else None,
        "display": display.model_dump(),
        "limits": [_limit(item, thresholds) for item in current.limits],
    }


def _limit(item: LimitCurrent, thresholds: dict[str, float]) -> dict[str, Any]:
    limit, warn_at = item.limit, item.limit.warn_at_utilization
    warn_line = opening_level(None if warn_at is None else float(warn_at), thresholds)
    return {
        "limit_id": limit.pk,
        "limit_key": limit.key,
        "breach_type": limit.breach_type,
        "scope": limit.scope,
        "unit": limit.unit,
        "value": float(limit.value),
        "enabled": limit.enabled,
        "utilization": item.utilization,
        "severity": item.severity,
        "state": worst_state(compliance_state(r) for r in item.readings),
        "warn_line": warn_line,
        "alert_line": thresholds[BREACH_SEVERITY],
        "scopes": [
            {"scope": r.scope, "current": r.current, "limit": r.limit, "utilization": r.utilization}
            for r in item.readings
        ],
    }
