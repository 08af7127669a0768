"""A risk officer's hand on the breaker: trip it, or reset it, always saying why."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from apps.audit.services import actor_for, correlation_id_new
from apps.breaker.errors import BreakerConflict
from apps.breaker.models import BreakerState
from apps.breaker.rules import MANUAL
from apps.breaker.services.common import OPERATE_PERMISSION, breaker_locked
from apps.breaker.services.evaluate import Evaluation
from apps.breaker.services.transitions import Trip, breaker_close, breaker_open

REASON_MAX_LENGTH = 2000


def _reason_clean(reason: object) -> str:
    text = reason.strip() if isinstance(reason, str) else ""
    if not text:
        raise ValidationError({"reason": ["must not be empty: say why"]})
    if len(text) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": [f"must be at most {REASON_MAX_LENGTH} characters, got {len(text)}"]}
        )
    return text


def _check_allowed(user: User) -> None:
    if not user.has_perm(OPERATE_PERMISSION):
        raise PermissionDenied(f"operating the breaker needs the {OPERATE_PERMISSION} permission")


def breaker_trip(
    *, portfolio_id: int, user: User, reason: str, correlation_id: str | None = None
) -> Evaluation:
    """Trip the portfolio's breaker by hand (works with CIRCUIT_BREAKER_ENABLED off too).

    Raises ValidationError naming ``reason``, PermissionDenied, or BreakerConflict when open.
    A manual trip closes only by a reset, never by recovery.
    """
    text = _reason_clean(reason)
    _check_allowed(user)
    actor, now = actor_for(user), timezone.now()
    with transaction.atomic():
        breaker = breaker_locked(portfolio_id)
        if breaker.state == BreakerState.OPEN:
            raise BreakerConflict(f"the circuit breaker is already open ({breaker.reason})")
        trip = Trip(MANUAL, None, text, actor, correlation_id or correlation_id_new(), {})
        plan = breaker_open(breaker, trip, now)
    return Evaluation(portfolio_id, "trip", BreakerState.OPEN, MANUAL, plan.pk)


def breaker_reset(
    *, portfolio_id: int, user: User, reason: str, correlation_id: str | None = None
) -> Evaluation:
    """Close the portfolio's breaker by hand; a proposed (unapproved) plan is cancelled.

    Raises ValidationError naming ``reason``, PermissionDenied, or BreakerConflict when closed.
    """
    text = _reason_clean(reason)
    _check_allowed(user)
    actor, now = actor_for(user), timezone.now()
    with transaction.atomic():
        breaker = breaker_locked(portfolio_id)
        if breaker.state != BreakerState.OPEN:
            raise BreakerConflict("the circuit breaker is not open")
        breaker_close(breaker, kind="reset", actor=actor, detail=text,
                      correlation_id=correlation_id or correlation_id_new(), now=now)  # fmt: skip
    return Evaluation(portfolio_id, "reset", BreakerState.CLOSED)
