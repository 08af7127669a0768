"""The what-if adds its trades under the configured asset_aliases, the ones the book was
built with, not the engine's defaults."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from apps.positions.models import AccountSnapshot
from riskmonitor.conf.loader import reset_config_cache
from tests.apps.risk import factories as f
from tests.apps.risk.conftest import NOW, Book

pytestmark = pytest.mark.django_db
CONFIG = Path(__file__).resolve().parents[3] / "config"
Client = Callable[[str], Any]


@pytest.fixture
def usdc_not_aliased(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("risk_limits.yaml", "risk_monitor_config.yaml", "dashboard_config.yaml"):
        shutil.copy(CONFIG / name, tmp_path / name)
    monitor = tmp_path / "risk_monitor_config.yaml"
    text = monitor.read_text()
    assert "asset_aliases: {USDT: USD, USDC: USD, FDUSD: USD}" in text
    monitor.write_text(text.replace("{USDT: USD, USDC: USD, FDUSD: USD}", "{USDT: USD}"))
    monkeypatch.setenv("RISK_MONITOR_CONFIG_DIR", str(tmp_path))
    reset_config_cache()
    yield
    reset_config_cache()


def test_it_adds_a_trade_to_the_symbol_the_configured_aliases_name(
    book: Book, usdc_not_aliased: None, api_client_for: Client
) -> None:
    # Without a USDC alias, the BTCUSDC perpetual is BTC-USDC, apart from BTC-USD.
    venue = book.futures.venue
    perp = f.InstrumentFactory(venue=venue, venue_symbol="BTCUSDC", kind="perpetual",
                               symbol="BTC-USDC", base="BTC", quote="USDC")  # fmt: skip
    f.PriceFactory(instrument=perp, last=Decimal(62000), mark=Decimal(62000),
                   as_of=NOW - timedelta(seconds=5))  # fmt: skip
    f.PositionLineFactory(snapshot=AccountSnapshot.objects.get(account=book.futures),
                          venue_symbol="BTCUSDC", symbol="BTC-USDC", contracts=Decimal("1.0"),
                          entry_price=Decimal(61000))  # fmt: skip
    trade = {"venue": "exchange-2", "account": "futures", "symbol": "BTC-USDC", "size": -1.0,
             "price": 62000.0, "kind": "perpetual"}  # fmt: skip
    response = api_client_for("trader").post(
        "/api/v1/risk/what-if", {"trades": [trade]}, format="json"
    )
    assert response.status_code == 200, response.json()
    symbols = response.json()["figures"]["symbols"]
    assert symbols["BTC-USDC"]["net_size"] == pytest.approx(0.0)
    assert symbols["BTC-USD"]["net_size"] == pytest.approx(5.0 - 2.5)
