"""HTTP doors of the venues app: data-source connectivity (API) and state inspection (debug)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.errors import error_responses
from apps.core.permissions import HasPermission
from apps.venues.selectors import (
    SourceHealth,
    connectivity,
    quarantine_recent,
    source_health,
    wire_state,
)


class SourceHealthOutput(serializers.Serializer[SourceHealth]):
    source = serializers.CharField()  # type: ignore[assignment]  # a declared field, not Field.source
    venue = serializers.CharField()
    account = serializers.CharField(allow_null=True)
    endpoint = serializers.CharField()
    data_as_of = serializers.DateTimeField(allow_null=True)
    age_seconds = serializers.FloatField(allow_null=True)
    stale = serializers.BooleanField()
    last_success_at = serializers.DateTimeField(allow_null=True)
    last_error_at = serializers.DateTimeField(allow_null=True)
    last_error_kind = serializers.CharField()
    last_error = serializers.CharField()
    latency_ms = serializers.FloatField(allow_null=True)
    consecutive_failures = serializers.IntegerField()
    refresh_interval_seconds = serializers.FloatField()  # the source's own schedule
    overdue_seconds = serializers.FloatField(allow_null=True)  # null: never had good data
    stale_reason = serializers.ChoiceField(
        choices=("never_succeeded", "last_pull_failed", "overdue"), allow_null=True
    )


class VenueConnectivityOutput(serializers.Serializer[dict[str, Any]]):
    venue = serializers.CharField()
    kind = serializers.CharField()
    state = serializers.ChoiceField(choices=("ok", "degraded", "stale", "down", "unknown"))
    age_seconds = serializers.FloatField(allow_null=True)
    last_success_at = serializers.DateTimeField(allow_null=True)  # the newest of its sources
    stale = serializers.BooleanField()
    sources = SourceHealthOutput(many=True)


@extend_schema_serializer(component_name="Connectivity")
class ConnectivityOutput(serializers.Serializer[dict[str, Any]]):
    checked_at = serializers.DateTimeField()
    staleness_threshold_seconds = serializers.FloatField()
    venues = VenueConnectivityOutput(many=True)


@extend_schema(responses={200: ConnectivityOutput, **error_responses()})
@api_view(["GET"])
@permission_classes([IsAuthenticated, HasPermission.of("core.view_risk")])
def data_sources_connectivity(request: Request) -> Response:
    """Per venue: state (ok, degraded, stale, down), age of its data, each source's health."""
    return Response(ConnectivityOutput(connectivity()).data)


class QuarantineOutput(serializers.Serializer[dict[str, Any]]):
    id = serializers.IntegerField()
    venue = serializers.CharField()
    account = serializers.CharField(allow_null=True)
    endpoint = serializers.CharField()
    reason = serializers.CharField()
    excerpt = serializers.CharField()
    created_at = serializers.DateTimeField()


class WireBreakerOutput(serializers.Serializer[dict[str, Any]]):
    state = serializers.ChoiceField(choices=("closed", "open", "half_open"))
    failures = serializers.IntegerField()
    open_until = serializers.FloatField(help_text="epoch seconds; 0 when closed")
    opens = serializers.IntegerField()


class RateLimitOutput(serializers.Serializer[dict[str, Any]]):
    weight_per_minute = serializers.IntegerField()
    paused_for_seconds = serializers.FloatField()
    used_last_minute = serializers.DictField(
        child=serializers.IntegerField(), help_text="request weight per key: public, or account"
    )


class WireOutput(serializers.Serializer[dict[str, Any]]):
    venue = serializers.CharField()
    breaker = WireBreakerOutput()
    rate_limit = RateLimitOutput()


@extend_schema_serializer(component_name="DataSourcesDebug")
class DataSourcesDebugOutput(serializers.Serializer[dict[str, Any]]):
    checked_at = serializers.DateTimeField()
    sources = SourceHealthOutput(many=True)
    quarantine = QuarantineOutput(many=True)
    wire = WireOutput(many=True)


@extend_schema(responses={200: DataSourcesDebugOutput, **error_responses()})
@api_view(["GET"])
@permission_classes([IsAuthenticated, HasPermission.of("core.view_debug")])
def data_sources_debug(request: Request) -> Response:
    """Everything ingestion knows: sources, recent quarantine, breakers, request budgets."""
    now = timezone.now()
    return Response(DataSourcesDebugOutput({
        "checked_at": now,
        "sources": source_health(now),
        "quarantine": quarantine_recent(),
        "wire": wire_state(),
    }).data)  # fmt: skip
