"""The four roles and what each may do.

Groups are created by a data migration; permissions are (re)attached after every migrate, so an
app added later grants its permissions to the right roles."""

from __future__ import annotations

from dataclasses import dataclass

RISK_OFFICER = "risk_officer"
TRADER = "trader"
AUDITOR = "auditor"
INTEGRATION = "integration"
ROLES = (RISK_OFFICER, TRADER, AUDITOR, INTEGRATION)

# Custom permissions are "core.<codename>"; model permissions are matched by action prefix over
# the product's own apps (e.g. every "view_*" of apps.*).
OWN_APP_LABELS = (
    "core",
    "audit",
    "venues",
    "marketdata",
    "positions",
    "risk",
    "limits",
    "alerts",
    "dashboard",
    "reports",
)


@dataclass(frozen=True)
class RoleGrant:
    custom: tuple[str, ...]
    model_actions: tuple[str, ...]
    staff: bool


ROLE_GRANTS: dict[str, RoleGrant] = {
    RISK_OFFICER: RoleGrant(
        custom=(
            "view_risk",
            "view_debug",
            "acknowledge_alert",
            "propose_limit_change",
            "approve_limit_change",
            "operate_circuit_breaker",
            "export_reports",
            "view_audit",
        ),
        model_actions=("view",),
        staff=True,
    ),
    TRADER: RoleGrant(custom=("view_risk",), model_actions=(), staff=False),
    AUDITOR: RoleGrant(
        custom=("view_risk", "export_reports", "view_audit"), model_actions=("view",), staff=True
    ),
    INTEGRATION: RoleGrant(custom=("view_risk",), model_actions=(), staff=False),
}
