"""``manage.py check_config`` as an operator runs it: a real process, exit status and output."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conf.conftest import REPO, ConfigDir

pytestmark = pytest.mark.skipif(
    not (REPO / "manage.py").exists(), reason="the Django project has no manage.py yet"
)


def _check_config(config_dir: ConfigDir) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(DJANGO_DEBUG="true", RISK_MONITOR_CONFIG_DIR=str(config_dir.path))
    return subprocess.run(
        [sys.executable, "manage.py", "check_config"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_accepts_the_shipped_configuration(shipped: ConfigDir) -> None:
    result = _check_config(shipped)

    assert result.returncode == 0, result.stderr
    files = ", ".join(
        shipped.shown(name)
        for name in ("risk_limits.yaml", "risk_monitor_config.yaml", "dashboard_config.yaml")
    )
    assert f"configuration OK: {files}" in result.stdout.splitlines()


def test_it_prints_every_problem_and_exits_2(shipped: ConfigDir) -> None:
    shipped.edit("risk_limits.yaml", "max_long: 10.0 ", "max_long: ten ")
    shipped.edit(
        "risk_monitor_config.yaml",
        "pricing_order: [exchange-1, exchange-2]",
        "pricing_order: [exchange-9]",
    )

    result = _check_config(shipped)

    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert (
        f"{shipped.shown('risk_limits.yaml')}: risk_limits.position_limits.BTC-USD.max_long: "
        'must be a positive number, got "ten"'
    ) in lines
    assert (
        f"{shipped.shown('risk_monitor_config.yaml')}: monitoring.pricing_order[0]: must name an "
        'exchange of external_apis (exchange-1, exchange-2), got "exchange-9"'
    ) in lines
    assert "Traceback" not in result.stderr
