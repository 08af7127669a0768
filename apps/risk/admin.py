"""Read-only back-office view of risk snapshots: figures are computed, never edited."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from apps.core.admin_generic import ModelAdmin
from apps.risk.models import RiskSnapshot


@admin.register(RiskSnapshot)
class RiskSnapshotAdmin(ModelAdmin[RiskSnapshot]):
    list_display = (
        "id", "portfolio", "cycle_start", "as_of", "equity", "total_pnl", "var_hist_99",
        "drawdown", "leverage", "engine_version",
    )  # fmt: skip
    list_filter = ("portfolio", "engine_version")
    date_hierarchy = "as_of"
    ordering = ("-as_of",)
    # Counting a table that grows every cycle on each page load buys nothing.
    show_full_result_count = False
    readonly_fields = [f.name for f in RiskSnapshot._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: RiskSnapshot | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: RiskSnapshot | None = None) -> bool:
        return False
