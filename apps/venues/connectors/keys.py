"""Identifiers of API keys, kept apart from the ccxt connector so that reading rate-limit state
does not import ccxt (seconds of start-up in every process)."""

from __future__ import annotations

import hashlib


def key_id(api_key: str) -> str:
    """Budgets are per API key; Redis keys carry a digest, never the key."""
    return "key-" + hashlib.sha256(api_key.encode()).hexdigest()[:16] if api_key else "ip"
