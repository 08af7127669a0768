"""HTTP doors of the core app: health, system status, metrics."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
    extend_schema_view,
)
from drf_spectacular.views import SpectacularAPIView
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.errors import error_document
from apps.core.metrics import metrics_exposition
from apps.core.permissions import HasPermission
from apps.core.selectors import health_get, system_status_get


class CheckOutput(serializers.Serializer[dict[str, Any]]):
    status = serializers.ChoiceField(choices=("up", "down"))
    detail = serializers.CharField()
    latency_ms = serializers.FloatField()


@extend_schema_serializer(component_name="Health")
class HealthOutput(serializers.Serializer[dict[str, Any]]):
    status = serializers.ChoiceField(choices=("ok", "down"))
    mode = serializers.ChoiceField(choices=("stack", "embedded"))
    down = serializers.ListField(child=serializers.CharField())
    checks = serializers.DictField(child=CheckOutput())


@extend_schema(
    responses={200: HealthOutput, 503: OpenApiResponse(HealthOutput, "a dependency is down")},
    auth=[],
)
@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
def health(request: Request) -> Response:
    """No authentication: load balancers and container health checks call it."""
    body = health_get()
    return Response(HealthOutput(body).data, status=200 if body["status"] == "ok" else 503)


@extend_schema_serializer(component_name="SystemStatus")
class SystemStatusOutput(serializers.Serializer[dict[str, Any]]):
    service = serializers.CharField()
    mode = serializers.ChoiceField(choices=("stack", "embedded"))
    debug = serializers.BooleanField()
    uptime_seconds = serializers.FloatField()
    versions = serializers.DictField(child=serializers.CharField())
    # One value per setting of settings.RISK_MONITOR, of that setting's type: free-form.
    configuration = serializers.DictField()


@extend_schema(responses={200: SystemStatusOutput})
@api_view(["GET"])
@permission_classes([IsAuthenticated, HasPermission.of("core.view_risk")])
def system_status(request: Request) -> Response:
    return Response(SystemStatusOutput(system_status_get()).data)


@extend_schema(responses={(200, "text/plain"): OpenApiTypes.STR})
@api_view(["GET"])
@authentication_classes([TokenAuthentication, SessionAuthentication])
@permission_classes([IsAuthenticated, HasPermission.of("core.view_risk")])
def metrics(request: Request) -> HttpResponse:
    """Prometheus scrapes with ``authorization: {type: Token, credentials: <api token>}``:
    every process's series (web, workers) and the database-backed readers (docs/metrics.md)."""
    body, content_type = metrics_exposition()
    return HttpResponse(body, content_type=content_type)


@extend_schema_view(get=extend_schema(exclude=True))
class SchemaApi(SpectacularAPIView):
    """The OpenAPI document. Served, not listed in itself: its ?format= and ?lang= are
    drf-spectacular's (lenient: an empty one means the default), not a door of the product."""


def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    """Django's 404 outside DRF views, in the API's error body."""
    return JsonResponse(error_document("not_found", f"not found: {request.path}", {}), status=404)
