"""Celery doors of the limits app."""

from __future__ import annotations

from celery import shared_task

from apps.limits.services import limit_requests_expire


@shared_task(name="limits.requests_expire", ignore_result=True)
def requests_expire() -> int:
    """Idempotent: a second run finds nothing left to expire."""
    return limit_requests_expire()
