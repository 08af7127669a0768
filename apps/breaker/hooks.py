"""Evaluate the breaker after each stored risk snapshot (DESIGN section 4, step 5).

The risk app announces nothing of its own; a new RiskSnapshot row is the event. The receiver
only queues ``breaker.evaluate_snapshot`` once the snapshot's transaction commits, so a rolled
back snapshot is never evaluated.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_save

DISPATCH_UID = "breaker.evaluate_after_snapshot"


def evaluate_after_snapshot(sender: Any, instance: Any, created: bool, **_: Any) -> None:
    if not created:
        return
    snapshot_id = instance.pk

    def send() -> None:
        from apps.breaker.tasks import breaker_evaluate_snapshot

        breaker_evaluate_snapshot.apply_async(kwargs={"snapshot_id": snapshot_id}, expires=60)

    transaction.on_commit(send, robust=True)


def connect() -> None:
    if apps.is_installed("apps.risk"):
        model = apps.get_model("risk", "RiskSnapshot")
        post_save.connect(evaluate_after_snapshot, sender=model, dispatch_uid=DISPATCH_UID)
