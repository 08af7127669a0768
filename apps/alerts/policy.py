"""The alerting policy of the running configuration, built once per configuration and settings
(the configuration is immutable per process; tests that swap it get a fresh policy)."""

from __future__ import annotations

from typing import Any, NamedTuple

from django.conf import settings

from apps.alerts.escalation_policy import SEVERITIES, AlertPolicy, ChannelSpec, EscalationPolicy
from apps.core.compliance import compliance_signals_enabled
from riskmonitor.conf import RiskMonitorConfig, get_config


class _Built(NamedTuple):
    config: RiskMonitorConfig
    settings: tuple[Any, ...]
    policy: AlertPolicy


_built: list[_Built] = []


def policy_current() -> AlertPolicy:
    cfg = get_config()
    risk_settings = (
        compliance_signals_enabled(),
        settings.RISK_MONITOR["ALERT_WEBHOOK_URL"],
    )
    if not _built or _built[0].config is not cfg or _built[0].settings != risk_settings:
        _built[:] = [_Built(cfg, risk_settings, _policy_of(cfg))]
    return _built[0].policy


def _policy_of(cfg: RiskMonitorConfig) -> AlertPolicy:
    alerting = cfg.monitor.alerting
    rules = cfg.limits.alert_configuration.escalation_rules
    thresholds = cfg.limits.alert_configuration.severity_thresholds
    escalation = {}
    for severity in SEVERITIES:
        rule = getattr(rules, f"{severity}_severity")
        escalation[severity] = EscalationPolicy(
            initial=tuple(rule.initial_notification),
            delay_minutes=rule.escalation_delay_minutes,
            escalate_to=tuple(rule.escalate_to),
        )
    return AlertPolicy(
        thresholds={s: float(getattr(thresholds, s)) for s in SEVERITIES},
        escalation=escalation,
        renotify_minutes=alerting.renotify_minutes,
        max_per_hour=alerting.max_alerts_per_hour,
        channels=tuple(_channel_specs()),
        emit_compliance_signals=compliance_signals_enabled(),
    )


def _channel_specs() -> list[ChannelSpec]:
    specs = []
    for channel in get_config().monitor.alerting.alert_channels:
        if not channel.enabled:
            continue
        if channel.type == "webhook":
            # The YAML usually says url: "${ALERT_WEBHOOK_URL}"; the setting covers a bare entry.
            url = channel.url or settings.RISK_MONITOR["ALERT_WEBHOOK_URL"] or ""
            if url:
                specs.append(ChannelSpec("webhook", url))
        elif channel.type == "email":
            specs.append(ChannelSpec("email", ",".join(channel.recipients)))
        else:
            specs.append(ChannelSpec(channel.type))
    return specs
