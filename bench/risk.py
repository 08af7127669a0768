"""Risk evaluation benchmark: `evaluate_risk` end to end (database load, engine, store).

    python bench/risk.py [--runs 20] [--large-runs 10] [--deadline-seconds 900]

Two books, each stored in the database first:
- "default": the default simulator scenario's size (2 exchanges with a spot and a futures
  account each, a custodian, 3 symbols, 740 days of daily candles per instrument, 260 days of
  snapshot history as the downsampling leaves it, with the VaR and P&L the backtest reads);
- "large": 10,000 positions over 50 venues and 500 symbols (100 spot holdings and 100
  perpetuals per venue), 500 days of daily closes per symbol, the same snapshot history.

Runs on a throwaway database that it creates and drops (`<database>_bench_risk` on the
server of DATABASE_URL, `riskmonitor_bench_risk` for the Makefile's, prefixed `test_` by
Django's test runner). Prints one JSON object:
latency percentiles per book, the median of each stage, and peak traced memory of one run.
Targets: p50 <= 50 ms (default), p50 <= 250 ms (large).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlparse

from djangobench import setup_django, throwaway_database


def _bench_database() -> str:
    """Named after the working database, so benches run on different databases of one
    server (several engineers at once) never create or drop each other's."""
    working = urlparse(os.environ.get("DATABASE_URL", "")).path.strip("/") or "riskmonitor"
    return f"{working}_bench_risk"


BENCH_DATABASE = _bench_database()
DAY = timedelta(days=1)


PROFILE = False


def main() -> None:
    global PROFILE
    args = _arguments()
    PROFILE = args.profile
    setup_django(BENCH_DATABASE)
    deadline = time.monotonic() + args.deadline_seconds
    result: dict[str, Any] = {}
    with throwaway_database():
        now = datetime.now(tz=UTC).replace(microsecond=0)
        started = time.perf_counter()
        default = _default_book(now)
        result["default"] = {"seed_seconds": round(time.perf_counter() - started, 2),
                             **_bench(default, now, args.runs, deadline)}  # fmt: skip
        started = time.perf_counter()
        large = _large_book(now)
        result["large"] = {"seed_seconds": round(time.perf_counter() - started, 2),
                           **_bench(large, now, args.large_runs, deadline)}  # fmt: skip
    result["targets_ms"] = {"default_p50": 50, "large_p50": 250}
    print(json.dumps(result, indent=2))


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20, help="evaluations of the default book")
    parser.add_argument("--large-runs", type=int, default=10, help="evaluations of the large book")
    parser.add_argument("--deadline-seconds", type=float, default=900.0, help="stop runs after")
    parser.add_argument("--profile", action="store_true", help="cProfile one run (stderr)")
    return parser.parse_args()


def _bench(portfolio_id: int, now: datetime, runs: int, deadline: float) -> dict[str, Any]:
    from apps.monitoring.cycle import portfolio_cycle_run

    portfolio_cycle_run(
        portfolio_id=portfolio_id, cycle_start=now - timedelta(seconds=1)
    )  # warm up
    if PROFILE:
        _profile(portfolio_id, now - timedelta(seconds=2))
    totals: list[float] = []
    stages: dict[str, list[float]] = {}
    for n in range(runs):
        if time.monotonic() > deadline:
            break
        started = time.perf_counter()
        snapshot = portfolio_cycle_run(
            portfolio_id=portfolio_id, cycle_start=now + timedelta(seconds=n)
        )
        totals.append((time.perf_counter() - started) * 1000.0)
        for stage, ms in snapshot.compute_ms.items():
            stages.setdefault(stage, []).append(ms)
    tracemalloc.start()
    portfolio_cycle_run(portfolio_id=portfolio_id, cycle_start=now + timedelta(seconds=runs + 1))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    ordered = sorted(totals)
    return {
        "runs": len(totals),
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 2),
        "max_ms": round(ordered[-1], 2),
        "stage_p50_ms": {s: round(statistics.median(v), 2) for s, v in stages.items()},
        "peak_traced_memory_mb": round(peak / 1e6, 2),
        "position_rows": _position_rows(portfolio_id),
        "symbols": len(snapshot.figures["symbols"]),
    }


