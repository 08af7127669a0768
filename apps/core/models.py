"""Permissions that belong to no single table: what the roles grant (docs/security.md)."""

from django.db import models


class SystemPermission(models.Model):
    """Holds the product's custom permissions; no table behind it."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_risk", "Can view risk figures, positions, alerts and limits"),
            ("view_debug", "Can view state inspection (debug) endpoints"),
            ("acknowledge_alert", "Can acknowledge and comment on alerts"),
            ("propose_limit_change", "Can propose a limit change"),
            ("approve_limit_change", "Can approve another officer's limit change"),
            ("operate_circuit_breaker", "Can trip and reset the circuit breaker"),
            ("export_reports", "Can export reports and the audit trail"),
            ("view_audit", "Can view the audit trail"),
        ]

    def __str__(self) -> str:
        return "system permissions"
