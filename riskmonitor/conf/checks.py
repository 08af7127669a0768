"""Checks that span several keys or files; they run on files that passed field validation.

Each check returns problems rather than raising, so one run reports everything at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from riskmonitor.conf.errors import Hidden, Problem
from riskmonitor.conf.schemas import DashboardFile, LimitsFile, MonitorFile
from riskmonitor.conf.schemas.monitor import AlertChannel, ExternalApis


@dataclass(frozen=True)
class Shown:
    """How each file is named in messages."""

    limits: str
    monitor: str
    dashboard: str


def check_limits(cfg: LimitsFile, file: str) -> list[Problem]:
    return [Problem(file, path, reason, value) for path, reason, value in _limits(cfg)]


def _limits(cfg: LimitsFile) -> Iterator[tuple[str, str, object]]:
    t = cfg.alert_configuration.severity_thresholds
    if not t.low < t.medium < t.high < t.critical:
        shown = Hidden(
            f"low {t.low:g}, medium {t.medium:g}, high {t.high:g}, critical {t.critical:g}"
        )
        yield "alert_configuration.severity_thresholds", "must increase from low to critical", shown
    limits = cfg.risk_limits
    notional = limits.notional_limits
    if notional.per_symbol > notional.total_portfolio:
        reason = f"must not exceed notional_limits.total_portfolio ({notional.total_portfolio:g})"
        yield "risk_limits.notional_limits.per_symbol", reason, notional.per_symbol
    yield from _loss_limits_agree(cfg)
    if limits.portfolio_limits.max_stress_loss is not None and not cfg.stress_scenarios:
        reason = "needs at least one scenario under stress_scenarios"
        yield (
            "risk_limits.portfolio_limits.max_stress_loss",
            reason,
            limits.portfolio_limits.max_stress_loss,
        )


def _loss_limits_agree(cfg: LimitsFile) -> Iterator[tuple[str, str, object]]:
    """The brief states the daily loss and drawdown limits twice (a positive magnitude under
    portfolio_limits, a signed value under drawdown_limits); two different values would leave
    it to chance which one is enforced."""
    portfolio, drawdown = cfg.risk_limits.portfolio_limits, cfg.risk_limits.drawdown_limits
    pairs = (
        ("daily_loss", drawdown.daily_loss, "max_daily_loss", portfolio.max_daily_loss),
        ("max_drawdown", drawdown.max_drawdown, "max_drawdown_pct", portfolio.max_drawdown_pct),
    )
    for signed_key, signed, magnitude_key, magnitude in pairs:
        if magnitude is not None and abs(signed + magnitude) > 1e-9 * max(1.0, magnitude):
            reason = f"must equal minus portfolio_limits.{magnitude_key} ({-magnitude:g})"
            yield f"risk_limits.drawdown_limits.{signed_key}", reason, signed


def check_monitor(cfg: MonitorFile, file: str) -> list[Problem]:
    found = [*_venues(cfg.external_apis), *_pricing(cfg), *_aliases(cfg), *_channels(cfg)]
    return [Problem(file, path, reason, value) for path, reason, value in found]


def _venues(apis: ExternalApis) -> Iterator[tuple[str, str, object]]:
    """Venue names key snapshots and alerts, so they must be unique across both kinds."""
    venues = [(f"exchanges[{i}]", v.name) for i, v in enumerate(apis.exchanges)]
    venues += [(f"custodians[{i}]", c.name) for i, c in enumerate(apis.custodians)]
    names: set[str] = set()
    for where, name in venues:
        if name in names:
            yield f"external_apis.{where}.name", "is already the name of another venue", name
        names.add(name)
    yield from _accounts(apis)


def _accounts(apis: ExternalApis) -> Iterator[tuple[str, str, object]]:
    key_users: dict[tuple[str, str], str] = {}
    for i, venue in enumerate(apis.exchanges):
        labels: set[str] = set()
        for j, account in enumerate(venue.accounts):
            path = f"external_apis.exchanges[{i}].accounts[{j}]"
            if account.label in labels:
                reason = f"is already used by another account of {venue.name}"
                yield f"{path}.label", reason, account.label
            labels.add(account.label)
            # No base URL: the real venue, one per key as well.
            where = venue.base_url or ""
            owner = key_users.setdefault((where, account.api_key_env), account.label)
            if owner != account.label:
                reason = (
                    f"is also the key of account {owner}: one key is one account, whose "
                    "positions would be counted twice"
                )
                yield f"{path}.api_key_env", reason, account.api_key_env


def _pricing(cfg: MonitorFile) -> Iterator[tuple[str, str, object]]:
    exchanges = [v.name for v in cfg.external_apis.exchanges]
    seen: set[str] = set()
    for k, name in enumerate(cfg.monitoring.pricing_order):
        path = f"monitoring.pricing_order[{k}]"
        if name not in exchanges:
            yield path, f"must name an exchange of external_apis ({', '.join(exchanges)})", name
        elif name in seen:
            yield path, "is listed twice", name
        seen.add(name)


def _aliases(cfg: MonitorFile) -> Iterator[tuple[str, str, object]]:
    aliases = cfg.monitoring.asset_aliases
    for asset, target in aliases.items():
        if target in aliases:
            reason = (
                f"must map to an asset that is not itself aliased ({target} -> {aliases[target]})"
            )
            yield f"monitoring.asset_aliases.{asset}", reason, target


def _channels(cfg: MonitorFile) -> Iterator[tuple[str, str, object]]:
    for i, channel in enumerate(cfg.alerting.alert_channels):
        yield from _channel(channel, f"alerting.alert_channels[{i}]")


def _channel(channel: AlertChannel, path: str) -> Iterator[tuple[str, str, object]]:
    if channel.type == "webhook" and channel.enabled and channel.url is None:
        yield f"{path}.url", "is required when a webhook channel is enabled", ""
    if channel.type == "email" and channel.enabled and not channel.recipients:
        yield f"{path}.recipients", "must list at least one address when email is enabled", []
    if channel.type != "webhook" and channel.url is not None:
        yield f"{path}.url", "only applies to webhook channels", channel.url


def check_dashboard(cfg: DashboardFile, file: str) -> list[Problem]:
    display = cfg.dashboard.limits_display
    if display.warn_at_utilization < display.alert_at_utilization:
        return []
    reason = f"must be below limits_display.alert_at_utilization ({display.alert_at_utilization:g})"
    path = "dashboard.limits_display.warn_at_utilization"
    return [Problem(file, path, reason, display.warn_at_utilization)]


def check_across(
    limits: LimitsFile, monitor: MonitorFile, dashboard: DashboardFile, shown: Shown
) -> list[Problem]:
    """Keys stated in two files must agree, and limits must use the canonical (aliased) names."""
    problems = list(_aliased_names(limits, monitor, shown.limits))
    agree = (
        (
            shown.limits,
            "risk_limits.operational_limits.position_staleness_minutes",
            limits.risk_limits.operational_limits.position_staleness_minutes,
            "monitoring.position_staleness_threshold_minutes",
            monitor.monitoring.position_staleness_threshold_minutes,
        ),
        (
            shown.limits,
            "risk_limits.operational_limits.alert_escalation_minutes",
            limits.risk_limits.operational_limits.alert_escalation_minutes,
            "alerting.escalation_delay_minutes",
            monitor.alerting.escalation_delay_minutes,
        ),
        (
            shown.dashboard,
            "dashboard.refresh_interval_seconds",
            dashboard.dashboard.refresh_interval_seconds,
            "dashboard.refresh_interval_seconds",
            monitor.dashboard.refresh_interval_seconds,
        ),
    )
    for file, path, value, other_path, other in agree:
        if value != other:
            reason = f"must equal {other_path} in {shown.monitor} ({other})"
            problems.append(Problem(file, path, reason, value))
    return problems


def _aliased_names(limits: LimitsFile, monitor: MonitorFile, file: str) -> Iterator[Problem]:
    """A limit on ``BTC-USDT`` or on ``USDT`` delta would never match: positions and deltas are
    grouped after ``asset_aliases`` (USDT -> USD)."""
    aliases = monitor.monitoring.asset_aliases
    for symbol in limits.risk_limits.position_limits:
        base, quote = symbol.split("-", 1)
        if base in aliases or quote in aliases:
            canonical = f"{aliases.get(base, base)}-{aliases.get(quote, quote)}"
            reason = f"must use canonical asset names (monitoring.asset_aliases): write {canonical}"
            yield Problem(file, f"risk_limits.position_limits.{symbol}", reason, symbol)
    for asset in limits.risk_limits.delta_limits:
        if asset in aliases:
            reason = f"is grouped under {aliases[asset]} by monitoring.asset_aliases"
            yield Problem(file, f"risk_limits.delta_limits.{asset}", reason, asset)
