"""A trading ccxt client for one exchange account, configured as the ingestion connector
configures its read client (same URL mapping, options and timeout; ccxt's throttle off).

The ingestion connector keeps its client factory and credential lookup private and routes every
call through its read budget and source breaker; liquidation must not wait behind either, so
this module builds its own client from the connector's public URL map and options.
"""

from __future__ import annotations

import os

import ccxt

from apps.venues.connectors.binance import CCXT_OPTIONS, ccxt_urls
from apps.venues.models import Account, Venue

SUPPORTED_ADAPTERS = ("binance",)


class CannotTrade(Exception):
    """No key in the environment, or an adapter we cannot trade through: nothing is sent."""


def account_credentials(account: Account, venue: Venue) -> tuple[str, str]:
    """Read from the environment at call time (variable names only are stored)."""
    key_env = account.api_key_env or venue.api_key_env
    secret_env = account.api_secret_env or venue.api_secret_env
    key = os.environ.get(key_env, "") if key_env else ""
    if not key:
        raise CannotTrade(f"environment variable {key_env or '(none)'} is not set")
    return key, os.environ.get(secret_env, "") if secret_env else ""


def trading_client(account: Account, venue: Venue) -> ccxt.binance:
    if venue.adapter not in SUPPORTED_ADAPTERS:
        raise CannotTrade(f"adapter {venue.adapter!r} cannot trade")
    key, secret = account_credentials(account, venue)
    client = ccxt.binance(
        {
            "apiKey": key,
            "secret": secret,
            "enableRateLimit": False,  # bounded retries with backoff here instead
            "timeout": int(venue.timeout_seconds * 1000),
            "options": dict(CCXT_OPTIONS),
        }
    )
    if venue.base_url:
        client.urls["api"] = ccxt_urls(venue.base_url)
    return client
