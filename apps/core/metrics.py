"""The monitor's own Prometheus signals, named and labelled as the brief names them (BRIEF
"Prometheus Metrics"). Defined once here so every process registers the same series.

Several processes serve (web, workers): with PROMETHEUS_MULTIPROC_DIR set, each writes its own
files (``counter_<pid>.db``, ...) and /metrics aggregates every file of the directory. Gauges use
"mostrecent" so the last value written by any process wins, rather than one series per process
id. A worker child that exits leaves its files behind, so what it counted stays in the sums:
``mark_process_dead`` only deletes the files of "live*" gauges, and none is used here. The
directory is emptied when the whole stack starts (``make run``, the compose ``migrate`` step).

State that lives in the database (breaker state, active alerts, the notification outbox, venue
connectivity) is read when Prometheus scrapes (``scrape_reader_register``), so it is right even
when no worker is running to update a gauge."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Final, Literal

from django.conf import settings
from django.db import DatabaseError
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    start_http_server,
)
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.metrics_core import Metric
from prometheus_client.multiprocess import MultiProcessCollector

log = logging.getLogger("riskmonitor.metrics")

_GAUGE_MODE: Final[Literal["mostrecent"]] = "mostrecent"

risk_compliance_status = Gauge(
    "risk_compliance_status",
    "Risk compliance status: 0 ok, 1 warn (at the alert level), 2 breach (critical severity)",
    ["mandate", "symbol"],
    multiprocess_mode=_GAUGE_MODE,
)
risk_alert_generated = Counter(
    "risk_alert_generated", "Risk alerts generated", ["severity", "breach_type"]
)
risk_limit_utilization = Gauge(
    "risk_limit_utilization",
    "Risk limit utilization ratio",
    ["limit_type", "symbol"],
    multiprocess_mode=_GAUGE_MODE,
)
risk_position_size = Gauge(
    "risk_position_size",
    "Current position sizes",
    ["symbol", "venue"],
    multiprocess_mode=_GAUGE_MODE,
)
risk_portfolio_pnl = Gauge(
    "risk_portfolio_pnl", "Current portfolio P&L", ["currency"], multiprocess_mode=_GAUGE_MODE
)
risk_delta_exposure = Gauge(
    "risk_delta_exposure", "Net underlying exposure", ["asset"], multiprocess_mode=_GAUGE_MODE
)
risk_drawdown = Gauge(
    "risk_drawdown", "Portfolio drawdown from peak", ["timeframe"], multiprocess_mode=_GAUGE_MODE
)
risk_circuit_breaker_triggered = Counter(
    "risk_circuit_breaker_triggered", "Circuit breaker activations", ["reason"]
)
risk_monitor_latency_seconds = Histogram(
    "risk_monitor_latency_seconds",
    "Risk calculation latency",
    ["calculation_type"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
risk_data_staleness_seconds = Gauge(
    "risk_data_staleness_seconds",
    "Age of risk data",
    ["data_source"],
    multiprocess_mode=_GAUGE_MODE,
)
risk_ingest_quarantined = Counter(
    "risk_ingest_quarantined", "Venue payloads rejected at the boundary", ["venue", "endpoint"]
)
risk_ingest_requests = Counter(
    "risk_ingest_requests", "Calls to venue APIs", ["venue", "endpoint", "outcome"]
)

ScrapeReader = Callable[[], Iterable[Metric]]
_scrape_readers: dict[str, ScrapeReader] = {}


def scrape_reader_register(name: str, reader: ScrapeReader) -> None:
    """An app's metrics read at scrape time (registered from its ``AppConfig.ready()``, so core
    imports no app); registering a name again replaces the reader."""
    _scrape_readers[name] = reader


def _scraped() -> Iterator[Metric]:
    for name, reader in sorted(_scrape_readers.items()):
        try:
            yield from list(reader())
        except DatabaseError:
            # One unreadable table must not cost the operator every other series.
            log.warning("metrics reader failed", extra={"reader": name}, exc_info=True)


class _Exposition:
    """The process's (or every process's) samples, then the scrape-time readers'."""

    def __init__(self, source: MultiProcessCollector | CollectorRegistry) -> None:
        self.source = source

    def collect(self) -> Iterator[Metric]:
        yield from self.source.collect()
        yield from _scraped()


def _files_collector(
    directory: str | None, registry: CollectorRegistry | None
) -> MultiProcessCollector:
    """Every process's files of the directory (default: ``PROMETHEUS_MULTIPROC_DIR``)."""
    return MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]


def worker_metrics_serve() -> int:
    """Serve this container's metrics files on ``RISK_MONITOR_WORKER_METRICS_PORT`` from the
    worker's main process (the pool's children write the files); 0 and nothing served when the
    port is 0. Without the database readers: the web serves those, once."""
    port = int(settings.RISK_MONITOR["WORKER_METRICS_PORT"])
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not port or not directory:
        return 0
    registry = CollectorRegistry()
    _files_collector(directory, registry)
    start_http_server(port, addr="0.0.0.0", registry=registry)  # noqa: S104 (a container port)
    return port


def metrics_exposition() -> tuple[bytes, str]:
    """The /metrics body and its content type (Prometheus text format 0.0.4)."""
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        source: MultiProcessCollector | CollectorRegistry = _files_collector(None, None)
    else:
        source = REGISTRY
    registry.register(_Exposition(source))
    return generate_latest(registry), CONTENT_TYPE_LATEST
