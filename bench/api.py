"""Integration surface benchmark: REST, gRPC and the WebSocket fan-out, on one running system.

    python bench/api.py [--clients 32] [--seconds 10] [--ws-clients 500]

Starts the whole system as real processes (simulators, daphne, a Celery worker and beat, the
gRPC server) on a throwaway database, waits for the first risk snapshot, then measures:

- ``rest``: ``GET /api/v1/risk/status`` from ``--clients`` concurrent keep-alive clients for
  ``--seconds``: requests per second, p50 and p99 (goal: at least 500 req/s, p99 at most 50 ms);
- ``grpc``: ``RiskMonitoringService/GetRiskStatus`` the same way;
- ``websocket``: the time from a snapshot's commit until every one of ``--ws-clients`` connected
  clients has its ``risk.update`` (goal: all within 1 s).

The load clients run in this process, on the same two cores as the system they load, so every
figure is a floor of what the server does alone. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from grpccalls import grpc_calls
from wsfanout import raise_open_files, ws_fanout

from tests.e2e.stack import running_stack, wait_until

BENCH_DATABASE = "riskmonitor_bench_api"
BENCH_REDIS_DB = 0
REST_PATH = "/api/v1/risk/status"
GOALS = {"rest_rps": 500.0, "rest_p99_ms": 50.0, "ws_all_within_ms": 1000.0}


def main() -> None:
    args = _arguments()
    # Before the stack starts: daphne inherits the limit it needs for the WebSocket clients.
    raise_open_files()
    with (
        tempfile.TemporaryDirectory(prefix="bench-api-") as tmp,
        running_stack(
            Path(tmp),
            database=BENCH_DATABASE,
            redis_db=BENCH_REDIS_DB,
            env={"RISK_CHECK_INTERVAL_SECONDS": "2"},
            grpc=True,
        ) as stack,
    ):
        token = stack.token_for("bench-api", "trader")
        _wait_for_first_snapshot(stack.web_url, token)
        # The fan-out first: after the request load, daphne's worker threads still hold their
        # database connections, and 500 handshakes on top of them can exhaust the server's.
        websocket = asyncio.run(ws_fanout(stack.web_url, token, clients=args.ws_clients))
        rest = asyncio.run(rest_load(stack.web_url, token, args.clients, args.seconds))
        assert stack.grpc_target is not None
        grpc = grpc_calls(stack.grpc_target, token, concurrency=args.clients, seconds=args.seconds)
    print(
        json.dumps({"rest": rest, "grpc": grpc, "websocket": websocket, "goals": GOALS}, indent=2)
    )


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=32, help="concurrent REST and gRPC clients")
    parser.add_argument("--seconds", type=float, default=10.0, help="measuring time per protocol")
    parser.add_argument("--ws-clients", type=int, default=500, help="connected WebSocket clients")
    return parser.parse_args()


def _wait_for_first_snapshot(web_url: str, token: str) -> None:
    import requests

    def snapshot_stored() -> bool:
        response = requests.get(
            f"{web_url}{REST_PATH}", headers={"Authorization": f"Token {token}"}, timeout=5
        )
        return response.status_code == 200

    wait_until(snapshot_stored, timeout=120, what="the first risk snapshot")


async def rest_load(web_url: str, token: str, clients: int, seconds: float) -> dict[str, Any]:
    """``clients`` workers, each one keep-alive connection, calling back to back for ``seconds``."""
    latencies: list[float] = []
    failures: Counter[int] = Counter()  # by status code
    headers = {"Authorization": f"Token {token}"}
    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=connector, headers=headers) as session:
        await _warm_up(session, f"{web_url}{REST_PATH}")
        deadline = time.perf_counter() + seconds

        async def worker() -> None:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                async with session.get(f"{web_url}{REST_PATH}") as response:
                    await response.read()
                    if response.status != 200:
                        failures[response.status] += 1
                latencies.append((time.perf_counter() - started) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        elapsed = time.perf_counter() - started
    return {
        "path": REST_PATH,
        "clients": clients,
        "requests": len(latencies),
        "failures": dict(failures),
        "rps": round(len(latencies) / elapsed, 1),
        **latency_figures(latencies),
    }


async def _warm_up(session: aiohttp.ClientSession, url: str) -> None:
    for _ in range(20):
        async with session.get(url) as response:
            await response.read()


def latency_figures(latencies_ms: list[float]) -> dict[str, float]:
    if len(latencies_ms) < 2:
        return {"p50_ms": latencies_ms[0] if latencies_ms else 0.0, "p99_ms": 0.0}
    cuts = statistics.quantiles(latencies_ms, n=100)
    return {"p50_ms": round(cuts[49], 2), "p99_ms": round(cuts[98], 2)}


if __name__ == "__main__":
    main()
