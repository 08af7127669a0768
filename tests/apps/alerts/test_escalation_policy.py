"""The routing rules are pure: no database, no configuration file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from apps.alerts.escalation_policy import (
    AlertPolicy,
    ChannelSpec,
    EscalationPolicy,
    escalation_targets,
    initial_targets,
    next_escalation_at,
    severity_at_least_low,
)

T0 = datetime(2025, 9, 16, 14, 0, tzinfo=UTC)
POLICY = AlertPolicy(
    thresholds={"low": 0.5, "medium": 0.75, "high": 0.9, "critical": 1.0},
    escalation={
        "low": EscalationPolicy(("risk_team",), 60, ()),
        "medium": EscalationPolicy(("risk_team",), 30, ("head_of_trading",)),
        "high": EscalationPolicy(("risk_team",), 15, ("head_of_trading", "cro")),
        "critical": EscalationPolicy(("risk_team", "head_of_trading"), 5, ("ceo", "board")),
    },
    renotify_minutes=60,
    max_per_hour=50,
    channels=(ChannelSpec("prometheus"), ChannelSpec("log")),
    emit_compliance_signals=True,
)


def test_it_routes_the_initial_notification_by_severity() -> None:
    assert initial_targets(POLICY, "critical") == ("risk_team", "head_of_trading")
    assert initial_targets(POLICY, "high") == ("risk_team",)


def test_it_escalates_only_to_targets_not_told_yet() -> None:
    told = ["risk_team", "head_of_trading"]
    assert escalation_targets(POLICY, "high", told) == ("cro",)
    assert escalation_targets(POLICY, "critical", told) == ("ceo", "board")
    assert escalation_targets(POLICY, "low", told) == ()


def test_it_schedules_escalation_after_the_policy_delay() -> None:
    assert next_escalation_at(POLICY, "critical", ["risk_team"], T0) == T0 + timedelta(minutes=5)
    assert next_escalation_at(POLICY, "low", ["risk_team"], T0) is None


def test_it_counts_a_breach_below_the_lowest_threshold_as_low() -> None:
    assert severity_at_least_low(None) == "low"
    assert severity_at_least_low("high") == "high"


def test_it_keeps_the_prometheus_signal_out_of_the_messaging_channels() -> None:
    assert [c.type for c in POLICY.messaging_channels] == ["log"]
    assert POLICY.counts_alerts
