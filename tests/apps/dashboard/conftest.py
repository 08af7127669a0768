"""The dashboard tests' stored book (the risk tests' hand-made one) and a configuration
directory whose dashboard_config.yaml can be changed per test."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.cache import cache

from riskmonitor.conf import reset_config_cache
from riskmonitor.conf.loader import DEFAULT_CONFIG_DIR
from tests.apps.risk.conftest import book, frozen

__all__ = ["book", "dashboard_config", "frozen"]


@pytest.fixture(autouse=True)
def _fresh_counters() -> Iterator[None]:
    """Portfolio ids restart with each test database; their live counters (in Redis) must too."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def dashboard_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., None]]:
    """``dashboard_config(grouping="venue")`` sets charts.position_heatmap keys."""

    def configure(**heatmap: Any) -> None:
        directory = tmp_path / "config"
        shutil.copytree(DEFAULT_CONFIG_DIR, directory, dirs_exist_ok=True)
        path = directory / "dashboard_config.yaml"
        document = yaml.safe_load(path.read_text())
        document["dashboard"]["charts"]["position_heatmap"].update(heatmap)
        path.write_text(yaml.safe_dump(document, sort_keys=False))
        monkeypatch.setenv("RISK_MONITOR_CONFIG_DIR", str(directory))
        reset_config_cache()

    yield configure
    reset_config_cache()
