"""riskmonitor.lib: framework-free (a fresh interpreter imports it without Django) and its
epoch-millisecond helpers."""

import subprocess
import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import time_machine

from riskmonitor.lib.clock import now_ms, to_datetime, to_ms
from riskmonitor.lib.venue_rows import BalanceRow, PositionRow

ROOT = Path(__file__).resolve().parents[2]


def test_it_imports_without_django() -> None:
    code = (
        "import sys, riskmonitor.lib.clock, riskmonitor.lib.venue_rows\n"
        "assert 'django' not in sys.modules, 'django imported'\n"
        "print('ok')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_it_converts_epoch_ms_to_aware_utc_and_back() -> None:
    moment = to_datetime(1_767_225_600_123)

    assert moment == datetime(2026, 1, 1, 0, 0, 0, 123000, tzinfo=UTC)
    assert to_ms(moment) == 1_767_225_600_123


def test_it_reads_now_in_epoch_ms() -> None:
    with time_machine.travel(datetime(2026, 1, 1, tzinfo=UTC), tick=False):
        assert now_ms() == 1_767_225_600_000


def test_it_derives_totals_and_sizes_of_rows() -> None:
    balance = BalanceRow("spot", "BTC", Decimal("1.5"), Decimal("0.25"))
    position = PositionRow(
        "BTCUSDT", Decimal(-3), Decimal("0.001"), Decimal(1), Decimal(1), Decimal(0), None
    )

    assert balance.total == Decimal("1.75")
    assert position.size == Decimal("-0.003")
