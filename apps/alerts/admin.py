"""Back office: alerts (read-only, acknowledged through an action with a comment) and the
notification outbox (read-only)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

from apps.alerts.models import Alert, DeliveryAttempt, Notification
from apps.alerts.services import alert_acknowledge
from apps.core.admin_generic import ModelAdmin, TabularInline
from apps.core.permissions import request_user


class AcknowledgeForm(forms.Form):
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        max_length=2000,
        help_text="What is being done about it; recorded in the audit trail.",
    )


class ReadOnlyAdmin[M: Model](ModelAdmin[M]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin[Alert]):
    list_display = (
        "id", "severity", "status", "breach_type", "scope", "utilization", "escalation_tier",
        "opened_at", "acknowledged_by",
    )  # fmt: skip
    list_filter = ("status", "severity", "breach_type")
    search_fields = ("=scope", "limit_key", "=correlation_id")
    ordering = ("-opened_at",)
    actions = ("acknowledge",)

    @admin.action(description="Acknowledge selected alerts", permissions=["acknowledge"])
    def acknowledge(
        self, request: HttpRequest, queryset: QuerySet[Alert]
    ) -> TemplateResponse | None:
        form = AcknowledgeForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return self._acknowledge_form(request, queryset, form)
        for alert in queryset:
            self._acknowledge_one(request, alert, form.cleaned_data["comment"])
        return None

    def _acknowledge_one(self, request: HttpRequest, alert: Alert, comment: str) -> None:
        try:
            alert_acknowledge(alert_id=alert.pk, user=request_user(request), comment=comment)
        except (ValidationError, PermissionDenied) as exc:
            self.message_user(request, f"{alert.public_id}: {_reason(exc)}", messages.ERROR)
        else:
            self.message_user(request, f"{alert.public_id} acknowledged", messages.SUCCESS)

    def _acknowledge_form(
        self, request: HttpRequest, queryset: QuerySet[Alert], form: AcknowledgeForm
    ) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": "Acknowledge alerts",
            "alerts": queryset,
            "form": form,
            "opts": self.model._meta,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/alerts/alert/acknowledge.html", context)

    def has_acknowledge_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("core.acknowledge_alert")


def _reason(exc: ValidationError | PermissionDenied) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(f"{k}: {', '.join(v)}" for k, v in exc.message_dict.items())
    return str(exc)


class DeliveryAttemptInline(TabularInline[DeliveryAttempt, Notification]):
    model = DeliveryAttempt
    extra = 0
    fields = ("attempted_at", "succeeded", "error", "duration_ms")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin[Notification]):
    list_display = (
        "id", "event", "channel", "target", "severity", "status", "attempts", "created_at",
        "delivered_at", "alert",
    )  # fmt: skip
    list_filter = ("status", "channel", "event", "severity")
    search_fields = ("=target",)
    ordering = ("-id",)
    inlines = (DeliveryAttemptInline,)
