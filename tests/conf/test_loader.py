"""Loading the shipped, example and brief files; defaults, credentials and ${VAR} expansion."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from riskmonitor.conf import (
    ConfigError,
    get_config,
    load_config,
    load_config_or_exit,
    reset_config_cache,
)
from tests.conf.conftest import BRIEF, FILES, REPO, SHIPPED, ConfigDir, copy_config


def _example_dir(tmp_path: Path) -> ConfigDir:
    sources = {name: SHIPPED / name.replace(".yaml", ".example.yaml") for name in FILES}
    return copy_config(tmp_path / "example", sources)


def _brief_dir(tmp_path: Path, limits_form: str) -> ConfigDir:
    sources = {
        "risk_limits.yaml": BRIEF / limits_form,
        "risk_monitor_config.yaml": BRIEF / "risk_monitor_config.yaml",
        "dashboard_config.yaml": BRIEF / "dashboard_config.yaml",
    }
    return copy_config(tmp_path / "brief", sources)


def test_it_loads_the_shipped_configuration() -> None:
    cfg = load_config(SHIPPED, {})

    btc = cfg.limits.risk_limits.position_limits["BTC-USD"]
    assert (btc.max_long, btc.max_short, btc.max_long_notional) == (10.0, -5.0, 5_000_000.0)
    assert cfg.limits.risk_limits.portfolio_limits.max_stress_loss == 1_500_000
    assert cfg.sources.limits == SHIPPED / "risk_limits.yaml"


def test_it_points_the_shipped_venues_at_the_local_simulators() -> None:
    apis = load_config(SHIPPED, {}).monitor.external_apis

    assert [(v.name, v.base_url) for v in apis.exchanges] == [
        ("exchange-1", "http://127.0.0.1:9101"),
        ("exchange-2", "http://127.0.0.1:9102"),
    ]
    assert (apis.custodians[0].name, apis.custodians[0].base_url) == (
        "custodian-1",
        "http://127.0.0.1:9201",
    )
    assert apis.custodians[0].client_id == "fund-1"


def test_it_loads_the_example_files(tmp_path: Path) -> None:
    cfg = load_config(_example_dir(tmp_path).path, {})

    assert cfg.monitor.external_apis.exchanges[0].base_url == "http://exchange-simulator:8080"
    assert cfg.monitor.external_apis.custodians[0].api_key_env == "CUSTODIAN_API_KEY"


def test_it_keeps_the_example_files_in_step_with_the_shipped_ones(tmp_path: Path) -> None:
    example = load_config(_example_dir(tmp_path).path, {})
    shipped = load_config(SHIPPED, {})

    assert example.limits == shipped.limits
    assert example.dashboard == shipped.dashboard
    assert example.monitor.monitoring == shipped.monitor.monitoring


@pytest.mark.parametrize("form", ["risk_limits_notional_form.yaml", "risk_limits_size_form.yaml"])
def test_it_loads_both_brief_forms_of_risk_limits(tmp_path: Path, form: str) -> None:
    cfg = load_config(_brief_dir(tmp_path, form).path, {})

    assert set(cfg.limits.risk_limits.position_limits) == {"BTC-USD", "ETH-USD"}
    assert cfg.limits.risk_limits.delta_limits["USD"].max_net_exposure == 5_000_000


def test_it_reads_the_size_form(tmp_path: Path) -> None:
    cfg = load_config(_brief_dir(tmp_path, "risk_limits_size_form.yaml").path, {})

    eth = cfg.limits.risk_limits.position_limits["ETH-USD"]
    assert (eth.max_long, eth.max_short, eth.max_long_notional) == (200.0, -100.0, None)


def test_it_gives_documented_defaults_to_missing_sections(tmp_path: Path) -> None:
    limits = load_config(_brief_dir(tmp_path, "risk_limits_size_form.yaml").path, {}).limits

    assert limits.risk_limits.portfolio_limits.max_var_99 is None  # not monitored
    assert limits.risk_limits.operational_limits.position_staleness_minutes == 5
    assert limits.alert_configuration.escalation_rules.medium_severity.escalate_to == []
    assert limits.stress_scenarios == {}


def test_it_fills_monitor_defaults(tmp_path: Path) -> None:
    monitor = load_config(_brief_dir(tmp_path, "risk_limits_size_form.yaml").path, {}).monitor

    assert monitor.monitoring.pricing_order == ["exchange-simulator-1"]
    assert monitor.monitoring.asset_aliases == {"USDT": "USD", "USDC": "USD", "FDUSD": "USD"}
    assert monitor.monitoring.var_lookback_days == 500
    assert monitor.external_apis.exchanges[0].adapter == "binance"


def test_it_records_credential_variable_names_without_reading_them() -> None:
    environ = {"EXCHANGE_1_SPOT_API_KEY": "the-real-key"}
    exchange = load_config(SHIPPED, environ).monitor.external_apis.exchanges[0]

    spot = exchange.accounts[0]
    assert (spot.label, spot.strategy, spot.market) == ("spot", "treasury", "spot")
    assert (spot.api_key_env, spot.api_secret_env) == (
        "EXCHANGE_1_SPOT_API_KEY",
        "EXCHANGE_1_SPOT_API_SECRET",
    )
    assert "the-real-key" not in repr(exchange)


def test_it_turns_a_brief_form_venue_key_into_one_default_account(tmp_path: Path) -> None:
    cfg = load_config(_brief_dir(tmp_path, "risk_limits_size_form.yaml").path, {})

    accounts = cfg.monitor.external_apis.exchanges[0].accounts
    assert [(a.label, a.api_key_env) for a in accounts] == [("default", "EXCHANGE_1_API_KEY")]


def test_it_lets_accounts_inherit_the_venue_key(shipped: ConfigDir) -> None:
    shipped.edit(
        "risk_monitor_config.yaml",
        "      accounts:\n        - label: spot\n          strategy: treasury\n"
        "          market: spot\n          api_key_env: EXCHANGE_1_SPOT_API_KEY\n",
        '      api_key: "${EXCHANGE_1_API_KEY}"\n      accounts:\n        - label: spot\n'
        "          strategy: treasury\n          market: spot\n",
    )

    accounts = load_config(shipped.path, {}).monitor.external_apis.exchanges[0].accounts
    assert [a.api_key_env for a in accounts] == ["EXCHANGE_1_API_KEY", "EXCHANGE_1_FUTURES_API_KEY"]


def test_it_expands_variables_with_defaults_and_types(shipped: ConfigDir) -> None:
    shipped.edit(
        "risk_monitor_config.yaml",
        "calculation_frequency_seconds: 30",
        "calculation_frequency_seconds: ${CALC:-15}",
    )
    shipped.edit(
        "risk_monitor_config.yaml", 'title: "Trading Risk Monitor"', 'title: "Risk ${DESK}"'
    )
    shipped.edit(
        "risk_monitor_config.yaml",
        'enabled: false\n      url: "${ALERT_WEBHOOK_URL:-}"',
        'enabled: true\n      url: "${ALERT_WEBHOOK_URL:-}"',
    )
    environ = {"DESK": "Asia", "ALERT_WEBHOOK_URL": "https://hooks.example.com/risk"}

    monitor = load_config(shipped.path, environ).monitor
    assert monitor.monitoring.calculation_frequency_seconds == 15
    assert monitor.dashboard.title == "Risk Asia"
    assert monitor.alerting.alert_channels[2].url == "https://hooks.example.com/risk"


def test_it_ignores_an_unset_variable_in_a_disabled_channel(tmp_path: Path) -> None:
    cfg = load_config(_brief_dir(tmp_path, "risk_limits_notional_form.yaml").path, {})

    assert cfg.monitor.alerting.alert_channels[1].url is None


def test_it_reads_the_directory_from_the_environment(shipped: ConfigDir) -> None:
    cfg = load_config(environ={"RISK_MONITOR_CONFIG_DIR": str(shipped.path)})

    assert cfg.sources.monitor == shipped.path / "risk_monitor_config.yaml"


def test_it_names_repository_files_relative_to_the_repository() -> None:
    broken = REPO / "config" / "no-such-dir"

    with pytest.raises(ConfigError) as caught:
        load_config(broken, {})
    assert caught.value.problems[0] == "config/no-such-dir/risk_limits.yaml: file not found"


def test_it_caches_the_process_configuration(
    shipped: ConfigDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RISK_MONITOR_CONFIG_DIR", str(shipped.path))
    reset_config_cache()
    try:
        first = get_config()
        assert get_config() is first
        reset_config_cache()
        assert get_config() is not first
    finally:
        reset_config_cache()


def test_it_prints_every_problem_and_exits_2(shipped: ConfigDir) -> None:
    shipped.edit("risk_limits.yaml", "max_long: 10.0 ", "max_long: ten ")
    shipped.edit("dashboard_config.yaml", "max_alerts: 50", "max_alerts: 0")
    stderr = io.StringIO()

    with pytest.raises(SystemExit) as caught:
        load_config_or_exit(shipped.path, {}, stderr=stderr)

    assert caught.value.code == 2
    assert stderr.getvalue().splitlines() == [
        f"{shipped.shown('risk_limits.yaml')}: risk_limits.position_limits.BTC-USD.max_long: "
        'must be a positive number, got "ten"',
        f"{shipped.shown('dashboard_config.yaml')}: dashboard.charts.alert_timeline.max_alerts: "
        "must be a positive whole number, got 0",
    ]


def test_it_imports_no_django() -> None:
    code = "import sys, riskmonitor.conf; print('django' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == "False"


def test_it_lets_an_exchange_leave_out_its_base_url_for_the_real_venue(
    shipped: ConfigDir,
) -> None:
    shipped.edit(
        "risk_monitor_config.yaml",
        '      base_url: "${EXCHANGE_2_URL:-http://127.0.0.1:9102}"\n',
        "",
    )

    exchanges = load_config(shipped.path, {}).monitor.external_apis.exchanges
    assert [e.base_url for e in exchanges] == ["http://127.0.0.1:9101", None]
