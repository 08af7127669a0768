"""deploy/prometheus: the rules pass promtool's checks and unit tests, the scrape config is
valid, and every metric they name is one the monitor exports."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.deploy.monitoring import (
    PROMETHEUS_DIR,
    exposed_names,
    own_metrics_used,
    panel_expressions,
    promtool,
    rule_expressions,
)


def _run(*args: str, cwd: Path = PROMETHEUS_DIR) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [promtool(), *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=120
    )


def test_it_passes_promtool_check_rules():
    result = _run("check", "rules", "alerts.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_it_passes_the_rules_unit_tests():
    result = _run("test", "rules", "alerts.test.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_it_tests_every_alert_it_defines():
    tests = (PROMETHEUS_DIR / "alerts.test.yml").read_text()
    names = [line.split(":", 1)[1].strip() for line in _lines("alerts.yml", "- alert:")]
    assert len(names) >= 6
    for name in names:
        assert f"alertname: {name}" in tests, name


def test_it_has_a_valid_scrape_config(tmp_path):
    """promtool wants the token file to exist; the container mounts it as a secret."""
    token = tmp_path / "metrics_token"
    token.write_text("a-token\n")
    shutil.copy(PROMETHEUS_DIR / "alerts.yml", tmp_path / "alerts.yml")
    text = (PROMETHEUS_DIR / "prometheus.yml").read_text()
    (tmp_path / "prometheus.yml").write_text(text.replace("/run/secrets/metrics_token", str(token)))

    result = _run("check", "config", "prometheus.yml", cwd=tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_it_names_only_metrics_the_monitor_exports(api_client_for):
    scrape = api_client_for("integration").get("/metrics").content.decode()
    exported = exposed_names(scrape)

    used = own_metrics_used(rule_expressions() + panel_expressions())

    assert used - exported == set()
    assert {"risk_alerts_active", "risk_circuit_breaker_open", "risk_venue_up"} <= used


def _lines(file: str, marker: str) -> list[str]:
    return [
        line.strip() for line in (PROMETHEUS_DIR / file).read_text().splitlines() if marker in line
    ]
