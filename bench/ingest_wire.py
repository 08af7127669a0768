"""The pull alone (no plan, no store) of N exchange simulators, each with 50 ms of latency, through
the connectors as they are (ccxt's synchronous client, a thread per call) and through ccxt's
asyncio client on one event loop. Prints JSON: wall time and CPU of a round of each, and the
same for one venue.

It answers one question: would an asynchronous wire layer bring a 20-venue cycle near the
slowest single venue on this machine? Each venue gets the steady cycle's eight requests
(balances of two accounts, positions, open orders of both, tickers of both markets, marks),
each within our shared Redis rate budget, each body parsed and validated as ingest does. The
asyncio path skips retries and the breaker, so it is a lower bound of what such a layer costs.

Runs with REDIS_URL set (the rate budget), no database:
    .venv/bin/python bench/ingest_wire.py [--venues 20] [--latency-ms 50] [--rounds 15]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from ingest import cpu_seconds

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riskmonitor.settings")
SCENARIO = ROOT / "simulators" / "scenarios" / "default.yaml"
SPOT = ("ex1-spot-key-dev", "ex1-spot-secret-dev")
FUTURES = ("ex1-futures-key-dev", "ex1-futures-secret-dev")
BUDGET = 10**7  # the bench measures the wire, not the rate limiter's refusals


SIM_PIDS: list[int] = []


def _sims_cpu_seconds() -> float:
    return sum(cpu_seconds(pid) for pid in SIM_PIDS)


def _timed_rounds(run: Callable[[], Any], rounds: int) -> dict[str, float]:
    run()
    run()  # connections open, clients warm
    cpu, sims = time.process_time(), _sims_cpu_seconds()
    walls = []
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        walls.append(time.perf_counter() - started)
    return {
        "wall_seconds_median": round(statistics.median(walls), 4),
        "cpu_seconds_per_round": round((time.process_time() - cpu) / rounds, 4),
        "simulators_cpu_seconds_per_round": round((_sims_cpu_seconds() - sims) / rounds, 4),
    }


def _threaded(policies: list[Any], urls: list[str], rounds: int) -> dict[str, float]:
    """The connectors as ingest uses them: each call on a thread of one shared pool."""
    from apps.venues.connectors.binance import BinanceConnector

    conns = [BinanceConnector(p, url) for p, url in zip(policies, urls, strict=True)]
    pool = ThreadPoolExecutor(256)

    def calls(c: BinanceConnector) -> list[Callable[[], Any]]:
        return [
            lambda: c.fetch_balances(SPOT, "spot"),
            lambda: c.fetch_balances(FUTURES, "futures"),
            lambda: c.fetch_positions(FUTURES),
            lambda: c.fetch_open_orders(SPOT, "spot", None),
            lambda: c.fetch_open_orders(FUTURES, "futures", None),
            lambda: c.fetch_prices("spot", None),
            lambda: c.fetch_prices("perpetual", None),
            c.fetch_marks,
        ]

    def round_() -> None:
        for future in [pool.submit(call) for c in conns for call in calls(c)]:
            future.result()

    with pool:
        return _timed_rounds(round_, rounds)


def _asyncio(policies: list[Any], urls: list[str], rounds: int) -> dict[str, float]:
    """ccxt.async_support on one loop; the rate budget asked per request, as ingest does."""
    import ccxt.async_support as accxt

    from apps.venues.connectors import binance_parse as parse
    from apps.venues.connectors.binance import CCXT_OPTIONS, ccxt_urls, request_budget

    class Client(accxt.binance):  # type: ignore[misc]
        policy: Any = None

        async def fetch2(self, path: str, api: Any = "public", method: str = "GET",
                         params: Any = None, config: Any = None) -> Any:  # fmt: skip
            params = params or {}
            key, weight = request_budget(self.apiKey, path, api, params)
            self.policy.limiter.acquire(key, weight, max_wait=self.policy.timeout)
            return await super().fetch2(path, api, method, params, config or {})

    def client(url: str, policy: Any, creds: tuple[str, str]) -> Client:
        made = Client({"apiKey": creds[0], "secret": creds[1], "enableRateLimit": False,
                       "options": dict(CCXT_OPTIONS)})  # fmt: skip
        made.urls["api"] = ccxt_urls(url)
        made.policy = policy
        return made

    async def venue(spot: Client, futures: Client, public: Client) -> None:
        r = await asyncio.gather(
            spot.private_get_account(),
            futures.fapiprivatev3_get_account(),
            futures.fapiprivatev3_get_positionrisk(),
            spot.private_get_openorders({}),
            futures.fapiprivate_get_openorders({}),
            public.public_get_ticker_24hr({}),
            public.fapipublic_get_ticker_24hr({}),
            public.fapipublic_get_premiumindex(),
        )
        parse.spot_balances(r[0])
        parse.futures_balances(r[1])
        parse.positions(r[2])
        parse.orders(r[3])
        parse.orders(r[4])
        parse.tickers(r[5], "spot")
        parse.tickers(r[6], "perpetual")
        parse.marks(r[7])

    loop = asyncio.new_event_loop()

    def run(coroutine: Coroutine[Any, Any, Any]) -> Any:
        return loop.run_until_complete(coroutine)

    clients = [
        (client(url, p, SPOT), client(url, p, FUTURES), client(url, p, ("", "")))
        for p, url in zip(policies, urls, strict=True)
    ]

    async def gathered() -> None:
        await asyncio.gather(*(venue(*c) for c in clients))

    try:
        return _timed_rounds(lambda: run(gathered()), rounds)
    finally:
        for trio in clients:
            for c in trio:
                run(c.close())
        loop.close()


def _policies(count: int) -> list[Any]:
    from apps.venues.connectors.calls import Policy
    from apps.venues.connectors.ratelimit import RateLimiter
    from apps.venues.connectors.source_circuit import CircuitBreaker

    return [
        Policy(f"wire-bench-{n}", 5.0, 0, RateLimiter(f"wire-bench-{n}", BUDGET),
               CircuitBreaker(f"wire-bench-{n}", 5, 10.0))
        for n in range(count)
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--venues", type=int, default=20)
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    import django

    django.setup()
    from simulators.harness import start_exchange

    with ExitStack() as stack:
        urls = []
        for n in range(args.venues):
            sim = stack.enter_context(start_exchange("exchange-1", SCENARIO, seed=100 + n))
            sim.control("POST", "/_sim/rate_limit", {"weight_per_minute": BUDGET})
            sim.control("POST", "/_sim/faults", {"kind": "latency", "latency_ms": args.latency_ms})
            urls.append(sim.base_url)
            SIM_PIDS.append(sim.process.pid)
        policies = _policies(args.venues)
        result = {
            "venues": args.venues,
            "latency_ms_per_request": args.latency_ms,
            "requests_per_venue": 8,
            "threads_sync_client": _threaded(policies, urls, args.rounds),
            "asyncio_client": _asyncio(policies, urls, args.rounds),
            "one_venue_threads_sync_client": _threaded(policies[:1], urls[:1], args.rounds),
            "one_venue_asyncio_client": _asyncio(policies[:1], urls[:1], args.rounds),
            "cores": os.cpu_count(),
        }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
