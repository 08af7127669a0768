"""Writes of the limits app: the four-eyes change flow, expiry, the YAML load, and the limit check
of a risk cycle. Every write records its audit event in the same transaction."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from apps.audit.services import actor_for, audit_record, system_actor
from apps.limits.errors import (
    FourEyesViolation,
    LimitInputError,
    LimitNotFound,
    LimitStateConflict,
    NotAllowed,
    RequestConflict,
    RequestNotFound,
)
from apps.limits.evaluation import StaleSource, limits_evaluate
from apps.limits.kinds import KEY_ALIASES
from apps.limits.loading import LoadReport, limit_state, limit_state_of, limits_load_from_config
from apps.limits.models import Limit, LimitChangeRequest, LimitSource, RequestStatus
from apps.limits.readings import EvaluationContext, LimitReading
from apps.limits.selectors import limit_specs_enabled, severity_thresholds
from apps.limits.validation import decimal_text, value_check, warn_at_check

__all__ = [
    "KEEP",
    "LoadReport",
    "limit_change_approve",
    "limit_change_propose",
    "limit_change_reject",
    "limit_requests_expire",
    "limits_check",
    "limits_load_from_config",
]

PROPOSE_PERMISSION = "core.propose_limit_change"
APPROVE_PERMISSION = "core.approve_limit_change"
REQUEST_TTL = timedelta(hours=24)  # an unapproved proposal lapses after a day
EXPIRER = system_actor("limits")


class _Keep(enum.Enum):
    KEEP = "keep"


KEEP = _Keep.KEEP  # "leave warn_at_utilization as it is" (None clears it)


def _require(user: User, permission: str) -> None:
    if not user.has_perm(permission):
        raise NotAllowed(f"permission {permission} is required")


def _limit_for_update(limit_key: str | None, limit_id: int | None) -> Limit:
    if (limit_key is None) == (limit_id is None):
        raise LimitInputError("limit_key", "give exactly one of limit_key and limit_id")
    rows = Limit.objects.select_for_update()
    limit = (
        rows.filter(key=limit_key).first() if limit_key else rows.filter(pk=limit_id or 0).first()
    )
    if limit is not None:
        return limit
    if limit_key in KEY_ALIASES:
        raise LimitNotFound(f"limit_key: {limit_key} is stored as {KEY_ALIASES[limit_key]}")
    if limit_key:
        raise LimitNotFound(f"limit_key: unknown limit key {limit_key!r}")
    raise LimitNotFound(f"limit_id: unknown limit id {limit_id}")


def _notional_pair_check(limit: Limit, value: Decimal) -> None:
    """notional_limits.per_symbol may not exceed total_portfolio (as the config check says)."""
    pair = {"symbol_notional": "total_notional", "total_notional": "symbol_notional"}
    other = Limit.objects.filter(kind=pair.get(limit.kind, ""), enabled=True).first()
    if other is None:
        return
    if limit.kind == "symbol_notional" and value > other.value:
        raise LimitInputError(
            "value", f"must not be above {other.key} ({decimal_text(other.value)})"
        )
    if limit.kind == "total_notional" and value < other.value:
        raise LimitInputError(
            "value", f"must not be below {other.key} ({decimal_text(other.value)})"
        )


def _expire(request: LimitChangeRequest, now: datetime) -> None:
    request.status, request.decided_at = RequestStatus.EXPIRED, now
    request.save(update_fields=["status", "decided_at"])
    _audit(request, "limit_change_expired", EXPIRER)


def _audit(request: LimitChangeRequest, event_type: str, actor: str) -> None:
    limit = request.limit
    payload: dict[str, Any] = {
        "request_id": request.pk,
        "limit_id": limit.pk,
        "limit_key": limit.key,
        "breach_type": limit.breach_type,
        "scope": limit.scope,
        "status": request.status,
        "before": limit_state(
            request.before_value, request.before_warn_at_utilization, request.before_enabled
        ),
        "after": limit_state(
            request.after_value, request.after_warn_at_utilization, request.after_enabled
        ),
        "reason": request.reason,
        "proposed_by": request.proposed_by.get_username(),
        "expires_at": request.expires_at,
    }
    if request.decided_by is not None:
        payload["decided_by"] = request.decided_by.get_username()
        payload["comment"] = request.decision_comment
    level = "warn" if event_type == "limit_change_approved" else "info"
    audit_record(event_type=event_type, actor=actor, payload=payload, level=level)


def _fits_stored_limit(limit: Limit, value: Decimal) -> None:
    """The value's sign rule and pair come from the stored limit's kind: a 409, not a 400."""
    try:
        value_check(kind=limit.kind, value=value)
        _notional_pair_check(limit, value)
    except LimitInputError as exc:
        raise LimitStateConflict(exc.field, exc.reason) from None


def limit_change_propose(
    *,
    proposer: User,
    reason: str,
    limit_key: str | None = None,
    limit_id: int | None = None,
    value: Decimal | None = None,
    warn_at_utilization: Decimal | _Keep | None = KEEP,
    enabled: bool | None = None,
    now: datetime | None = None,
) -> LimitChangeRequest:
    """Propose a change of one limit; nothing changes until another risk officer approves.

    ``value`` / ``enabled`` None and ``warn_at_utilization`` KEEP leave that field as it is.
    """
    _require(proposer, PROPOSE_PERMISSION)
    if not reason.strip():
        raise LimitInputError("reason", "must not be blank: say why the limit should change")
    now = now or timezone.now()
    with transaction.atomic():
        limit = _limit_for_update(limit_key, limit_id)
        after_value = limit.value if value is None else value
        after_warn = (
            limit.warn_at_utilization if warn_at_utilization is KEEP else warn_at_utilization
        )
        after_enabled = limit.enabled if enabled is None else enabled
        warn_at_check(after_warn)
        _fits_stored_limit(limit, after_value)
        if limit_state(after_value, after_warn, after_enabled) == limit_state_of(limit):
            raise LimitStateConflict("value", "the proposal changes nothing")
        for overdue in limit.change_requests.filter(
            status=RequestStatus.PROPOSED, expires_at__lte=now
        ):
            _expire(overdue, now)
        open_request = limit.change_requests.filter(status=RequestStatus.PROPOSED).first()
        if open_request is not None:
            raise RequestConflict(
                f"{limit.key} already has an open change request #{open_request.pk}"
            )
        request = LimitChangeRequest.objects.create(
            limit=limit, before_value=limit.value,
            before_warn_at_utilization=limit.warn_at_utilization, before_enabled=limit.enabled,
            after_value=after_value, after_warn_at_utilization=after_warn,
            after_enabled=after_enabled, reason=reason.strip(), proposed_by=proposer,
            proposed_at=now, expires_at=now + REQUEST_TTL,
        )  # fmt: skip
        _audit(request, "limit_change_proposed", actor_for(proposer))
    return request


def _open_request_for_update(request_id: int) -> LimitChangeRequest:
    request = (
        LimitChangeRequest.objects.select_for_update(of=("self",))
        .select_related("limit", "proposed_by")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise RequestNotFound(f"no limit change request #{request_id}")
    if request.status != RequestStatus.PROPOSED:
        raise RequestConflict(f"change request #{request_id} is already {request.status}")
    return request


def _apply(request: LimitChangeRequest, now: datetime) -> None:
    limit = Limit.objects.select_for_update().get(pk=request.limit_id)
    before = limit_state(
        request.before_value, request.before_warn_at_utilization, request.before_enabled
    )
    if limit_state_of(limit) != before:
        raise RequestConflict(
            f"{limit.key} changed since change request #{request.pk} was proposed; propose again"
        )
    limit.value = request.after_value
    limit.warn_at_utilization = request.after_warn_at_utilization
    limit.enabled = request.after_enabled
    limit.source, limit.updated_at = LimitSource.ADMIN, now
    limit.save(update_fields=["value", "warn_at_utilization", "enabled", "source", "updated_at"])
    request.limit = limit


def _decide(
    request: LimitChangeRequest, status: str, user: User, comment: str, now: datetime
) -> None:
    request.status, request.decided_by, request.decided_at = status, user, now
    request.decision_comment = comment.strip()
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])


def limit_change_approve(
    *, request_id: int, approver: User, comment: str = "", now: datetime | None = None
) -> LimitChangeRequest:
    """Apply a proposed change: only a risk officer other than the proposer may (four eyes)."""
    _require(approver, APPROVE_PERMISSION)
    now = now or timezone.now()
    with transaction.atomic():
        request = _open_request_for_update(request_id)
        if request.proposed_by_id == approver.pk:
            raise FourEyesViolation(
                "four-eyes: you proposed this change, so another risk officer must approve it"
            )
        if request.expires_at <= now:
            _expire(request, now)
        else:
            _apply(request, now)
            _decide(request, RequestStatus.APPROVED, approver, comment, now)
            _audit(request, "limit_change_approved", actor_for(approver))
            return request
    raise RequestConflict(
        f"change request #{request_id} expired at {request.expires_at.isoformat()}"
    )


def limit_change_reject(
    *, request_id: int, decider: User, comment: str = "", now: datetime | None = None
) -> LimitChangeRequest:
    """Refuse a proposed change (the proposer may withdraw their own); the request is kept."""
    _require(decider, APPROVE_PERMISSION)
    now = now or timezone.now()
    with transaction.atomic():
        request = _open_request_for_update(request_id)
        _decide(request, RequestStatus.REJECTED, decider, comment, now)
        _audit(request, "limit_change_rejected", actor_for(decider))
    return request


def limit_requests_expire(*, now: datetime | None = None) -> int:
    """Mark proposals past their expiry as expired (kept, audited); returns how many."""
    now = now or timezone.now()
    expired = 0
    with transaction.atomic():
        overdue = (
            LimitChangeRequest.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("limit", "proposed_by")
            .filter(status=RequestStatus.PROPOSED, expires_at__lte=now)
        )
        for request in overdue:
            _expire(request, now)
            expired += 1
    return expired


def limits_check(
    *,
    portfolio_id: int,
    figures: Mapping[str, Any],
    stale_sources: Sequence[StaleSource] = (),
    context: EvaluationContext,
) -> list[LimitReading]:
    """Readings of every enabled limit against one cycle's figures (the monitoring cycle sets
    their gauges after commit). Limits are firm-wide today: every portfolio is checked against
    the same set."""
    if context.portfolio_id != portfolio_id:
        raise ValueError(
            f"context.portfolio_id {context.portfolio_id} is not portfolio_id {portfolio_id}"
        )
    return limits_evaluate(
        limits=limit_specs_enabled(),
        figures=figures,
        stale_sources=stale_sources,
        thresholds=severity_thresholds(),
    )
