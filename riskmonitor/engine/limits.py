"""Limit utilization and severity (DESIGN section 5). Pure helpers; limit checks live elsewhere.

Utilization is by magnitude and on the limit's side: a limit > 0 (max long, max notional)
only sees current > 0, a limit < 0 (max short, max loss) only sees current < 0. So -3 against
max_short -5 is 0.6, and any long position against max_short is 0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from riskmonitor.engine.params import DEFAULT_SEVERITY_THRESHOLDS


def utilization(current: float, limit: float) -> float:
    """current / limit when current is on the limit's side, else 0.

    A zero limit allows nothing: utilization is infinite for any nonzero current, 0 for 0.
    NaN inputs raise ValueError (never a silent 0).
    """
    if math.isnan(current) or math.isnan(limit):
        raise ValueError("utilization: current and limit must be numbers, not NaN")
    if limit == 0:
        return math.inf if current != 0 else 0.0
    return max(current / limit, 0.0)


def severity(
    value: float, thresholds: Mapping[str, float] = DEFAULT_SEVERITY_THRESHOLDS
) -> str | None:
    """The name of the highest threshold `value` reaches (>=), None below the lowest."""
    reached = [(level, name) for name, level in thresholds.items() if value >= level]
    return max(reached)[1] if reached else None


def opening_level(
    warn_at_utilization: float | None,
    thresholds: Mapping[str, float] = DEFAULT_SEVERITY_THRESHOLDS,
) -> float:
    """Utilization at which an alert opens: the limit's warn level, else the lowest threshold."""
    return warn_at_utilization if warn_at_utilization is not None else min(thresholds.values())
