"""REST doors of the alerts app: list alerts (all, or the active ones), an alert's history,
acknowledge one; the alert pipeline's queues (debug)."""

from __future__ import annotations

import re
from typing import Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.alerts.filters import MAX_ID, SCOPE_KINDS, SCOPE_PATTERN
from apps.alerts.models import Alert, AlertStatus, Channel, Severity
from apps.alerts.queue_state import CELERY_QUEUES, alert_queue_state
from apps.alerts.selectors import (
    HISTORY_KINDS,
    AlertHistory,
    AlertHistoryEvent,
    alert_history,
    alerts_filtered,
)
from apps.alerts.services import alert_acknowledge
from apps.core.errors import error_responses
from apps.core.openapi import NOT_BLANK
from apps.core.pagination import PageOutputSerializer, PageQuerySerializer, page_of
from apps.core.params import BodyInput
from apps.core.permissions import HasPermission, request_user
from apps.limits.kinds import BREACH_TYPES

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


class AlertQuerySerializer(PageQuerySerializer):
    """Filters of the alert lists (the names of ``apps.alerts.filters.AlertFilter``) and paging."""

    severity = serializers.ChoiceField(choices=Severity.values, required=False)
    status = serializers.ChoiceField(choices=AlertStatus.values, required=False)
    breach_type = serializers.ChoiceField(choices=BREACH_TYPES, required=False)
    scope_kind = serializers.ChoiceField(choices=SCOPE_KINDS, required=False)
    scope = serializers.RegexField(
        SCOPE_PATTERN, max_length=128, required=False, trim_whitespace=False
    )
    portfolio_id = serializers.IntegerField(min_value=0, max_value=MAX_ID, required=False)
    opened_after = serializers.DateTimeField(required=False, help_text="opened at or after")
    opened_before = serializers.DateTimeField(required=False, help_text="opened before")


@extend_schema_serializer(component_name="AlertPage")
class AlertPageOutputSerializer(PageOutputSerializer):
    alerts = AlertOutputSerializer(many=True, source="items")


def _alert_page(request: Request, *, active_only: bool) -> Response:
    query = AlertQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    filters = dict(query.validated_data)
    page, page_size = filters.pop("page"), filters.pop("page_size")
    alerts = alerts_filtered(filters=filters, active_only=active_only)
    return Response(AlertPageOutputSerializer(page_of(alerts, page=page, page_size=page_size)).data)


_LIST_RESPONSES: dict[int, Any] = {
    200: AlertPageOutputSerializer,
    **error_responses(400, 404),  # 404: a page past the last one
}


class AlertListApi(APIView):
    """Every alert, newest first, filtered and paginated."""

    permission_classes = [IsAuthenticated, HasPermission.of("core.view_risk")]

    @extend_schema(parameters=[AlertQuerySerializer], responses=_LIST_RESPONSES)
    def get(self, request: Request) -> Response:
        return _alert_page(request, active_only=False)


class AlertActiveApi(APIView):
    """Open and acknowledged alerts, most utilized first, filtered and paginated."""

    permission_classes = [IsAuthenticated, HasPermission.of("core.view_risk")]

    @extend_schema(parameters=[AlertQuerySerializer], responses=_LIST_RESPONSES)
    def get(self, request: Request) -> Response:
        return _alert_page(request, active_only=True)


class AlertHistoryEventOutputSerializer(serializers.Serializer[AlertHistoryEvent]):
    sequence = serializers.IntegerField(help_text="position in the audit trail")
    timestamp = serializers.DateTimeField()
    kind = serializers.ChoiceField(choices=sorted(set(HISTORY_KINDS.values())))
    event_type = serializers.ChoiceField(choices=sorted(HISTORY_KINDS))
    actor = serializers.CharField()
    severity = serializers.ChoiceField(choices=Severity.choices, allow_null=True)
    status = serializers.ChoiceField(choices=AlertStatus.values, allow_null=True)
    utilization = serializers.FloatField(allow_null=True)
    # The audit event's own payload (its audit_trail block left out): free-form by nature.
    details = serializers.DictField()


class AlertHistoryApi(APIView):
    """An alert and every event of its life, oldest first, from the audit trail."""

    permission_classes = [IsAuthenticated, HasPermission.of("core.view_risk")]

    @extend_schema_serializer(component_name="AlertHistory")
    class OutputSerializer(serializers.Serializer[AlertHistory]):
        alert = AlertOutputSerializer()
        events = AlertHistoryEventOutputSerializer(many=True)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "alert_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="the alert's id"
            )
        ],
        responses={200: OutputSerializer, **error_responses(404)},
    )
    def get(self, request: Request, alert_id: int) -> Response:
        try:
            history = alert_history(alert_id=alert_id)
        except Alert.DoesNotExist:
            raise NotFound(f"alert-{alert_id} does not exist") from None
        return Response(self.OutputSerializer(history).data)


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


class _OldestOutput(serializers.Serializer[dict[str, Any]]):
    id = serializers.IntegerField()
    alert_id = serializers.CharField(allow_null=True)
    event = serializers.CharField()
    channel = serializers.ChoiceField(choices=Channel.choices)
    target = serializers.CharField()
    created_at = serializers.DateTimeField()
    age_seconds = serializers.FloatField()
    attempts = serializers.IntegerField()
    next_attempt_at = serializers.DateTimeField()
    last_error = serializers.CharField()


class _RetriesOutput(serializers.Serializer[dict[str, Any]]):
    pending_retrying = serializers.IntegerField(help_text="pending rows tried at least once")
    retry_attempts = serializers.IntegerField(help_text="attempts those rows took")
    max_attempts = serializers.IntegerField()


class _CeleryOutput(serializers.Serializer[dict[str, Any]]):
    broker = serializers.CharField()
    lengths = serializers.DictField(
        child=serializers.IntegerField(),
        allow_null=True,
        help_text=f"messages waiting per queue: {', '.join(CELERY_QUEUES)}",
    )
    error = serializers.CharField(allow_null=True)


@extend_schema_serializer(component_name="AlertProcessingQueue")
class AlertQueueOutput(serializers.Serializer[dict[str, Any]]):
    checked_at = serializers.DateTimeField()
    outbox = serializers.DictField(
        child=serializers.IntegerField(), help_text="notifications per status"
    )
    oldest_undelivered = _OldestOutput(allow_null=True)
    retries = _RetriesOutput()
    celery = _CeleryOutput()


class AlertQueueDebugApi(APIView):
    """The notification outbox by status, its oldest undelivered row, retries and the Celery
    queues' lengths in the broker."""

    permission_classes = [IsAuthenticated, HasPermission.of("core.view_debug")]

    @extend_schema(responses={200: AlertQueueOutput, **error_responses()})
    def get(self, request: Request) -> Response:
        return Response(AlertQueueOutput(alert_queue_state(now=timezone.now())).data)
