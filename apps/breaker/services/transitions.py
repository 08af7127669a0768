"""The two transitions, on a locked breaker row, inside the caller's transaction: OPEN (with its
plan, audit event, emergency notification and counter) and CLOSED (reset or recovered)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from apps.alerts.services import notification_enqueue
from apps.audit.hashing import normalize_payload
from apps.audit.services import audit_record
from apps.breaker.config import emergency_targets
from apps.breaker.live import breaker_publish_on_commit
from apps.breaker.models import BreakerState, CircuitBreaker, LiquidationPlan
from apps.breaker.services.common import (
    breaker_payload,
    event_add,
    trip_count_after_commit,
)
from apps.breaker.services.plans import plan_create, plan_summary, plans_cancel_proposed


@dataclass(frozen=True)
class Trip:
    reason: str
    value: float | None  # the figure that tripped it; None for a manual trip
    detail: str  # the officer's reason, or a sentence about the figure
    actor: str
    correlation_id: str
    figures: dict[str, Any]  # what the decision saw, for the audit event


def _notify(breaker: CircuitBreaker, event: str, severity: str, payload: dict[str, Any]) -> None:
    stamp = int(payload["at"].timestamp() * 1_000_000)
    notification_enqueue(
        event=event,
        severity=severity,
        targets=emergency_targets(),
        payload=normalize_payload(payload),  # JSON-ready: Decimal and datetime as strings
        event_key=f"breaker-{breaker.pk}-{event}-{stamp}",
    )


def breaker_open(breaker: CircuitBreaker, trip: Trip, now: datetime) -> LiquidationPlan:
    """CLOSED -> OPEN: state, history, the liquidation plan, audit, notification, counter."""
    breaker.state, breaker.reason, breaker.reason_detail = (
        BreakerState.OPEN,
        trip.reason,
        trip.detail,
    )
    breaker.trigger_value, breaker.tripped_at, breaker.tripped_by = trip.value, now, trip.actor
    breaker.conditions_clear_since = breaker.recovery_due_at = None
    breaker.save()
    event_add(breaker, kind="tripped", reason=trip.reason, detail=trip.detail, actor=trip.actor,
              at=now, correlation_id=trip.correlation_id)  # fmt: skip
    plan, created = plan_create(
        breaker, trip_reason=trip.reason, correlation_id=trip.correlation_id, now=now
    )
    payload = {
        **breaker_payload(breaker), "reason": trip.reason, "value": trip.value,
        "detail": trip.detail, "tripped_by": trip.actor, "at": now, **trip.figures,
        **plan_summary(plan), "plan_created": created,
    }  # fmt: skip
    audit_record(event_type="circuit_breaker_tripped", actor=trip.actor, payload=payload,
                 correlation_id=trip.correlation_id, level="critical")  # fmt: skip
    _notify(breaker, "circuit_breaker_tripped", "critical", payload)
    trip_count_after_commit(trip.reason)
    breaker_publish_on_commit(breaker)
    return plan


def breaker_close(
    breaker: CircuitBreaker,
    *,
    kind: str,
    actor: str,
    detail: str,
    correlation_id: str,
    now: datetime,
) -> list[int]:
    """OPEN -> CLOSED (``kind`` reset or recovered); returns the proposed plans it cancelled."""
    was = {"reason": breaker.reason, "tripped_at": breaker.tripped_at,
           "tripped_by": breaker.tripped_by}  # fmt: skip
    breaker.state, breaker.reason, breaker.reason_detail = BreakerState.CLOSED, "", ""
    breaker.trigger_value, breaker.tripped_at, breaker.tripped_by = None, None, ""
    breaker.conditions_clear_since = breaker.recovery_due_at = None
    breaker.save()
    cancelled = plans_cancel_proposed(breaker, now)
    event_add(breaker, kind=kind, reason=str(was["reason"]), detail=detail, actor=actor, at=now,
              correlation_id=correlation_id)  # fmt: skip
    payload = {
        **breaker_payload(breaker), "tripped_reason": was["reason"],
        "tripped_at": was["tripped_at"], "tripped_by": was["tripped_by"], "detail": detail,
        "at": now, "cancelled_plans": cancelled,
    }  # fmt: skip
    audit_record(event_type=f"circuit_breaker_{kind}", actor=actor, payload=payload,
                 correlation_id=correlation_id, level="warn")  # fmt: skip
    _notify(breaker, f"circuit_breaker_{kind}", "high", payload)
    breaker_publish_on_commit(breaker)
    return cancelled
