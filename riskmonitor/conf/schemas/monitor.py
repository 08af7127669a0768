"""Schema of ``risk_monitor_config.yaml``: venues, monitoring cadence, page options, alerting.

Credentials appear only as environment variable *names* (``api_key_env``); the loader turns the
brief's ``api_key: "${EXCHANGE_1_API_KEY}"`` into ``api_key_env: EXCHANGE_1_API_KEY`` before
validation, so the secret itself is never read here.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from riskmonitor.conf.fields import (
    Asset,
    ConfigModel,
    Decimals,
    EnvVarName,
    Flag,
    NonNegativeInt,
    OptionalEnvVarName,
    OptionalText,
    OptionalUrl,
    PositiveInt,
    PositiveNumber,
    Slug,
    Text,
    Url,
    matching,
    rule,
)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
Email = Annotated[str, rule("must be an email address", matching(_EMAIL))]

DEFAULT_ASSET_ALIASES = {"USDT": "USD", "USDC": "USD", "FDUSD": "USD"}


class RateLimits(ConfigModel):
    weight_per_minute: PositiveInt = 1200  # the venue's request-weight budget (Binance style)


class AccountConfig(ConfigModel):
    """One trading account at a venue, with the names of the variables holding its keys."""

    label: Slug
    strategy: Slug = "default"
    market: Literal["spot", "futures"] = "spot"  # which ccxt market type the account trades
    api_key_env: EnvVarName
    api_secret_env: OptionalEnvVarName = None


def _accounts_inherit_venue_credentials(data: Any) -> Any:
    """Brief form: ``api_key`` on the venue and no accounts means one account named ``default``;
    accounts that name no variables of their own use the venue's."""
    if not isinstance(data, dict):
        return data
    venue_keys = {k: data[k] for k in ("api_key_env", "api_secret_env") if k in data}
    accounts = data.get("accounts")
    if accounts is None and "api_key_env" in data:
        return {**data, "accounts": [{"label": "default", **venue_keys}]}
    if isinstance(accounts, list):
        merged = [{**venue_keys, **a} if isinstance(a, dict) else a for a in accounts]
        return {**data, "accounts": merged}
    return data


class ExchangeConfig(ConfigModel):
    name: Slug
    # None (or empty): the adapter's own production URLs, i.e. a real Binance.
    base_url: OptionalUrl = None
    adapter: Literal["binance"] = "binance"  # the ccxt class the connector instantiates
    api_key_env: OptionalEnvVarName = None  # venue-wide default for its accounts
    api_secret_env: OptionalEnvVarName = None
    timeout_seconds: PositiveNumber = 10.0
    retry_attempts: NonNegativeInt = 3
    rate_limits: RateLimits = Field(default_factory=RateLimits)
    accounts: list[AccountConfig] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _inherit(cls, data: Any) -> Any:
        return _accounts_inherit_venue_credentials(data)


class CustodianConfig(ConfigModel):
    name: Slug
    base_url: Url
    # The fund's client id at the custodian; None: the client the API key belongs to.
    client_id: OptionalText = None
    api_key_env: EnvVarName
    api_secret_env: OptionalEnvVarName = None
    timeout_seconds: PositiveNumber = 10.0
    retry_attempts: NonNegativeInt = 3
    settlement_check_frequency_minutes: PositiveInt = 60
    rate_limits: RateLimits = Field(default_factory=RateLimits)


class ExternalApis(ConfigModel):
    exchanges: list[ExchangeConfig] = Field(min_length=1)
    custodians: list[CustodianConfig] = Field(default_factory=list)

    def venue_names(self) -> list[str]:
        return [v.name for v in self.exchanges] + [c.name for c in self.custodians]


class Monitoring(ConfigModel):
    calculation_frequency_seconds: PositiveInt = 30
    position_staleness_threshold_minutes: PositiveInt = 5
    pnl_precision_decimals: Decimals = 8
    # Exchange names, first with a fresh price wins; defaults to the exchanges in listed order.
    pricing_order: list[Slug] = Field(default_factory=list)
    asset_aliases: dict[Asset, Asset] = Field(default_factory=lambda: dict(DEFAULT_ASSET_ALIASES))
    var_lookback_days: PositiveInt = 500
    history_full_rate_hours: PositiveInt = 24  # risk snapshots kept at full rate, then thinned


class DashboardLayout(ConfigModel):
    show_portfolio_overview: Flag = True
    show_position_details: Flag = True
    show_pnl_chart: Flag = True
    show_risk_metrics: Flag = True
    show_active_alerts: Flag = True


class DashboardPage(ConfigModel):
    title: Text = "Trading Risk Monitor"
    refresh_interval_seconds: PositiveInt = 5
    chart_history_hours: PositiveInt = 24
    alert_sound_enabled: Flag = True
    layout: DashboardLayout = Field(default_factory=DashboardLayout)


class AlertChannel(ConfigModel):
    type: Literal["prometheus", "webhook", "email", "log"]
    enabled: Flag = True
    url: OptionalUrl = None  # webhook only
    recipients: list[Email] = Field(default_factory=list)  # email only


def _default_channels() -> list[AlertChannel]:
    return [AlertChannel(type="prometheus"), AlertChannel(type="log")]


class Alerting(ConfigModel):
    escalation_delay_minutes: PositiveInt = 10
    max_alerts_per_hour: PositiveInt = 50
    renotify_minutes: PositiveInt = 60
    alert_channels: list[AlertChannel] = Field(default_factory=_default_channels)


def _default_pricing_order(data: Any) -> Any:
    """Fill ``monitoring.pricing_order`` with the exchanges in listed order when it is absent."""
    if not isinstance(data, dict):
        return data
    monitoring = data.get("monitoring", {})
    apis = data.get("external_apis")
    exchanges = apis.get("exchanges") if isinstance(apis, dict) else None
    if not isinstance(monitoring, dict) or "pricing_order" in monitoring:
        return data
    if not isinstance(exchanges, list):
        return data
    names = [e["name"] for e in exchanges if isinstance(e, dict) and isinstance(e.get("name"), str)]
    return {**data, "monitoring": {**monitoring, "pricing_order": names}}


class MonitorFile(ConfigModel):
    """The whole of ``risk_monitor_config.yaml``."""

    monitoring: Monitoring = Field(default_factory=Monitoring)
    external_apis: ExternalApis
    dashboard: DashboardPage = Field(default_factory=DashboardPage)
    alerting: Alerting = Field(default_factory=Alerting)

    @model_validator(mode="before")
    @classmethod
    def _pricing(cls, data: Any) -> Any:
        return _default_pricing_order(data)
