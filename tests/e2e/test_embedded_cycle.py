"""Embedded mode runs the whole monitoring cycle, not just the web server: ``make run`` with no
DATABASE_URL and no REDIS_URL ingests the simulators into SQLite, evaluates risk on the
in-process scheduler and raises an alert for a breach set on a simulator."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.processes import REPO, alive, http_json, make_run, process_tree, wait_for_health

pytestmark = pytest.mark.e2e

BASE = "http://127.0.0.1:8080"
EXCHANGE_1 = "http://127.0.0.1:9101"
BTC_MAX_LONG = "position_limits.BTC-USD.max_long"  # 10 BTC in config/risk_limits.yaml
CREATE_OFFICER = ("create_role_user", "e2e-officer", "--role", "risk_officer", "--token")
OFFICER_PASSWORD = ("--password", "Embedded-e2e-pw-1")  # required without a terminal


def _embedded_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    return env | {
        "RISK_MONITOR_VAR_DIR": str(tmp_path / "var"),
        "RISK_CHECK_INTERVAL_SECONDS": "2",
        "DJANGO_DEBUG": "true",
        "SECRET_KEY": "",
        "PYTHONUNBUFFERED": "1",
    }


def _sim_control_token(env: dict[str, str]) -> str:
    # make run takes the token from the environment, else from config/dev.env: so do we.
    if env.get("SIM_CONTROL_TOKEN"):
        return env["SIM_CONTROL_TOKEN"]
    found = re.search(r"^SIM_CONTROL_TOKEN=(.*)$", (REPO / "config/dev.env").read_text(), re.M)
    assert found, "config/dev.env sets no SIM_CONTROL_TOKEN"
    return found.group(1).strip()


def _start_token_issue(env: dict[str, str]) -> subprocess.Popen[str]:
    """``create_role_user --token`` once ``make run`` has bootstrapped (it wrote the login
    file), alongside the rest of the start-up: a manage.py start costs seconds."""
    login_file = Path(env["RISK_MONITOR_VAR_DIR"]) / "first-run-login.txt"
    _poll(login_file.exists, 150, "make run bootstrapped")
    return subprocess.Popen(
        [".venv/bin/python", "manage.py", *CREATE_OFFICER, *OFFICER_PASSWORD],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _issued_token(issue: subprocess.Popen[str]) -> str:
    out, _ = issue.communicate(timeout=60)
    found = re.search(r"^token: (\S+)$", out, re.M)
    assert issue.returncode == 0 and found, out
    return found.group(1)


def _sim_post(path: str, body: dict[str, str], token: str) -> None:
    request = urllib.request.Request(
        EXCHANGE_1 + path,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "X-Sim-Control-Token": token},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200


def _poll(read: Any, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = read()
        if last:
            return last
        time.sleep(0.5)
    raise AssertionError(f"{what} within {timeout:.0f} s; last: {last}")


def _get(path: str, token: str) -> Any:
    status, body = http_json(BASE + path, token=token)
    assert status == 200, (path, status, body)
    return body


def _btc_alert(token: str) -> dict[str, Any] | None:
    alerts = _get("/api/v1/alerts/active", token)["alerts"]
    return next((a for a in alerts if a["limit_key"] == BTC_MAX_LONG), None)


def test_it_runs_the_monitoring_cycle_on_sqlite_and_alerts_on_a_breach(tmp_path: Path) -> None:
    env = _embedded_env(tmp_path)
    log = tmp_path / "make-run.log"
    with make_run(env, log) as proc:
        issue = _start_token_issue(env)
        health = wait_for_health(f"{BASE}/health", deadline_s=120)
        assert health["mode"] == "embedded"
        assert health["checks"]["database"]["detail"] == "sqlite"
        token = _issued_token(issue)

        def has_equity() -> dict[str, Any] | None:
            status, body = http_json(f"{BASE}/api/v1/risk/status", token=token)
            return body if status == 200 and body.get("equity", 0) > 0 else None

        status = _poll(has_equity, 45, "a risk snapshot with equity")
        assert status["equity_complete"] is True
        symbols = {p["symbol"]: p for p in _get("/api/v1/positions/summary", token)["positions"]}
        assert symbols["BTC-USD"]["net_size"] > 0
        assert symbols["BTC-USD"]["mark"] > 0
        for path in (
            "/api/v1/portfolio/pnl",
            "/api/v1/limits/current",
            "/api/v1/data-sources/connectivity",
            "/api/v1/emergency/circuit-breaker",
        ):
            _get(path, token)
        assert _btc_alert(token) is None

        # 12 BTC long on exchange-1's futures lifts the net past the 10 BTC limit.
        breach = {"account": "ex1-futures-basis", "symbol": "BTCUSDT", "amount": "12"}
        _sim_post("/_sim/positions", breach | {"entry_price": "90000"}, _sim_control_token(env))
        alert = _poll(lambda: _btc_alert(token), 30, f"an active {BTC_MAX_LONG} alert")
        assert alert["severity"] == "critical"
        assert alert["current"] > 10
        started = process_tree(proc.pid)
    assert proc.returncode is not None
    _poll(lambda: alive(list(started)) == [], 15, "every process of make run stopped")
    assert "scheduled job failed" not in log.read_text()
