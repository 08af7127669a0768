"""REST doors of the limits app (docs/limits.md): current limits, propose, approve, reject."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.contrib.auth.models import User
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework.exceptions import APIException, NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from apps.core.errors import Conflict, error_responses
from apps.core.openapi import NOT_BLANK, DecimalTextField
from apps.core.params import BodyInput, QueryParams
from apps.core.permissions import HasPermission, request_user
from apps.limits import services
from apps.limits.errors import (
    FourEyesViolation,
    LimitError,
    LimitInputError,
    LimitNotFound,
    LimitStateConflict,
    NotAllowed,
    RequestConflict,
    RequestNotFound,
)
from apps.limits.loading import limit_state
from apps.limits.models import LimitChangeRequest
from apps.limits.readings import LimitReading
from apps.limits.selectors import LimitCurrent, LimitsCurrent, limits_current
from apps.limits.validation import decimal_text


def refusal(exc: LimitError) -> APIException:
    """The API error of a limit service's refusal (docs/limits.md)."""
    match exc:
        case LimitStateConflict():
            return Conflict(str(exc), fields={exc.field: [exc.reason]})
        case LimitInputError():
            return ValidationError({exc.field: [exc.reason]})
        case RequestNotFound() | LimitNotFound():
            return NotFound(str(exc))
        case FourEyesViolation() | NotAllowed():
            return PermissionDenied(str(exc))
        case RequestConflict():
            return Conflict(str(exc))
    return ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [str(exc)]})


@extend_schema_field(OpenApiTypes.STR)
class PlainDecimalField(serializers.Field[Decimal, str, str, Any]):
    """A stored Decimal as exact text without padding zeros ("5000000", "0.8")."""

    def to_representation(self, value: Decimal) -> str:
        return decimal_text(value)


class LimitStateOutput(serializers.Serializer[dict[str, Any]]):
    """A limit's changeable fields, decimals as exact text."""

    value = serializers.CharField()
    warn_at_utilization = serializers.CharField(allow_null=True)
    enabled = serializers.BooleanField()


class ChangeRequestOutput(serializers.Serializer[LimitChangeRequest]):
    id = serializers.IntegerField()
    limit_id = serializers.IntegerField()
    limit_key = serializers.CharField(source="limit.key")
    status = serializers.CharField()
    before = serializers.SerializerMethodField()
    after = serializers.SerializerMethodField()
    reason = serializers.CharField()
    proposed_by = serializers.CharField(source="proposed_by.get_username")
    proposed_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    decided_by = serializers.CharField(source="decided_by.get_username", allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_comment = serializers.CharField()

    @extend_schema_field(LimitStateOutput)
    def get_before(self, obj: LimitChangeRequest) -> dict[str, Any]:
        return limit_state(obj.before_value, obj.before_warn_at_utilization, obj.before_enabled)

    @extend_schema_field(LimitStateOutput)
    def get_after(self, obj: LimitChangeRequest) -> dict[str, Any]:
        return limit_state(obj.after_value, obj.after_warn_at_utilization, obj.after_enabled)


class ReadingOutput(serializers.Serializer[LimitReading]):
    scope_kind = serializers.CharField()
    scope = serializers.CharField()
    current = serializers.FloatField()
    limit = serializers.FloatField()
    unit = serializers.CharField()
    utilization = serializers.FloatField()
    severity = serializers.CharField(allow_null=True)
    opening_level = serializers.FloatField()
    breached = serializers.BooleanField()


class LimitCurrentOutput(serializers.Serializer[LimitCurrent]):
    id = serializers.IntegerField(source="limit.pk")
    key = serializers.CharField(source="limit.key")
    kind = serializers.CharField(source="limit.kind")
    breach_type = serializers.CharField(source="limit.breach_type")
    scope_kind = serializers.CharField(source="limit.scope_kind")
    scope = serializers.CharField(source="limit.scope")
    value = PlainDecimalField(source="limit.value")
    unit = serializers.CharField(source="limit.unit")
    warn_at_utilization = PlainDecimalField(source="limit.warn_at_utilization", allow_null=True)
    enabled = serializers.BooleanField(source="limit.enabled")
    source = serializers.CharField(source="limit.source")  # type: ignore[assignment]
    updated_at = serializers.DateTimeField(source="limit.updated_at")
    utilization = serializers.FloatField(allow_null=True)
    severity = serializers.CharField(allow_null=True)
    readings = ReadingOutput(many=True)


# Up to 18 digits before the point, 10 after (the stored precision), as text.
VALUE_PATTERN = r"^-?(?:0|[1-9][0-9]{0,17})(?:\.[0-9]{1,10})?$"
# 0 < x <= 1 with up to 4 decimals, as text ("0.8", "0.0500", "1").
FRACTION_PATTERN = (
    r"^(?:0\.(?:[1-9][0-9]{0,3}|0[1-9][0-9]{0,2}|00[1-9][0-9]?|000[1-9])|1(?:\.0{1,4})?)$"
)


class LimitsCurrentApi(APIView):
    """GET /api/v1/limits/current: every limit, its value and utilization, open requests."""

    permission_classes = [IsAuthenticated, HasPermission.of("core.view_risk")]

    @extend_schema_serializer(component_name="LimitsCurrentFilter")
    class FilterSerializer(QueryParams):
        portfolio = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)

    @extend_schema_serializer(component_name="LimitsCurrent")
    class OutputSerializer(serializers.Serializer[LimitsCurrent]):
        snapshot_id = serializers.IntegerField(source="snapshot.id", allow_null=True)
        as_of = serializers.DateTimeField(source="snapshot.as_of", allow_null=True)
        limits = LimitCurrentOutput(many=True)
        pending_requests = ChangeRequestOutput(many=True)

    @extend_schema(
        parameters=[FilterSerializer], responses={200: OutputSerializer, **error_responses(400)}
    )
    def get(self, request: Request) -> Response:
        query = self.FilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        current = limits_current(portfolio_id=query.validated_data.get("portfolio"))
        return Response(self.OutputSerializer(current).data)


