"""HTTP doors of the venues app: data-source connectivity (API) and state inspection (debug)."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.permissions import HasPermission
from apps.venues.selectors import connectivity, quarantine_recent, source_health, wire_state


@extend_schema(responses={200: OpenApiTypes.OBJECT})
@api_view(["GET"])
@permission_classes([IsAuthenticated, HasPermission.of("core.view_risk")])
def data_sources_connectivity(request: Request) -> Response:
    """Per venue: state (ok, degraded, stale, down), age of its data, each source's health."""
    return Response(connectivity())


@extend_schema(responses={200: OpenApiTypes.OBJECT})
@api_view(["GET"])
@permission_classes([IsAuthenticated, HasPermission.of("core.view_debug")])
def data_sources_debug(request: Request) -> Response:
    """Everything ingestion knows: sources, recent quarantine, breakers, request budgets."""
    now = timezone.now()
    return Response({
        "checked_at": now,
        "sources": [vars(h) for h in source_health(now)],
        "quarantine": quarantine_recent(),
        "wire": wire_state(),
    })  # fmt: skip