def _position_rows(portfolio_id: int) -> int:
    from apps.risk.models import RiskTrace

    trace = json.loads(RiskTrace.objects.get(portfolio_id=portfolio_id).trace)
    return len(trace["positions"].get("size", []))


def _profile(portfolio_id: int, cycle_start: datetime) -> None:
    import cProfile
    import pstats

    from django.db import connection

    from apps.monitoring.cycle import portfolio_cycle_run

    timings: list[tuple[float, str]] = []

    def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append(((time.perf_counter() - began) * 1000.0, sql[:160]))

    profiler = cProfile.Profile()
    with connection.execute_wrapper(timed):
        profiler.runcall(portfolio_cycle_run, portfolio_id=portfolio_id, cycle_start=cycle_start)
    for ms, sql in sorted(timings, reverse=True)[:12]:
        print(f"{ms:8.2f} ms  {sql}", file=sys.stderr)
    pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(30)


def _venue(name: str, kind: str = "exchange") -> Any:
    from apps.venues.models import Venue

    return Venue.objects.create(name=name, kind=kind, adapter="binance")


def _account(venue: Any, label: str, market: str, portfolio: Any) -> Any:
    from apps.venues.models import Account

    return Account.objects.create(venue=venue, label=label, market=market, portfolio=portfolio,
                                  strategy=f"s-{label}")  # fmt: skip


def _snapshot(account: Any, now: datetime) -> Any:
    from apps.positions.models import AccountSnapshot

    return AccountSnapshot.objects.create(account=account, period_start=now, as_of=now,
                                          fetched_at=now)  # fmt: skip


def _instruments(venue: Any, symbols: list[str], now: datetime) -> list[Any]:
    from apps.marketdata.models import Instrument, Price

    made = Instrument.objects.bulk_create([
        Instrument(venue=venue, venue_symbol=f"{s.split('-')[0]}USDT", kind=kind, symbol=s,
                   base=s.split("-")[0], quote="USDT", tick_size=Decimal("0.01"),
                   lot_size=Decimal("0.001"))
        for s in symbols for kind in ("spot", "perpetual")
    ])  # fmt: skip
    Price.objects.bulk_create([
        Price(instrument=i, last=Decimal(_price(i.symbol)), mark=Decimal(_price(i.symbol)),
              quote_volume_24h=Decimal(1_000_000), as_of=now, fetched_at=now)
        for i in made
    ])  # fmt: skip
    return made


def _price(symbol: str) -> int:
    return 10 + sum(map(ord, symbol)) % 1000


