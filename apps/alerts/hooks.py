"""Limits are checked and alerts synced on every stored risk snapshot (DESIGN §4, step 4), in the
snapshot's own transaction: a snapshot and the alert decisions it causes commit, with their audit
events, or roll back together.

A new RiskSnapshot row is the event (the risk app depends on neither limits nor alerts)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models.signals import post_save

from apps.alerts.services import alerts_sync
from apps.audit.services import correlation_id_new
from apps.limits.readings import EvaluationContext
from apps.limits.services import limits_check
from apps.limits.snapshots import source_ages

DISPATCH_UID = "alerts.check_limits_after_snapshot"


def check_limits_after_snapshot(sender: Any, instance: Any, created: bool, **_: Any) -> None:
    if not created:
        return
    context = _context_of(instance)
    readings = limits_check(
        portfolio_id=instance.portfolio_id,
        figures=instance.figures,
        stale_sources=source_ages(
            instance.as_of, instance.input_as_of or {}, instance.stale_sources
        ),
        context=context,
    )
    alerts_sync(readings=readings, context=context)


def _context_of(snapshot: Any) -> EvaluationContext:
    inputs: dict[str, Any] = snapshot.input_as_of or {}
    return EvaluationContext(
        portfolio_id=snapshot.portfolio_id,
        snapshot_id=snapshot.pk,
        as_of=snapshot.as_of,
        engine_version=snapshot.engine_version,
        correlation_id=correlation_id_new(),
        data_sources_checked=sorted({_venue_of(name) for name in inputs}),
        input_timestamps={name: str(at) for name, at in inputs.items() if at},
    )


def _venue_of(source: str) -> str:
    # "account:exchange-1:spot", "prices:exchange-2", "source:custodian-1:balances" -> venue
    parts = source.split(":")
    return parts[1] if len(parts) > 1 else parts[0]


def connect() -> None:
    if apps.is_installed("apps.risk"):
        model = apps.get_model("risk", "RiskSnapshot")
        post_save.connect(check_limits_after_snapshot, sender=model, dispatch_uid=DISPATCH_UID)
