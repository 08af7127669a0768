"""Delivery of one notification over its channel. Raises ``TransientDeliveryError`` when trying
again later may work (network down, 5xx, 429) and ``PermanentDeliveryError`` when it never will."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import requests
from django.core.mail import EmailMessage

from apps.alerts.models import Channel, Notification
from apps.core.compliance import compliance_signals_enabled
from apps.core.metrics import risk_alert_generated

log = logging.getLogger("riskmonitor.alerts")
WEBHOOK_TIMEOUT = (3.05, 10.0)  # connect, read (seconds)
_RETRYABLE_STATUS = {408, 425, 429}


class DeliveryError(Exception):
    pass


class TransientDeliveryError(DeliveryError):
    pass


class PermanentDeliveryError(DeliveryError):
    pass


def message_body(notification: Notification) -> dict[str, Any]:
    return {
        "notification_id": notification.pk,
        "idempotency_key": str(notification.pk),
        "created_at": notification.created_at.isoformat(),
        **notification.payload,
    }


def deliver(notification: Notification) -> None:
    senders: dict[str, Callable[[Notification], None]] = {
        Channel.LOG: _log,
        Channel.WEBHOOK: _webhook,
        Channel.EMAIL: _email,
        Channel.PROMETHEUS: _prometheus,
    }
    sender = senders.get(notification.channel)
    if sender is None:
        raise PermanentDeliveryError(f"unknown channel {notification.channel!r}")
    sender(notification)


def _log(notification: Notification) -> None:
    level = logging.WARNING if notification.severity in ("high", "critical") else logging.INFO
    log.log(level, "alert_notification", extra={"notification": message_body(notification)})


def _webhook(notification: Notification) -> None:
    if not notification.address:
        raise PermanentDeliveryError("webhook: no URL")
    headers = {
        # Receivers dedupe on it: a retry after a lost response carries the same key.
        "Idempotency-Key": str(notification.pk),
        "Content-Type": "application/json",
        "User-Agent": "risk-monitor-alerts",
    }
    try:
        response = requests.post(
            notification.address,
            data=json.dumps(message_body(notification), default=str),
            headers=headers,
            timeout=WEBHOOK_TIMEOUT,
        )
    except requests.RequestException as exc:
        raise TransientDeliveryError(f"webhook: {type(exc).__name__}: {exc}") from exc
    _check_status(response.status_code)


def _check_status(status: int) -> None:
    if 200 <= status < 300:
        return
    if status >= 500 or status in _RETRYABLE_STATUS:
        raise TransientDeliveryError(f"webhook: HTTP {status}")
    raise PermanentDeliveryError(f"webhook: HTTP {status}")


def _email(notification: Notification) -> None:
    recipients = [r for r in notification.address.split(",") if r]
    if not recipients:
        raise PermanentDeliveryError("email: no recipients")
    body = message_body(notification)
    message = EmailMessage(
        subject=_subject(body),
        body=json.dumps(body, indent=2, default=str),
        to=recipients,
        headers={"X-Risk-Notification-Id": str(notification.pk)},
    )
    try:
        message.send(fail_silently=False)
    except OSError as exc:  # smtplib.SMTPException is an OSError: server down or refusing
        raise TransientDeliveryError(f"email: {type(exc).__name__}: {exc}") from exc


def _subject(body: dict[str, Any]) -> str:
    alert = body.get("alert") or {}
    what = f"{alert.get('breach_type', '')} {alert.get('scope', '')}".strip()
    return f"[risk-monitor] {body['severity'].upper()} {body['event']} {what} for {body['target']}"


def _prometheus(notification: Notification) -> None:
    """Queued only while compliance signals are on; one queued before they were switched off
    is delivered without counting."""
    if not compliance_signals_enabled():
        return
    alert = notification.payload.get("alert") or {}
    risk_alert_generated.labels(
        severity=notification.severity, breach_type=alert.get("breach_type", "")
    ).inc()
