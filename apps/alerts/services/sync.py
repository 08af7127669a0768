"""``alerts_sync``: turn one evaluation's limit readings into alert decisions.

One transaction per call. Active alerts of the readings' fingerprints are locked (in fingerprint
order, so two workers never deadlock); a new alert is inserted with ON CONFLICT DO NOTHING, and
when another worker's insert won the race (the partial unique index holds theirs) we lock and
update theirs. Audit events are written last, all in one append: they take the audit chain's
lock, which is held until commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import router, transaction
from django.db.models.constants import OnConflict
from django.utils import timezone

from apps.alerts.escalation_policy import (
    AlertPolicy,
    initial_targets,
    new_targets,
    next_escalation_at,
    severity_at_least_low,
    severity_rank,
)
from apps.alerts.live import alert_publish_on_commit
from apps.alerts.models import ACTIVE_STATUSES, Alert, AlertStatus, Notification
from apps.alerts.policy import policy_current
from apps.alerts.services.audit_events import alert_audit_entry, audit_trail_of
from apps.alerts.services.messages import message_payload
from apps.alerts.services.outbox import alert_rows, compliance_signal_row, notifications_insert
from apps.audit.services import audit_record_many
from apps.limits.readings import EvaluationContext, LimitReading


@dataclass
class SyncResult:
    opened: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)  # severity changed (up or down)
    resolved: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)  # values refreshed, same severity
    notifications: int = 0  # outbox rows queued: delivery is due once this commits


@dataclass
class _Cycle:
    """One call's shared state and the effects it collects until the end of the transaction."""

    context: EvaluationContext
    policy: AlertPolicy
    now: datetime
    trail: dict[str, Any]
    result: SyncResult = field(default_factory=SyncResult)
    audits: list[dict[str, Any]] = field(default_factory=list)
    notifications: list[Notification] = field(default_factory=list)

    def audit(self, alert: Alert, event_type: str, action: str, **extra: Any) -> None:
        self.audits.append({"alert": alert, "event_type": event_type, "action": action, **extra})

    def notify(self, alert: Alert, event: str, event_key: str, targets: Sequence[str]) -> None:
        payload = message_payload(alert)
        self.notifications += alert_rows(
            alert,
            event=event,
            event_key=event_key,
            targets=targets,
            payload=payload,
            policy=self.policy,
        )
        alert.last_notified_at = self.now


def alerts_sync(*, readings: Sequence[LimitReading], context: EvaluationContext) -> SyncResult:
    """Open, update or resolve each reading's alert; alerts of other limits stay as they are."""
    cycle = _Cycle(context, policy_current(), timezone.now(), audit_trail_of(context))
    latest = {reading.fingerprint: reading for reading in readings}
    with transaction.atomic():
        active = _active_locked(latest)
        for fingerprint in sorted(latest):
            _apply(cycle, latest[fingerprint], active.get(fingerprint))
        cycle.result.notifications = notifications_insert(cycle.notifications)
        audit_record_many(entries=[alert_audit_entry(e.pop("alert"), **e) for e in cycle.audits])
    return cycle.result


def _active_locked(fingerprints: Iterable[str]) -> dict[str, Alert]:
    alerts = (
        Alert.objects.select_for_update()
        .filter(fingerprint__in=list(fingerprints), status__in=ACTIVE_STATUSES)
        .order_by("fingerprint")
    )
    return {alert.fingerprint: alert for alert in alerts}


def _apply(cycle: _Cycle, reading: LimitReading, alert: Alert | None) -> None:
    if alert is None and reading.breached:
        alert = _insert_or_locked(cycle, reading)
        if alert is None:
            return
    if alert is None:
        return
    if reading.breached:
        _update(cycle, alert, reading)
    else:
        _resolve(cycle, alert, reading)


def _insert_or_locked(cycle: _Cycle, reading: LimitReading) -> Alert | None:
    """Our new alert, or None when opened; the concurrent winner's alert when we lost the race."""
    alert = _open(cycle, reading)
    if alert is None:
        return (
            Alert.objects.select_for_update()
            .filter(fingerprint=reading.fingerprint, status__in=ACTIVE_STATUSES)
            .first()
        )
    cycle.result.opened.append(alert.pk)
    targets = initial_targets(cycle.policy, alert.severity)
    cycle.notify(alert, "opened", "opened", targets)
    if cycle.policy.counts_alerts:
        cycle.notifications.append(compliance_signal_row(alert, message_payload(alert)))
    cycle.audit(alert, "risk_limit_breach", "alert_generated", notified=list(targets))
    alert_publish_on_commit(alert, "opened")
    return None


