"""Celery doors of ingestion: parse the arguments, call one service."""

from __future__ import annotations

from datetime import datetime

from celery import shared_task

from apps.venues.ingest.cycle import ingest_cycle_dispatch, ingest_one


@shared_task(name="venues.ingest_cycle", ignore_result=True)
def ingest_cycle() -> str:
    return ingest_cycle_dispatch().isoformat()


@shared_task(name="venues.ingest_venue", ignore_result=True, acks_late=True)
def ingest_venue(venue_id: int, period_start: str, expected: int) -> int:
    """Idempotent per (venue, period_start): a redelivered or duplicate run stores nothing twice."""
    reports = ingest_one(venue_id, datetime.fromisoformat(period_start), expected)
    return sum(r.snapshots for r in reports)
