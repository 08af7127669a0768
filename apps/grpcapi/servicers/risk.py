"""RiskMonitoringService: the REST reads over gRPC, from the same selectors, rendered by the same
output serializers (apps.grpcapi.doors)."""

from __future__ import annotations

from typing import Any

import grpc
from django.utils import timezone
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated

from apps.alerts.apis import AlertOutputSerializer
from apps.alerts.selectors import alerts_filtered
from apps.core.permissions import HasPermission
from apps.grpcapi.doors import PermissionClasses, door, plain, render, request_data, valid
from apps.grpcapi.paging import page_of
from apps.monitoring.compliance import compliance_status
from apps.positions.models import Portfolio
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

# The permission of REST's compliance status and alert lists (every read of the risk picture).
VIEW_RISK: PermissionClasses = [IsAuthenticated, HasPermission.of("core.view_risk")]


def _portfolio_id(name: str) -> int:
    """A named portfolio's id; a name of none is NOT_FOUND, as REST's compliance status says."""
    found = Portfolio.objects.filter(name=name).values_list("pk", flat=True).first()
    if found is None:
        raise NotFound(f"no portfolio named {name!r}")
    return found


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

    @door(VIEW_RISK)
    def GetComplianceStatus(
        self, request: pb.ComplianceRequest, context: grpc.ServicerContext
    ) -> pb.ComplianceStatus:
        portfolio_id = _portfolio_id(request.portfolio) if request.portfolio else None
        now = timezone.now()
        portfolios = compliance_status(portfolio_id=portfolio_id, now=now)
        return render(plain({"checked_at": now, "portfolios": portfolios}), pb.ComplianceStatus)

    @door(VIEW_RISK)
    def GetAlerts(
        self, request: pb.GetAlertsRequest, context: grpc.ServicerContext
    ) -> pb.AlertsResponse:
        filters = request_data(request)
        for paging in ("include_resolved", "page", "page_size"):
            filters.pop(paging, None)
        alerts = alerts_filtered(filters=filters, active_only=not request.include_resolved)
        page = page_of(alerts, page=request.page, page_size=request.page_size)
        body = plain(page) | {"alerts": AlertOutputSerializer(page.items, many=True).data}
        return render(body, pb.AlertsResponse)
