import datetime

from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from riskmonitor.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class AckAlertRequest(_message.Message):
    __slots__ = ("alert_id", "comment")
    ALERT_ID_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    alert_id: str
    comment: str
    def __init__(self, alert_id: _Optional[str] = ..., comment: _Optional[str] = ...) -> None: ...

class AckAlertResponse(_message.Message):
    __slots__ = ("alert",)
    ALERT_FIELD_NUMBER: _ClassVar[int]
    alert: _common_pb2.Alert
    def __init__(self, alert: _Optional[_Union[_common_pb2.Alert, _Mapping]] = ...) -> None: ...

class EscalateRequest(_message.Message):
    __slots__ = ("alert_id", "reason")
    ALERT_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    alert_id: str
    reason: str
    def __init__(self, alert_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class EscalateResponse(_message.Message):
    __slots__ = ("alert", "escalated_to")
    ALERT_FIELD_NUMBER: _ClassVar[int]
    ESCALATED_TO_FIELD_NUMBER: _ClassVar[int]
    alert: _common_pb2.Alert
    escalated_to: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, alert: _Optional[_Union[_common_pb2.Alert, _Mapping]] = ..., escalated_to: _Optional[_Iterable[str]] = ...) -> None: ...

class AlertHistoryRequest(_message.Message):
    __slots__ = ("alert_id",)
    ALERT_ID_FIELD_NUMBER: _ClassVar[int]
    alert_id: str
    def __init__(self, alert_id: _Optional[str] = ...) -> None: ...

class AlertHistoryEvent(_message.Message):
    __slots__ = ("sequence", "timestamp", "kind", "event_type", "actor", "severity", "status", "utilization", "details")
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    EVENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    UTILIZATION_FIELD_NUMBER: _ClassVar[int]
    DETAILS_FIELD_NUMBER: _ClassVar[int]
    sequence: int
    timestamp: _timestamp_pb2.Timestamp
    kind: str
    event_type: str
    actor: str
    severity: str
    status: str
    utilization: float
    details: _struct_pb2.Struct
    def __init__(self, sequence: _Optional[int] = ..., timestamp: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., kind: _Optional[str] = ..., event_type: _Optional[str] = ..., actor: _Optional[str] = ..., severity: _Optional[str] = ..., status: _Optional[str] = ..., utilization: _Optional[float] = ..., details: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class AlertHistoryResponse(_message.Message):
    __slots__ = ("alert", "events")
    ALERT_FIELD_NUMBER: _ClassVar[int]
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    alert: _common_pb2.Alert
    events: _containers.RepeatedCompositeFieldContainer[AlertHistoryEvent]
    def __init__(self, alert: _Optional[_Union[_common_pb2.Alert, _Mapping]] = ..., events: _Optional[_Iterable[_Union[AlertHistoryEvent, _Mapping]]] = ...) -> None: ...

class UpdateLimitsRequest(_message.Message):
    __slots__ = ("limit_key", "limit_id", "value", "warn_at_utilization", "enabled", "reason")
    LIMIT_KEY_FIELD_NUMBER: _ClassVar[int]
    LIMIT_ID_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    WARN_AT_UTILIZATION_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    limit_key: str
    limit_id: int
    value: str
    warn_at_utilization: str
    enabled: bool
    reason: str
    def __init__(self, limit_key: _Optional[str] = ..., limit_id: _Optional[int] = ..., value: _Optional[str] = ..., warn_at_utilization: _Optional[str] = ..., enabled: _Optional[bool] = ..., reason: _Optional[str] = ...) -> None: ...

class LimitState(_message.Message):
    __slots__ = ("value", "warn_at_utilization", "enabled")
    VALUE_FIELD_NUMBER: _ClassVar[int]
    WARN_AT_UTILIZATION_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    value: str
    warn_at_utilization: str
    enabled: bool
    def __init__(self, value: _Optional[str] = ..., warn_at_utilization: _Optional[str] = ..., enabled: _Optional[bool] = ...) -> None: ...

class LimitChangeRequest(_message.Message):
    __slots__ = ("id", "limit_id", "limit_key", "status", "before", "after", "reason", "proposed_by", "proposed_at", "expires_at", "decided_by", "decided_at", "decision_comment")
    ID_FIELD_NUMBER: _ClassVar[int]
    LIMIT_ID_FIELD_NUMBER: _ClassVar[int]
    LIMIT_KEY_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    BEFORE_FIELD_NUMBER: _ClassVar[int]
    AFTER_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    PROPOSED_BY_FIELD_NUMBER: _ClassVar[int]
    PROPOSED_AT_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    DECIDED_BY_FIELD_NUMBER: _ClassVar[int]
    DECIDED_AT_FIELD_NUMBER: _ClassVar[int]
    DECISION_COMMENT_FIELD_NUMBER: _ClassVar[int]
    id: int
    limit_id: int
    limit_key: str
    status: str
    before: LimitState
    after: LimitState
    reason: str
    proposed_by: str
    proposed_at: _timestamp_pb2.Timestamp
    expires_at: _timestamp_pb2.Timestamp
    decided_by: str
    decided_at: _timestamp_pb2.Timestamp
    decision_comment: str
    def __init__(self, id: _Optional[int] = ..., limit_id: _Optional[int] = ..., limit_key: _Optional[str] = ..., status: _Optional[str] = ..., before: _Optional[_Union[LimitState, _Mapping]] = ..., after: _Optional[_Union[LimitState, _Mapping]] = ..., reason: _Optional[str] = ..., proposed_by: _Optional[str] = ..., proposed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., decided_by: _Optional[str] = ..., decided_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., decision_comment: _Optional[str] = ...) -> None: ...

class UpdateLimitsResponse(_message.Message):
    __slots__ = ("request",)
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    request: LimitChangeRequest
    def __init__(self, request: _Optional[_Union[LimitChangeRequest, _Mapping]] = ...) -> None: ...
