"""WebSocket fan-out benchmark: how long after a snapshot commits do N connected clients all
have its ``risk.update``?

    python bench/wsfanout.py [--clients 500] [--updates 3] [--database D] [--redis-db 8]

``ws_fanout`` connects the clients to a running web process, waits until every one has its
``risk.state``, then takes the next ``updates`` snapshots' ``risk.update`` frames. The latency
of one client for one update is its receive time minus the frame's ``published_at``, which the
publisher stamps in the commit hook right after the snapshot's transaction commits (client and
server share a clock on one machine). Run as a script it starts the whole stack first
(``tests.e2e.stack.running_stack``: simulators, daphne, worker, beat) and prints one JSON object.

What limits the figure: the single daphne process (one event loop writes every frame), the
Redis channel layer's group send, and this client process, which reads all N sockets on one
event loop of its own on the same cores. Each socket costs a file descriptor on both sides:
``main`` raises this process's open-file limit to its hard limit before it starts the stack,
and the web process inherits it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

GOAL_MS = 1000.0
CONNECTS_AT_ONCE = 50  # handshakes in flight together: the web process has one event loop
WAIT_SECONDS = 60.0


async def ws_fanout(
    web_url: str, token: str, clients: int = 500, updates: int = 3
) -> dict[str, Any]:
    """Connect ``clients`` sockets, then time ``updates`` risk.update frames to every one."""
    sockets = await _connect_all(web_url, token, clients)
    try:
        await asyncio.gather(*(_until(ws, "risk.state") for ws in sockets))
        latencies = await _latencies(sockets, updates)
    finally:
        await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    return _summary(clients, updates, latencies)


async def _connect_all(web_url: str, token: str, clients: int) -> list[ClientConnection]:
    url = f"{web_url.replace('http://', 'ws://', 1)}/ws/risk-updates"
    gate = asyncio.Semaphore(CONNECTS_AT_ONCE)

    async def one() -> ClientConnection:
        async with gate:
            return await connect(
                url,
                origin=web_url,
                additional_headers={"Authorization": f"Token {token}"},
                open_timeout=WAIT_SECONDS,
                max_queue=None,  # read every frame: this client measures, it is not slow
            )

    return list(await asyncio.gather(*(one() for _ in range(clients))))


async def _until(ws: ClientConnection, kind: str) -> dict[str, Any]:
    """The next frame of type ``kind``."""
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), WAIT_SECONDS))
        if frame["type"] == kind:
            return dict(frame)


async def _updates_after(
    ws: ClientConnection, after: float, updates: int
) -> dict[tuple[int, int], float]:
    """Latency in ms of each of the first ``updates`` risk.update frames published after
    ``after`` (epoch seconds), by (portfolio, seq)."""
    got: dict[tuple[int, int], float] = {}
    while len(got) < updates:
        text = await asyncio.wait_for(ws.recv(), WAIT_SECONDS)
        arrived = time.time()
        frame = json.loads(text)
        if frame["type"] != "risk.update":
            continue
        published = datetime.fromisoformat(frame["published_at"]).timestamp()
        if published > after:
            got[(frame["portfolio_id"], frame["seq"])] = (arrived - published) * 1000.0
    return got


async def _latencies(sockets: list[ClientConnection], updates: int) -> list[list[float]]:
    """Per update, every client's latency in ms. An update is one snapshot: the same portfolio
    and seq on every socket; one a client never got (coalesced behind a newer one) is missing
    from its list."""
    ready = time.time()
    per_client = await asyncio.gather(*(_updates_after(ws, ready, updates) for ws in sockets))
    keys = sorted({key for got in per_client for key in got})[:updates]
    return [[got[key] for got in per_client if key in got] for key in keys]


def _summary(clients: int, updates: int, rounds: list[list[float]]) -> dict[str, Any]:
    every = [ms for one in rounds for ms in one]
    worst = max(every)
    return {
        "clients": clients,
        "updates": updates,
        "missed": sum(clients - len(one) for one in rounds),
        "p50_ms": round(statistics.median(every), 1),
        "max_ms": round(worst, 1),
        "all_ms_per_update": [round(max(one), 1) for one in rounds],
        "all_within_1s": worst <= GOAL_MS and all(len(one) == clients for one in rounds),
    }


def _raise_open_files() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and (hard == resource.RLIM_INFINITY or soft < hard):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--updates", type=int, default=3)
    parser.add_argument("--database", default="riskmonitor_bench_ws")
    parser.add_argument("--redis-db", type=int, default=8)
    return parser.parse_args()


def main() -> None:
    args = _arguments()
    open_files = _raise_open_files()
    if open_files < 2 * args.clients + 256:
        raise SystemExit(f"open-file limit {open_files} is too low for {args.clients} clients")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.e2e.stack import running_stack, wait_until

    with tempfile.TemporaryDirectory() as tmp, running_stack(
        Path(tmp), database=args.database, redis_db=args.redis_db,
        env={"RISK_CHECK_INTERVAL_SECONDS": "2"},
    ) as stack:  # fmt: skip
        token = stack.token_for("bench", "integration")
        session = stack.api(token)
        wait_until(
            lambda: session.get(f"{stack.web_url}/api/v1/risk/status", timeout=10).ok,
            120,
            what="a first risk snapshot",
        )
        result = asyncio.run(ws_fanout(stack.web_url, token, args.clients, args.updates))
    print(json.dumps({**result, "open_files_limit": open_files}, indent=2))


if __name__ == "__main__":
    main()
