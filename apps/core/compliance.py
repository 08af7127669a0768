"""The one switch of the compliance signals (``EMIT_COMPLIANCE_SIGNALS``).

Every compliance metric (``risk_compliance_status``, ``risk_limit_utilization``,
``risk_alert_generated``) and every signal log line (the JSON copy of an audit event,
``apps.audit.log``) asks this function before it is emitted. The audit table itself is the
record and is written regardless."""

from __future__ import annotations

from django.conf import settings


def compliance_signals_enabled() -> bool:
    """Read at each emission, so a settings override (tests, a reloaded process) takes effect."""
    return bool(settings.RISK_MONITOR["EMIT_COMPLIANCE_SIGNALS"])
