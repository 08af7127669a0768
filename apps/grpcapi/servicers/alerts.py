"""AlertManagementService: acknowledge, escalate, history, and the four-eyes limit proposal, over
the same services as REST (apps.grpcapi.doors)."""

from __future__ import annotations

from typing import Any

import grpc
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated

from apps.alerts.apis import (
    AlertAcknowledgeApi,
    AlertHistoryApi,
    AlertIdField,
    AlertOutputSerializer,
)
from apps.alerts.models import Alert
from apps.alerts.selectors import alert_history
from apps.alerts.services import alert_acknowledge, alert_escalate
from apps.alerts.services.escalate import ESCALATE_PERMISSION, REASON_MAX_LENGTH
from apps.core.grpc_server import grpc_user
from apps.core.permissions import HasPermission
from apps.grpcapi.doors import PermissionClasses, door, render, request_data, valid
from apps.limits import services as limit_services
from apps.limits.apis import ChangeRequestOutput, LimitChangeProposeApi, refusal
from apps.limits.errors import LimitError
from riskmonitor.v1 import alert_management_pb2 as pb
from riskmonitor.v1.alert_management_pb2_grpc import AlertManagementServiceServicer


class HistoryInput(serializers.Serializer[dict[str, Any]]):
    alert_id = AlertIdField()


class EscalateInput(serializers.Serializer[dict[str, Any]]):
    alert_id = AlertIdField()
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH)


ESCALATE_PERMISSIONS: PermissionClasses = [IsAuthenticated, HasPermission.of(ESCALATE_PERMISSION)]


def _no_alert(alert_id: int) -> NotFound:
    return NotFound(f"alert-{alert_id} does not exist")


def _proposal_data(request: pb.UpdateLimitsRequest) -> dict[str, Any]:
    """The proposal as REST's body: an empty warn_at_utilization clears it (REST's null)."""
    data = request_data(request)
    if data.get("warn_at_utilization") == "":
        data["warn_at_utilization"] = None
    return data


class AlertManagementServicer(AlertManagementServiceServicer):
    @door(AlertAcknowledgeApi.permission_classes)
    def AcknowledgeAlert(
        self, request: pb.AckAlertRequest, context: grpc.ServicerContext
    ) -> pb.AckAlertResponse:
        body = valid(AlertAcknowledgeApi.InputSerializer, request_data(request))
        try:
            alert = alert_acknowledge(user=grpc_user(), **body)
        except Alert.DoesNotExist:
            raise _no_alert(body["alert_id"]) from None
        return render({"alert": AlertOutputSerializer(alert).data}, pb.AckAlertResponse)

    @door(ESCALATE_PERMISSIONS)
    def EscalateAlert(
        self, request: pb.EscalateRequest, context: grpc.ServicerContext
    ) -> pb.EscalateResponse:
        body = valid(EscalateInput, request_data(request))
        try:
            escalation = alert_escalate(user=grpc_user(), **body)
        except Alert.DoesNotExist:
            raise _no_alert(body["alert_id"]) from None
        output = {
            "alert": AlertOutputSerializer(escalation.alert).data,
            "escalated_to": list(escalation.escalated_to),
        }
        return render(output, pb.EscalateResponse)

    @door(AlertHistoryApi.permission_classes)
    def GetAlertHistory(
        self, request: pb.AlertHistoryRequest, context: grpc.ServicerContext
    ) -> pb.AlertHistoryResponse:
        alert_id = valid(HistoryInput, request_data(request))["alert_id"]
        try:
            history = alert_history(alert_id=alert_id)
        except Alert.DoesNotExist:
            raise _no_alert(alert_id) from None
        return render(AlertHistoryApi.OutputSerializer(history).data, pb.AlertHistoryResponse)

    @door(LimitChangeProposeApi.permission_classes)
    def UpdateRiskLimits(
        self, request: pb.UpdateLimitsRequest, context: grpc.ServicerContext
    ) -> pb.UpdateLimitsResponse:
        data = valid(LimitChangeProposeApi.InputSerializer, _proposal_data(request))
        try:
            created = limit_services.limit_change_propose(
                proposer=grpc_user(),
                reason=data["reason"],
                limit_key=data.get("limit_key"),
                limit_id=data.get("limit_id"),
                value=data.get("value"),
                warn_at_utilization=data.get("warn_at_utilization", limit_services.KEEP),
                enabled=data.get("enabled"),
            )
        except LimitError as exc:
            raise refusal(exc) from None
        return render({"request": ChangeRequestOutput(created).data}, pb.UpdateLimitsResponse)
