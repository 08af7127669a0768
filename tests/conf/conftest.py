"""A writable copy of the shipped configuration, and helpers to break it one way at a time."""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path

import pytest

from riskmonitor.conf import ConfigError, load_config

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "config"
BRIEF = Path(__file__).resolve().parent / "brief"
FILES = ("risk_limits.yaml", "risk_monitor_config.yaml", "dashboard_config.yaml")


class ConfigDir:
    """A temporary config directory; ``edit`` changes exactly one spot of one file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def file(self, name: str) -> Path:
        return self.path / name

    def shown(self, name: str) -> str:
        return str(self.path / name)

    def edit(self, name: str, old: str, new: str) -> None:
        text = self.file(name).read_text()
        assert text.count(old) == 1, f"{old!r} must occur once in {name}"
        self.file(name).write_text(text.replace(old, new))

    def write(self, name: str, text: str) -> None:
        self.file(name).write_text(text)

    def problems(self, environ: Mapping[str, str] | None = None) -> list[str]:
        with pytest.raises(ConfigError) as caught:
            load_config(self.path, environ or {})
        return caught.value.problems


def copy_config(target: Path, sources: Mapping[str, Path]) -> ConfigDir:
    target.mkdir(parents=True, exist_ok=True)
    for name, source in sources.items():
        shutil.copyfile(source, target / name)
    return ConfigDir(target)


@pytest.fixture
def shipped(tmp_path: Path) -> ConfigDir:
    return copy_config(tmp_path / "config", {name: SHIPPED / name for name in FILES})
