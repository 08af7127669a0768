"""The YAML -> database load of limits (``manage.py bootstrap`` runs it; idempotent, audited)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.audit.services import audit_record, correlation_id_new, system_actor
from apps.limits.fromconfig import ConfigLimit, config_limits
from apps.limits.kinds import KINDS
from apps.limits.models import Limit, LimitSource
from apps.limits.validation import decimal_text
from riskmonitor.conf import get_config
from riskmonitor.conf.schemas.limits import LimitsFile

LOADER = system_actor("limits-loader")


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    disabled: list[str] = field(default_factory=list)
    # Changed through four-eyes and now different from the file: the database wins.
    kept: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"limits: {len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.disabled)} disabled, {len(self.kept)} kept as changed by four-eyes"
        )


def limit_state(value: Decimal, warn_at: Decimal | None, enabled: bool) -> dict[str, Any]:
    """A limit's changeable fields as they go into audit payloads and API bodies."""
    return {
        "value": decimal_text(value),
        "warn_at_utilization": None if warn_at is None else decimal_text(warn_at),
        "enabled": enabled,
    }


def limit_state_of(limit: Limit) -> dict[str, Any]:
    return limit_state(limit.value, limit.warn_at_utilization, limit.enabled)


def _differs(limit: Limit, spec: ConfigLimit) -> bool:
    return (limit.value, limit.warn_at_utilization, limit.enabled) != (
        spec.value,
        spec.warn_at_utilization,
        True,
    )


def _audit(limit: Limit, action: str, before: dict[str, Any] | None, cid: str) -> None:
    audit_record(
        event_type="limit_loaded",
        actor=LOADER,
        payload={
            "limit_id": limit.pk,
            "limit_key": limit.key,
            "breach_type": limit.breach_type,
            "scope": limit.scope,
            "action": action,
            "source": "risk_limits.yaml",
            "before": before,
            "after": limit_state_of(limit),
        },
        correlation_id=cid,
    )


def _create(spec: ConfigLimit, now: datetime) -> Limit:
    kind = KINDS[spec.kind]
    return Limit.objects.create(
        key=spec.key, kind=spec.kind, breach_type=kind.breach_type, scope_kind=kind.scope_kind,
        scope=spec.scope, value=spec.value, unit=kind.unit,
        warn_at_utilization=spec.warn_at_utilization, enabled=True, source=LimitSource.YAML,
        created_at=now, updated_at=now,
    )  # fmt: skip


def _set(
    limit: Limit, *, value: Decimal, warn_at: Decimal | None, enabled: bool, now: datetime
) -> None:
    limit.value, limit.warn_at_utilization, limit.enabled = value, warn_at, enabled
    limit.updated_at = now
    limit.save(update_fields=["value", "warn_at_utilization", "enabled", "updated_at"])


@transaction.atomic
def limits_load_from_config(
    *, limits_file: LimitsFile | None = None, now: datetime | None = None
) -> LoadReport:
    """Make the database hold the limits the file states.

    Creates missing limits; updates a limit still owned by the file (source ``yaml``) whose
    value changed; disables a file-owned limit the file no longer states. A limit changed
    through the four-eyes process (source ``admin``) is never overwritten. Every creation or
    change writes one ``limit_loaded`` audit event (before and after); a run that changes
    nothing writes none.
    """
    specs = config_limits(limits_file or get_config().limits)
    now = now or timezone.now()
    cid = correlation_id_new()
    report = LoadReport()
    existing = {limit.key: limit for limit in Limit.objects.select_for_update()}
    for spec in specs:
        limit = existing.pop(spec.key, None)
        if limit is None:
            limit = _create(spec, now)
            report.created.append(spec.key)
            _audit(limit, "created", None, cid)
        elif _differs(limit, spec) and limit.source == LimitSource.ADMIN:
            report.kept.append(spec.key)
        elif _differs(limit, spec):
            before = limit_state_of(limit)
            _set(limit, value=spec.value, warn_at=spec.warn_at_utilization, enabled=True, now=now)
            report.updated.append(spec.key)
            _audit(limit, "updated", before, cid)
    for limit in existing.values():
        if limit.source == LimitSource.YAML and limit.enabled:
            before = limit_state_of(limit)
            _set(
                limit, value=limit.value, warn_at=limit.warn_at_utilization, enabled=False, now=now
            )
            report.disabled.append(limit.key)
            _audit(limit, "disabled", before, cid)
    return report
