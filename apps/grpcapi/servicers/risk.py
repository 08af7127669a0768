"""RiskMonitoringService: the REST reads over gRPC, from the same selectors, rendered by the same
output serializers (apps.grpcapi.doors)."""

from __future__ import annotations

from typing import Any

import grpc
from django.utils import timezone
from rest_framework.exceptions import NotFound

from apps.alerts.apis import AlertListApi, AlertPageOutputSerializer, AlertQuerySerializer
from apps.alerts.selectors import alerts_filtered
from apps.core.pagination import page_of
from apps.grpcapi.doors import door, render, request_data, valid
from apps.monitoring.compliance import compliance_status
from apps.monitoring.compliance_apis import (
    ComplianceStatusApi,
    PortfolioQuerySerializer,
    portfolio_named,
)
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
        raise NotFound(str(error)) from error
    snapshot = latest_snapshot(portfolio_id=portfolio.pk)
    if snapshot is None:
        raise NotFound(f"no risk snapshot yet for portfolio {portfolio.name!r}")
    return snapshot


class RiskMonitoringServicer(RiskMonitoringServiceServicer):
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

    @door(ComplianceStatusApi.permission_classes)
    def GetComplianceStatus(
        self, request: pb.ComplianceRequest, context: grpc.ServicerContext
    ) -> pb.ComplianceStatus:
        name = valid(PortfolioQuerySerializer, request_data(request)).get("portfolio")
        portfolio_id = portfolio_named(name).pk if name else None
        now = timezone.now()
        portfolios = compliance_status(portfolio_id=portfolio_id, now=now)
        output = ComplianceStatusApi.OutputSerializer({"checked_at": now, "portfolios": portfolios})
        return render(output.data, pb.ComplianceStatus)

    @door(AlertListApi.permission_classes)
    def GetAlerts(
        self, request: pb.GetAlertsRequest, context: grpc.ServicerContext
    ) -> pb.AlertsResponse:
        query = request_data(request)
        query.pop("include_resolved", None)
        filters = dict(valid(AlertQuerySerializer, query))
        page, page_size = filters.pop("page"), filters.pop("page_size")
        alerts = alerts_filtered(filters=filters, active_only=not request.include_resolved)
        output = AlertPageOutputSerializer(page_of(alerts, page=page, page_size=page_size))
        return render(output.data, pb.AlertsResponse)
