from __future__ import annotations

import socket

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from apps.core.grpc_server import build_server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def grpc_channel():
    port = _free_port()
    server = build_server(port)
    server.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    yield channel
    channel.close()
    server.stop(grace=0)


def test_it_reports_serving_on_the_standard_health_service(grpc_channel):
    stub = health_pb2_grpc.HealthStub(grpc_channel)
    response = stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=5)
    assert response.status == health_pb2.HealthCheckResponse.SERVING


def test_it_refuses_any_other_method_without_a_token(grpc_channel):
    call = grpc_channel.unary_unary("/riskmonitor.v1.Risk/GetStatus")
    with pytest.raises(grpc.RpcError) as refused:
        call(b"", timeout=5)
    assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_it_lists_the_registered_services_in_reflection(grpc_channel):
    from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

    stub = reflection_pb2_grpc.ServerReflectionStub(grpc_channel)
    request = reflection_pb2.ServerReflectionRequest(list_services="")
    [response] = list(stub.ServerReflectionInfo(iter([request]), timeout=5))
    names = {s.name for s in response.list_services_response.service}
    assert names == {
        "grpc.health.v1.Health",
        "grpc.reflection.v1alpha.ServerReflection",
        "riskmonitor.v1.RiskMonitoringService",
        "riskmonitor.v1.AlertManagementService",
    }


@pytest.mark.parametrize(
    "service", ["riskmonitor.v1.RiskMonitoringService", "riskmonitor.v1.AlertManagementService"]
)
def test_it_reports_each_product_service_serving(grpc_channel, service):
    stub = health_pb2_grpc.HealthStub(grpc_channel)
    response = stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=5)
    assert response.status == health_pb2.HealthCheckResponse.SERVING


def test_it_reports_not_serving_once_shutting_down():
    port = _free_port()
    server = build_server(port)
    server.start()
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        server.health.enter_graceful_shutdown()
        response = stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=5)
    server.stop(grace=0)
    assert response.status == health_pb2.HealthCheckResponse.NOT_SERVING
