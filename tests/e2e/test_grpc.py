"""Issue acceptance, end to end: a gRPC client that knows only the server's address discovers
both services by reflection and calls every RPC of the real ``manage.py rungrpc`` with real
tokens. The figures equal REST's for the same snapshot; bad tokens, wrong roles and bad fields
are refused with their codes; SIGTERM lets a call in flight finish and the server exits 0."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from typing import Any

import grpc
import psycopg
import pytest
from google.protobuf import descriptor_pool, json_format, message_factory
from google.rpc import error_details_pb2
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import (
    ProtoReflectionDescriptorDatabase,
)
from grpc_status import rpc_status

from tests.e2e.simcontrol import futures_btc, futures_btc_set
from tests.e2e.stack import Stack, running_stack, wait_until

pytestmark = pytest.mark.e2e

DB = "riskmonitor_e2e_grpc"
RISK = "riskmonitor.v1.RiskMonitoringService"
ALERTS = "riskmonitor.v1.AlertManagementService"
LIMIT_KEY = "position_limits.BTC-USD.max_long"
IN_FLIGHT_KEY = "position_limits.ETH-USD.max_long"  # one open proposal per limit: another one


class ReflectedClient:
    """Calls any method of the server by its name, with messages built from the descriptors the
    server's reflection service returns (no generated code of ours)."""

    def __init__(self, channel: grpc.Channel, token: str = "") -> None:
        self.channel = channel
        self.database = ProtoReflectionDescriptorDatabase(channel)
        self.pool = descriptor_pool.DescriptorPool(self.database)
        self.token = token

    def services(self) -> list[str]:
        return list(self.database.get_services())

    def with_token(self, token: str) -> ReflectedClient:
        client = ReflectedClient.__new__(ReflectedClient)
        client.__dict__.update(self.__dict__, token=token)
        return client

    def message(self, name: str, **fields: Any) -> Any:
        cls = message_factory.GetMessageClass(self.pool.FindMessageTypeByName(name))
        return json_format.ParseDict(fields, cls())

    def _method(self, service: str, method: str) -> Any:
        found = self.pool.FindServiceByName(service).methods_by_name[method]
        reply_class = message_factory.GetMessageClass(found.output_type)
        request_class = message_factory.GetMessageClass(found.input_type)
        call = self.channel.unary_unary(
            f"/{service}/{method}",
            request_serializer=lambda m: m.SerializeToString(),
            response_deserializer=reply_class.FromString,
        )
        return call, request_class

    def call(self, service: str, method: str, **fields: Any) -> Any:
        return self.future(service, method, **fields).result()

    def future(self, service: str, method: str, **fields: Any) -> Any:
        call, request_class = self._method(service, method)
        request = json_format.ParseDict(fields, request_class())
        metadata = (("authorization", f"Token {self.token}"),) if self.token else ()
        return call.future(request, metadata=metadata, timeout=60)

    def as_reply(self, service: str, method: str, rest_body: dict[str, Any]) -> Any:
        """REST's JSON parsed into the method's reply type, to compare with gRPC's reply."""
        found = self.pool.FindServiceByName(service).methods_by_name[method]
        cls = message_factory.GetMessageClass(found.output_type)
        return json_format.ParseDict(rest_body, cls(), ignore_unknown_fields=True)


def _cleared(message: Any, names: tuple[str, ...]) -> Any:
    """``message`` with the fields ``names`` cleared at every depth."""
    for field, value in message.ListFields():
        if field.name in names:
            message.ClearField(field.name)
        elif field.message_type is not None and not field.message_type.GetOptions().map_entry:
            for item in value if field.is_repeated else [value]:
                _cleared(item, names)
    return message


def _refused(call: Any) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as refused:
        call()
    return refused.value


def _violations(error: grpc.RpcError) -> dict[str, str]:
    status = rpc_status.from_call(error)
    assert status is not None, error
    bad_request = error_details_pb2.BadRequest()
    assert status.details[0].Unpack(bad_request)
    return {v.field: v.description for v in bad_request.field_violations}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp("grpc")
    env = {"RISK_CHECK_INTERVAL_SECONDS": "2"}
    with running_stack(tmp, database=DB, redis_db=10, env=env, grpc=True) as running:
        yield running


@pytest.fixture(scope="module")
def tokens(stack: Stack) -> dict[str, str]:
    return {role: stack.token_for(f"grpc-{role}", role) for role in ("risk_officer", "trader")}