def _open(cycle: _Cycle, reading: LimitReading) -> Alert | None:
    severity = severity_at_least_low(reading.severity)
    targets = list(initial_targets(cycle.policy, severity))
    alert = Alert(
        portfolio_id=cycle.context.portfolio_id,
        fingerprint=reading.fingerprint,
        severity=severity,
        peak_severity=severity,
        opened_at=cycle.now,
        notified_targets=targets,
        last_notified_at=cycle.now,
        next_escalation_at=next_escalation_at(cycle.policy, severity, targets, cycle.now),
    )
    _copy_reading(cycle, alert, reading)
    return alert if _insert_unless_active(alert) else None


def _insert_unless_active(alert: Alert) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING id: False, and nothing written, when the
    partial unique index already holds an active alert of the fingerprint.

    Needs no savepoint (a refused INSERT would abort the transaction). A racing insert waits for
    the other transaction; once it commits ours does nothing, and the next statement sees it.
    """
    meta = Alert._meta
    fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field]
    using = router.db_for_write(Alert, instance=alert)
    # QuerySet._insert is how Model.save() inserts; save() has no ON CONFLICT of its own.
    rows = Alert.objects.db_manager(using)._insert(  # type: ignore[attr-defined]
        [alert], fields=fields, returning_fields=[meta.pk], on_conflict=OnConflict.IGNORE
    )
    if not rows:
        return False
    alert.pk = rows[0][0]
    alert._state.adding, alert._state.db = False, using
    return True


def _copy_reading(cycle: _Cycle, alert: Alert, reading: LimitReading) -> None:
    alert.limit_id = reading.limit_id
    alert.limit_key = reading.limit_key
    alert.breach_type = reading.breach_type
    alert.scope_kind = reading.scope_kind
    alert.scope = reading.scope
    alert.current = reading.current
    alert.limit_value = reading.limit
    alert.utilization = reading.utilization
    alert.opening_level = reading.opening_level
    alert.unit = reading.unit
    alert.updated_at = cycle.now
    alert.correlation_id = cycle.context.correlation_id
    alert.snapshot_id = cycle.context.snapshot_id
    alert.audit_trail = cycle.trail


def _update(cycle: _Cycle, alert: Alert, reading: LimitReading) -> None:
    _copy_reading(cycle, alert, reading)
    previous = alert.severity
    severity = severity_at_least_low(reading.severity)
    if severity == previous:
        alert.save()
        cycle.result.unchanged.append(alert.pk)
        return
    alert.severity = severity
    if severity_rank(severity) > severity_rank(alert.peak_severity):
        alert.peak_severity = severity
    rising = severity_rank(severity) > severity_rank(previous)
    reopened = rising and _raise(cycle, alert, severity)
    alert.save()
    cycle.result.updated.append(alert.pk)
    cycle.audit(
        alert,
        "alert_updated",
        "alert_updated",
        previous_severity=previous,
        direction="up" if rising else "down",
        reopened=reopened,
    )
    alert_publish_on_commit(alert, "updated")


def _raise(cycle: _Cycle, alert: Alert, severity: str) -> bool:
    """A higher severity reaches its own initial targets and restarts escalation under its
    policy; an acknowledged alert opens again (an acknowledgement at high is not one at critical).
    Returns whether it was reopened."""
    reopened = alert.status == AlertStatus.ACKNOWLEDGED
    alert.status = AlertStatus.OPEN
    added = new_targets(initial_targets(cycle.policy, severity), alert.notified_targets)
    alert.notified_targets = [*alert.notified_targets, *added]
    due = next_escalation_at(cycle.policy, severity, alert.notified_targets, cycle.now)
    current = None if reopened else alert.next_escalation_at
    alert.next_escalation_at = min((d for d in (current, due) if d is not None), default=None)
    # The first rise to each severity is announced; flapping around a threshold is not.
    cycle.notify(alert, "upgraded", f"upgraded-{severity}", alert.notified_targets)
    return reopened


def _resolve(cycle: _Cycle, alert: Alert, reading: LimitReading) -> None:
    _copy_reading(cycle, alert, reading)
    alert.status = AlertStatus.RESOLVED
    alert.resolved_at = cycle.now
    alert.next_escalation_at = None
    cycle.notify(alert, "resolved", "resolved", alert.notified_targets)
    alert.save()
    cycle.result.resolved.append(alert.pk)
    cycle.audit(alert, "alert_resolved", "alert_resolved")
    alert_publish_on_commit(alert, "resolved")
