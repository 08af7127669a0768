"""``EXCHANGE_API_KEYS``: the brief's JSON map of exchange keys, read against the venues of
``risk_monitor_config.yaml``.

Two forms per exchange (docs/configuration.md):

- ``{"exchange-1": "KEY:SECRET"}``: the pair for every account of that exchange;
- ``{"exchange-1": {"spot": "KEY:SECRET", "futures": "KEY:SECRET"}}``: a pair per account label.

The secret follows the first colon. An entry here wins over the account's own variables
(``api_key_env`` / ``api_secret_env``): those are filled with the simulators' development keys by
``config/dev.env``, so the deliberate map must not lose to them. Messages never show a key."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from riskmonitor.conf.errors import Problem
from riskmonitor.conf.schemas import MonitorFile

VARIABLE = "EXCHANGE_API_KEYS"


@dataclass(frozen=True)
class KeyPair:
    key: str
    secret: str

    def __repr__(self) -> str:  # never a secret in a log line or a traceback
        return "KeyPair(<hidden>)"


ExchangeKeys = dict[tuple[str, str], KeyPair]  # (exchange name, account label) -> pair


@dataclass(frozen=True)
class Parsed:
    keys: ExchangeKeys
    problems: list[Problem]  # "environment: EXCHANGE_API_KEYS: "<venue>": <reason>"


def exchange_keys_parse(
    raw: Mapping[str, Any],
    exchanges: Mapping[str, Sequence[str]],
    custodians: Sequence[str] = (),
) -> Parsed:
    """``exchanges``: exchange name -> its account labels, as the config file lists them."""
    keys: ExchangeKeys = {}
    problems: list[Problem] = []
    for venue, value in raw.items():
        reason = _venue_problem(venue, exchanges, custodians)
        if reason is None:
            reason = _entries(venue, value, exchanges[venue], keys)
        if reason is not None:
            problems.append(Problem("environment", VARIABLE, f'"{venue}": {reason}'))
    return Parsed(keys, problems)


def exchange_keys_for(raw: Mapping[str, Any], monitor: MonitorFile) -> Parsed:
    """The map read against the venues of a loaded ``risk_monitor_config.yaml``."""
    apis = monitor.external_apis
    exchanges = {v.name: [a.label for a in v.accounts] for v in apis.exchanges}
    return exchange_keys_parse(raw, exchanges, [c.name for c in apis.custodians])


def exchange_keys_from_environ(environ: Mapping[str, str], monitor: MonitorFile) -> Parsed:
    """The variable as the environment holds it; one that is not a JSON object is left to the
    settings' own check (``riskmonitor.env``), which reports it."""
    text = (environ.get(VARIABLE) or "").strip()
    try:
        raw = json.loads(text) if text else {}
    except json.JSONDecodeError:
        return Parsed({}, [])
    return exchange_keys_for(raw if isinstance(raw, dict) else {}, monitor)


def _venue_problem(
    venue: str, exchanges: Mapping[str, Sequence[str]], custodians: Sequence[str]
) -> str | None:
    if venue in exchanges:
        return None
    if venue in custodians:
        return "is a custodian: its key comes from CUSTODIAN_API_KEY (api_key_env)"
    known = ", ".join(sorted(exchanges)) or "none"
    return f"is not an exchange of risk_monitor_config.yaml (exchanges: {known})"


def _entries(venue: str, value: Any, labels: Sequence[str], keys: ExchangeKeys) -> str | None:
    if isinstance(value, str):
        pair = _pair(value)
        if pair is None:
            return 'must be "KEY:SECRET" or an object of account label -> "KEY:SECRET"'
        keys.update({(venue, label): pair for label in labels})
        return None
    if not isinstance(value, dict):
        return 'must be "KEY:SECRET" or an object of account label -> "KEY:SECRET"'
    for label, text in value.items():
        if label not in labels:
            return f'account "{label}" is not an account of {venue} ({", ".join(labels)})'
        pair = _pair(text) if isinstance(text, str) else None
        if pair is None:
            return f'account "{label}": must be "KEY:SECRET"'
        keys[(venue, label)] = pair
    return None


def _pair(text: str) -> KeyPair | None:
    key, colon, secret = text.partition(":")
    if not colon or not key.strip() or not secret.strip():
        return None
    return KeyPair(key.strip(), secret.strip())
