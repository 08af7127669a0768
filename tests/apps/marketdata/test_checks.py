"""MARKET_DATA_API_KEY: no market-data source exists, so setting the key earns a warning."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings


def test_it_warns_that_a_set_market_data_key_is_unused():
    with (
        override_settings(MARKET_DATA_API_KEY="vendor-key"),
        pytest.raises(SystemCheckError) as raised,
    ):
        call_command("check", fail_level="WARNING")
    assert "marketdata.W001" in str(raised.value)
    assert "vendor-key" not in str(raised.value)


def test_it_is_quiet_without_the_key():
    with override_settings(MARKET_DATA_API_KEY=None):
        call_command("check", fail_level="WARNING")


def test_it_warns_from_the_environment_at_start():
    env = os.environ | {"MARKET_DATA_API_KEY": "vendor-key"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0  # a warning, not an error
    assert "marketdata.W001" in result.stderr + result.stdout
