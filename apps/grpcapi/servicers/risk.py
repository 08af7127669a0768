"""RiskMonitoringService: the REST reads over gRPC, from the same selectors, rendered by the same
output serializers (apps.grpcapi.doors)."""

from __future__ import annotations

from typing import Any

import grpc
from django.utils import timezone
from rest_framework.exceptions import NotFound, ValidationError

from apps.alerts.apis import AlertActiveApi
from apps.alerts.selectors import alerts_active
from apps.grpcapi.doors import door, render, request_data, valid
from apps.risk.apis import PortfolioPnlApi, PositionsSummaryApi, RiskStatusApi
from apps.risk.models import RiskSnapshot
from apps.risk.selectors.snapshots import (
    PortfolioNotFound,
    latest_snapshot,
    pnl_summary,
    portfolio_resolve,
    positions_summary,
    snapshot_headline,
    snapshot_history,
)
from riskmonitor.v1 import risk_monitoring_pb2 as pb
from riskmonitor.v1.risk_monitoring_pb2_grpc import RiskMonitoringServiceServicer


def _latest(portfolio_name: str) -> RiskSnapshot:
    """The portfolio's latest snapshot, refused as REST refuses it (bad name, no snapshot)."""
    try:
        portfolio = portfolio_resolve(portfolio_name or None)
    except PortfolioNotFound as error:
        raise ValidationError({"portfolio": [str(error)]}) from error
    snapshot = latest_snapshot(portfolio_id=portfolio.pk)
    if snapshot is None:
        raise NotFound(f"no risk snapshot yet for portfolio {portfolio.name!r}")
    return snapshot


class RiskMonitoringServicer(RiskMonitoringServiceServicer):  # type: ignore[misc]
    @door(RiskStatusApi.permission_classes)
    def GetRiskStatus(
        self, request: pb.RiskStatusRequest, context: grpc.ServicerContext
    ) -> pb.RiskStatus:
        headline = snapshot_headline(_latest(request.portfolio))
        return render(RiskStatusApi.OutputSerializer(headline).data, pb.RiskStatus)

    @door(PositionsSummaryApi.permission_classes)
    def GetPositions(
        self, request: pb.GetPositionsRequest, context: grpc.ServicerContext
    ) -> pb.PositionsResponse:
        summary = positions_summary(_latest(request.portfolio))
        return render(PositionsSummaryApi.OutputSerializer(summary).data, pb.PositionsResponse)

    @door(PortfolioPnlApi.permission_classes)
    def GetPortfolioSummary(
        self, request: pb.PortfolioRequest, context: grpc.ServicerContext
    ) -> pb.PortfolioSummary:
        params = valid(PortfolioPnlApi.InputSerializer, request_data(request))
        snapshot = _latest(request.portfolio)
        body: dict[str, Any] = pnl_summary(snapshot)
        span = params.get("history")
        if span is not None:
            since = timezone.now() - span
            body["history"] = snapshot_history(portfolio_id=snapshot.portfolio_id, since=since)
        return render(PortfolioPnlApi.OutputSerializer(body).data, pb.PortfolioSummary)

    @door(AlertActiveApi.permission_classes)
    def GetAlerts(
        self, request: pb.GetAlertsRequest, context: grpc.ServicerContext
    ) -> pb.AlertsResponse:
        filters = valid(AlertActiveApi.FilterSerializer, request_data(request))
        alerts = list(alerts_active(**filters))
        output = AlertActiveApi.OutputSerializer({"count": len(alerts), "alerts": alerts})
        return render(output.data, pb.AlertsResponse)
