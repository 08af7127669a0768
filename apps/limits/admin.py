"""Back office: limits are read-only; a change is proposed on a LimitChangeRequest and applied
only when another risk officer approves it (the actions call the services)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from apps.core.admin_generic import ModelAdmin, ModelForm
from apps.core.permissions import request_user
from apps.limits import services
from apps.limits.errors import LimitError, LimitInputError
from apps.limits.models import Limit, LimitChangeRequest
from apps.limits.validation import value_check, warn_at_check

PROPOSE = "core.propose_limit_change"
APPROVE = "core.approve_limit_change"


@admin.register(Limit)
class LimitAdmin(ModelAdmin[Limit]):
    list_display = ("key", "breach_type", "scope", "value", "unit", "warn_at_utilization",
                    "enabled", "source", "updated_at")  # fmt: skip
    list_filter = ("breach_type", "scope_kind", "enabled", "source")
    search_fields = ("key", "scope")
    actions = ["propose_change"]

    def get_readonly_fields(self, request: HttpRequest, obj: Limit | None = None) -> list[str]:
        return [field.name for field in Limit._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Limit | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Limit | None = None) -> bool:
        return False

    def has_propose_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(PROPOSE)

    @admin.action(description="Propose a change (four-eyes)", permissions=["propose"])
    def propose_change(
        self, request: HttpRequest, queryset: QuerySet[Limit]
    ) -> HttpResponseRedirect | None:
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one limit to propose a change.",
                              messages.WARNING)  # fmt: skip
            return None
        url = reverse("admin:limits_limitchangerequest_add")
        return HttpResponseRedirect(f"{url}?limit={queryset.get().pk}")


class ProposeForm(ModelForm[LimitChangeRequest]):
    """Checks the proposal with the same rules as the API; the service does the write."""

    class Meta:
        model = LimitChangeRequest
        fields = ("limit", "after_value", "after_warn_at_utilization", "after_enabled", "reason")
        labels = {"after_value": "New value", "after_warn_at_utilization": "New warn at",
                  "after_enabled": "Enabled"}  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        limit: Limit | None = data.get("limit")
        value: Decimal | None = data.get("after_value")
        if limit is None or value is None:
            return data
        try:
            value_check(kind=limit.kind, value=value)
            warn_at_check(data.get("after_warn_at_utilization"))
        except LimitInputError as exc:
            name = "after_value" if exc.field == "value" else "after_warn_at_utilization"
            self.add_error(name, exc.reason)
        return data


@admin.register(LimitChangeRequest)
class LimitChangeRequestAdmin(ModelAdmin[LimitChangeRequest]):
    form = ProposeForm
    list_display = (
        "id",
        "limit",
        "status",
        "before_value",
        "after_value",
        "after_enabled",
        "proposed_by",
        "proposed_at",
        "decided_by",
        "decided_at",
        "expires_at",
    )
    list_filter = ("status",)
    search_fields = ("limit__key", "reason")
    actions = ["approve", "reject"]

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial: dict[str, Any] = dict(super().get_changeform_initial_data(request))
        limit = Limit.objects.filter(pk=request.GET.get("limit") or 0).first()
        if limit is not None:
            initial.update(after_value=limit.value, after_enabled=limit.enabled,
                           after_warn_at_utilization=limit.warn_at_utilization)  # fmt: skip
        return initial

    def get_readonly_fields(
        self, request: HttpRequest, obj: LimitChangeRequest | None = None
    ) -> list[str]:
        return [field.name for field in LimitChangeRequest._meta.fields] if obj else []

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(PROPOSE)

    def has_change_permission(
        self, request: HttpRequest, obj: LimitChangeRequest | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: LimitChangeRequest | None = None
    ) -> bool:
        return False

    def has_approve_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(APPROVE)

    def save_model(
        self, request: HttpRequest, obj: LimitChangeRequest, form: ProposeForm, change: bool
    ) -> None:
        created = services.limit_change_propose(
            proposer=request_user(request),
            reason=obj.reason,
            limit_id=obj.limit_id,
            value=obj.after_value,
            warn_at_utilization=obj.after_warn_at_utilization,
            enabled=obj.after_enabled,
        )
        # The admin's add view goes on with obj (log entry, redirect): make it the stored row.
        obj.pk = created.pk
        obj._state.adding = False
        obj.refresh_from_db()

    def add_view(
        self,
        request: HttpRequest,
        form_url: str = "",
        extra_context: dict[str, object] | None = None,
    ) -> HttpResponse:
        try:
            return super().add_view(request, form_url, extra_context)
        except LimitError as exc:
            self.message_user(request, f"Not proposed: {exc}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def _decide(
        self, request: HttpRequest, queryset: QuerySet[LimitChangeRequest], how: str
    ) -> None:
        user = request_user(request)
        for change in queryset:
            try:
                if how == "approve":
                    services.limit_change_approve(request_id=change.pk, approver=user)
                else:
                    services.limit_change_reject(request_id=change.pk, decider=user)
            except LimitError as exc:
                self.message_user(request, f"#{change.pk}: {exc}", messages.ERROR)
            else:
                self.message_user(request, f"#{change.pk}: {how}d", messages.SUCCESS)

    @admin.action(description="Approve the selected changes", permissions=["approve"])
    def approve(self, request: HttpRequest, queryset: QuerySet[LimitChangeRequest]) -> None:
        self._decide(request, queryset, "approve")

    @admin.action(description="Reject the selected changes", permissions=["approve"])
    def reject(self, request: HttpRequest, queryset: QuerySet[LimitChangeRequest]) -> None:
        self._decide(request, queryset, "reject")
