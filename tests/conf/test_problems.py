"""Each kind of mistake produces one exact, readable message naming file, key and value."""

from __future__ import annotations

import pytest

from tests.conf.conftest import ConfigDir

LIMITS = "risk_limits.yaml"
MONITOR = "risk_monitor_config.yaml"
DASHBOARD = "dashboard_config.yaml"

# (file, text in the shipped file, replacement, expected message after "<file>: ")
MISTAKES = {
    "non_number": (
        LIMITS,
        "max_long: 10.0 ",
        "max_long: ten ",
        'risk_limits.position_limits.BTC-USD.max_long: must be a positive number, got "ten"',
    ),
    "quoted_number": (
        LIMITS,
        "max_var_99: 750000",
        'max_var_99: "750000"',
        'risk_limits.portfolio_limits.max_var_99: must be a positive number, got "750000"',
    ),
    "negative_where_positive": (
        LIMITS,
        "per_symbol: 2000000",
        "per_symbol: -2000000",
        "risk_limits.notional_limits.per_symbol: must be a positive number, got -2000000",
    ),
    "positive_short_size": (
        LIMITS,
        "max_short: -5.0 ",
        "max_short: 5.0 ",
        "risk_limits.position_limits.BTC-USD.max_short: must be a negative number "
        "(a short limit is a signed size, e.g. -5.0), got 5.0",
    ),
    "positive_loss_threshold": (
        LIMITS,
        "portfolio_loss_threshold: -1000000",
        "portfolio_loss_threshold: 1000000",
        "risk_limits.circuit_breakers.portfolio_loss_threshold: must be a negative number, "
        "got 1000000",
    ),
    "fraction_out_of_range": (
        LIMITS,
        "concentration_limit: 0.30",
        "concentration_limit: 30",
        "risk_limits.position_limits.BTC-USD.concentration_limit: must be a fraction between "
        "0 and 1, got 30",
    ),
    "zero_warn_level": (
        LIMITS,
        "warn_at_utilization: 0.75",
        "warn_at_utilization: 0",
        "risk_limits.notional_limits.warn_at_utilization: must be a fraction between 0 and 1, "
        "got 0",
    ),
    "typo_in_key": (
        LIMITS,
        "      warn_at_utilization: 0.8\n    ETH-USD",
        "      warn_at_utilisation: 0.8\n    ETH-USD",
        "risk_limits.position_limits.BTC-USD.warn_at_utilisation: unknown key "
        "(did you mean warn_at_utilization?)",
    ),
    "missing_required_key": (
        LIMITS,
        "    trailing_stop_pct: 0.10         # 10% trailing stop\n",
        "",
        "risk_limits.drawdown_limits.trailing_stop_pct: is required",
    ),
    "not_a_list": (
        LIMITS,
        'escalate_to: ["ceo", "board"]',
        "escalate_to: ceo",
        "alert_configuration.escalation_rules.critical_severity.escalate_to: must be a list, "
        'got "ceo"',
    ),
    "not_a_mapping": (
        LIMITS,
        "    trailing_stop_pct: 0.10         # 10% trailing stop\n",
        "    trailing_stop_pct: 0.10\n  operational_limits_x: 1\n",
        "risk_limits.operational_limits_x: unknown key (did you mean operational_limits?)",
    ),
    "bad_symbol": (
        LIMITS,
        "SOL-USD:",
        "SOL/USD:",
        "risk_limits.position_limits.SOL/USD: must be a canonical symbol BASE-QUOTE such as "
        'BTC-USD, got "SOL/USD"',
    ),
    "aliased_symbol": (
        LIMITS,
        "    SOL-USD:",
        "    SOL-USDT:",
        "risk_limits.position_limits.SOL-USDT: must use canonical asset names "
        '(monitoring.asset_aliases): write SOL-USD, got "SOL-USDT"',
    ),
    "thresholds_not_increasing": (
        LIMITS,
        "high: 0.90",
        "high: 0.70",
        "alert_configuration.severity_thresholds: must increase from low to critical, "
        "got low 0.5, medium 0.75, high 0.7, critical 1",
    ),
    "loss_limits_disagree": (
        LIMITS,
        "max_daily_loss: 500000 ",
        "max_daily_loss: 400000 ",
        "risk_limits.drawdown_limits.daily_loss: must equal minus "
        "portfolio_limits.max_daily_loss (-400000), got -500000.0",
    ),
    "bad_stress_shock": (
        LIMITS,
        "USDT: {price: 0.97}",
        "USDT: {price: -1}",
        "stress_scenarios.usdt_depeg.USDT: must be a relative move greater than -1 (e.g. -0.30) "
        "or a mapping {price: <positive number>}, got {price: -1}",
    ),
    "duplicate_yaml_key": (
        LIMITS,
        "    SOL-USD:",
        "    BTC-USD:",
        "line 24, column 5: duplicate key (YAML would silently keep only the last one), "
        'got "BTC-USD"',
    ),
    "bad_yaml_syntax": (
        LIMITS,
        "    ETH-USD:\n      max_long: 200.0",
        "    ETH-USD:\n     max_long: 200.0",
        "line 19, column 16: invalid YAML: mapping values are not allowed here",
    ),
    "bad_url": (
        MONITOR,
        '"${EXCHANGE_2_URL:-http://127.0.0.1:9102}"',
        "127.0.0.1:9102",
        'external_apis.exchanges[1].base_url: must be an http or https URL, got "127.0.0.1:9102"',
    ),
    "unset_variable": (
        MONITOR,
        '"${EXCHANGE_2_URL:-http://127.0.0.1:9102}"',
        '"${EXCHANGE_2_URL}"',
        "external_apis.exchanges[1].base_url: environment variable EXCHANGE_2_URL is not set, "
        'got "${EXCHANGE_2_URL}"',
    ),
    "pricing_order_unknown_venue": (
        MONITOR,
        "pricing_order: [exchange-1, exchange-2]",
        "pricing_order: [exchange-1, exchange-3]",
        "monitoring.pricing_order[1]: must name an exchange of external_apis "
        '(exchange-1, exchange-2), got "exchange-3"',
    ),
    "duplicate_account_label": (
        MONITOR,
        "label: futures\n          strategy: basis",
        "label: spot\n          strategy: basis",
        "external_apis.exchanges[0].accounts[1].label: is already used by another account of "
        'exchange-1, got "spot"',
    ),
    "shared_account_key": (
        MONITOR,
        "api_key_env: EXCHANGE_1_FUTURES_API_KEY",
        "api_key_env: EXCHANGE_1_SPOT_API_KEY",
        "external_apis.exchanges[0].accounts[1].api_key_env: is also the key of account spot: "
        "one key is one account, whose positions would be counted twice, "
        'got "EXCHANGE_1_SPOT_API_KEY"',
    ),
    "bad_env_var_name": (
        MONITOR,
        "api_key_env: EXCHANGE_2_SPOT_API_KEY",
        "api_key_env: 2SPOT-KEY",
        "external_apis.exchanges[1].accounts[0].api_key_env: must be an environment variable "
        'name (letters, digits and _, not starting with a digit), got "2SPOT-KEY"',
    ),
    "literal_secret": (
        MONITOR,
        "api_key_env: CUSTODIAN_API_KEY",
        "api_key: s3cr3t-value",
        'external_apis.custodians[0].api_key: must name an environment variable as "${NAME}" '
        "(or use api_key_env: NAME); secrets are never written in configuration files, "
        "got a literal value (not shown)",
    ),
    "enabled_webhook_without_url": (
        MONITOR,
        'enabled: false\n      url: "${ALERT_WEBHOOK_URL:-}"',
        'enabled: true\n      url: "${ALERT_WEBHOOK_URL:-}"',
        'alerting.alert_channels[2].url: is required when a webhook channel is enabled, got ""',
    ),
    "unknown_channel_type": (
        MONITOR,
        "- type: log",
        "- type: pager",
        "alerting.alert_channels[1].type: must be one of 'prometheus', 'webhook', 'email' or "
        "'log', got \"pager\"",
    ),
    "bad_boolean": (
        DASHBOARD,
        "show_utilization_percentage: true",
        "show_utilization_percentage: yes please",
        "dashboard.limits_display.show_utilization_percentage: must be true or false, "
        'got "yes please"',
    ),
    "bad_duration": (
        DASHBOARD,
        'timeframe: "24h"',
        'timeframe: "a day"',
        "dashboard.charts.pnl_chart.timeframe: must be a duration such as 30s, 5m, 1h or 7d, "
        'got "a day"',
    ),
    "files_disagree": (
        MONITOR,
        "refresh_interval_seconds: 5 ",
        "refresh_interval_seconds: 10 ",
        "dashboard.refresh_interval_seconds: must equal dashboard.refresh_interval_seconds in "
        "<monitor file> (10), got 5",
    ),
}
# The file a cross-file problem is reported against, when it is not the edited one.
REPORTED_IN = {"files_disagree": DASHBOARD}


