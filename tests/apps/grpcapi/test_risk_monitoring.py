"""RiskMonitoringService over a real server: the same figures as REST for the same snapshot,
and REST's refusals as gRPC status codes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from rest_framework.test import APIClient

from apps.grpcapi.doors import render
from apps.monitoring.cycle import portfolio_cycle_run
from apps.risk.models import RiskSnapshot
from riskmonitor.v1 import risk_monitoring_pb2 as pb
from riskmonitor.v1.risk_monitoring_pb2_grpc import RiskMonitoringServiceStub
from tests.apps.grpcapi.conftest import metadata
from tests.apps.risk.conftest import NOW, Book

pytestmark = pytest.mark.django_db(transaction=True)
# No call here has a deadline: the book's clock is frozen in the past, and a deadline computed
# from it would have passed already for the gRPC core, which keeps real time.


@pytest.fixture
def stored(book: Book) -> RiskSnapshot:
    return portfolio_cycle_run(portfolio_id=book.portfolio.pk, cycle_start=NOW)


@pytest.fixture
def stub(grpc_channel: grpc.Channel) -> RiskMonitoringServiceStub:
    return RiskMonitoringServiceStub(grpc_channel)


def _rest(token: str, path: str, **params: str) -> dict[str, Any]:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.get(path, params)
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


def _violations(error: grpc.RpcError) -> dict[str, str]:
    status = rpc_status.from_call(error)  # type: ignore[arg-type]
    assert status is not None
    [detail] = status.details
    bad_request = error_details_pb2.BadRequest()
    assert detail.Unpack(bad_request)
    return {v.field: v.description for v in bad_request.field_violations}


def test_it_returns_the_risk_status_rest_returns(
    stored: RiskSnapshot, stub: RiskMonitoringServiceStub, token_for: Callable[[str], str]
) -> None:
    token = token_for("trader")
    reply = stub.GetRiskStatus(pb.RiskStatusRequest(), metadata=metadata(token))

    assert reply.snapshot_id == stored.pk
    assert reply.equity == stored.equity
    assert reply.var.historical_var_99 == stored.var_hist_99
    assert reply.as_of.ToDatetime().timestamp() == stored.as_of.timestamp()
    assert reply.var_backtest.hypothetical.zone == "green"
    assert not reply.var_backtest.HasField("actual")  # REST's null
    assert reply == render(_rest(token, "/api/v1/risk/status"), pb.RiskStatus)


def test_it_returns_the_positions_rest_returns(
    stored: RiskSnapshot, stub: RiskMonitoringServiceStub, token_for: Callable[[str], str]
) -> None:
    token = token_for("trader")
    reply = stub.GetPositions(pb.GetPositionsRequest(), metadata=metadata(token))

    btc = next(p for p in reply.positions if p.symbol == "BTC-USD")
    assert (btc.net_size, dict(btc.by_venue)) == (2.5, {"exchange-1": 5.0, "exchange-2": -2.5})
    assert reply == render(_rest(token, "/api/v1/positions/summary"), pb.PositionsResponse)


def test_it_returns_the_portfolio_summary_with_history(
    stored: RiskSnapshot, stub: RiskMonitoringServiceStub, token_for: Callable[[str], str]
) -> None:
    token = token_for("trader")
    request = pb.PortfolioRequest(portfolio="main", history="48h")
    reply = stub.GetPortfolioSummary(request, metadata=metadata(token))

    assert len(reply.history) == 3  # two stored the day before, and this cycle's
    assert reply.attribution.by_venue["exchange-1"].complete
    rest = _rest(token, "/api/v1/portfolio/pnl", portfolio="main", history="48h")
    assert reply == render(rest, pb.PortfolioSummary)


def test_it_refuses_a_bad_history_naming_the_field(
    stored: RiskSnapshot, stub: RiskMonitoringServiceStub, token_for: Callable[[str], str]
) -> None:
    request = pb.PortfolioRequest(history="forever")
    with pytest.raises(grpc.RpcError) as refused:
        stub.GetPortfolioSummary(request, metadata=metadata(token_for("trader")))

    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "expected <n>h (1 to 744) or <n>d (1 to 31)" in _violations(refused.value)["history"]


def test_it_answers_not_found_for_an_unknown_portfolio_as_rest_does(
    stored: RiskSnapshot, stub: RiskMonitoringServiceStub, token_for: Callable[[str], str]
) -> None:
    request = pb.RiskStatusRequest(portfolio="nope")
    with pytest.raises(grpc.RpcError) as refused:
        stub.GetRiskStatus(request, metadata=metadata(token_for("trader")))

    assert refused.value.code() == grpc.StatusCode.NOT_FOUND
    assert refused.value.details() == "no portfolio named 'nope'"


def test_it_answers_not_found_before_the_first_snapshot(
    book: Book, stub: RiskMonitoringServiceStub, token_for: Callable[[str], str]
) -> None:
    RiskSnapshot.objects.all().delete()
    with pytest.raises(grpc.RpcError) as refused:
        stub.GetRiskStatus(pb.RiskStatusRequest(), metadata=metadata(token_for("trader")))
    assert refused.value.code() == grpc.StatusCode.NOT_FOUND


@pytest.mark.parametrize("header", ["Token not-a-token", "Bearer x", ""])
def test_it_refuses_a_call_without_a_valid_token(
    stored: RiskSnapshot, stub: RiskMonitoringServiceStub, header: str
) -> None:
    with pytest.raises(grpc.RpcError) as refused:
        stub.GetRiskStatus(pb.RiskStatusRequest(), metadata=(("authorization", header),))
    assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_it_refuses_a_user_without_the_view_permission(
    stored: RiskSnapshot, stub: RiskMonitoringServiceStub, role_user: Callable[..., Any]
) -> None:
    from apps.core.services import api_token_issue

    nobody = role_user("trader")
    nobody.groups.clear()  # an active user with a token and no role
    token = api_token_issue(user=nobody)
    with pytest.raises(grpc.RpcError) as refused:
        stub.GetRiskStatus(pb.RiskStatusRequest(), metadata=metadata(token))
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_it_returns_the_compliance_status_rest_returns(
    book: Book, stub: RiskMonitoringServiceStub, token_for: Callable[[str], str]
) -> None:
    from apps.limits.services import limits_load_from_config
    from tests.apps.limits.conftest import shipped_limits_file

    limits_load_from_config(limits_file=shipped_limits_file())
    stored = portfolio_cycle_run(portfolio_id=book.portfolio.pk, cycle_start=NOW)
    token = token_for("trader")
    request = pb.ComplianceRequest(portfolio="main")
    reply = stub.GetComplianceStatus(request, metadata=metadata(token))

    [main] = reply.portfolios
    assert (main.portfolio, main.snapshot_id) == ("main", stored.pk)
    assert main.status in ("ok", "warn", "breach") and main.limits
    rest = render(_rest(token, "/api/v1/compliance/status", portfolio="main"), pb.ComplianceStatus)
    assert reply.checked_at == rest.checked_at  # the clock is frozen
    assert reply == rest


def test_it_answers_not_found_for_the_compliance_of_an_unknown_portfolio(
    stored: RiskSnapshot, stub: RiskMonitoringServiceStub, token_for: Callable[[str], str]
) -> None:
    request = pb.ComplianceRequest(portfolio="nope")
    with pytest.raises(grpc.RpcError) as refused:
        stub.GetComplianceStatus(request, metadata=metadata(token_for("trader")))
    assert refused.value.code() == grpc.StatusCode.NOT_FOUND
