"""Exchange simulator throughput: requests per second for a public and a signed endpoint.

Starts the simulator (minimal scenario, rate limit lifted), then hammers `GET /api/v3/ticker/24hr`
and a signed `GET /api/v3/account` from concurrent keep-alive clients for a few seconds each.
Prints one JSON object. Usage: `python bench/simulator.py [--seconds 3] [--threads 8]`.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulators.exchange.signing import sign
from simulators.harness import MINIMAL_SCENARIO, start_exchange

KEY, SECRET = "min-key", "min-secret"


def ticker_call(base: str) -> Callable[[requests.Session], int]:
    url = f"{base}/api/v3/ticker/24hr?symbol=BTCUSDT"
    return lambda session: session.get(url, timeout=10).status_code


def account_call(base: str) -> Callable[[requests.Session], int]:
    def call(session: requests.Session) -> int:
        query = f"timestamp={int(time.time() * 1000)}&recvWindow=5000"
        url = f"{base}/api/v3/account?{query}&signature={sign(query, SECRET)}"
        return session.get(url, headers={"X-MBX-APIKEY": KEY}, timeout=10).status_code

    return call


def hammer(
    call: Callable[[requests.Session], int], threads: int, seconds: float
) -> dict[str, float]:
    deadline = time.monotonic() + seconds
    counts = [0] * threads
    errors = [0] * threads
    latencies: list[list[float]] = [[] for _ in range(threads)]

    def worker(i: int) -> None:
        with requests.Session() as session:
            while time.monotonic() < deadline:
                started = time.monotonic()
                ok = call(session) == 200
                latencies[i].append(time.monotonic() - started)
                counts[i] += ok
                errors[i] += not ok

    started = time.monotonic()
    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.monotonic() - started
    flat = sorted(x for row in latencies for x in row)
    return {
        "requests_per_s": round(sum(counts) / elapsed, 1),
        "ok": sum(counts),
        "errors": sum(errors),
        "p50_ms": round(flat[len(flat) // 2] * 1000, 2) if flat else 0.0,
        "p99_ms": round(flat[int(len(flat) * 0.99)] * 1000, 2) if flat else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    with start_exchange("exchange-1", MINIMAL_SCENARIO) as sim:
        sim.control("POST", "/_sim/rate_limit", {"weight_per_minute": 100_000_000})
        results = {
            "threads": args.threads,
            "seconds_per_endpoint": args.seconds,
            "ticker_24hr": hammer(ticker_call(sim.base_url), args.threads, args.seconds),
            "signed_account": hammer(account_call(sim.base_url), args.threads, args.seconds),
        }
    print(json.dumps(results))


if __name__ == "__main__":
    main()