@pytest.mark.parametrize("mistake", MISTAKES)
def test_it_explains_each_mistake_in_one_line(shipped: ConfigDir, mistake: str) -> None:
    file, old, new, message = MISTAKES[mistake]
    shipped.edit(file, old, new)

    reported = REPORTED_IN.get(mistake, file)
    expected = message.replace("<monitor file>", shipped.shown(MONITOR))
    assert shipped.problems() == [f"{shipped.shown(reported)}: {expected}"]


def test_it_reports_every_problem_of_every_file_together(shipped: ConfigDir) -> None:
    shipped.edit(LIMITS, "max_long: 10.0 ", "max_long: ten ")
    shipped.edit(LIMITS, "high: 0.90", "hihg: 0.90")
    shipped.edit(MONITOR, '"${EXCHANGE_1_URL:-http://127.0.0.1:9101}"', '"${EXCHANGE_1_URL}"')
    shipped.edit(
        MONITOR, "retry_attempts: 3\n      settlement", "retry_attempts: -1\n      settlement"
    )
    shipped.edit(DASHBOARD, "max_alerts: 50", "max_alerts: many")

    limits, monitor, dashboard = (shipped.shown(f) for f in (LIMITS, MONITOR, DASHBOARD))
    assert shipped.problems() == [
        f"{limits}: risk_limits.position_limits.BTC-USD.max_long: must be a positive number, "
        'got "ten"',
        f"{limits}: alert_configuration.severity_thresholds.hihg: unknown key (did you mean high?)",
        f"{monitor}: external_apis.exchanges[0].base_url: environment variable EXCHANGE_1_URL "
        'is not set, got "${EXCHANGE_1_URL}"',
        f"{monitor}: external_apis.custodians[0].retry_attempts: must be a whole number, "
        "0 or more, got -1",
        f"{dashboard}: dashboard.charts.alert_timeline.max_alerts: must be a positive whole "
        'number, got "many"',
    ]


