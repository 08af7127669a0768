"""EXCHANGE_API_KEYS read against the config's venues: both forms, and one clear start-up error
naming the venue for every bad entry, without ever showing a key."""

from __future__ import annotations

import io

import pytest

from riskmonitor.conf import load_config_or_exit
from riskmonitor.conf.exchange_keys import KeyPair, exchange_keys_parse

EXCHANGES = {"exchange-1": ["spot", "futures"], "exchange-2": ["spot"]}


def _parse(raw: dict) -> tuple[dict, list[str]]:
    parsed = exchange_keys_parse(raw, EXCHANGES, ["custodian-1"])
    return parsed.keys, [str(p) for p in parsed.problems]


def test_it_gives_a_venue_pair_to_each_of_its_accounts():
    keys, problems = _parse({"exchange-1": "k1:s1"})
    assert problems == []
    pair = KeyPair("k1", "s1")
    assert keys == {("exchange-1", "spot"): pair, ("exchange-1", "futures"): pair}


def test_it_reads_a_pair_per_account_and_keeps_colons_in_the_secret():
    keys, problems = _parse({"exchange-1": {"futures": "k2:s:2"}})
    assert problems == []
    assert keys == {("exchange-1", "futures"): KeyPair("k2", "s:2")}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            {"exchange-9": "k:s"},
            'environment: EXCHANGE_API_KEYS: "exchange-9": is not an exchange of '
            "risk_monitor_config.yaml (exchanges: exchange-1, exchange-2)",
        ),
        (
            {"custodian-1": "k:s"},
            'environment: EXCHANGE_API_KEYS: "custodian-1": is a custodian: its key comes from '
            "CUSTODIAN_API_KEY (api_key_env)",
        ),
        (
            {"exchange-1": "only-a-key"},
            'environment: EXCHANGE_API_KEYS: "exchange-1": must be "KEY:SECRET" or an object of '
            'account label -> "KEY:SECRET"',
        ),
        (
            {"exchange-1": 42},
            'environment: EXCHANGE_API_KEYS: "exchange-1": must be "KEY:SECRET" or an object of '
            'account label -> "KEY:SECRET"',
        ),
        (
            {"exchange-2": {"margin": "k:s"}},
            'environment: EXCHANGE_API_KEYS: "exchange-2": account "margin" is not an account '
            "of exchange-2 (spot)",
        ),
        (
            {"exchange-2": {"spot": "secret-but-no-colon"}},
            'environment: EXCHANGE_API_KEYS: "exchange-2": account "spot": must be "KEY:SECRET"',
        ),
    ],
)
def test_it_names_the_venue_and_the_reason(raw, message):
    _, problems = _parse(raw)
    assert problems == [message]
    assert "secret-but-no-colon" not in message and "only-a-key" not in message


def test_it_stops_start_up_on_a_bad_entry_naming_the_venue(shipped):
    stderr = io.StringIO()
    environ = {"EXCHANGE_API_KEYS": '{"exchange-7": "k:s"}'}

    with pytest.raises(SystemExit) as exit_info:
        load_config_or_exit(shipped.path, environ, stderr=stderr)

    assert exit_info.value.code == 2
    assert '"exchange-7": is not an exchange' in stderr.getvalue()


def test_it_starts_with_a_good_map(shipped):
    environ = {"EXCHANGE_API_KEYS": '{"exchange-1": {"spot": "k:s"}, "exchange-2": "k:s"}'}
    assert load_config_or_exit(shipped.path, environ) is not None