def _candles(instrument_ids: list[int], days: int, now: datetime) -> None:
    """Daily closes by one INSERT ... SELECT (a smooth positive path per instrument)."""
    from django.db import connection

    today = now.replace(hour=0, minute=0, second=0)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO marketdata_candle
                (instrument_id, interval, open_time, open, high, low, close, volume)
            SELECT i, '1d', %s - d * interval '1 day', c, c, c, c, 1000
            FROM unnest(%s::bigint[]) AS i, generate_series(1, %s) AS d,
                 LATERAL (SELECT (100 * (1.5 + sin(d * 0.37 + i) * 0.3
                                   + cos(d * 0.11 + i * 3) * 0.2))::numeric(38, 18) AS c) p
            """,
            [today, instrument_ids, days],
        )


def _history(portfolio: Any, now: datetime) -> None:
    """260 days of snapshots as the downsampling leaves them: 24 h every 5 s, 5-minutely to
    7 days, then hourly; each with the running HWM state an evaluation stores (flat equity:
    HWM = equity), a daily P&L and a VaR, so the VaR backtest reads a full window."""
    from apps.risk.models import RiskSnapshot

    moments = [now - timedelta(seconds=5 * k) for k in range(1, 17_280)]
    moments += [now - DAY - timedelta(minutes=5 * k) for k in range(1, 1728)]
    moments += [now - 7 * DAY - timedelta(hours=k) for k in range(1, 253 * 24)]
    RiskSnapshot.objects.bulk_create(
        [
            RiskSnapshot(portfolio=portfolio, cycle_start=m, as_of=m, engine_version="1.0.0",
                         equity=1e6, equity_complete=True, total_pnl=0.0, unrealized_pnl=0.0,
                         realized_today=0.0, gross_notional=0.0, net_notional=0.0,
                         total_notional=0.0, figures={}, hwm=1e6, drawdown=0.0,
                         running_hwm=1e6, running_max_drawdown=0.0,
                         daily_pnl=-500.0 * (m.day % 7), var_hist_99=2_000.0)
            for m in moments
        ],
        batch_size=5000,
    )  # fmt: skip


def _default_book(now: datetime) -> int:
    from apps.positions.models import BalanceLine, Portfolio, PositionLine

    portfolio = Portfolio.objects.create(name="main")
    symbols = ["BTC-USD", "ETH-USD", "SOL-USD"]
    ids = []
    for n in (1, 2):
        venue = _venue(f"exchange-{n}")
        ids += [i.pk for i in _instruments(venue, symbols, now)]
        spot = _snapshot(_account(venue, "spot", "spot", portfolio), now)
        futures = _snapshot(_account(venue, "futures", "futures", portfolio), now)
        BalanceLine.objects.bulk_create([
            BalanceLine(snapshot=spot, wallet="spot", asset=a, free=Decimal(v), locked=0,
                        total=Decimal(v))
            for a, v in (("BTC", "3.5"), ("ETH", "50"), ("SOL", "4000"), ("USDT", "450000"))
        ] + [BalanceLine(snapshot=futures, wallet="futures", asset="USDT",
                         free=Decimal(500000), locked=0, total=Decimal(500000))])  # fmt: skip
        PositionLine.objects.bulk_create([
            PositionLine(snapshot=futures, venue_symbol=f"{s[:3]}USDT", symbol=s,
                         size=Decimal(-2), contracts=Decimal(-2), contract_size=1,
                         entry_price=Decimal(_price(s)), mark_price=0, unrealized_pnl=0)
            for s in symbols
        ])  # fmt: skip
    custody = _snapshot(_account(_venue("custodian-1", "custodian"), "fund-1", "custody",
                                 portfolio), now)  # fmt: skip
    BalanceLine.objects.bulk_create([
        BalanceLine(snapshot=custody, wallet="master", asset=a, free=Decimal(v), locked=0,
                    total=Decimal(v))
        for a, v in (("BTC", "2"), ("USDC", "850000"), ("USD", "200000"))
    ])  # fmt: skip
    _candles(ids, 740, now)
    _history(portfolio, now)
    return int(portfolio.pk)


def _large_book(now: datetime) -> int:
    from apps.marketdata.models import Instrument
    from apps.positions.models import BalanceLine, Portfolio, PositionLine

    portfolio = Portfolio.objects.create(name="large")
    universe = [f"C{n:03d}-USD" for n in range(500)]
    for v in range(50):
        venue = _venue(f"venue-{v:02d}")
        mine = [universe[(v * 10 + k) % 500] for k in range(100)]
        _instruments(venue, mine, now)
        spot = _snapshot(_account(venue, "spot", "spot", portfolio), now)
        futures = _snapshot(_account(venue, "futures", "futures", portfolio), now)
        BalanceLine.objects.bulk_create([
            BalanceLine(snapshot=spot, wallet="spot", asset=s.split("-")[0], free=Decimal(10),
                        locked=0, total=Decimal(10))
            for s in mine
        ] + [BalanceLine(snapshot=futures, wallet="futures", asset="USDT",
                         free=Decimal(10**6), locked=0, total=Decimal(10**6))])  # fmt: skip
        PositionLine.objects.bulk_create([
            PositionLine(snapshot=futures, venue_symbol=s, symbol=s, size=Decimal(-5),
                         contracts=Decimal(-5), contract_size=1, entry_price=Decimal(_price(s)),
                         mark_price=0, unrealized_pnl=0)
            for s in mine
        ])  # fmt: skip
    # history from the first venue listing each symbol (the pricing-order choice)
    first: dict[str, int] = {}
    for pk, symbol in (
        Instrument.objects.filter(kind="spot", venue__name__startswith="venue-")
        .order_by("venue__name")
        .values_list("pk", "symbol")
    ):
        first.setdefault(symbol, pk)
    _candles(list(first.values()), 500, now)
    _history(portfolio, now)
    return int(portfolio.pk)


if __name__ == "__main__":
    main()
