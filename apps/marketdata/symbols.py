"""Canonical names (DESIGN section 5): ``BASE-QUOTE`` with stablecoin quotes folded to USD.

Aliases change the grouping, never the valuation: a USDT balance is still valued at USDT's price.
"""

from __future__ import annotations

from collections.abc import Mapping


def canonical_asset(asset: str, aliases: Mapping[str, str]) -> str:
    """``USDT`` -> ``USD`` with the default aliases; unknown assets stay as they are."""
    name = asset.upper()
    return aliases.get(name, name)


def canonical_symbol(base: str, quote: str, aliases: Mapping[str, str]) -> str:
    """Spot BTCUSDT and the BTCUSDT perpetual are both ``BTC-USD``."""
    return f"{canonical_asset(base, aliases)}-{canonical_asset(quote, aliases)}"


def configured_aliases() -> dict[str, str]:
    from riskmonitor.conf import get_config

    return dict(get_config().monitor.monitoring.asset_aliases)
