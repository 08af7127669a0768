from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import sys
from datetime import timedelta

import pytest
import requests
from django.conf import settings
from django.test import override_settings
from django.utils import timezone
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import generate_latest
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead

from apps.alerts.models import Notification
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.breaker.models import CircuitBreaker
from apps.core.metrics import worker_metrics_serve
from apps.limits.gauges import compliance_gauges_set, limit_gauges_set
from apps.positions.models import Portfolio
from apps.venues.models import DataSourceStatus, Venue
from tests.apps.alerts.factories import btc_reading
from tests.apps.breaker.factories import critical_alerts

pytestmark = pytest.mark.django_db


def test_it_refuses_metrics_without_a_token(client):
    assert client.get("/metrics").status_code in (401, 403)


def test_it_serves_prometheus_text_that_promtool_accepts(api_client_for):
    response = api_client_for("integration").get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "django_http_requests_total_by_method_total" in text
    promtool = shutil.which("promtool")
    assert promtool, "promtool (Debian package prometheus) is needed; .ci/run installs it"
    result = subprocess.run(
        [promtool, "check", "metrics"], input=text, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


# The brief's "Prometheus Metrics" block: name, type, labels, exactly.
BRIEF_METRICS = {
    "risk_compliance_status": ("gauge", ("mandate", "symbol")),
    "risk_alert_generated": ("counter", ("severity", "breach_type")),
    "risk_limit_utilization": ("gauge", ("limit_type", "symbol")),
    "risk_position_size": ("gauge", ("symbol", "venue")),
    "risk_portfolio_pnl": ("gauge", ("currency",)),
    "risk_delta_exposure": ("gauge", ("asset",)),
    "risk_drawdown": ("gauge", ("timeframe",)),
    "risk_circuit_breaker_triggered": ("counter", ("reason",)),
    "risk_monitor_latency_seconds": ("histogram", ("calculation_type",)),
    "risk_data_staleness_seconds": ("gauge", ("data_source",)),
}


def test_it_defines_every_metric_of_the_brief_with_exactly_its_labels():
    from apps.core import metrics

    defined = {
        m._name: (m._type, tuple(m._labelnames))
        for m in vars(metrics).values()
        if isinstance(m, (Counter, Gauge, Histogram))
    }
    for name, expected in BRIEF_METRICS.items():
        assert defined.get(name) == expected, name


def test_it_reads_breaker_alerts_backlog_and_venues_when_scraped(api_client_for):
    portfolio = Portfolio.objects.create(name="fund-m")
    CircuitBreaker.objects.create(
        portfolio=portfolio, state="open", reason="manual", tripped_at=timezone.now()
    )
    critical_alerts(portfolio, 2)
    Venue.objects.create(name="venue-m", kind="exchange", adapter="binance")
    now = timezone.now()
    Notification.objects.create(
        channel="webhook", target="risk_team", event="opened", severity="critical",
        idempotency_key="k-1", created_at=now - timedelta(seconds=90), next_attempt_at=now,
    )  # fmt: skip

    samples = _samples(api_client_for("integration").get("/metrics").content.decode())

    assert samples['risk_circuit_breaker_open{portfolio="fund-m"}'] == 1.0
    assert samples['risk_alerts_active{severity="critical"}'] == 2.0
    assert samples['risk_alerts_active{severity="low"}'] == 0.0
    assert samples['risk_notification_backlog{channel="webhook"}'] == 1.0
    assert samples['risk_notification_backlog{channel="email"}'] == 0.0
    assert samples["risk_notification_oldest_pending_seconds"] >= 90.0
    assert samples['risk_venue_up{venue="venue-m"}'] == 0.0  # it never answered


def test_it_marks_a_venue_up_while_one_of_its_sources_answers(api_client_for):
    venue = Venue.objects.create(name="venue-u", kind="exchange", adapter="binance")
    now = timezone.now()
    earlier = now - timedelta(seconds=10)
    for endpoint, failures in (("prices", 0), ("balances", 3)):
        DataSourceStatus.objects.create(
            source=f"venue-u:{endpoint}", venue=venue, endpoint=endpoint,
            consecutive_failures=failures, last_success_at=earlier, data_as_of=earlier,
            last_error_at=now if failures else None,
        )  # fmt: skip

    samples = _samples(api_client_for("integration").get("/metrics").content.decode())

    assert samples['risk_venue_up{venue="venue-u"}'] == 1.0
    stale = 'risk_data_source_stale{data_source="venue-u:balances",venue="venue-u"}'
    assert samples[stale] == 1.0  # its last pull failed
    assert samples[stale.replace("balances", "prices")] == 0.0
    DataSourceStatus.objects.filter(venue=venue).update(consecutive_failures=2)
    samples = _samples(api_client_for("integration").get("/metrics").content.decode())
    assert samples['risk_venue_up{venue="venue-u"}'] == 0.0


COUNT_AND_EXIT = """
from apps.core.metrics import risk_circuit_breaker_triggered
risk_circuit_breaker_triggered.labels("portfolio_loss_limit").inc(3)
"""


def test_it_keeps_what_an_exited_process_counted(tmp_path):
    """A Celery child that is replaced leaves its counter file; the aggregate keeps its count,
    also after the bookkeeping prometheus_client asks for on a process's death."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    child = subprocess.run(
        [sys.executable, "-c", COUNT_AND_EXIT], env=env, capture_output=True, text=True
    )
    assert child.returncode == 0, child.stderr
    (counter_file,) = tmp_path.glob("counter_*.db")
    mark_process_dead(int(counter_file.stem.split("_")[1]), str(tmp_path))

    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(tmp_path))
    samples = _samples(generate_latest(registry).decode())

    assert samples['risk_circuit_breaker_triggered_total{reason="portfolio_loss_limit"}'] == 3.0


def test_it_sets_no_compliance_gauges_with_signals_off():
    reading = btc_reading(12.0, scope="SOL-USD")
    off = {**settings.RISK_MONITOR, "EMIT_COMPLIANCE_SIGNALS": False}

    with override_settings(RISK_MONITOR=off):
        limit_gauges_set([reading])
        compliance_gauges_set([reading])
    assert REGISTRY.get_sample_value(
        "risk_limit_utilization", {"limit_type": "position_limit_long", "symbol": "SOL-USD"}
    ) is None  # fmt: skip
    assert REGISTRY.get_sample_value(
        "risk_compliance_status", {"mandate": "position_limit_long", "symbol": "SOL-USD"}
    ) is None  # fmt: skip

    limit_gauges_set([reading])
    compliance_gauges_set([reading])
    # Signals on: the reading's utilization is past the critical threshold, a breach (2).
    assert REGISTRY.get_sample_value(
        "risk_compliance_status", {"mandate": "position_limit_long", "symbol": "SOL-USD"}
    ) == 2.0  # fmt: skip


def test_it_writes_no_signal_log_with_signals_off(caplog, django_capture_on_commit_callbacks):
    off = {**settings.RISK_MONITOR, "EMIT_COMPLIANCE_SIGNALS": False}
    caplog.set_level(logging.INFO, logger="riskmonitor.audit")

    with override_settings(RISK_MONITOR=off), django_capture_on_commit_callbacks(execute=True):
        audit_record(event_type="quiet_event", actor="system:test", payload={})
    with django_capture_on_commit_callbacks(execute=True):
        audit_record(event_type="loud_event", actor="system:test", payload={})

    logged = [r.getMessage() for r in caplog.records if r.name == "riskmonitor.audit"]
    assert logged == ["loud_event"]
    assert AuditEvent.objects.filter(event_type="quiet_event").exists()  # the record stays


def _samples(text: str) -> dict[str, float]:
    found = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            found[name] = float(value)
    return found


def test_it_serves_the_worker_containers_files_on_its_own_port(tmp_path, monkeypatch):
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    subprocess.run([sys.executable, "-c", COUNT_AND_EXIT], env=env, check=True)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    with override_settings(RISK_MONITOR={**settings.RISK_MONITOR, "WORKER_METRICS_PORT": port}):
        assert worker_metrics_serve() == port
    text = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text

    assert (
        _samples(text)['risk_circuit_breaker_triggered_total{reason="portfolio_loss_limit"}'] == 3
    )
    assert "risk_alerts_active" not in text  # the database readers are the web's


def test_it_serves_no_worker_port_by_default():
    assert worker_metrics_serve() == 0
