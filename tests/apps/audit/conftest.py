"""Fixtures of the audit tests: subprocesses against the test database, and tampering."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection, transaction

# Until the root conftest registers it, the audit tests bring the flush fixture themselves.
from apps.audit.testing import audit_flush_allowed  # noqa: F401

Tamper = Callable[[str, Sequence[Any]], None]


@dataclass(frozen=True)
class ManagePy:
    """Runs ``manage.py`` in a child process that uses the test database."""

    env: dict[str, str]

    def argv(self, *args: str) -> list[str]:
        return [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *args]

    def start(self, *args: str, **env: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            self.argv(*args),
            env={**self.env, **env},
            cwd=settings.BASE_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.argv(*args),
            env=self.env,
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


def _test_database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{credentials}@{host}/{quote(str(db['NAME']), safe='')}"


@pytest.fixture
def manage_py() -> ManagePy:
    """Child processes only see committed rows: use it from ``transaction=True`` tests."""
    if connection.vendor != "postgresql":
        pytest.skip("child processes share the database only in stack mode")
    # Inside a test, settings_dict["NAME"] is already the test database's name.
    env = {**os.environ, "DATABASE_URL": _test_database_url(), "RISK_MONITOR_LOG_LEVEL": "warning"}
    return ManagePy(env=env)


@pytest.fixture
def tamper() -> Tamper:
    """Runs one statement on the audit table with its row trigger disabled, as an intruder with
    the table owner's rights would; the trigger is enabled again in the same transaction."""

    def run(sql: str, params: Sequence[Any]) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only"
            )
            cursor.execute(sql, params)
            cursor.execute(
                "ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only"
            )

    return run
