"""gRPC call benchmark: ``GetRiskStatus`` from N concurrent clients against a running server.

    python bench/grpccalls.py [--concurrency 32] [--seconds 10] [--database NAME] [--redis-db N]

``grpc_calls(target, token)`` measures a server that is already running (bench/api.py calls it
on its own stack). Run as a script it starts the whole system with the gRPC server
(tests/e2e/stack.py: simulators, web, worker, beat, ``manage.py rungrpc``) on a fresh database,
waits for the first risk snapshot and prints one JSON object.

Each client is a thread with a channel (and connection) of its own, calling back to back for
``seconds``; latency is the wall time of one call as the client sees it. Client and server
share the machine, so on few cores the Python client's own work is part of every figure.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import grpc

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from riskmonitor.v1 import risk_monitoring_pb2 as pb  # noqa: E402
from riskmonitor.v1.risk_monitoring_pb2_grpc import RiskMonitoringServiceStub  # noqa: E402

WARMUP_SECONDS = 1.0


def grpc_calls(target: str, token: str, concurrency: int = 32, seconds: float = 10) -> dict:
    """Requests per second and p50/p99 latency (ms) of ``GetRiskStatus`` at ``concurrency``
    clients for ``seconds``; failed calls are counted apart and left out of the latencies."""
    _run(target, token, concurrency, WARMUP_SECONDS)
    started = time.perf_counter()
    latencies, errors = _run(target, token, concurrency, seconds)
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "rps": round(len(ordered) / elapsed, 1),
        "p50_ms": round(_quantile(ordered, 0.50) * 1000, 2),
        "p99_ms": round(_quantile(ordered, 0.99) * 1000, 2),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 2) if ordered else None,
        "calls": len(ordered),
        "errors": errors,
        "concurrency": concurrency,
        "seconds": seconds,
    }


def _run(target: str, token: str, concurrency: int, seconds: float) -> tuple[list[float], int]:
    deadline = time.perf_counter() + seconds
    results: list[tuple[list[float], int]] = []
    lock = threading.Lock()

    def client() -> None:
        # A subchannel pool of its own: each client opens its own connection, as separate
        # processes would, instead of multiplexing over one.
        options = [("grpc.use_local_subchannel_pool", 1)]
        with grpc.insecure_channel(target, options=options) as channel:
            stub = RiskMonitoringServiceStub(channel)
            metadata = (("authorization", f"Token {token}"),)
            own, errors = [], 0
            while time.perf_counter() < deadline:
                begin = time.perf_counter()
                try:
                    stub.GetRiskStatus(pb.RiskStatusRequest(), metadata=metadata, timeout=30)
                except grpc.RpcError:
                    errors += 1
                    continue
                own.append(time.perf_counter() - begin)
        with lock:
            results.append((own, errors))

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [x for own, _ in results for x in own], sum(errors for _, errors in results)


def _quantile(ordered: list[float], q: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[min(int(q * len(ordered)), len(ordered) - 1)]


def _first_snapshot(target: str, token: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    with grpc.insecure_channel(target) as channel:
        stub = RiskMonitoringServiceStub(channel)
        while time.monotonic() < deadline:
            try:
                stub.GetRiskStatus(
                    pb.RiskStatusRequest(), metadata=(("authorization", f"Token {token}"),)
                )
                return
            except grpc.RpcError as error:
                if error.code() != grpc.StatusCode.NOT_FOUND:
                    raise
            time.sleep(1)
    raise SystemExit(f"no risk snapshot within {timeout}s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--database", default="riskmonitor_bench_grpc")
    parser.add_argument("--redis-db", type=int, default=10)
    args = parser.parse_args()

    from tests.e2e.stack import running_stack

    with (
        tempfile.TemporaryDirectory() as tmp,
        running_stack(
            Path(tmp), database=args.database, redis_db=args.redis_db, grpc=True
        ) as stack,
    ):
        assert stack.grpc_target
        token = stack.token_for("bench-grpc", "integration")
        _first_snapshot(stack.grpc_target, token, timeout=120)
        figures: dict[str, Any] = grpc_calls(
            stack.grpc_target, token, concurrency=args.concurrency, seconds=args.seconds
        )
    print(json.dumps({"rpc": "GetRiskStatus", **figures}, indent=2))


if __name__ == "__main__":
    main()