def test_it_reports_missing_empty_and_wrongly_shaped_files(shipped: ConfigDir) -> None:
    shipped.file(LIMITS).unlink()
    shipped.write(MONITOR, "# nothing here\n")
    shipped.write(DASHBOARD, "- a\n- b\n")

    assert shipped.problems() == [
        f"{shipped.shown(LIMITS)}: file not found",
        f"{shipped.shown(MONITOR)}: file is empty",
        f"{shipped.shown(DASHBOARD)}: (top level): must be a mapping of sections (key: value) "
        "at the top level, got [a, b]",
    ]


def test_it_shows_a_value_from_the_environment_as_its_reference(shipped: ConfigDir) -> None:
    shipped.edit(MONITOR, '"${EXCHANGE_2_URL:-http://127.0.0.1:9102}"', '"${EXCHANGE_2_URL}"')

    problems = shipped.problems({"EXCHANGE_2_URL": "ftp://user:hunter2@host"})

    assert problems == [
        f"{shipped.shown(MONITOR)}: external_apis.exchanges[1].base_url: must be an http or "
        'https URL, got "${EXCHANGE_2_URL}" (from the environment)'
    ]
    assert "hunter2" not in problems[0]


def test_it_never_prints_a_literal_secret(shipped: ConfigDir) -> None:
    shipped.edit(MONITOR, "api_key_env: CUSTODIAN_API_KEY", 'api_key: "${KEY:-s3cr3t-value}"')

    assert "s3cr3t-value" not in "\n".join(shipped.problems())
