"""Bad environment values stop start-up with one message per problem (no database needed)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from riskmonitor.env import Env

BASE_ENV = {
    k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY"}
} | {"DJANGO_DEBUG": "true"}


def _start(**overrides: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in (BASE_ENV | overrides).items() if v != "<unset>"}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"RISK_CHECK_INTERVAL_SECONDS": "abc"},
            'environment: RISK_CHECK_INTERVAL_SECONDS: must be an integer, got "abc"',
        ),
        (
            {"RISK_INGEST_CALL_THREADS": "0"},
            'environment: RISK_INGEST_CALL_THREADS: must be an integer between 1 and 4096, got "0"',
        ),
        (
            {"RISK_MONITOR_PORT": "70000"},
            'environment: RISK_MONITOR_PORT: must be an integer between 1 and 65535, got "70000"',
        ),
        (
            {"RISK_MONITOR_SCENARIO": "calm"},
            "environment: RISK_MONITOR_SCENARIO: must name a file of scenarios/ (default, "
            'minimal, stressed) or a path, got "calm"',
        ),
        (
            {"CIRCUIT_BREAKER_ENABLED": "maybe"},
            'environment: CIRCUIT_BREAKER_ENABLED: must be true or false, got "maybe"',
        ),
        (
            {"RISK_MONITOR_LOG_LEVEL": "loud"},
            "environment: RISK_MONITOR_LOG_LEVEL: must be one of debug, info, warning, warn, "
            'error, critical, got "loud"',
        ),
        (
            {"DATABASE_URL": "postgres://postgres@127.0.0.1/x"},
            "environment: REDIS_URL: must be set too",
        ),
        (
            {"DATABASE_URL": "mysql://h/x", "REDIS_URL": "redis://127.0.0.1:6379/1"},
            "environment: DATABASE_URL: must be a URL with scheme postgres or postgresql or "
            'sqlite, got "mysql://h/x"',
        ),
        (
            {"DJANGO_DEBUG": "false", "SECRET_KEY": "<unset>"},
            'environment: SECRET_KEY: required when DJANGO_DEBUG is off, got ""',
        ),
        (
            {"EXCHANGE_API_KEYS": "{not json"},
            'environment: EXCHANGE_API_KEYS: must be a JSON object, got "<not JSON>"',
        ),
        (
            {"ALERT_RETENTION_DAYS": "0"},
            'environment: ALERT_RETENTION_DAYS: must be an integer >= 1, got "0"',
        ),
        (
            {"ALERT_WEBHOOK_URL": "ftp://example.com/hook"},
            "environment: ALERT_WEBHOOK_URL: must be a URL with scheme http or https, "
            'got "ftp://example.com/hook"',
        ),
    ],
)
def test_it_stops_start_up_naming_the_variable_and_the_reason(overrides, message):
    result = _start(**overrides)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_it_reports_every_problem_at_once():
    result = _start(RISK_CHECK_INTERVAL_SECONDS="x", DASHBOARD_ENABLED="perhaps")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 2


def test_it_hides_a_password_inside_a_bad_url():
    env = Env({"DATABASE_URL": "mysql://user:hunter2@db/x"})
    env.url("DATABASE_URL", ("postgres",))
    assert "hunter2" not in env.problems[0]
    assert "***" in env.problems[0]


def test_it_reads_defaults_when_variables_are_unset():
    env = Env({})
    assert env.integer("RISK_CHECK_INTERVAL_SECONDS", 5) == 5
    assert env.flag("CIRCUIT_BREAKER_ENABLED", True) is True
    assert env.json_object("EXCHANGE_API_KEYS") == {}
    assert env.problems == []
