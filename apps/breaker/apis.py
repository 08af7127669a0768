"""REST doors of the circuit breaker: read the state and plan, trip or reset, approve a plan."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.breaker.errors import BreakerConflict
from apps.breaker.models import CircuitBreaker, LiquidationPlan, LiquidationStep
from apps.breaker.selectors import breaker_of, plan_current, portfolio_find, switches
from apps.breaker.services import breaker_reset, breaker_trip, plan_approve
from apps.core.errors import Conflict, error_responses
from apps.core.openapi import NOT_BLANK
from apps.core.params import BodyInput, QueryParams
from apps.core.permissions import HasPermission, request_user
from apps.positions.models import Portfolio


class StepOutputSerializer(serializers.ModelSerializer[LiquidationStep]):
    venue = serializers.CharField(source="venue.name", read_only=True)
    account = serializers.CharField(source="account.label", read_only=True)

    class Meta:
        model = LiquidationStep
        fields = (
            "seq", "venue", "account", "market", "kind", "venue_symbol", "ccxt_symbol", "side",
            "amount", "reduce_only", "status", "attempts", "last_error", "venue_order_id",
            "executed_at",
        )  # fmt: skip


class PlanOutputSerializer(serializers.ModelSerializer[LiquidationPlan]):
    approved_by = serializers.CharField(
        source="approved_by.username", read_only=True, default=None, allow_null=True
    )
    steps = StepOutputSerializer(many=True, read_only=True)
    skipped = serializers.SerializerMethodField()

    class Meta:
        model = LiquidationPlan
        fields = (
            "id", "status", "trip_reason", "auto", "created_at", "approved_by", "approved_at",
            "started_at", "finished_at", "correlation_id", "steps", "skipped",
        )  # fmt: skip

    def get_skipped(self, plan: LiquidationPlan) -> list[str]:
        return list(plan.sources.get("skipped", []))


class BreakerOutputSerializer(serializers.Serializer[dict[str, Any]]):
    portfolio = serializers.CharField()
    portfolio_id = serializers.IntegerField()
    state = serializers.CharField()
    reason = serializers.CharField(allow_null=True)
    reason_detail = serializers.CharField()
    trigger_value = serializers.FloatField(allow_null=True)
    tripped_at = serializers.DateTimeField(allow_null=True)
    tripped_by = serializers.CharField(allow_null=True)
    conditions_clear_since = serializers.DateTimeField(allow_null=True)
    recovery_due_at = serializers.DateTimeField(allow_null=True)
    last_evaluated_at = serializers.DateTimeField(allow_null=True)
    enabled = serializers.BooleanField()
    auto_liquidate = serializers.BooleanField()
    plan = PlanOutputSerializer(allow_null=True)


def breaker_view(portfolio: Portfolio) -> dict[str, Any]:
    """The breaker of the portfolio as the API shows it (render with BreakerOutputSerializer)."""
    breaker: CircuitBreaker = breaker_of(portfolio)
    plan = plan_current(breaker)
    return {
        "portfolio": portfolio.name, "portfolio_id": portfolio.pk, "state": breaker.state,
        "reason": breaker.reason or None, "reason_detail": breaker.reason_detail,
        "trigger_value": breaker.trigger_value, "tripped_at": breaker.tripped_at,
        "tripped_by": breaker.tripped_by or None,
        "conditions_clear_since": breaker.conditions_clear_since,
        "recovery_due_at": breaker.recovery_due_at,
        "last_evaluated_at": breaker.last_evaluated_at, **switches(),
        "plan": plan,
    }  # fmt: skip


def _portfolio(ref: str | None) -> Portfolio:
    portfolio = portfolio_find(ref)
    if portfolio is None:
        raise NotFound(f"portfolio {ref or '(default)'} does not exist")
    return portfolio


class CircuitBreakerApi(APIView):
    """GET: the breaker and its current plan (anyone who may view risk). POST: trip or reset."""

    def get_permissions(self) -> list[BasePermission]:
        perm = "core.view_risk" if self.request.method == "GET" else "core.operate_circuit_breaker"
        return [IsAuthenticated(), HasPermission.of(perm)()]

    class BreakerQuerySerializer(QueryParams):
        portfolio = serializers.CharField(max_length=64, required=False, trim_whitespace=False)

    class BreakerInputSerializer(BodyInput):
        action = serializers.ChoiceField(choices=("trip", "reset"))
        reason = serializers.RegexField(
            NOT_BLANK, max_length=2000, error_messages={"invalid": "must not be blank: say why"}
        )
        portfolio = serializers.CharField(max_length=64, required=False, trim_whitespace=False)

    @extend_schema(
        parameters=[BreakerQuerySerializer],
        responses={200: BreakerOutputSerializer, **error_responses(400, 404)},
    )
    def get(self, request: Request) -> Response:
        query = self.BreakerQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        portfolio = _portfolio(query.validated_data.get("portfolio"))
        return Response(BreakerOutputSerializer(breaker_view(portfolio)).data)

    @extend_schema(
        request=BreakerInputSerializer,
        responses={200: BreakerOutputSerializer, **error_responses(400, 404, 409)},
    )
    def post(self, request: Request) -> Response:
        body = self.BreakerInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        portfolio = _portfolio(data.get("portfolio"))
        operate = breaker_trip if data["action"] == "trip" else breaker_reset
        try:
            operate(portfolio_id=portfolio.pk, user=request_user(request), reason=data["reason"])
        except BreakerConflict as exc:
            raise Conflict(str(exc)) from None
        return Response(BreakerOutputSerializer(breaker_view(portfolio)).data)


class PlanApproveApi(APIView):
    permission_classes = [IsAuthenticated, HasPermission.of("core.operate_circuit_breaker")]

    @extend_schema(request=None, responses={200: PlanOutputSerializer, **error_responses(404, 409)})
    def post(self, request: Request, plan_id: int) -> Response:
        try:
            plan = plan_approve(plan_id=plan_id, user=request_user(request))
        except LiquidationPlan.DoesNotExist:
            raise NotFound(f"liquidation plan {plan_id} does not exist") from None
        except BreakerConflict as exc:
            raise Conflict(str(exc)) from None
        return Response(PlanOutputSerializer(plan).data)
