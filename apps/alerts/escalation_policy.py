"""Who hears about an alert, and when: pure functions of the policy (no Django, no I/O).

The policy is the ``alert_configuration`` of ``risk_limits.yaml`` and the ``alerting`` section
of ``risk_monitor_config.yaml``, flattened into frozen dataclasses by ``apps.alerts.policy``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

SEVERITIES = ("low", "medium", "high", "critical")


@dataclass(frozen=True)
class EscalationPolicy:
    initial: tuple[str, ...]
    delay_minutes: int
    escalate_to: tuple[str, ...]


@dataclass(frozen=True)
class ChannelSpec:
    type: str  # prometheus | webhook | email | log
    address: str = ""  # webhook URL or comma-separated email recipients


@dataclass(frozen=True)
class AlertPolicy:
    thresholds: dict[str, float]
    escalation: dict[str, EscalationPolicy]
    renotify_minutes: int
    max_per_hour: int
    channels: tuple[ChannelSpec, ...]
    emit_compliance_signals: bool

    @property
    def messaging_channels(self) -> tuple[ChannelSpec, ...]:
        """The channels that carry messages to people; the Prometheus counter is a signal."""
        return tuple(c for c in self.channels if c.type != "prometheus")

    @property
    def counts_alerts(self) -> bool:
        return self.emit_compliance_signals and any(c.type == "prometheus" for c in self.channels)


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)


def severity_at_least_low(severity: str | None) -> str:
    """A breached reading below the lowest threshold (warn level set lower) counts as low."""
    return severity or "low"


def initial_targets(policy: AlertPolicy, severity: str) -> tuple[str, ...]:
    return policy.escalation[severity].initial


def new_targets(wanted: tuple[str, ...], notified: list[str]) -> tuple[str, ...]:
    return tuple(t for t in wanted if t not in notified)


def escalation_targets(policy: AlertPolicy, severity: str, notified: list[str]) -> tuple[str, ...]:
    """The next tier: the severity's ``escalate_to`` not told yet (empty: nothing to escalate)."""
    return new_targets(policy.escalation[severity].escalate_to, notified)


def next_escalation_at(
    policy: AlertPolicy, severity: str, notified: list[str], since: datetime
) -> datetime | None:
    """When the alert escalates if nobody acknowledges it; None when no tier is left."""
    if not escalation_targets(policy, severity, notified):
        return None
    return since + timedelta(minutes=policy.escalation[severity].delay_minutes)


def renotify_due_before(policy: AlertPolicy, now: datetime) -> datetime:
    """Open alerts last notified before this instant are notified again."""
    return now - timedelta(minutes=policy.renotify_minutes)
