"""Prometheus signals of a limit check (BRIEF "Prometheus Metrics"); set after commit."""

from __future__ import annotations

from collections.abc import Sequence

from apps.core.compliance import compliance_signals_enabled
from apps.core.metrics import risk_compliance_status, risk_limit_utilization
from apps.limits.readings import LimitReading
from apps.limits.states import STATE_CODES, compliance_state


def limit_gauges_set(readings: Sequence[LimitReading]) -> None:
    """``risk_limit_utilization{limit_type=breach_type, symbol=scope}``: the highest utilization
    among the limits of that type and scope (a symbol may have a size and a notional limit).
    A compliance signal: nothing is set with ``EMIT_COMPLIANCE_SIGNALS`` off."""
    if not compliance_signals_enabled():
        return
    worst: dict[tuple[str, str], float] = {}
    for reading in readings:
        labels = (reading.breach_type, reading.scope)
        worst[labels] = max(worst.get(labels, 0.0), reading.utilization)
    for (breach_type, scope), used in worst.items():
        risk_limit_utilization.labels(limit_type=breach_type, symbol=scope).set(used)


def compliance_gauges_set(readings: Sequence[LimitReading]) -> None:
    """``risk_compliance_status{mandate=breach_type, symbol=scope}``: the worst state among the
    limits of that type and scope, as ``apps.limits.states`` encodes it (0 ok, 1 warn,
    2 breach). A compliance signal: nothing is set with ``EMIT_COMPLIANCE_SIGNALS`` off."""
    if not compliance_signals_enabled():
        return
    worst: dict[tuple[str, str], int] = {}
    for reading in readings:
        labels = (reading.breach_type, reading.scope)
        worst[labels] = max(worst.get(labels, 0), STATE_CODES[compliance_state(reading)])
    for (breach_type, scope), code in worst.items():
        risk_compliance_status.labels(mandate=breach_type, symbol=scope).set(code)
