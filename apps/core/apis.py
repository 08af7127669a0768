"""HTTP doors of the core app: health, system status, metrics."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django_prometheus.exports import ExportToDjangoView
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.errors import error_document
from apps.core.permissions import HasPermission
from apps.core.selectors import health_get, system_status_get


@extend_schema(responses={200: OpenApiTypes.OBJECT, 503: OpenApiTypes.OBJECT}, auth=[])
@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
def health(request: Request) -> Response:
    """No authentication: load balancers and container health checks call it."""
    body = health_get()
    return Response(body, status=200 if body["status"] == "ok" else 503)


@extend_schema(responses={200: OpenApiTypes.OBJECT})
@api_view(["GET"])
def system_status(request: Request) -> Response:
    return Response(system_status_get())


@extend_schema(responses={(200, "text/plain"): OpenApiTypes.STR})
@api_view(["GET"])
@authentication_classes([TokenAuthentication, SessionAuthentication])
@permission_classes([IsAuthenticated, HasPermission.of("core.view_risk")])
def metrics(request: Request) -> HttpResponse:
    """Prometheus scrapes with ``authorization: {type: Token, credentials: <api token>}``."""
    django_request: HttpRequest = request._request
    return ExportToDjangoView(django_request)


def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    """Django's 404 outside DRF views, in the API's error body."""
    return JsonResponse(error_document("not_found", f"not found: {request.path}", {}), status=404)
