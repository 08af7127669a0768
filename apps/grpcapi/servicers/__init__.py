"""The product's gRPC services, registered with the server by the app's ``ready()``."""

from __future__ import annotations

import grpc

from apps.core.grpc_server import GrpcService
from apps.grpcapi.servicers.alerts import AlertManagementServicer
from apps.grpcapi.servicers.risk import RiskMonitoringServicer
from riskmonitor.v1 import (
    alert_management_pb2,
    alert_management_pb2_grpc,
    risk_monitoring_pb2,
    risk_monitoring_pb2_grpc,
)


def _add_risk_monitoring(server: grpc.Server) -> None:
    add = risk_monitoring_pb2_grpc.add_RiskMonitoringServiceServicer_to_server
    add(RiskMonitoringServicer(), server)  # type: ignore[no-untyped-call]  # generated


def _add_alert_management(server: grpc.Server) -> None:
    add = alert_management_pb2_grpc.add_AlertManagementServiceServicer_to_server
    add(AlertManagementServicer(), server)  # type: ignore[no-untyped-call]  # generated


RISK_MONITORING = risk_monitoring_pb2.DESCRIPTOR.services_by_name["RiskMonitoringService"]
ALERT_MANAGEMENT = alert_management_pb2.DESCRIPTOR.services_by_name["AlertManagementService"]

GRPC_SERVICES = (
    GrpcService(name=RISK_MONITORING.full_name, add_to=_add_risk_monitoring),
    GrpcService(name=ALERT_MANAGEMENT.full_name, add_to=_add_alert_management),
)