@pytest.fixture(scope="module")
def breach(stack: Stack, tokens: dict[str, str]) -> dict[str, Any]:
    """A BTC position breach (15 against max_long 10), then the cycles stopped so REST and gRPC
    read the same snapshot."""
    officer = stack.api(tokens["risk_officer"])
    status = f"{stack.web_url}/api/v1/risk/status"
    wait_until(lambda: officer.get(status, timeout=10).status_code == 200, 90, what="a snapshot")
    positions = officer.get(f"{stack.web_url}/api/v1/positions/summary", timeout=10).json()
    net = next(p for p in positions["positions"] if p["symbol"] == "BTC-USD")["net_size"]
    futures_btc_set(stack, futures_btc(stack) + (15.0 - float(net)))
    active = f"{stack.web_url}/api/v1/alerts/active"
    params = {"breach_type": "position_limit_long"}
    [alert] = wait_until(
        lambda: officer.get(active, params=params, timeout=10).json()["alerts"], 60, what="alert"
    )
    beat = stack.processes["beat"]
    beat.terminate()
    beat.wait(timeout=15)
    last = {"id": None}

    def settled() -> bool:  # two reads 3 s apart (over one interval) see the same snapshot
        now = officer.get(status, timeout=10).json()["snapshot_id"]
        same, last["id"] = now == last["id"], now
        return same

    wait_until(settled, 60, interval=3, what="the cycles to stop")
    return alert


@pytest.fixture(scope="module")
def channel(stack: Stack) -> Iterator[grpc.Channel]:
    assert stack.grpc_target
    with grpc.insecure_channel(stack.grpc_target) as opened:
        yield opened


@pytest.fixture(scope="module")
def client(channel: grpc.Channel, tokens: dict[str, str]) -> ReflectedClient:
    return ReflectedClient(channel, tokens["risk_officer"])


def test_it_discovers_both_services_by_reflection(client: ReflectedClient) -> None:
    services = set(client.services())
    assert {RISK, ALERTS} <= services
    risk = client.pool.FindServiceByName(RISK)
    assert set(risk.methods_by_name) == {
        "GetRiskStatus", "GetPositions", "GetPortfolioSummary", "GetComplianceStatus", "GetAlerts",
    }  # fmt: skip
    alerts = client.pool.FindServiceByName(ALERTS)
    assert set(alerts.methods_by_name) == {
        "AcknowledgeAlert", "EscalateAlert", "GetAlertHistory", "UpdateRiskLimits",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("method", "path", "fields"),
    [
        ("GetRiskStatus", "/api/v1/risk/status", {}),
        ("GetPositions", "/api/v1/positions/summary", {}),
        ("GetPortfolioSummary", "/api/v1/portfolio/pnl", {"history": "24h"}),
        ("GetAlerts", "/api/v1/alerts/active", {}),
        ("GetComplianceStatus", "/api/v1/compliance/status", {"portfolio": "main"}),
    ],
)
def test_it_returns_rests_figures_for_the_same_snapshot(
    stack: Stack, breach: dict[str, Any], client: ReflectedClient, method: str, path: str,
    fields: dict[str, str],
) -> None:  # fmt: skip
    reply = client.call(RISK, method, **fields)
    rest = stack.api(client.token).get(f"{stack.web_url}{path}", params=fields, timeout=10)
    body = rest.json()
    expected = client.as_reply(RISK, method, body)
    # What depends on the moment of each call: the snapshot's age, when compliance was checked,
    # the time in breach so far (an open breach counts up to the call).
    moment = ("age_seconds", "checked_at", "breach_seconds_today")
    assert _cleared(reply, moment) == _cleared(expected, moment)
    assert reply.ByteSize() > 0


def test_it_returns_the_compliance_status_with_the_breach(
    breach: dict[str, Any], client: ReflectedClient
) -> None:
    reply = client.call(RISK, "GetComplianceStatus", portfolio="main")
    [main] = reply.portfolios
    assert main.status == "breach"
    limit = next(limit for limit in main.limits if limit.limit_key == LIMIT_KEY)
    assert limit.state == "breach"
    assert limit.utilization == pytest.approx(breach["utilization"])