class LimitChangeProposeApi(APIView):
    """POST /api/v1/limits/update: propose a change (four-eyes); 201 with the request."""

    permission_classes = [IsAuthenticated, HasPermission.of("core.propose_limit_change")]

    @extend_schema_serializer(component_name="LimitChangeProposal")
    class InputSerializer(BodyInput):
        # Exactly one of limit_key and limit_id (validate below).
        openapi_constraints: ClassVar[dict[str, Any]] = {
            "oneOf": [{"required": ["limit_key"]}, {"required": ["limit_id"]}]
        }
        limit_key = serializers.CharField(required=False, max_length=200, trim_whitespace=False)
        limit_id = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
        value = DecimalTextField(
            VALUE_PATTERN, meaning="a decimal number (up to 10 decimals)", required=False
        )
        warn_at_utilization = DecimalTextField(
            FRACTION_PATTERN,
            meaning="a fraction (0 < x <= 1, up to 4 decimals)",
            required=False,
            allow_null=True,
        )
        enabled = serializers.BooleanField(required=False)
        reason = serializers.RegexField(
            NOT_BLANK,
            max_length=2000,
            error_messages={"invalid": "must not be blank: say why the limit should change"},
        )

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            if ("limit_key" in attrs) == ("limit_id" in attrs):
                raise serializers.ValidationError(
                    {"limit_key": ["give exactly one of limit_key and limit_id"]}
                )
            return attrs

    @extend_schema(
        request=InputSerializer,
        responses={201: ChangeRequestOutput, **error_responses(404, 409)},
    )
    def post(self, request: Request) -> Response:
        body = self.InputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        try:
            created = services.limit_change_propose(
                proposer=request_user(request),
                reason=data["reason"],
                limit_key=data.get("limit_key"),
                limit_id=data.get("limit_id"),
                value=data.get("value"),
                warn_at_utilization=data.get("warn_at_utilization", services.KEEP),
                enabled=data.get("enabled"),
            )
        except LimitError as exc:
            raise refusal(exc) from None
        return Response(ChangeRequestOutput(created).data, status=201)


class DecisionInput(BodyInput):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)


def _approve(request_id: int, user: User, comment: str) -> LimitChangeRequest:
    return services.limit_change_approve(request_id=request_id, approver=user, comment=comment)


def _reject(request_id: int, user: User, comment: str) -> LimitChangeRequest:
    return services.limit_change_reject(request_id=request_id, decider=user, comment=comment)


class _LimitDecisionApi(APIView):
    """A second risk officer's decision on a proposal; each subclass names its service."""

    permission_classes = [IsAuthenticated, HasPermission.of("core.approve_limit_change")]
    decide: staticmethod[[int, User, str], LimitChangeRequest]

    @extend_schema(
        request=DecisionInput,
        responses={200: ChangeRequestOutput, **error_responses(400, 404, 409)},
    )
    def post(self, request: Request, request_id: int) -> Response:
        body = DecisionInput(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            decided = self.decide(
                request_id, request_user(request), body.validated_data.get("comment", "")
            )
        except LimitError as exc:
            raise refusal(exc) from None
        return Response(ChangeRequestOutput(decided).data)


class LimitChangeApproveApi(_LimitDecisionApi):
    """POST /api/v1/limits/requests/<id>/approve: another risk officer applies the change."""

    decide = staticmethod(_approve)


class LimitChangeRejectApi(_LimitDecisionApi):
    """POST /api/v1/limits/requests/<id>/reject: refuse (or withdraw) a proposal; it is kept."""

    decide = staticmethod(_reject)
