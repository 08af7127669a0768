"""What the limit monitor hands to the alert manager: one reading per (limit, scope) per cycle.

Shared by apps.limits (which produces readings) and apps.alerts (which opens, updates and
resolves alerts from them), so it depends on neither app's models."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

ScopeKind = Literal["portfolio", "symbol", "asset", "source"]
Severity = Literal["low", "medium", "high", "critical"]


@dataclass(frozen=True)
class LimitReading:
    """A limit's state in one evaluation.

    ``utilization`` is current / limit by magnitude on the limit's side (DESIGN §5);
    ``severity`` is None below the lowest threshold; ``breached`` means utilization reached
    ``opening_level`` (the limit's warn_at_utilization, else the lowest severity threshold).
    """

    limit_id: int
    limit_key: str  # stable name, e.g. "position_limits.BTC-USD.max_long"
    breach_type: str  # the brief's names: position_limit_long, var_limit, data_staleness, ...
    scope_kind: ScopeKind
    scope: str  # "BTC-USD", "BTC", "portfolio", "exchange-1:balances"
    current: float
    limit: float
    utilization: float
    severity: Severity | None
    opening_level: float
    unit: str  # "usd", "units", "fraction", "ratio", "seconds", "count"

    @property
    def breached(self) -> bool:
        return self.utilization >= self.opening_level

    @property
    def fingerprint(self) -> str:
        return f"{self.limit_key}|{self.scope}"


@dataclass(frozen=True)
class EvaluationContext:
    """Where a set of readings came from, for the audit trail (the brief's audit event format)."""

    portfolio_id: int
    snapshot_id: int | None
    as_of: datetime
    engine_version: str
    correlation_id: str
    data_sources_checked: list[str] = field(default_factory=list)
    input_timestamps: dict[str, str] = field(default_factory=dict)
    calculation_method: str = "net_position_aggregation"
