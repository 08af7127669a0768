"""Back office: venues and accounts are edited here after the first load from the config.
Statuses and quarantine are written by ingestion only, so they are read-only."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from apps.core.admin_generic import ModelAdmin, TabularInline
from apps.venues.models import Account, DataSourceStatus, Quarantine, Venue


class AccountInline(TabularInline[Account, Venue]):
    model = Account
    extra = 0
    fields = (
        "label",
        "market",
        "portfolio",
        "strategy",
        "api_key_env",
        "api_secret_env",
        "enabled",
    )


@admin.register(Venue)
class VenueAdmin(ModelAdmin[Venue]):
    list_display = (
        "name",
        "kind",
        "adapter",
        "base_url",
        "enabled",
        "weight_per_minute",
        "timeout_seconds",
        "retry_attempts",
    )
    list_filter = ("kind", "enabled")
    search_fields = ("name",)
    inlines = (AccountInline,)


class _ReadOnly[M: Model](ModelAdmin[M]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(DataSourceStatus)
class DataSourceStatusAdmin(_ReadOnly[DataSourceStatus]):
    list_display = (
        "source",
        "data_as_of",
        "last_success_at",
        "last_error_kind",
        "consecutive_failures",
        "latency_ms",
    )
    list_filter = ("venue", "endpoint", "last_error_kind")


@admin.register(Quarantine)
class QuarantineAdmin(_ReadOnly[Quarantine]):
    list_display = ("created_at", "venue", "account", "endpoint", "reason")
    list_filter = ("venue", "endpoint")
    readonly_fields = ("venue", "account", "endpoint", "reason", "excerpt", "created_at")
