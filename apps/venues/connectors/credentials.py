"""Where a venue account's keys come from, read at call time and never stored or logged.

``EXCHANGE_API_KEYS`` first (an entry for the exchange, or for the account of it), then the
variables the account names in ``risk_monitor_config.yaml`` (``api_key_env`` /
``api_secret_env``). The map wins because ``config/dev.env`` fills the per-account variables
with the simulators' development keys wherever the Makefile or compose runs: a deliberately set
map must not lose to those (riskmonitor/conf/exchange_keys.py, docs/configuration.md)."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings

from apps.venues.connectors.base import Creds, ErrorKind, SourceError
from riskmonitor.conf import get_config
from riskmonitor.conf.exchange_keys import Parsed, exchange_keys_for

_parsed: list[tuple[object, dict[str, Any], Parsed]] = []


def account_credentials(venue: str, label: str, key_env: str, secret_env: str = "") -> Creds:
    """The account's (key, secret); SourceError(AUTH) naming what is missing."""
    parsed = _exchange_keys()
    pair = parsed.keys.get((venue, label))
    if pair is not None:
        return pair.key, pair.secret
    mine = [p for p in parsed.problems if f'"{venue}"' in p.reason]
    if mine:  # start-up refuses these; a process started before the edit says it here
        raise SourceError(ErrorKind.AUTH, str(mine[0]))
    return env_credentials(key_env, secret_env)


def account_api_key(venue: str, label: str, key_env: str) -> str:
    """Only the key (for naming rate-limit budgets); "" when there is none."""
    try:
        return account_credentials(venue, label, key_env)[0]
    except SourceError:
        return ""


def env_credentials(key_env: str, secret_env: str = "") -> Creds:
    if not key_env or not os.environ.get(key_env):
        raise SourceError(ErrorKind.AUTH, f"environment variable {key_env or '(none)'} is not set")
    return os.environ[key_env], os.environ.get(secret_env, "") if secret_env else ""


def _exchange_keys() -> Parsed:
    """Parsed once per configuration and map (tests swap both)."""
    cfg, raw = get_config(), settings.RISK_MONITOR["EXCHANGE_API_KEYS"]
    if not _parsed or _parsed[0][0] is not cfg or _parsed[0][1] != raw:
        _parsed[:] = [(cfg, dict(raw), exchange_keys_for(raw, cfg.monitor))]
    return _parsed[0][2]
