"""Canonical names (DESIGN section 5): ``BASE-QUOTE`` with stablecoin quotes folded to USD.

One rule for the whole system: the engine's `canonical_symbol` aliases the quote only, so
USDCUSDT is ``USDC-USD`` (USDC gets its own price) and BTCUSDT is ``BTC-USD``. Aliases change
the grouping, never the valuation: a USDT balance is still valued at USDT's price.
"""

from __future__ import annotations

from collections.abc import Mapping

from riskmonitor.engine import canonical_symbol as canonical_name


def canonical_asset(asset: str, aliases: Mapping[str, str]) -> str:
    """The asset a balance is reported under: ``USDT`` -> ``USD`` with the default aliases;
    unknown assets stay as they are."""
    name = asset.upper()
    return aliases.get(name, name)


def canonical_symbol(base: str, quote: str, aliases: Mapping[str, str]) -> str:
    """Spot BTCUSDT and the BTCUSDT perpetual are both ``BTC-USD``; the base keeps its own
    name (USDCUSDT is ``USDC-USD``)."""
    return canonical_name(f"{base.upper()}-{quote.upper()}", aliases)


def configured_aliases() -> dict[str, str]:
    from riskmonitor.conf import get_config

    return dict(get_config().monitor.monitoring.asset_aliases)
