"""The compliance engine's state, for /debug: the limits loaded, each limit's last evaluation
per portfolio, the four-eyes requests waiting, the breakers and the escalation schedule."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from apps.alerts.models import ACTIVE_STATUSES, Alert
from apps.alerts.policy import policy_current
from apps.dashboard.selectors.headline import breaker_summary
from apps.limits.models import Limit, LimitChangeRequest
from apps.limits.selectors import limit_requests_open
from apps.monitoring.compliance import PortfolioCompliance, compliance_status
from apps.positions.models import Portfolio


def compliance_engine_state(*, now: datetime) -> dict[str, Any]:
    return {
        "checked_at": now,
        "limits": limits_loaded(),
        "evaluations": [_evaluation(p) for p in compliance_status(now=now)],
        "pending_requests": [_request(r) for r in limit_requests_open()],
        "breakers": [_breaker(p) for p in Portfolio.objects.order_by("name")],
        "escalation": escalation_schedule(),
    }


def limits_loaded() -> dict[str, Any]:
    limits = list(Limit.objects.all())
    return {
        "total": len(limits),
        "enabled": sum(1 for limit in limits if limit.enabled),
        "by_kind": dict(sorted(Counter(limit.kind for limit in limits).items())),
        "by_source": dict(sorted(Counter(limit.source for limit in limits).items())),
        "last_changed_at": max((limit.updated_at for limit in limits), default=None),
    }


def _evaluation(portfolio: PortfolioCompliance) -> dict[str, Any]:
    """The portfolio's latest snapshot is the last evaluation of every limit against it."""
    return {
        "portfolio": portfolio.portfolio,
        "snapshot_id": portfolio.snapshot_id,
        "evaluated_at": portfolio.as_of,
        "limits": [
            {"limit_id": limit.limit_id, "limit_key": limit.limit_key, "state": limit.state,
             "utilization": limit.utilization, "readings": len(limit.readings)}
            for limit in portfolio.limits
        ],
    }  # fmt: skip


def _request(request: LimitChangeRequest) -> dict[str, Any]:
    return {
        "id": request.pk,
        "limit_key": request.limit.key,
        "before_value": float(request.before_value),
        "after_value": float(request.after_value),
        "before_enabled": request.before_enabled,
        "after_enabled": request.after_enabled,
        "proposed_by": request.proposed_by.username,
        "proposed_at": request.proposed_at,
        "expires_at": request.expires_at,
        "reason": request.reason,
    }


def _breaker(portfolio: Portfolio) -> dict[str, Any]:
    return {"portfolio": portfolio.name, **breaker_summary(portfolio)}


def escalation_schedule() -> dict[str, Any]:
    """The policy per severity and the active alerts due to escalate, soonest first."""
    policy = policy_current()
    due = Alert.objects.filter(status__in=ACTIVE_STATUSES, next_escalation_at__isnull=False)
    return {
        "policies": [
            {"severity": severity, "initial": list(rule.initial),
             "delay_minutes": rule.delay_minutes, "escalate_to": list(rule.escalate_to)}
            for severity, rule in policy.escalation.items()
        ],
        "renotify_minutes": policy.renotify_minutes,
        "due": [
            {"alert_id": alert.public_id, "severity": alert.severity, "status": alert.status,
             "escalation_tier": alert.escalation_tier,
             "next_escalation_at": alert.next_escalation_at}
            for alert in due.order_by("next_escalation_at", "id")
        ],
    }  # fmt: skip
