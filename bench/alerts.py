"""Alert path benchmark: breach detected -> alert stored and its notifications queued.

    python bench/alerts.py [--runs 500] [--max-seconds 60] [--profile]

Each run hands ``alerts_sync`` one new breached reading (a fingerprint never seen before) and
times the call, commit included: the alert row, its outbox rows, the audit event, and the
after-commit kick of the deliverer. Runs on a throwaway database that it creates and drops
(``test_riskmonitor_bench_alerts`` on the server of DATABASE_URL; in embedded mode an in-memory
SQLite). The Celery broker is in-memory here, so nothing reaches a running worker. Prints one
JSON object; the target is p99 <= 10 ms.

``--profile`` also prints to stderr every statement of one run (SQL and milliseconds) and the
cProfile of the measured runs; its timings include the profiler's overhead.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from djangobench import setup_django, throwaway_database

BENCH_DATABASE = "riskmonitor_bench_alerts"
WARMUP_RUNS = 20
TARGET_P99_MS = 10.0


def main() -> None:
    args = _arguments()
    _setup_django()
    with throwaway_database():
        _referenced_rows(WARMUP_RUNS + 1 + args.runs)
        _run(WARMUP_RUNS, offset=0, max_seconds=args.max_seconds)
        if args.profile:
            _print_queries(WARMUP_RUNS)
        measure = _profiled if args.profile else _run
        calls, stored = measure(args.runs, offset=WARMUP_RUNS + 1, max_seconds=args.max_seconds)
        counts = _counts()
    figures = {**_figures(calls), **_stored_figures(stored)}
    print(json.dumps({"backend": _vendor(), **figures, **counts}, indent=2))


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=500, help="new breaches synced, one by one")
    parser.add_argument("--max-seconds", type=float, default=60.0, help="stop measuring after")
    parser.add_argument("--profile", action="store_true", help="print SQL and cProfile to stderr")
    return parser.parse_args()


def _setup_django() -> None:
    setup_django(BENCH_DATABASE, quiet_loggers=("riskmonitor.audit", "riskmonitor.alerts"))
    from riskmonitor.celery import app

    # The deliverer kick is timed as a send to an in-memory broker (a local Redis costs the same).
    app.conf.broker_url = "memory://"


def _referenced_rows(count: int) -> None:
    """The portfolio and the limits the readings name: an alert references both by foreign key."""
    from decimal import Decimal

    from apps.limits.models import Limit
    from apps.positions.models import Portfolio

    Portfolio.objects.get_or_create(pk=1, defaults={"name": "bench"})
    Limit.objects.bulk_create(
        Limit(pk=n + 1, key=f"bench.position_limits.SYM{n}-USD.max_long", kind="position_max_long",
              breach_type="position_limit_long", scope_kind="symbol", scope=f"SYM{n}-USD",
              value=Decimal(10), unit="units")
        for n in range(count)
    )  # fmt: skip


def _run(runs: int, *, offset: int, max_seconds: float) -> tuple[list[float], list[float]]:
    """Milliseconds of each run until ``alerts_sync`` returned (after-commit kick included),
    and until its COMMIT returned (stored and queued)."""
    from apps.alerts.services import alerts_sync

    context = _context()
    calls: list[float] = []
    stored: list[float] = []
    deadline = time.monotonic() + max_seconds
    with _commit_clock() as committed:
        for n in range(offset, offset + runs):
            reading = _reading(n)
            started = time.perf_counter()
            alerts_sync(readings=[reading], context=context)
            calls.append((time.perf_counter() - started) * 1000)
            stored.append((committed[-1] - started) * 1000)
            if time.monotonic() > deadline:
                break
    return calls, stored


@contextmanager
def _commit_clock() -> Iterator[list[float]]:
    """The perf_counter() of each COMMIT's return, before the after-commit hooks run."""
    from django.db import connection

    moments: list[float] = []
    commit = connection.commit

    def timed_commit() -> None:
        commit()
        moments.append(time.perf_counter())

    connection.commit = timed_commit  # type: ignore[method-assign]
    try:
        yield moments
    finally:
        del connection.commit


