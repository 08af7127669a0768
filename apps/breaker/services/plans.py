"""Liquidation plans: built on a trip, cancelled on a reset before approval, approved by a risk
officer (or at once with ``CIRCUIT_BREAKER_AUTO_LIQUIDATE``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from apps.audit.services import actor_for, audit_record, correlation_id_new
from apps.breaker.config import auto_liquidate
from apps.breaker.errors import BreakerConflict
from apps.breaker.models import (
    ACTIVE_PLAN_STATUSES,
    CircuitBreaker,
    LiquidationPlan,
    LiquidationStep,
    PlanStatus,
)
from apps.breaker.planning import plan_draft
from apps.breaker.services.common import OPERATE_PERMISSION
from apps.core.oncommit import task_send_on_commit


def plan_active(breaker: CircuitBreaker) -> LiquidationPlan | None:
    return breaker.plans.filter(status__in=ACTIVE_PLAN_STATUSES).first()


def plan_create(
    breaker: CircuitBreaker, *, trip_reason: str, correlation_id: str, now: datetime
) -> tuple[LiquidationPlan, bool]:
    """The trip's plan, and whether it is new. A plan still active from an earlier trip (being
    executed) stands: there is never more than one active plan per breaker."""
    existing = plan_active(breaker)
    if existing is not None:
        return existing, False
    draft = plan_draft(breaker.portfolio)
    auto = auto_liquidate()
    status = PlanStatus.APPROVED if auto else PlanStatus.PROPOSED
    if not draft.steps:
        status = PlanStatus.DONE  # nothing held, nothing open: nothing to approve or send
    plan = LiquidationPlan.objects.create(
        breaker=breaker, status=status, trip_reason=trip_reason, auto=auto, created_at=now,
        approved_at=now if auto and draft.steps else None, correlation_id=correlation_id,
        sources=draft.sources, finished_at=now if status == PlanStatus.DONE else None,
    )  # fmt: skip
    LiquidationStep.objects.bulk_create(
        LiquidationStep(
            plan=plan, seq=n, venue_id=s.venue_id, account_id=s.account_id, market=s.market,
            kind=s.kind, venue_symbol=s.venue_symbol, ccxt_symbol=s.ccxt_symbol, side=s.side,
            amount=s.amount, reduce_only=s.reduce_only,
        )
        for n, s in enumerate(draft.steps, start=1)
    )  # fmt: skip
    if status == PlanStatus.APPROVED:
        # Executed once the approval (or the trip that approved it) is committed.
        task_send_on_commit("breaker.execute_plan", kwargs={"plan_id": plan.pk})
    return plan, True


def plan_summary(plan: LiquidationPlan) -> dict[str, Any]:
    steps = list(plan.steps.select_related("venue", "account"))
    return {
        "plan_id": plan.pk,
        "plan_status": plan.status,
        "auto_liquidate": plan.auto,
        "steps": [
            {"seq": s.seq, "venue": s.venue.name, "account": s.account.label, "kind": s.kind,
             "symbol": s.ccxt_symbol, "side": s.side, "amount": s.amount,
             "reduce_only": s.reduce_only}
            for s in steps
        ],
        "skipped": plan.sources.get("skipped", []),
    }  # fmt: skip


def plans_cancel_proposed(breaker: CircuitBreaker, now: datetime) -> list[int]:
    """Proposed plans lapse when the breaker closes; approved or running ones go on."""
    ids = list(breaker.plans.filter(status=PlanStatus.PROPOSED).values_list("pk", flat=True))
    LiquidationPlan.objects.filter(pk__in=ids, status=PlanStatus.PROPOSED).update(
        status=PlanStatus.CANCELLED, finished_at=now
    )
    return ids


def plan_approve(*, plan_id: int, user: User) -> LiquidationPlan:
    """A risk officer approves a proposed plan; it is executed once this commits.

    Raises PermissionDenied, LiquidationPlan.DoesNotExist, or BreakerConflict when the plan is
    not waiting for approval (already approved, running, finished or cancelled).
    """
    if not user.has_perm(OPERATE_PERMISSION):
        raise PermissionDenied(f"approving needs the {OPERATE_PERMISSION} permission")
    now = timezone.now()
    with transaction.atomic():
        plan = LiquidationPlan.objects.select_for_update().get(pk=plan_id)
        if plan.status != PlanStatus.PROPOSED:
            raise BreakerConflict(f"liquidation-plan-{plan.pk} is {plan.status}, not proposed")
        plan.status, plan.approved_by, plan.approved_at = PlanStatus.APPROVED, user, now
        plan.save(update_fields=["status", "approved_by", "approved_at"])
        audit_record(
            event_type="liquidation_plan_approved",
            actor=actor_for(user),
            payload={"portfolio_id": plan.breaker.portfolio_id, **plan_summary(plan)},
            correlation_id=plan.correlation_id or correlation_id_new(),
            level="warn",
        )
        # Executed once the approval (or the trip that approved it) is committed.
        task_send_on_commit("breaker.execute_plan", kwargs={"plan_id": plan.pk})
    return plan
