"""REST doors of the alerts app: list the active alerts, acknowledge one."""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.alerts.models import Alert, Severity
from apps.alerts.selectors import alerts_active
from apps.alerts.services import alert_acknowledge
from apps.core.errors import error_responses
from apps.core.openapi import NOT_BLANK
from apps.core.params import BodyInput, QueryParams
from apps.core.permissions import HasPermission, request_user

_ALERT_ID = re.compile(r"(?:alert-)?([0-9]{1,18})")
ALERT_ID_SCHEMA = {
    "oneOf": [
        {"type": "integer", "minimum": 0, "maximum": 10**18 - 1},
        {"type": "string", "pattern": "^(?:alert-)?[0-9]{1,18}$"},
    ]
}


class AlertOutputSerializer(serializers.ModelSerializer[Alert]):
    alert_id = serializers.CharField(source="public_id")
    portfolio_id = serializers.IntegerField(read_only=True)
    limit_id = serializers.IntegerField(read_only=True)
    limit = serializers.FloatField(source="limit_value", read_only=True)
    acknowledged_by = serializers.SlugRelatedField[Any](
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Alert
        fields = (
            "id", "alert_id", "portfolio_id", "limit_id", "limit_key", "breach_type",
            "scope_kind", "scope", "severity", "peak_severity", "status", "current", "limit",
            "utilization", "opening_level", "unit", "opened_at", "updated_at", "resolved_at",
            "acknowledged_by", "acknowledged_at", "ack_comment", "escalation_tier",
            "next_escalation_at", "last_notified_at", "correlation_id",
        )  # fmt: skip


@extend_schema_field(ALERT_ID_SCHEMA)
class AlertIdField(serializers.Field[int, Any, Any, Any]):
    """Accepts 12 or "alert-12"."""

    def to_internal_value(self, data: Any) -> int:
        match = _ALERT_ID.fullmatch(str(data)) if isinstance(data, int | str) else None
        if match is None or isinstance(data, bool):
            raise serializers.ValidationError('must be an alert id: 12 or "alert-12"')
        return int(match.group(1))

    def to_representation(self, value: int) -> str:
        return f"alert-{value}"


class AlertActiveApi(APIView):
    permission_classes = [IsAuthenticated, HasPermission.of("core.view_risk")]

    class FilterSerializer(QueryParams):
        severity = serializers.ChoiceField(choices=Severity.values, required=False)
        breach_type = serializers.CharField(max_length=64, required=False, trim_whitespace=False)
        portfolio_id = serializers.IntegerField(min_value=0, max_value=2**63 - 1, required=False)

    @extend_schema_serializer(component_name="ActiveAlerts")
    class OutputSerializer(serializers.Serializer[dict[str, Any]]):
        count = serializers.IntegerField()
        alerts = AlertOutputSerializer(many=True)

    @extend_schema(
        parameters=[FilterSerializer],
        responses={200: OutputSerializer, **error_responses(400)},
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        alerts = list(alerts_active(**filters.validated_data))
        return Response(self.OutputSerializer({"count": len(alerts), "alerts": alerts}).data)


class AlertAcknowledgeApi(APIView):
    permission_classes = [IsAuthenticated, HasPermission.of("core.acknowledge_alert")]

    class InputSerializer(BodyInput):
        alert_id = AlertIdField()
        comment = serializers.RegexField(NOT_BLANK, max_length=2000)

    @extend_schema(
        request=InputSerializer,
        responses={200: AlertOutputSerializer, **error_responses(404, 409)},
    )
    def post(self, request: Request) -> Response:
        body = self.InputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            alert = alert_acknowledge(user=request_user(request), **body.validated_data)
        except Alert.DoesNotExist:
            raise NotFound(f"alert-{body.validated_data['alert_id']} does not exist") from None
        return Response(AlertOutputSerializer(alert).data)