def test_it_acknowledges_escalates_and_shows_the_history(
    breach: dict[str, Any], client: ReflectedClient
) -> None:
    alert_id = breach["alert_id"]
    acknowledged = client.call(ALERTS, "AcknowledgeAlert", alert_id=alert_id, comment="reducing")
    assert acknowledged.alert.status == "acknowledged"
    escalated = client.call(ALERTS, "EscalateAlert", alert_id=alert_id, reason="needs the CRO")
    assert escalated.alert.escalation_tier == 1 and list(escalated.escalated_to)

    history = client.call(ALERTS, "GetAlertHistory", alert_id=alert_id)
    kinds = [event.kind for event in history.events]
    assert kinds[0] == "opened" and {"acknowledged", "escalated"} <= set(kinds)
    assert history.alert.alert_id == alert_id


def test_it_proposes_a_limit_change_for_a_second_officer(
    stack: Stack, breach: dict[str, Any], client: ReflectedClient
) -> None:
    reply = client.call(ALERTS, "UpdateRiskLimits", limit_key=LIMIT_KEY, value="12", reason="grow")
    assert reply.request.status == "proposed"
    assert reply.request.after.value == "12"
    limits = stack.api(client.token).get(f"{stack.web_url}/api/v1/limits/current", timeout=10)
    pending = [r["id"] for r in limits.json()["pending_requests"]]
    assert int(reply.request.id) in pending


def test_it_refuses_a_bad_token(breach: dict[str, Any], client: ReflectedClient) -> None:
    stranger = client.with_token("0" * 40)
    error = _refused(lambda: stranger.call(RISK, "GetRiskStatus"))
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED
    error = _refused(lambda: client.with_token("").call(ALERTS, "UpdateRiskLimits"))
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED


def test_it_forbids_a_trader_to_update_limits(
    breach: dict[str, Any], client: ReflectedClient, tokens: dict[str, str]
) -> None:
    trader = client.with_token(tokens["trader"])
    assert trader.call(RISK, "GetRiskStatus").snapshot_id  # a trader may read
    error = _refused(
        lambda: trader.call(ALERTS, "UpdateRiskLimits", limit_key=LIMIT_KEY, value="99", reason="x")
    )
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED


def test_it_names_the_bad_field(breach: dict[str, Any], client: ReflectedClient) -> None:
    error = _refused(lambda: client.call(RISK, "GetPortfolioSummary", history="forever"))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert set(_violations(error)) == {"history"}
    error = _refused(
        lambda: client.call(ALERTS, "UpdateRiskLimits", limit_key=LIMIT_KEY, value="x", reason="r")
    )
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert set(_violations(error)) == {"value"}
    # Well-formed but of the wrong sign for a long limit: REST's 409, not a bad field.
    error = _refused(
        lambda: client.call(ALERTS, "UpdateRiskLimits", limit_key=LIMIT_KEY, value="-1", reason="r")
    )
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
    error = _refused(lambda: client.call(ALERTS, "GetAlertHistory", alert_id="alert-999999"))
    assert error.code() == grpc.StatusCode.NOT_FOUND


def _lock_waiters(database: str) -> int:
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{database}") as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
            (database,),
        ).fetchone()
    return int(row[0]) if row else 0


def test_it_finishes_a_call_in_flight_on_sigterm_and_exits_0(
    stack: Stack, breach: dict[str, Any], client: ReflectedClient
) -> None:
    """Runs last: it stops the server. The call in flight waits on a row lock this test holds,
    so it is still running when SIGTERM arrives."""
    server = stack.processes["grpc"]
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{DB}") as conn:
        conn.execute("SELECT id FROM limits_limit WHERE key = %s FOR UPDATE", (IN_FLIGHT_KEY,))
        in_flight = client.future(
            ALERTS, "UpdateRiskLimits", limit_key=IN_FLIGHT_KEY, value="210", reason="in flight"
        )
        wait_until(lambda: _lock_waiters(DB) >= 1, 30, interval=0.2, what="the call to block")
        server.send_signal(signal.SIGTERM)
        time.sleep(1.0)
        assert server.poll() is None, "the server exited with a call in flight"
        after = _refused(lambda: client.call(RISK, "GetRiskStatus"))
        assert after.code() == grpc.StatusCode.UNAVAILABLE  # no new call once stopping
        conn.commit()  # release the lock: the call in flight may finish

    reply = in_flight.result(timeout=30)
    assert reply.request.after.value == "210"
    assert server.wait(timeout=30) == 0
    assert "gRPC stopped" in stack.log_tail("grpc")
