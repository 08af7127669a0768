import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Alert(_message.Message):
    __slots__ = ("id", "alert_id", "portfolio_id", "limit_id", "limit_key", "breach_type", "scope_kind", "scope", "severity", "peak_severity", "status", "current", "limit", "utilization", "opening_level", "unit", "opened_at", "updated_at", "resolved_at", "acknowledged_by", "acknowledged_at", "ack_comment", "escalation_tier", "next_escalation_at", "last_notified_at", "correlation_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    ALERT_ID_FIELD_NUMBER: _ClassVar[int]
    PORTFOLIO_ID_FIELD_NUMBER: _ClassVar[int]
    LIMIT_ID_FIELD_NUMBER: _ClassVar[int]
    LIMIT_KEY_FIELD_NUMBER: _ClassVar[int]
    BREACH_TYPE_FIELD_NUMBER: _ClassVar[int]
    SCOPE_KIND_FIELD_NUMBER: _ClassVar[int]
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    PEAK_SEVERITY_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    CURRENT_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    UTILIZATION_FIELD_NUMBER: _ClassVar[int]
    OPENING_LEVEL_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    OPENED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    RESOLVED_AT_FIELD_NUMBER: _ClassVar[int]
    ACKNOWLEDGED_BY_FIELD_NUMBER: _ClassVar[int]
    ACKNOWLEDGED_AT_FIELD_NUMBER: _ClassVar[int]
    ACK_COMMENT_FIELD_NUMBER: _ClassVar[int]
    ESCALATION_TIER_FIELD_NUMBER: _ClassVar[int]
    NEXT_ESCALATION_AT_FIELD_NUMBER: _ClassVar[int]
    LAST_NOTIFIED_AT_FIELD_NUMBER: _ClassVar[int]
    CORRELATION_ID_FIELD_NUMBER: _ClassVar[int]
    id: int
    alert_id: str
    portfolio_id: int
    limit_id: int
    limit_key: str
    breach_type: str
    scope_kind: str
    scope: str
    severity: str
    peak_severity: str
    status: str
    current: float
    limit: float
    utilization: float
    opening_level: float
    unit: str
    opened_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    resolved_at: _timestamp_pb2.Timestamp
    acknowledged_by: str
    acknowledged_at: _timestamp_pb2.Timestamp
    ack_comment: str
    escalation_tier: int
    next_escalation_at: _timestamp_pb2.Timestamp
    last_notified_at: _timestamp_pb2.Timestamp
    correlation_id: str
    def __init__(self, id: _Optional[int] = ..., alert_id: _Optional[str] = ..., portfolio_id: _Optional[int] = ..., limit_id: _Optional[int] = ..., limit_key: _Optional[str] = ..., breach_type: _Optional[str] = ..., scope_kind: _Optional[str] = ..., scope: _Optional[str] = ..., severity: _Optional[str] = ..., peak_severity: _Optional[str] = ..., status: _Optional[str] = ..., current: _Optional[float] = ..., limit: _Optional[float] = ..., utilization: _Optional[float] = ..., opening_level: _Optional[float] = ..., unit: _Optional[str] = ..., opened_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., resolved_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., acknowledged_by: _Optional[str] = ..., acknowledged_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., ack_comment: _Optional[str] = ..., escalation_tier: _Optional[int] = ..., next_escalation_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_notified_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., correlation_id: _Optional[str] = ...) -> None: ...

class StaleSource(_message.Message):
    __slots__ = ("source", "as_of", "age_seconds", "refresh_interval_seconds", "overdue_seconds", "reason")
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    AGE_SECONDS_FIELD_NUMBER: _ClassVar[int]
    REFRESH_INTERVAL_SECONDS_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_SECONDS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    source: str
    as_of: _timestamp_pb2.Timestamp
    age_seconds: float
    refresh_interval_seconds: float
    overdue_seconds: float
    reason: str
    def __init__(self, source: _Optional[str] = ..., as_of: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., age_seconds: _Optional[float] = ..., refresh_interval_seconds: _Optional[float] = ..., overdue_seconds: _Optional[float] = ..., reason: _Optional[str] = ...) -> None: ...
