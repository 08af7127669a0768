"""Back office: breakers (read-only; trip and reset through actions that ask for a reason) and
liquidation plans with their steps (read-only; approve through an action).

The role grants of apps.core cover the product's apps by label and predate this one, so view
access is decided here: anyone who may view risk (risk officers, auditors) sees these pages;
only ``core.operate_circuit_breaker`` may act."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

from apps.breaker.errors import BreakerConflict
from apps.breaker.models import BreakerEvent, CircuitBreaker, LiquidationPlan, LiquidationStep
from apps.breaker.services import Evaluation, breaker_reset, breaker_trip, plan_approve
from apps.core.admin_generic import ModelAdmin, TabularInline
from apps.core.permissions import request_user

VIEW_PERMISSION = "core.view_risk"
OPERATE_PERMISSION = "core.operate_circuit_breaker"


class ReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        max_length=2000,
        help_text="Why; recorded in the audit trail and sent with the notification.",
    )


class ViewOnlyAdmin[M: Model](ModelAdmin[M]):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_staff and request.user.has_perm(VIEW_PERMISSION))

    def has_view_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False

    def has_operate_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm(OPERATE_PERMISSION))


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(f"{k}: {', '.join(v)}" for k, v in exc.message_dict.items())
    return str(exc)


class BreakerEventInline(TabularInline[BreakerEvent, CircuitBreaker]):
    model = BreakerEvent
    extra = 0
    fields = ("at", "kind", "reason", "detail", "actor", "correlation_id")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return bool(request.user.has_perm(VIEW_PERMISSION))


@admin.register(CircuitBreaker)
class CircuitBreakerAdmin(ViewOnlyAdmin[CircuitBreaker]):
    list_display = ("portfolio", "state", "reason", "tripped_at", "tripped_by", "recovery_due_at",
                    "last_evaluated_at")  # fmt: skip
    list_filter = ("state", "reason")
    inlines = (BreakerEventInline,)
    actions = ("trip", "reset")

    @admin.action(description="Trip the selected breakers", permissions=["operate"])
    def trip(
        self, request: HttpRequest, queryset: QuerySet[CircuitBreaker]
    ) -> TemplateResponse | None:
        return self._with_reason(request, queryset, "trip", breaker_trip)

    @admin.action(description="Reset the selected breakers", permissions=["operate"])
    def reset(
        self, request: HttpRequest, queryset: QuerySet[CircuitBreaker]
    ) -> TemplateResponse | None:
        return self._with_reason(request, queryset, "reset", breaker_reset)

    def _with_reason(
        self,
        request: HttpRequest,
        queryset: QuerySet[CircuitBreaker],
        action: str,
        operate: Callable[..., Evaluation],
    ) -> TemplateResponse | None:
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            context = {
                **self.admin_site.each_context(request), "title": f"{action.title()} breakers",
                "breakers": queryset, "form": form, "action": action, "opts": self.model._meta,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }  # fmt: skip
            return TemplateResponse(request, "admin/breaker/reason.html", context)
        for breaker in queryset.select_related("portfolio"):
            try:
                operate(portfolio_id=breaker.portfolio_id, user=request_user(request),
                        reason=form.cleaned_data["reason"])  # fmt: skip
            except (ValidationError, PermissionDenied, BreakerConflict) as exc:
                self.message_user(request, f"{breaker.portfolio}: {_reason(exc)}", messages.ERROR)
            else:
                self.message_user(request, f"{breaker.portfolio}: {action} done", messages.SUCCESS)
        return None


class LiquidationStepInline(TabularInline[LiquidationStep, LiquidationPlan]):
    model = LiquidationStep
    extra = 0
    fields = ("seq", "venue", "account", "kind", "ccxt_symbol", "side", "amount", "reduce_only",
              "status", "attempts", "last_error", "venue_order_id", "executed_at")  # fmt: skip
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return bool(request.user.has_perm(VIEW_PERMISSION))


@admin.register(LiquidationPlan)
class LiquidationPlanAdmin(ViewOnlyAdmin[LiquidationPlan]):
    list_display = ("id", "breaker", "status", "trip_reason", "auto", "created_at", "approved_by",
                    "finished_at")  # fmt: skip
    list_filter = ("status", "trip_reason", "auto")
    inlines = (LiquidationStepInline,)
    actions = ("approve",)

    @admin.action(description="Approve and execute the selected plans", permissions=["operate"])
    def approve(self, request: HttpRequest, queryset: QuerySet[LiquidationPlan]) -> None:
        for plan in queryset:
            try:
                plan_approve(plan_id=plan.pk, user=request_user(request))
            except (PermissionDenied, BreakerConflict) as exc:
                self.message_user(request, f"plan {plan.pk}: {exc}", messages.ERROR)
            else:
                self.message_user(request, f"plan {plan.pk} approved", messages.SUCCESS)
