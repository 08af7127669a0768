"""System checks of the market-data settings (``manage.py check``, and every command)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning


def check_market_data_key_used(**kwargs: Any) -> list[CheckMessage]:
    """The brief names ``MARKET_DATA_API_KEY`` for a market-data vendor. None is configured:
    prices, marks and candles come from the exchanges themselves, so a key that is set does
    nothing, and an operator who set it should know rather than assume it is used."""
    if not settings.MARKET_DATA_API_KEY:
        return []
    return [
        Warning(
            "MARKET_DATA_API_KEY is set, but no market-data source is configured: prices, "
            "marks and candles come from the exchanges of risk_monitor_config.yaml.",
            hint="Unset MARKET_DATA_API_KEY; docs/configuration.md says where prices come from.",
            id="marketdata.W001",
        )
    ]
