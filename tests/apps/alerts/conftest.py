"""Fixtures of the alerts tests: a configuration directory with the alerting section under test,
and a real local webhook receiver."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from riskmonitor.conf import reset_config_cache
from riskmonitor.conf.loader import DEFAULT_CONFIG_DIR
from tests.apps.alerts.factories import WebhookReceiver, free_port

ConfigureAlerting = Callable[..., Path]


@pytest.fixture
def alerting_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ConfigureAlerting]:
    """Writes a configuration directory whose ``alerting`` section carries the given keys."""

    def configure(**alerting: Any) -> Path:
        directory = tmp_path / "config"
        shutil.copytree(DEFAULT_CONFIG_DIR, directory, dirs_exist_ok=True)
        monitor_file = directory / "risk_monitor_config.yaml"
        document = yaml.safe_load(monitor_file.read_text())
        document["alerting"] = {**document.get("alerting", {}), **alerting}
        monitor_file.write_text(yaml.safe_dump(document, sort_keys=False))
        monkeypatch.setenv("RISK_MONITOR_CONFIG_DIR", str(directory))
        reset_config_cache()
        return directory

    configure()
    yield configure
    monkeypatch.delenv("RISK_MONITOR_CONFIG_DIR")
    reset_config_cache()


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver(port=free_port())
    receiver.start()
    yield receiver
    receiver.stop()


LOG_ONLY = [{"type": "log", "enabled": True}]


@pytest.fixture
def webhook_config(
    alerting_config: ConfigureAlerting, webhook_receiver: WebhookReceiver
) -> WebhookReceiver:
    """Alerting with the log channel and a webhook to the local receiver."""
    webhook = {"type": "webhook", "enabled": True, "url": webhook_receiver.url}
    alerting_config(alert_channels=[*LOG_ONLY, webhook])
    return webhook_receiver


@pytest.fixture(autouse=True)
def _referenced_rows(request: pytest.FixtureRequest) -> None:
    """The readings of these tests name portfolios 1-2 and limits 1-2, 100-199, 500."""
    if request.node.get_closest_marker("django_db") is None:
        return
    from tests.limitrows import referenced_rows

    referenced_rows(portfolios=(1, 2), limits=(1, 2, *range(100, 200), 500))
