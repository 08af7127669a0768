"""``plan_execute``: run an approved plan's pending steps in order and settle the plan's status;
failures are audited per order and reported in one emergency notification."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from apps.alerts.services import notification_enqueue
from apps.audit.hashing import normalize_payload
from apps.audit.services import audit_record
from apps.breaker.config import emergency_targets
from apps.breaker.models import LiquidationPlan, LiquidationStep, PlanStatus, StepStatus
from apps.breaker.services.common import ACTOR


@dataclass(frozen=True)
class PlanReport:
    plan_id: int
    status: str
    done: int = 0
    failed: int = 0
    failures: list[str] = field(default_factory=list)


def _plan_claim(plan_id: int) -> bool:
    """Approved -> executing; a run redelivered after a crash picks up an executing plan
    (its steps already claimed stay claimed: nothing is sent twice)."""
    now = timezone.now()
    started = LiquidationPlan.objects.filter(pk=plan_id, status=PlanStatus.APPROVED).update(
        status=PlanStatus.EXECUTING, started_at=now
    )
    return (
        bool(started)
        or LiquidationPlan.objects.filter(pk=plan_id, status=PlanStatus.EXECUTING).exists()
    )


def _final_status(done: int, failed: int) -> str:
    if not failed:
        return PlanStatus.DONE
    return PlanStatus.FAILED if not done else PlanStatus.PARTIALLY_FAILED


def _failures(plan: LiquidationPlan) -> list[str]:
    rows = plan.steps.filter(status=StepStatus.FAILED).select_related("venue", "account")
    return [f"{s.venue.name}:{s.account.label} {s.kind} {s.ccxt_symbol}: {s.last_error}"
            for s in rows]  # fmt: skip


def _plan_finish(plan_id: int) -> PlanReport:
    counts = LiquidationStep.objects.filter(plan_id=plan_id).aggregate(
        done=Count("pk", filter=Q(status=StepStatus.DONE)),
        failed=Count("pk", filter=Q(status=StepStatus.FAILED)),
        open=Count("pk", filter=Q(status__in=[StepStatus.PENDING, StepStatus.SENDING])),
    )
    if counts["open"]:  # another executor still holds steps: it settles the plan
        return PlanReport(plan_id, PlanStatus.EXECUTING, counts["done"], counts["failed"])
    status = _final_status(counts["done"], counts["failed"])
    with transaction.atomic():
        plan = LiquidationPlan.objects.select_for_update().select_related("breaker").get(pk=plan_id)
        if plan.status != PlanStatus.EXECUTING:
            return PlanReport(plan_id, plan.status, counts["done"], counts["failed"])
        plan.status, plan.finished_at = status, timezone.now()
        plan.save(update_fields=["status", "finished_at"])
        failures = _failures(plan)
        payload = {"portfolio_id": plan.breaker.portfolio_id, "plan_id": plan.pk,
                   "plan_status": status, "done": counts["done"], "failed": counts["failed"],
                   "failures": failures}  # fmt: skip
        audit_record(event_type="liquidation_plan_finished", actor=ACTOR, payload=payload,
                     correlation_id=plan.correlation_id,
                     level="error" if failures else "info")  # fmt: skip
        if failures:
            notification_enqueue(
                event="liquidation_failed", severity="critical", targets=emergency_targets(),
                payload=normalize_payload(payload), event_key=f"liquidation-plan-{plan.pk}-failed",
            )  # fmt: skip
    return PlanReport(plan_id, status, counts["done"], counts["failed"], failures)


def plan_execute(*, plan_id: int) -> PlanReport:
    """Send the plan's pending steps (an approved or executing plan only); idempotent."""
    if not _plan_claim(plan_id):
        status = LiquidationPlan.objects.filter(pk=plan_id).values_list("status", flat=True)
        return PlanReport(plan_id, status.first() or "missing")
    plan = LiquidationPlan.objects.get(pk=plan_id)
    # Imported here: the execution path pulls in ccxt, which every other process can do without.
    from apps.breaker.execution import ClientCache, step_claim, step_record, step_send

    clients = ClientCache()
    pending = plan.steps.filter(status=StepStatus.PENDING).select_related("venue", "account")
    for step in pending.order_by("seq"):
        if not step_claim(step.pk, timezone.now()):
            continue
        step_record(step, step_send(clients, step), plan.correlation_id)
    return _plan_finish(plan_id)
