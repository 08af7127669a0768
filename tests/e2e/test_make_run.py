"""``make run`` brings the whole system up, in both modes, and Ctrl-C leaves nothing behind."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import psycopg
import pytest

from tests.e2e.processes import alive, http_json, make_run, process_tree, wait_for_health

pytestmark = pytest.mark.e2e

E2E_DB = "riskmonitor_e2e_run"


def _base_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env |= {"RISK_MONITOR_VAR_DIR": str(tmp_path / "var"), "PYTHONUNBUFFERED": "1"}
    return env


def _recreate_database(name: str) -> None:
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _assert_stops_cleanly(proc, started: dict[int, str]) -> None:
    assert proc.returncode is not None
    deadline = time.monotonic() + 15
    while alive(list(started)) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert {pid: started[pid] for pid in alive(list(started))} == {}


def test_it_runs_embedded_by_default_and_stops_on_ctrl_c(tmp_path):
    env = _base_env(tmp_path) | {"DJANGO_DEBUG": "true", "SECRET_KEY": ""}
    log = tmp_path / "make-run.log"
    with make_run(env, log) as proc:
        body = wait_for_health("http://127.0.0.1:8080/health", deadline_s=120)
        assert body["mode"] == "embedded"
        started = process_tree(proc.pid)
        assert "officer" in log.read_text()  # it printed how to log in
        _assert_first_run_reads_well(log, tmp_path / "var" / "risk-monitor.log")
    _assert_stops_cleanly(proc, started)


def _assert_first_run_reads_well(console: Path, log_file: Path) -> None:
    """Short human lines on the console, the login again once live, the full JSON in the file."""
    deadline = time.monotonic() + 120
    while "Risk Monitor is live" not in console.read_text():
        assert time.monotonic() < deadline, console.read_text()[-3000:]
        time.sleep(1)
    text = console.read_text()
    banner = text[text.index("Risk Monitor is live") :]
    assert "Log in as officer / " in banner and "Dashboard: http://127.0.0.1:8080/" in banner
    event_lines = [line for line in text.splitlines() if "risk_snapshot_created" in line]
    assert event_lines and all(not line.startswith("{") for line in event_lines)
    assert all(len(line) < 200 for line in event_lines)
    logged = [json.loads(line) for line in log_file.read_text().splitlines()]
    assert any(entry.get("event") == "risk_snapshot_created" for entry in logged)


def test_it_runs_the_stack_processes_when_database_and_redis_are_set(tmp_path):
    _recreate_database(E2E_DB)
    env = _base_env(tmp_path) | {
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{E2E_DB}",
        "REDIS_URL": "redis://127.0.0.1:6379/9",
        "DJANGO_DEBUG": "true",
    }
    log = tmp_path / "make-run.log"
    with make_run(env, log) as proc:
        body = wait_for_health("http://127.0.0.1:8080/health", deadline_s=120)
        assert body["mode"] == "stack"
        # Beat fired the heartbeat and a worker ran it: the scheduler check saw a real tick.
        deadline = time.monotonic() + 60
        while "last tick" not in body["checks"]["scheduler"]["detail"]:
            assert time.monotonic() < deadline, body
            time.sleep(1)
            body = http_json("http://127.0.0.1:8080/health")[1]
        started = process_tree(proc.pid)
        commands = " ".join(started.values())
        for needle in (
            "daphne",
            "riskmonitor worker",
            "riskmonitor beat",
            "manage.py rungrpc",
            "simulators exchange",
            "simulators custodian",
        ):
            assert needle in commands
    _assert_stops_cleanly(proc, started)
