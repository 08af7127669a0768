"""Read-only back-office view of the audit trail: nobody adds, changes or deletes here."""

from __future__ import annotations

import json

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString

from apps.audit.models import AuditEvent
from apps.core.admin_generic import ModelAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ModelAdmin[AuditEvent]):
    list_display = ("sequence", "timestamp", "event_type", "level", "actor", "correlation_id")
    list_filter = ("event_type", "level", "actor")
    # Exact match: correlation ids are looked up whole, never by fragment.
    search_fields = ("=correlation_id",)
    date_hierarchy = "timestamp"
    ordering = ("-sequence",)
    # Counting a large append-only table on every page load buys nothing.
    show_full_result_count = False
    fields = (
        "sequence", "timestamp", "actor", "event_type", "level", "correlation_id",
        "payload_pretty", "prev_hash", "hash",
    )  # fmt: skip
    readonly_fields = fields

    @admin.display(description="payload")
    def payload_pretty(self, event: AuditEvent) -> SafeString:
        text = json.dumps(event.payload, indent=2, sort_keys=True, ensure_ascii=False)
        return format_html("<pre>{}</pre>", text)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False