def _print_queries(n: int) -> None:
    """Run once more with every statement timed: what the database round trips are."""
    from django.db import connection

    queries: list[tuple[float, str]] = []
    with connection.execute_wrapper(_timing(queries)):
        started = time.perf_counter()
        _run(1, offset=n, max_seconds=60.0)
        total = (time.perf_counter() - started) * 1000
    for ms, sql in queries:
        print(f"{ms:7.3f} ms  {_shortened(sql)}", file=sys.stderr)
    in_db = sum(ms for ms, _ in queries)
    summary = f"{len(queries)} statements, {in_db:.3f} ms of {total:.3f} ms"
    print(f"{summary} of the whole call (the COMMIT is not a statement here)", file=sys.stderr)


def _shortened(sql: str, keep: int = 90) -> str:
    return sql if len(sql) <= 2 * keep else f"{sql[:keep]} ... {sql[-keep:]}"


def _timing(queries: list[tuple[float, str]]) -> Callable[..., Any]:
    def wrapper(execute: Callable[..., Any], sql: str, params: Any, many: bool, ctx: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, ctx)
        finally:
            queries.append(((time.perf_counter() - started) * 1000, " ".join(sql.split())))

    return wrapper


def _profiled(runs: int, *, offset: int, max_seconds: float) -> tuple[list[float], list[float]]:
    profiler = cProfile.Profile()
    profiler.enable()
    samples = _run(runs, offset=offset, max_seconds=max_seconds)
    profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stderr)
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(25)
    return samples


def _reading(n: int) -> Any:
    from apps.limits.readings import LimitReading

    return LimitReading(
        limit_id=n + 1,
        limit_key=f"bench.position_limits.SYM{n}-USD.max_long",
        breach_type="position_limit_long",
        scope_kind="symbol",
        scope=f"SYM{n}-USD",
        current=15.0,
        limit=10.0,
        utilization=1.5,
        severity="critical",
        opening_level=0.8,
        unit="units",
    )


def _context() -> Any:
    from apps.limits.readings import EvaluationContext

    return EvaluationContext(
        portfolio_id=1,
        snapshot_id=None,
        as_of=datetime.now(UTC),
        engine_version="bench",
        correlation_id="risk-bench-alerts",
        data_sources_checked=["exchange-1", "exchange-2", "custodian-1"],
        input_timestamps={"prices": datetime.now(UTC).isoformat()},
    )


def _figures(samples: list[float]) -> dict[str, Any]:
    ordered = sorted(samples)
    p99 = _percentile(ordered, 0.99)
    return {
        "measure": "alerts_sync of one new breached reading, commit and after-commit kick included",
        "runs": len(samples),
        "p50_ms": round(_percentile(ordered, 0.50), 3),
        "p99_ms": round(p99, 3),
        "max_ms": round(ordered[-1], 3),
        "mean_ms": round(statistics.fmean(ordered), 3),
        "target_p99_ms": TARGET_P99_MS,
        "within_target": p99 <= TARGET_P99_MS,
    }


def _stored_figures(samples: list[float]) -> dict[str, Any]:
    ordered = sorted(samples)
    return {
        "stored_measure": "the same runs until COMMIT returned, before the after-commit kick",
        "stored_p50_ms": round(_percentile(ordered, 0.50), 3),
        "stored_p99_ms": round(_percentile(ordered, 0.99), 3),
    }


def _percentile(ordered: list[float], q: float) -> float:
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _counts() -> dict[str, int]:
    from apps.alerts.models import Alert, Notification

    return {
        "alerts_stored": Alert.objects.count(),
        "notifications_queued": Notification.objects.count(),
    }


def _vendor() -> str:
    from django.db import connection

    return connection.vendor


if __name__ == "__main__":
    main()
