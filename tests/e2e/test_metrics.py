"""Issue acceptance, end to end: the breaker trips in a Celery child, that child is killed and
replaced, and /metrics still carries its count; the scrape passes `promtool check metrics` and
has every metric of the brief and every one the rules and the dashboard use."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import psutil
import pytest
from prometheus_client.mmap_dict import MmapedDict

from tests.deploy.monitoring import (
    exposed_names,
    own_metrics_used,
    panel_expressions,
    promtool,
    rule_expressions,
)
from tests.e2e.simcontrol import prices_crash
from tests.e2e.stack import running_stack, wait_until

pytestmark = pytest.mark.e2e

DB = "riskmonitor_e2e_metrics"
SYMBOLS = ("BTCUSDT", "ETHUSDT", "SOLUSDT")
TRIPS = "risk_circuit_breaker_triggered_total"
BRIEF_SAMPLES = (
    "risk_compliance_status",
    "risk_alert_generated_total",
    "risk_limit_utilization",
    "risk_position_size",
    "risk_portfolio_pnl",
    "risk_delta_exposure",
    "risk_drawdown",
    TRIPS,
    "risk_monitor_latency_seconds_bucket",
    "risk_data_staleness_seconds",
)


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("metrics")
    with running_stack(
        tmp, database=DB, redis_db=14, env={"RISK_CHECK_INTERVAL_SECONDS": "2"}
    ) as running:
        yield running


def _scrape(stack, token: str) -> str:
    response = stack.api(token).get(f"{stack.web_url}/metrics", timeout=10)
    assert response.status_code == 200, response.text
    return response.text


def _samples(text: str, name: str) -> dict[str, float]:
    """Labels -> value of every sample of ``name``."""
    found = {}
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            labels, _, value = line[len(name) :].rpartition(" ")
            found[labels] = float(value)
    return found


def _counting_pids(directory: Path) -> dict[int, float]:
    """pid -> trips counted, from each process's own counter file."""
    counted = {}
    for path in directory.glob("counter_*.db"):
        total = sum(
            value
            for key, value, _ts, _pos in MmapedDict.read_all_values_from_file(str(path))
            if f'"{TRIPS}"' in key
        )
        if total:
            counted[int(path.stem.split("_")[1])] = total
    return counted


def test_it_keeps_a_replaced_childs_count_and_passes_promtool(stack):
    token = stack.token_for("prom", "integration")
    officer = stack.api(stack.token_for("olga", "risk_officer"))
    wait_until(
        lambda: officer.get(f"{stack.web_url}/api/v1/risk/status", timeout=10).status_code == 200,
        90,
        what="a first snapshot",
    )
    prices_crash(stack, SYMBOLS)
    breaker_url = f"{stack.web_url}/api/v1/emergency/circuit-breaker"
    wait_until(
        lambda: officer.get(breaker_url, timeout=10).json()["state"] == "open",
        60,
        what="the breaker to open",
    )
    directory = Path(stack.env["PROMETHEUS_MULTIPROC_DIR"])
    counted = wait_until(lambda: _counting_pids(directory), 30, what="a counted trip")
    before = _samples(_scrape(stack, token), TRIPS)
    assert sum(before.values()) == sum(counted.values()) >= 1

    worker = psutil.Process(stack.processes["worker"].pid)
    children = {child.pid for child in worker.children()}
    (child,) = set(counted) & children  # a pool child of the worker counted it
    os.kill(child, signal.SIGKILL)
    wait_until(
        lambda: len({c.pid for c in worker.children()} - {child}) == len(children),
        60,
        what="the pool to replace the killed child",
    )
    assert not psutil.pid_exists(child) or psutil.Process(child).status() == "zombie"

    scrape = _scrape(stack, token)
    assert _samples(scrape, TRIPS) == before
    check = subprocess.run(
        [promtool(), "check", "metrics"], input=scrape, capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert 1.0 in _samples(scrape, "risk_circuit_breaker_open").values()


def test_it_exports_every_metric_of_the_brief_and_of_the_rules(stack):
    token = stack.token_for("prom2", "integration")
    wait_until(
        lambda: all(_samples(_scrape(stack, token), name) for name in BRIEF_SAMPLES),
        60,
        what="a sample of every metric of the brief",
    )
    scrape = _scrape(stack, token)
    # A counter no process has counted yet has no file, so no line: quarantines need bad
    # payloads (tests/deploy checks its name against the single-process exposition).
    used = own_metrics_used(rule_expressions() + panel_expressions())
    used -= {"risk_ingest_quarantined_total"}
    assert used - exposed_names(scrape) == set()
    for name in used:
        assert _samples(scrape, name), name
