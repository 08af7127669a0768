"""What the dashboard page needs before its first fetch: the title, refresh interval, colours
and panels from the configuration, the portfolio it shows, and what the viewer may do."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, PermissionsMixin

from apps.positions.models import Portfolio
from riskmonitor.conf import get_config

VIEW_PERMISSION = "core.view_risk"
ACKNOWLEDGE_PERMISSION = "core.acknowledge_alert"


def dashboard_enabled() -> bool:
    return bool(settings.RISK_MONITOR["DASHBOARD_ENABLED"])


User = AbstractBaseUser | AnonymousUser


def has_permission(user: User, permission: str) -> bool:
    return isinstance(user, PermissionsMixin) and user.is_active and user.has_perm(permission)


def may_view(user: User) -> bool:
    return bool(user.is_authenticated and has_permission(user, VIEW_PERMISSION))


def page_settings(*, user: User, portfolio: Portfolio | None) -> dict[str, Any]:
    """The page's settings as the script reads them (``json_script``)."""
    cfg = get_config()
    page, charts = cfg.monitor.dashboard, cfg.dashboard.dashboard
    return {
        "title": page.title,
        "refresh_interval_seconds": charts.refresh_interval_seconds,
        "chart_history_hours": page.chart_history_hours,
        "pnl_intervals": charts.charts.pnl_chart.intervals,
        "alert_sound_enabled": page.alert_sound_enabled,
        "panels": page.layout.model_dump(),
        "heatmap": charts.charts.position_heatmap.model_dump(),
        "severity_colors": charts.charts.alert_timeline.severity_colors.model_dump(),
        "max_alerts": charts.charts.alert_timeline.max_alerts,
        "limits_display": charts.limits_display.model_dump(),
        "portfolio": None if portfolio is None else {"id": portfolio.pk, "name": portfolio.name},
        "can_acknowledge": has_permission(user, ACKNOWLEDGE_PERMISSION),
        "username": user.get_username(),
    }
