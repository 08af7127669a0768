"""The messages carry the fields REST returns: each proto message has exactly the fields of the
REST output it mirrors, nested messages included, so a field added on one side fails here."""

from __future__ import annotations

from typing import Any

import pytest
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from rest_framework import serializers

from apps.alerts.apis import (
    AlertAcknowledgeApi,
    AlertHistoryApi,
    AlertOutputSerializer,
    AlertPageOutputSerializer,
    AlertQuerySerializer,
)
from apps.limits.apis import ChangeRequestOutput, LimitChangeProposeApi
from apps.monitoring.compliance_apis import ComplianceStatusApi
from apps.risk.apis import PortfolioPnlApi, PositionsSummaryApi, RiskStatusApi
from riskmonitor.v1 import alert_management_pb2 as am
from riskmonitor.v1 import common_pb2 as common
from riskmonitor.v1 import risk_monitoring_pb2 as rm


def _nested(field: FieldDescriptor) -> Descriptor | None:
    message = field.message_type
    if message is not None and message.GetOptions().map_entry:
        return message.fields_by_name["value"].message_type  # a map: its values' type
    return message


def _differences(serializer: serializers.BaseSerializer[Any], message: Descriptor) -> list[str]:
    rest = dict(serializer.fields)
    found = [f"{message.name}: REST has {n}" for n in set(rest) - set(message.fields_by_name)]
    found += [f"{message.name}: REST lacks {n}" for n in set(message.fields_by_name) - set(rest)]
    for name, field in rest.items():
        proto = message.fields_by_name.get(name)
        inner = field.child if isinstance(field, serializers.ListSerializer) else field
        if isinstance(field, serializers.DictField) and isinstance(
            field.child, serializers.Serializer
        ):
            inner = field.child
        nested = _nested(proto) if proto else None
        if isinstance(inner, serializers.Serializer) and nested is not None:
            found += _differences(inner, nested)
    return found


OUTPUTS = [
    (RiskStatusApi.OutputSerializer, rm.RiskStatus),
    (PositionsSummaryApi.OutputSerializer, rm.PositionsResponse),
    (PortfolioPnlApi.OutputSerializer, rm.PortfolioSummary),
    (AlertOutputSerializer, common.Alert),
    (ChangeRequestOutput, am.LimitChangeRequest),
    (ComplianceStatusApi.OutputSerializer, rm.ComplianceStatus),
    (AlertPageOutputSerializer, rm.AlertsResponse),
    (AlertHistoryApi.OutputSerializer, am.AlertHistoryResponse),
    (AlertAcknowledgeApi.InputSerializer, am.AckAlertRequest),
]


@pytest.mark.parametrize(("serializer", "message"), OUTPUTS, ids=lambda v: v.__name__)
def test_it_mirrors_the_rest_output_field_for_field(serializer: Any, message: Any) -> None:
    assert _differences(serializer(), message.DESCRIPTOR) == []


def test_it_takes_the_fields_of_the_rest_limit_proposal() -> None:
    rest = set(LimitChangeProposeApi.InputSerializer().fields)
    assert rest == set(am.UpdateLimitsRequest.DESCRIPTOR.fields_by_name)


def test_it_takes_the_filters_and_paging_of_the_rest_alert_lists() -> None:
    rest = set(AlertQuerySerializer().fields)
    assert rest | {"include_resolved"} == set(rm.GetAlertsRequest.DESCRIPTOR.fields_by_name)
