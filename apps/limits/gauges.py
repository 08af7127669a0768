"""Prometheus signals of a limit check (BRIEF "Prometheus Metrics"); set after commit."""

from __future__ import annotations

from collections.abc import Sequence

from apps.core.compliance import compliance_signals_enabled
from apps.core.metrics import risk_compliance_status, risk_limit_utilization
from apps.limits.readings import LimitReading

# At the critical threshold's 1.0 the limit is reached: out of compliance from there on.
COMPLIANCE_LIMIT = 1.0


def limit_gauges_set(readings: Sequence[LimitReading]) -> None:
    """``risk_limit_utilization{limit_type=breach_type, symbol=scope}``: the highest utilization
    among the limits of that type and scope (a symbol may have a size and a notional limit);
    ``risk_compliance_status{mandate=breach_type, symbol=scope}``: 1 compliant, 0 in breach.
    Both are compliance signals: nothing is set with ``EMIT_COMPLIANCE_SIGNALS`` off."""
    if not compliance_signals_enabled():
        return
    worst: dict[tuple[str, str], float] = {}
    for reading in readings:
        labels = (reading.breach_type, reading.scope)
        worst[labels] = max(worst.get(labels, 0.0), reading.utilization)
    for (breach_type, scope), used in worst.items():
        risk_limit_utilization.labels(limit_type=breach_type, symbol=scope).set(used)
        compliant = 1.0 if used < COMPLIANCE_LIMIT else 0.0
        risk_compliance_status.labels(mandate=breach_type, symbol=scope).set(compliant)
