"""AlertManagementService and GetAlerts over a real server: the same services and refusals as
REST, with the audit rows they write."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from rest_framework.test import APIClient

from apps.alerts.models import Alert
from apps.alerts.services import alerts_sync
from apps.audit.models import AuditEvent
from apps.grpcapi.doors import render
from apps.limits.models import LimitChangeRequest
from riskmonitor.v1 import alert_management_pb2 as am
from riskmonitor.v1 import risk_monitoring_pb2 as rm
from riskmonitor.v1.alert_management_pb2_grpc import AlertManagementServiceStub
from riskmonitor.v1.risk_monitoring_pb2_grpc import RiskMonitoringServiceStub
from tests.apps.alerts.conftest import alerting_config  # noqa: F401
from tests.apps.alerts.factories import btc_reading, eth_reading, evaluation
from tests.apps.grpcapi.conftest import metadata
from tests.limitrows import referenced_rows

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("alerting_config")]
TokenFor = Callable[[str], str]


@pytest.fixture
def btc_alert(transactional_db: None) -> Alert:
    referenced_rows(portfolios=(1, 2), limits=(1, 2))
    alerts_sync(readings=[btc_reading(15.0), eth_reading(190.0)], context=evaluation())
    return Alert.objects.get(scope="BTC-USD")


@pytest.fixture
def alerts_stub(grpc_channel: grpc.Channel) -> AlertManagementServiceStub:
    return AlertManagementServiceStub(grpc_channel)


@pytest.fixture
def risk_stub(grpc_channel: grpc.Channel) -> RiskMonitoringServiceStub:
    return RiskMonitoringServiceStub(grpc_channel)


def _violations(error: grpc.RpcError) -> dict[str, str]:
    status = rpc_status.from_call(error)  # type: ignore[arg-type]
    assert status is not None
    bad_request = error_details_pb2.BadRequest()
    assert status.details[0].Unpack(bad_request)
    return {v.field: v.description for v in bad_request.field_violations}


def _refusal(call: Callable[[], Any]) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as refused:
        call()
    return refused.value


def test_it_lists_the_active_alerts_as_rest_does(
    btc_alert: Alert, risk_stub: RiskMonitoringServiceStub, token_for: TokenFor
) -> None:
    token = token_for("trader")
    reply = risk_stub.GetAlerts(rm.GetAlertsRequest(), metadata=metadata(token), timeout=10)

    assert [a.scope for a in reply.alerts] == ["BTC-USD", "ETH-USD"]
    assert (reply.count, reply.page, reply.page_size, reply.pages) == (2, 1, 50, 1)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    rest = client.get("/api/v1/alerts/active").json()
    assert reply == render(rest, rm.AlertsResponse)


def test_it_filters_and_pages_the_alerts(
    btc_alert: Alert, risk_stub: RiskMonitoringServiceStub, token_for: TokenFor
) -> None:
    token = metadata(token_for("trader"))
    high = risk_stub.GetAlerts(rm.GetAlertsRequest(severity="high"), metadata=token, timeout=10)
    assert [a.scope for a in high.alerts] == ["ETH-USD"]
    second = risk_stub.GetAlerts(
        rm.GetAlertsRequest(include_resolved=True, page=2, page_size=1), metadata=token, timeout=10
    )
    assert (second.count, second.pages, len(second.alerts)) == (2, 2, 1)


def test_it_refuses_a_bad_filter_naming_it(
    btc_alert: Alert, risk_stub: RiskMonitoringServiceStub, token_for: TokenFor
) -> None:
    token = metadata(token_for("trader"))
    error = _refusal(
        lambda: risk_stub.GetAlerts(rm.GetAlertsRequest(severity="apocalyptic"), metadata=token)
    )
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "severity" in _violations(error)
    too_many = rm.GetAlertsRequest(page_size=501)
    error = _refusal(lambda: risk_stub.GetAlerts(too_many, metadata=token))
    assert set(_violations(error)) == {"page_size"}


def test_it_acknowledges_and_audits_it(
    btc_alert: Alert, alerts_stub: AlertManagementServiceStub, token_for: TokenFor
) -> None:
    request = am.AckAlertRequest(alert_id=btc_alert.public_id, comment="flattening on exchange-1")
    reply = alerts_stub.AcknowledgeAlert(request, metadata=metadata(token_for("risk_officer")))

    assert reply.alert.status == "acknowledged"
    assert reply.alert.ack_comment == "flattening on exchange-1"
    assert reply.alert.HasField("acknowledged_at")
    event = AuditEvent.objects.get(event_type="alert_acknowledged")
    assert event.actor == reply.alert.acknowledged_by


def test_it_refuses_an_empty_comment_naming_the_field(
    btc_alert: Alert, alerts_stub: AlertManagementServiceStub, token_for: TokenFor
) -> None:
    request = am.AckAlertRequest(alert_id=btc_alert.public_id)
    token = metadata(token_for("risk_officer"))
    error = _refusal(lambda: alerts_stub.AcknowledgeAlert(request, metadata=token))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert set(_violations(error)) == {"comment"}


def test_it_answers_not_found_for_an_unknown_alert(
    btc_alert: Alert, alerts_stub: AlertManagementServiceStub, token_for: TokenFor
) -> None:
    token = metadata(token_for("risk_officer"))
    request = am.AckAlertRequest(alert_id="alert-987654", comment="x")
    error = _refusal(lambda: alerts_stub.AcknowledgeAlert(request, metadata=token))
    assert (error.code(), error.details()) == (
        grpc.StatusCode.NOT_FOUND,
        "alert-987654 does not exist",
    )
    history = am.AlertHistoryRequest(alert_id="alert-987654")
    error = _refusal(lambda: alerts_stub.GetAlertHistory(history, metadata=token))
    assert error.code() == grpc.StatusCode.NOT_FOUND


def test_it_forbids_a_trader_to_acknowledge_or_escalate(
    btc_alert: Alert, alerts_stub: AlertManagementServiceStub, token_for: TokenFor
) -> None:
    token = metadata(token_for("trader"))
    ack = am.AckAlertRequest(alert_id=btc_alert.public_id, comment="mine")
    escalate = am.EscalateRequest(alert_id=btc_alert.public_id, reason="mine")
    for call in (
        lambda: alerts_stub.AcknowledgeAlert(ack, metadata=token),
        lambda: alerts_stub.EscalateAlert(escalate, metadata=token),
    ):
        assert _refusal(call).code() == grpc.StatusCode.PERMISSION_DENIED
    assert not AuditEvent.objects.filter(event_type__in=["alert_acknowledged", "alert_escalated"])


def test_it_escalates_and_shows_it_in_the_history(
    btc_alert: Alert, alerts_stub: AlertManagementServiceStub, token_for: TokenFor
) -> None:
    token = metadata(token_for("risk_officer"))
    request = am.EscalateRequest(alert_id=str(btc_alert.pk), reason="exchange-1 not answering")
    reply = alerts_stub.EscalateAlert(request, metadata=token)
    assert list(reply.escalated_to) == ["ceo", "board"]
    assert reply.alert.escalation_tier == 1

    history = alerts_stub.GetAlertHistory(
        am.AlertHistoryRequest(alert_id=btc_alert.public_id), metadata=token
    )
    assert [e.kind for e in history.events] == ["opened", "escalated"]
    assert history.events[1].details["reason"] == "exchange-1 not answering"
    assert history.alert.alert_id == btc_alert.public_id


def test_it_proposes_a_limit_change_for_four_eyes(
    btc_alert: Alert, alerts_stub: AlertManagementServiceStub, token_for: TokenFor
) -> None:
    request = am.UpdateLimitsRequest(
        limit_id=btc_alert.limit_id, value="12", warn_at_utilization="0.9", reason="desk grows"
    )
    reply = alerts_stub.UpdateRiskLimits(request, metadata=metadata(token_for("risk_officer")))

    assert reply.request.status == "proposed"
    assert (reply.request.before.value, reply.request.after.value) == ("10", "12")
    assert reply.request.after.warn_at_utilization == "0.9"
    stored = LimitChangeRequest.objects.get(pk=reply.request.id)
    assert stored.limit.value == 10  # unchanged until a second officer approves
    assert AuditEvent.objects.filter(event_type="limit_change_proposed").count() == 1


def test_it_forbids_a_trader_to_propose_a_limit_change(
    btc_alert: Alert, alerts_stub: AlertManagementServiceStub, token_for: TokenFor
) -> None:
    request = am.UpdateLimitsRequest(limit_id=btc_alert.limit_id, value="99", reason="yolo")
    token = metadata(token_for("trader"))
    error = _refusal(lambda: alerts_stub.UpdateRiskLimits(request, metadata=token))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    assert not LimitChangeRequest.objects.exists()


def test_it_refuses_a_bad_limit_value_naming_the_field(
    btc_alert: Alert, alerts_stub: AlertManagementServiceStub, token_for: TokenFor
) -> None:
    token = metadata(token_for("risk_officer"))
    request = am.UpdateLimitsRequest(limit_id=btc_alert.limit_id, value="lots", reason="r")
    error = _refusal(lambda: alerts_stub.UpdateRiskLimits(request, metadata=token))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert set(_violations(error)) == {"value"}
    unknown = am.UpdateLimitsRequest(limit_key="no.such.limit", value="1", reason="r")
    error = _refusal(lambda: alerts_stub.UpdateRiskLimits(unknown, metadata=token))
    # A well-formed key that names no limit is REST's 404, not a bad field.
    assert error.code() == grpc.StatusCode.NOT_FOUND
    assert "no.such.limit" in (error.details() or "")
