"""Audit trail benchmark: appends per second through ``audit_record`` and chain verification time.

    python bench/audit.py [--events 2000] [--verify-events 100000]

Runs on a throwaway database that it creates and drops: in stack mode
``test_riskmonitor_bench_audit`` on the server of DATABASE_URL, in embedded mode an in-memory
SQLite. Prints one JSON object.
The log line of each event is discarded here: shipping logs is not what is measured.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import timedelta
from typing import Any

from djangobench import setup_django, throwaway_database

BENCH_DATABASE = "riskmonitor_bench_audit"
BATCH = 5000


def main() -> None:
    args = _arguments()
    setup_django(BENCH_DATABASE)
    with throwaway_database():
        record = _bench_record(args.events)
        _extend_chain(args.verify_events)
        verify = _bench_verify()
    print(json.dumps({"backend": _vendor(), "record": record, "verify": verify}, indent=2))


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=2000, help="events appended one by one")
    parser.add_argument("--verify-events", type=int, default=100_000, help="chain length verified")
    return parser.parse_args()


def _bench_record(events: int) -> dict[str, Any]:
    from apps.audit.services import audit_record

    started = time.perf_counter()
    for n in range(events):
        audit_record(event_type="bench_probe", actor="system:bench", payload={"n": n})
    return _figures(events, time.perf_counter() - started)


def _extend_chain(total: int) -> None:
    """Grow the chain to ``total`` events fast: valid rows built here and bulk-inserted."""
    from django.db import transaction

    from apps.audit.models import AuditEvent

    head = AuditEvent.objects.order_by("-sequence").first()
    assert head is not None, "the record phase appends at least one event"
    while head.sequence < total:
        batch = _next_events(head, min(BATCH, total - head.sequence))
        with transaction.atomic():
            AuditEvent.objects.bulk_create(batch)
        head = batch[-1]


def _next_events(head: Any, count: int) -> list[Any]:
    from apps.audit.models import AuditEvent

    events, previous = [], head
    for _ in range(count):
        event = AuditEvent(
            sequence=previous.sequence + 1,
            timestamp=previous.timestamp + timedelta(microseconds=1),
            actor="system:bench",
            event_type="bench_probe",
            level="info",
            correlation_id=f"risk-bench{previous.sequence + 1:08d}",
            payload={"n": previous.sequence + 1, "symbol": "BTC-USD", "size": "1.25"},
            prev_hash=previous.hash,
        )
        event.hash = event.computed_hash()
        events.append(event)
        previous = event
    return events


def _bench_verify() -> dict[str, Any]:
    from apps.audit.selectors import audit_chain_verify

    started = time.perf_counter()
    verdict = audit_chain_verify()
    figures = _figures(verdict.events, time.perf_counter() - started)
    return {**figures, "intact": verdict.intact}


def _figures(events: int, seconds: float) -> dict[str, Any]:
    return {
        "events": events,
        "seconds": round(seconds, 3),
        "events_per_second": round(events / seconds) if seconds else None,
    }


def _vendor() -> str:
    from django.db import connection

    return connection.vendor


if __name__ == "__main__":
    main()
