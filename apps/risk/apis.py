"""HTTP doors of the risk app: parse, call one selector or service, render. Every figure
comes from the stored snapshot (what-if is a door of the monitoring app)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.permissions import HasPermission
from apps.positions.models import Portfolio
from apps.risk.evaluation.config import risk_settings
from apps.risk.models import RiskSnapshot
from apps.risk.selectors.snapshots import (
    PortfolioNotFound,
    calculation_trace_report,
    latest_snapshot,
    pnl_summary,
    portfolio_resolve,
    positions_summary,
    snapshot_headline,
    snapshot_history,
)

HISTORY_PATTERN = re.compile(r"^(\d{1,3})([hd])$")
MAX_HISTORY = timedelta(days=31)


def _portfolio(request: Request) -> Portfolio:
    try:
        return portfolio_resolve(request.query_params.get("portfolio"))
    except PortfolioNotFound as error:
        raise ValidationError({"portfolio": [str(error)]}) from error


def _latest(portfolio: Portfolio) -> RiskSnapshot:
    snapshot = latest_snapshot(portfolio_id=portfolio.pk)
    if snapshot is None:
        raise NotFound(f"no risk snapshot yet for portfolio {portfolio.name!r}")
    return snapshot


class _ViewRisk(APIView):
    permission_classes = [HasPermission.of("core.view_risk")]


@extend_schema(responses={200: OpenApiTypes.OBJECT})
class RiskStatusApi(_ViewRisk):
    def get(self, request: Request) -> Response:
        return Response(snapshot_headline(_latest(_portfolio(request))))


@extend_schema(responses={200: OpenApiTypes.OBJECT})
class PositionsSummaryApi(_ViewRisk):
    def get(self, request: Request) -> Response:
        return Response(positions_summary(_latest(_portfolio(request))))


class PortfolioPnlApi(_ViewRisk):
    class InputSerializer(serializers.Serializer):
        history = serializers.CharField(required=False)

        def validate_history(self, value: str) -> timedelta:
            match = HISTORY_PATTERN.match(value)
            if match is None:
                raise serializers.ValidationError("expected <n>h or <n>d, e.g. 24h")
            amount, unit = int(match.group(1)), match.group(2)
            span = timedelta(hours=amount) if unit == "h" else timedelta(days=amount)
            if not timedelta(0) < span <= MAX_HISTORY:
                raise serializers.ValidationError("must be between 1h and 31d")
            return span

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        portfolio = _portfolio(request)
        body: dict[str, Any] = pnl_summary(_latest(portfolio))
        span = params.validated_data.get("history")
        if span is not None:
            since = timezone.now() - span
            body["history"] = snapshot_history(portfolio_id=portfolio.pk, since=since)
        return Response(body)


@extend_schema(responses={200: OpenApiTypes.OBJECT})
class RiskCalculationsDebugApi(APIView):
    permission_classes = [HasPermission.of("core.view_debug")]

    def get(self, request: Request) -> Response:
        portfolio = _portfolio(request)
        interval = risk_settings().trace_interval_seconds
        report = calculation_trace_report(portfolio_id=portfolio.pk, interval_seconds=interval)
        if report is None:
            raise NotFound(f"no risk calculation yet for portfolio {portfolio.name!r}")
        return Response({"portfolio": portfolio.name, **report})
