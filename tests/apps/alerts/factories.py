"""Inputs of the alerts tests: readings as the limit monitor hands them over, and a real local
webhook receiver."""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from apps.limits.readings import EvaluationContext, LimitReading

THRESHOLDS = (("critical", 1.0), ("high", 0.9), ("medium", 0.75), ("low", 0.5))


def severity_of(utilization: float) -> str | None:
    return next((name for name, level in THRESHOLDS if utilization >= level), None)


def btc_reading(position: float, **overrides: Any) -> LimitReading:
    """BTC-USD net position against the brief's max_long 10 (alerts open at 0.8)."""
    utilization = position / 10.0
    fields: dict[str, Any] = {
        "limit_id": 1,
        "limit_key": "position_limits.BTC-USD.max_long",
        "breach_type": "position_limit_long",
        "scope_kind": "symbol",
        "scope": "BTC-USD",
        "current": position,
        "limit": 10.0,
        "utilization": utilization,
        "severity": severity_of(utilization),
        "opening_level": 0.8,
        "unit": "units",
    }
    return LimitReading(**(fields | overrides))


def eth_reading(position: float) -> LimitReading:
    return btc_reading(
        position * 10 / 200,
        limit_id=2,
        limit_key="position_limits.ETH-USD.max_long",
        scope="ETH-USD",
        current=position,
        limit=200.0,
    )


def evaluation(**overrides: Any) -> EvaluationContext:
    fields: dict[str, Any] = {
        "portfolio_id": 1,
        "snapshot_id": 7,
        "as_of": datetime(2025, 9, 16, 14, 23, 45, tzinfo=UTC),
        "engine_version": "2.1.3",
        "correlation_id": "risk-check-001",
        "data_sources_checked": ["exchange-1", "exchange-2", "custodian-1"],
        "input_timestamps": {
            "prices": "2025-09-16T14:23:40.000Z",
            "exchange-1": "2025-09-16T14:23:41.000Z",
        },
    }
    return EvaluationContext(**(fields | overrides))


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class WebhookReceiver:
    """A real HTTP server on 127.0.0.1 that records every POST; stop and start it on one port."""

    port: int
    requests: list[Received] = field(default_factory=list)
    status: int = 200
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/risk"

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                with receiver._lock:
                    receiver.requests.append(Received(self.path, dict(self.headers), body))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def keys(self) -> list[str]:
        with self._lock:
            return [r.headers["Idempotency-Key"] for r in self.requests]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
