"""Compliance state of a limit reading: ok, warn or breach, and the worst of several.

One rule for the compliance API, the ``risk_compliance_status`` gauge and the gRPC door, so they
cannot disagree. ``warn`` starts where an alert opens (the limit's ``warn_at_utilization``, else
the lowest severity threshold); ``breach`` is the critical severity (utilization 1.0 by default:
the limit itself reached, the brief's "limit exceeded"). Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final, Literal

from apps.limits.readings import LimitReading

ComplianceState = Literal["ok", "warn", "breach"]
STATES: Final = ("ok", "warn", "breach")  # best to worst
# The value of ``risk_compliance_status{mandate,symbol}``: 0 ok, 1 warn, 2 breach.
STATE_CODES: Final[dict[str, int]] = {state: code for code, state in enumerate(STATES)}
BREACH_SEVERITY: Final = "critical"


def compliance_state(reading: LimitReading) -> ComplianceState:
    if reading.severity == BREACH_SEVERITY:
        return "breach"
    return "warn" if reading.breached else "ok"


def worst_state(states: Iterable[ComplianceState]) -> ComplianceState | None:
    """The worst of ``states``; None when there are none (nothing known, nothing to judge)."""
    ranks = [STATES.index(state) for state in states]
    return STATES[max(ranks)] if ranks else None
