"""Wall time of one ingest cycle: the default scenario's 3 venues, then 20 exchange simulators
with 50 ms of latency injected on every request. Prints JSON.

All venues of a cycle are pulled on threads of one process (embedded mode's shape; in stack mode
each venue is a Celery task). "slowest_single_venue_seconds" is the slowest venue run alone.

Runs in stack mode (DATABASE_URL and REDIS_URL set); it creates and drops its own test database.
    .venv/bin/python bench/ingest.py [--cycles 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riskmonitor.settings")
SCENARIO = ROOT / "simulators" / "scenarios" / "default.yaml"
CREDENTIALS = {
    "EXCHANGE_1_SPOT_API_KEY": "ex1-spot-key-dev",
    "EXCHANGE_1_SPOT_API_SECRET": "ex1-spot-secret-dev",
    "EXCHANGE_1_FUTURES_API_KEY": "ex1-futures-key-dev",
    "EXCHANGE_1_FUTURES_API_SECRET": "ex1-futures-secret-dev",
    "EXCHANGE_2_SPOT_API_KEY": "ex2-spot-key-dev",
    "EXCHANGE_2_SPOT_API_SECRET": "ex2-spot-secret-dev",
    "EXCHANGE_2_FUTURES_API_KEY": "ex2-futures-key-dev",
    "EXCHANGE_2_FUTURES_API_SECRET": "ex2-futures-secret-dev",
    "CUSTODIAN_API_KEY": "dev-custodian-key",
}
_period = iter(range(1, 10_000))


def _next_period() -> datetime:
    return datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=5 * next(_period))


def _timed(venue_ids: list[int]) -> float:
    from apps.venues.ingest.cycle import ingest_venues

    started = time.perf_counter()
    reports = ingest_venues(venue_ids, _next_period())
    elapsed = time.perf_counter() - started
    errors = [e for r in reports for e in r.errors]
    if errors:
        raise SystemExit(f"cycle had errors: {errors[:3]}")
    return elapsed


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _measure(venue_ids: list[int], cycles: int, sims: list[Any]) -> dict[str, Any]:
    _timed(venue_ids)  # first contact: instruments and candle backfill, not measured
    _timed(venue_ids)  # fills' first sweep done: now steady state
    # CPU per cycle, ours and the simulators': on loopback the cycle is bound by CPU, not by
    # the network, and everything shares the machine's cores.
    ours, theirs = time.process_time(), sum(cpu_seconds(s.process.pid) for s in sims)
    together = [_timed(venue_ids) for _ in range(cycles)]
    ours = (time.process_time() - ours) / cycles
    theirs = (sum(cpu_seconds(s.process.pid) for s in sims) - theirs) / cycles
    alone = {vid: statistics.median(_timed([vid]) for _ in range(3)) for vid in venue_ids}
    slowest = max(alone.values())
    cores = os.cpu_count() or 1
    return {
        "venues": len(venue_ids),
        "cycle_seconds_median": round(statistics.median(together), 4),
        "cycle_seconds_max": round(max(together), 4),
        "slowest_single_venue_seconds": round(slowest, 4),
        "ratio_to_slowest_venue": round(statistics.median(together) / slowest, 2),
        # What pulling the venues one after another would take.
        "sum_of_single_venues_seconds": round(sum(alone.values()), 4),
        "monitor_cpu_seconds_per_cycle": round(ours, 4),
        "simulators_cpu_seconds_per_cycle": round(theirs, 4),
        "cores": cores,
        # No cycle can be shorter than its CPU: the monitor's pulls run in one process (one
        # core under the GIL), and monitor and simulators share the machine's cores.
        "cpu_floor_seconds": round(max(ours, (ours + theirs) / cores), 4),
    }


# Cycles run back to back here, far more often than every 5 s: budgets (ours and the
# simulators') are raised so that the bench measures the cycle, not the rate limiter.
BENCH_WEIGHT_PER_MINUTE = 100_000


def _point(name: str, sim: Any) -> None:
    from apps.venues.models import Venue

    sim.control("POST", "/_sim/rate_limit", {"weight_per_minute": BENCH_WEIGHT_PER_MINUTE})
    Venue.objects.filter(name=name).update(
        base_url=sim.base_url,
        backfill_daily_days=30,
        backfill_minute_hours=1,
        weight_per_minute=BENCH_WEIGHT_PER_MINUTE,
    )


def _default_scenario(stack: ExitStack, cycles: int) -> dict[str, Any]:
    from apps.venues.models import Venue
    from apps.venues.services import venues_sync_from_config
    from riskmonitor.conf import get_config
    from simulators.harness import start_custodian, start_exchange

    venues_sync_from_config(apis=get_config().monitor.external_apis)
    sims = {
        "exchange-1": stack.enter_context(start_exchange("exchange-1", SCENARIO)),
        "exchange-2": stack.enter_context(start_exchange("exchange-2", SCENARIO)),
        "custodian-1": stack.enter_context(start_custodian(SCENARIO)),
    }
    for name, sim in sims.items():
        _point(name, sim)
    return _measure(list(Venue.objects.values_list("pk", flat=True)), cycles, list(sims.values()))


def _twenty_venues(stack: ExitStack, cycles: int, count: int = 20) -> dict[str, Any]:
    from apps.positions.services import portfolio_default
    from apps.venues.models import Account, Venue
    from simulators.harness import start_exchange

    Venue.objects.update(enabled=False)
    ids, sims = [], []
    for n in range(count):
        sim = stack.enter_context(start_exchange("exchange-1", SCENARIO, seed=100 + n))
        sims.append(sim)
        sim.control("POST", "/_sim/faults", {"kind": "latency", "latency_ms": 50})
        sim.control("POST", "/_sim/rate_limit", {"weight_per_minute": BENCH_WEIGHT_PER_MINUTE})
        venue = Venue.objects.create(
            name=f"bench-{n:02d}",
            kind="exchange",
            adapter="binance",
            base_url=sim.base_url,
            backfill_daily_days=30,
            backfill_minute_hours=1,
            weight_per_minute=100_000,
        )
        for market in ("spot", "futures"):
            Account.objects.create(
                venue=venue,
                label=market,
                market=market,
                portfolio=portfolio_default(),
                api_key_env=f"EXCHANGE_1_{market.upper()}_API_KEY",
                api_secret_env=f"EXCHANGE_1_{market.upper()}_API_SECRET",
            )
        ids.append(venue.pk)
    return {**_measure(ids, cycles, sims), "latency_ms_per_request": 50}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cycles", type=int, default=5)
    args = parser.parse_args()
    os.environ.update(CREDENTIALS)
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    from apps.venues.connectors.store import redis_client

    setup_test_environment()
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        for key in redis_client().scan_iter("riskmonitor:*"):
            redis_client().delete(key)
        with ExitStack() as stack:
            result = {"default_scenario": _default_scenario(stack, args.cycles)}
            result["twenty_venues_50ms"] = _twenty_venues(stack, args.cycles)
        print(json.dumps(result, indent=2))
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


if __name__ == "__main__":
    main()
