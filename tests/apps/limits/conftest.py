"""Fixtures of the limits tests: the brief's two risk_limits.yaml versions and loaded limits."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from riskmonitor.conf import load_config
from riskmonitor.conf.schemas.limits import LimitsFile

REPO = Path(__file__).resolve().parents[3]
BRIEF = REPO / "tests" / "conf" / "brief"
SHIPPED = REPO / "config"
NOTIONAL_FORM = "risk_limits_notional_form.yaml"
SIZE_FORM = "risk_limits_size_form.yaml"
THRESHOLDS = {"low": 0.5, "medium": 0.75, "high": 0.9, "critical": 1.0}


def limits_file_of(tmp_path: Path, form: str) -> LimitsFile:
    """The brief's risk_limits.yaml in one of its two forms, loaded with the brief's other files."""
    target = tmp_path / form.removesuffix(".yaml")
    target.mkdir()
    shutil.copyfile(BRIEF / form, target / "risk_limits.yaml")
    for name in ("risk_monitor_config.yaml", "dashboard_config.yaml"):
        shutil.copyfile(BRIEF / name, target / name)
    return load_config(target, {}).limits


def shipped_limits_file() -> LimitsFile:
    return load_config(SHIPPED, {}).limits


@pytest.fixture
def brief_limits(tmp_path: Path) -> Callable[[str], LimitsFile]:
    return lambda form: limits_file_of(tmp_path, form)


@pytest.fixture
def shipped_limits(db: None) -> None:
    """The shipped config/risk_limits.yaml loaded into the database."""
    from apps.limits.services import limits_load_from_config

    limits_load_from_config(limits_file=shipped_limits_file())


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Users here exist only to hold a role; a slow password hash would only slow the suite."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
