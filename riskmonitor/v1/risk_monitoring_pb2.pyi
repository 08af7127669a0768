import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from riskmonitor.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class RiskStatusRequest(_message.Message):
    __slots__ = ("portfolio",)
    PORTFOLIO_FIELD_NUMBER: _ClassVar[int]
    portfolio: str
    def __init__(self, portfolio: _Optional[str] = ...) -> None: ...

class HeadlinePnl(_message.Message):
    __slots__ = ("total_pnl", "unrealized_pnl", "realized_today", "daily_pnl", "start_of_day_source")
    TOTAL_PNL_FIELD_NUMBER: _ClassVar[int]
    UNREALIZED_PNL_FIELD_NUMBER: _ClassVar[int]
    REALIZED_TODAY_FIELD_NUMBER: _ClassVar[int]
    DAILY_PNL_FIELD_NUMBER: _ClassVar[int]
    START_OF_DAY_SOURCE_FIELD_NUMBER: _ClassVar[int]
    total_pnl: float
    unrealized_pnl: float
    realized_today: float
    daily_pnl: float
    start_of_day_source: str
    def __init__(self, total_pnl: _Optional[float] = ..., unrealized_pnl: _Optional[float] = ..., realized_today: _Optional[float] = ..., daily_pnl: _Optional[float] = ..., start_of_day_source: _Optional[str] = ...) -> None: ...

class Delta(_message.Message):
    __slots__ = ("units", "usd", "usd_complete")
    UNITS_FIELD_NUMBER: _ClassVar[int]
    USD_FIELD_NUMBER: _ClassVar[int]
    USD_COMPLETE_FIELD_NUMBER: _ClassVar[int]
    units: float
    usd: float
    usd_complete: bool
    def __init__(self, units: _Optional[float] = ..., usd: _Optional[float] = ..., usd_complete: _Optional[bool] = ...) -> None: ...

class HeadlineExposure(_message.Message):
    __slots__ = ("gross_notional", "net_notional", "total_notional", "leverage", "deltas")
    class DeltasEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: Delta
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[Delta, _Mapping]] = ...) -> None: ...
    GROSS_NOTIONAL_FIELD_NUMBER: _ClassVar[int]
    NET_NOTIONAL_FIELD_NUMBER: _ClassVar[int]
    TOTAL_NOTIONAL_FIELD_NUMBER: _ClassVar[int]
    LEVERAGE_FIELD_NUMBER: _ClassVar[int]
    DELTAS_FIELD_NUMBER: _ClassVar[int]
    gross_notional: float
    net_notional: float
    total_notional: float
    leverage: float
    deltas: _containers.MessageMap[str, Delta]
    def __init__(self, gross_notional: _Optional[float] = ..., net_notional: _Optional[float] = ..., total_notional: _Optional[float] = ..., leverage: _Optional[float] = ..., deltas: _Optional[_Mapping[str, Delta]] = ...) -> None: ...

class HeadlineVar(_message.Message):
    __slots__ = ("historical_var_99", "parametric_var_99", "expected_shortfall_99")
    HISTORICAL_VAR_99_FIELD_NUMBER: _ClassVar[int]
    PARAMETRIC_VAR_99_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_SHORTFALL_99_FIELD_NUMBER: _ClassVar[int]
    historical_var_99: float
    parametric_var_99: float
    expected_shortfall_99: float
    def __init__(self, historical_var_99: _Optional[float] = ..., parametric_var_99: _Optional[float] = ..., expected_shortfall_99: _Optional[float] = ...) -> None: ...

class HeadlineDrawdown(_message.Message):
    __slots__ = ("drawdown", "high_water_mark")
    DRAWDOWN_FIELD_NUMBER: _ClassVar[int]
    HIGH_WATER_MARK_FIELD_NUMBER: _ClassVar[int]
    drawdown: float
    high_water_mark: float
    def __init__(self, drawdown: _Optional[float] = ..., high_water_mark: _Optional[float] = ...) -> None: ...

class Backtest(_message.Message):
    __slots__ = ("window_days", "observations", "exceptions", "expected_exceptions", "exception_rate", "kupiec_lr", "kupiec_p_value", "zone")
    WINDOW_DAYS_FIELD_NUMBER: _ClassVar[int]
    OBSERVATIONS_FIELD_NUMBER: _ClassVar[int]
    EXCEPTIONS_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_EXCEPTIONS_FIELD_NUMBER: _ClassVar[int]
    EXCEPTION_RATE_FIELD_NUMBER: _ClassVar[int]
    KUPIEC_LR_FIELD_NUMBER: _ClassVar[int]
    KUPIEC_P_VALUE_FIELD_NUMBER: _ClassVar[int]
    ZONE_FIELD_NUMBER: _ClassVar[int]
    window_days: int
    observations: int
    exceptions: int
    expected_exceptions: float
    exception_rate: float
    kupiec_lr: float
    kupiec_p_value: float
    zone: str
    def __init__(self, window_days: _Optional[int] = ..., observations: _Optional[int] = ..., exceptions: _Optional[int] = ..., expected_exceptions: _Optional[float] = ..., exception_rate: _Optional[float] = ..., kupiec_lr: _Optional[float] = ..., kupiec_p_value: _Optional[float] = ..., zone: _Optional[str] = ...) -> None: ...

class HypotheticalBacktest(_message.Message):
    __slots__ = ("window_days", "observations", "exceptions", "expected_exceptions", "exception_rate", "kupiec_lr", "kupiec_p_value", "zone", "lookback_days", "history_days", "estimation_days", "short_history")
    WINDOW_DAYS_FIELD_NUMBER: _ClassVar[int]
    OBSERVATIONS_FIELD_NUMBER: _ClassVar[int]
    EXCEPTIONS_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_EXCEPTIONS_FIELD_NUMBER: _ClassVar[int]
    EXCEPTION_RATE_FIELD_NUMBER: _ClassVar[int]
    KUPIEC_LR_FIELD_NUMBER: _ClassVar[int]
    KUPIEC_P_VALUE_FIELD_NUMBER: _ClassVar[int]
    ZONE_FIELD_NUMBER: _ClassVar[int]
    LOOKBACK_DAYS_FIELD_NUMBER: _ClassVar[int]
    HISTORY_DAYS_FIELD_NUMBER: _ClassVar[int]
    ESTIMATION_DAYS_FIELD_NUMBER: _ClassVar[int]
    SHORT_HISTORY_FIELD_NUMBER: _ClassVar[int]
    window_days: int
    observations: int
    exceptions: int
    expected_exceptions: float
    exception_rate: float
    kupiec_lr: float
    kupiec_p_value: float
    zone: str
    lookback_days: int
    history_days: int
    estimation_days: int
    short_history: bool
    def __init__(self, window_days: _Optional[int] = ..., observations: _Optional[int] = ..., exceptions: _Optional[int] = ..., expected_exceptions: _Optional[float] = ..., exception_rate: _Optional[float] = ..., kupiec_lr: _Optional[float] = ..., kupiec_p_value: _Optional[float] = ..., zone: _Optional[str] = ..., lookback_days: _Optional[int] = ..., history_days: _Optional[int] = ..., estimation_days: _Optional[int] = ..., short_history: _Optional[bool] = ...) -> None: ...

class VarBacktest(_message.Message):
    __slots__ = ("hypothetical", "actual")
    HYPOTHETICAL_FIELD_NUMBER: _ClassVar[int]
    ACTUAL_FIELD_NUMBER: _ClassVar[int]
    hypothetical: HypotheticalBacktest
    actual: Backtest
    def __init__(self, hypothetical: _Optional[_Union[HypotheticalBacktest, _Mapping]] = ..., actual: _Optional[_Union[Backtest, _Mapping]] = ...) -> None: ...

class RiskStatus(_message.Message):
    __slots__ = ("portfolio", "snapshot_id", "cycle_start", "as_of", "age_seconds", "engine_version", "equity", "equity_complete", "pnl", "exposure", "var", "drawdown", "var_backtest", "stale_sources", "missing_marks", "stale_marks", "flags")
    PORTFOLIO_FIELD_NUMBER: _ClassVar[int]
    SNAPSHOT_ID_FIELD_NUMBER: _ClassVar[int]
    CYCLE_START_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    AGE_SECONDS_FIELD_NUMBER: _ClassVar[int]
    ENGINE_VERSION_FIELD_NUMBER: _ClassVar[int]
    EQUITY_FIELD_NUMBER: _ClassVar[int]
    EQUITY_COMPLETE_FIELD_NUMBER: _ClassVar[int]
    PNL_FIELD_NUMBER: _ClassVar[int]
    EXPOSURE_FIELD_NUMBER: _ClassVar[int]
    VAR_FIELD_NUMBER: _ClassVar[int]
    DRAWDOWN_FIELD_NUMBER: _ClassVar[int]
    VAR_BACKTEST_FIELD_NUMBER: _ClassVar[int]
    STALE_SOURCES_FIELD_NUMBER: _ClassVar[int]
    MISSING_MARKS_FIELD_NUMBER: _ClassVar[int]
    STALE_MARKS_FIELD_NUMBER: _ClassVar[int]
    FLAGS_FIELD_NUMBER: _ClassVar[int]
    portfolio: str
    snapshot_id: int
    cycle_start: _timestamp_pb2.Timestamp
    as_of: _timestamp_pb2.Timestamp
    age_seconds: float
    engine_version: str
    equity: float
    equity_complete: bool
    pnl: HeadlinePnl
    exposure: HeadlineExposure
    var: HeadlineVar
    drawdown: HeadlineDrawdown
    var_backtest: VarBacktest
    stale_sources: _containers.RepeatedCompositeFieldContainer[_common_pb2.StaleSource]
    missing_marks: _containers.RepeatedScalarFieldContainer[str]
    stale_marks: _containers.RepeatedScalarFieldContainer[str]
    flags: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, portfolio: _Optional[str] = ..., snapshot_id: _Optional[int] = ..., cycle_start: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., as_of: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., age_seconds: _Optional[float] = ..., engine_version: _Optional[str] = ..., equity: _Optional[float] = ..., equity_complete: _Optional[bool] = ..., pnl: _Optional[_Union[HeadlinePnl, _Mapping]] = ..., exposure: _Optional[_Union[HeadlineExposure, _Mapping]] = ..., var: _Optional[_Union[HeadlineVar, _Mapping]] = ..., drawdown: _Optional[_Union[HeadlineDrawdown, _Mapping]] = ..., var_backtest: _Optional[_Union[VarBacktest, _Mapping]] = ..., stale_sources: _Optional[_Iterable[_Union[_common_pb2.StaleSource, _Mapping]]] = ..., missing_marks: _Optional[_Iterable[str]] = ..., stale_marks: _Optional[_Iterable[str]] = ..., flags: _Optional[_Iterable[str]] = ...) -> None: ...

class GetPositionsRequest(_message.Message):
    __slots__ = ("portfolio",)
    PORTFOLIO_FIELD_NUMBER: _ClassVar[int]
    portfolio: str
    def __init__(self, portfolio: _Optional[str] = ...) -> None: ...

class Position(_message.Message):
    __slots__ = ("symbol", "net_size", "by_venue", "mark", "mark_usd", "mark_status", "mark_source", "mark_age_seconds", "notional", "gross_notional", "net_exposure", "concentration", "unrealized_pnl", "realized_today")
    class ByVenueEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    NET_SIZE_FIELD_NUMBER: _ClassVar[int]
    BY_VENUE_FIELD_NUMBER: _ClassVar[int]
    MARK_FIELD_NUMBER: _ClassVar[int]
    MARK_USD_FIELD_NUMBER: _ClassVar[int]
    MARK_STATUS_FIELD_NUMBER: _ClassVar[int]
    MARK_SOURCE_FIELD_NUMBER: _ClassVar[int]
    MARK_AGE_SECONDS_FIELD_NUMBER: _ClassVar[int]
    NOTIONAL_FIELD_NUMBER: _ClassVar[int]
    GROSS_NOTIONAL_FIELD_NUMBER: _ClassVar[int]
    NET_EXPOSURE_FIELD_NUMBER: _ClassVar[int]
    CONCENTRATION_FIELD_NUMBER: _ClassVar[int]
    UNREALIZED_PNL_FIELD_NUMBER: _ClassVar[int]
    REALIZED_TODAY_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    net_size: float
    by_venue: _containers.ScalarMap[str, float]
    mark: float
    mark_usd: float
    mark_status: str
    mark_source: str
    mark_age_seconds: float
    notional: float
    gross_notional: float
    net_exposure: float
    concentration: float
    unrealized_pnl: float
    realized_today: float
    def __init__(self, symbol: _Optional[str] = ..., net_size: _Optional[float] = ..., by_venue: _Optional[_Mapping[str, float]] = ..., mark: _Optional[float] = ..., mark_usd: _Optional[float] = ..., mark_status: _Optional[str] = ..., mark_source: _Optional[str] = ..., mark_age_seconds: _Optional[float] = ..., notional: _Optional[float] = ..., gross_notional: _Optional[float] = ..., net_exposure: _Optional[float] = ..., concentration: _Optional[float] = ..., unrealized_pnl: _Optional[float] = ..., realized_today: _Optional[float] = ...) -> None: ...

class PositionsResponse(_message.Message):
    __slots__ = ("portfolio", "snapshot_id", "as_of", "positions", "stale_sources")
    PORTFOLIO_FIELD_NUMBER: _ClassVar[int]
    SNAPSHOT_ID_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    POSITIONS_FIELD_NUMBER: _ClassVar[int]
    STALE_SOURCES_FIELD_NUMBER: _ClassVar[int]
    portfolio: str
    snapshot_id: int
    as_of: _timestamp_pb2.Timestamp
    positions: _containers.RepeatedCompositeFieldContainer[Position]
    stale_sources: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, portfolio: _Optional[str] = ..., snapshot_id: _Optional[int] = ..., as_of: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., positions: _Optional[_Iterable[_Union[Position, _Mapping]]] = ..., stale_sources: _Optional[_Iterable[str]] = ...) -> None: ...

class PortfolioRequest(_message.Message):
    __slots__ = ("portfolio", "history")
    PORTFOLIO_FIELD_NUMBER: _ClassVar[int]
    HISTORY_FIELD_NUMBER: _ClassVar[int]
    portfolio: str
    history: str
    def __init__(self, portfolio: _Optional[str] = ..., history: _Optional[str] = ...) -> None: ...

class PnlRow(_message.Message):
    __slots__ = ("unrealized_pnl", "realized_today", "total_pnl", "complete")
    UNREALIZED_PNL_FIELD_NUMBER: _ClassVar[int]
    REALIZED_TODAY_FIELD_NUMBER: _ClassVar[int]
    TOTAL_PNL_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_FIELD_NUMBER: _ClassVar[int]
    unrealized_pnl: float
    realized_today: float
    total_pnl: float
    complete: bool
    def __init__(self, unrealized_pnl: _Optional[float] = ..., realized_today: _Optional[float] = ..., total_pnl: _Optional[float] = ..., complete: _Optional[bool] = ...) -> None: ...

class Attribution(_message.Message):
    __slots__ = ("by_strategy", "by_venue", "by_symbol")
    class ByStrategyEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: PnlRow
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[PnlRow, _Mapping]] = ...) -> None: ...
    class ByVenueEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: PnlRow
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[PnlRow, _Mapping]] = ...) -> None: ...
    class BySymbolEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: PnlRow
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[PnlRow, _Mapping]] = ...) -> None: ...
    BY_STRATEGY_FIELD_NUMBER: _ClassVar[int]
    BY_VENUE_FIELD_NUMBER: _ClassVar[int]
    BY_SYMBOL_FIELD_NUMBER: _ClassVar[int]
    by_strategy: _containers.MessageMap[str, PnlRow]
    by_venue: _containers.MessageMap[str, PnlRow]
    by_symbol: _containers.MessageMap[str, PnlRow]
    def __init__(self, by_strategy: _Optional[_Mapping[str, PnlRow]] = ..., by_venue: _Optional[_Mapping[str, PnlRow]] = ..., by_symbol: _Optional[_Mapping[str, PnlRow]] = ...) -> None: ...

class HistoryPoint(_message.Message):
    __slots__ = ("as_of", "equity", "total_pnl", "unrealized_pnl", "realized_today", "daily_pnl", "gross_notional", "net_notional", "leverage", "var_hist_99", "drawdown")
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    EQUITY_FIELD_NUMBER: _ClassVar[int]
    TOTAL_PNL_FIELD_NUMBER: _ClassVar[int]
    UNREALIZED_PNL_FIELD_NUMBER: _ClassVar[int]
    REALIZED_TODAY_FIELD_NUMBER: _ClassVar[int]
    DAILY_PNL_FIELD_NUMBER: _ClassVar[int]
    GROSS_NOTIONAL_FIELD_NUMBER: _ClassVar[int]
    NET_NOTIONAL_FIELD_NUMBER: _ClassVar[int]
    LEVERAGE_FIELD_NUMBER: _ClassVar[int]
    VAR_HIST_99_FIELD_NUMBER: _ClassVar[int]
    DRAWDOWN_FIELD_NUMBER: _ClassVar[int]
    as_of: _timestamp_pb2.Timestamp
    equity: float
    total_pnl: float
    unrealized_pnl: float
    realized_today: float
    daily_pnl: float
    gross_notional: float
    net_notional: float
    leverage: float
    var_hist_99: float
    drawdown: float
    def __init__(self, as_of: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., equity: _Optional[float] = ..., total_pnl: _Optional[float] = ..., unrealized_pnl: _Optional[float] = ..., realized_today: _Optional[float] = ..., daily_pnl: _Optional[float] = ..., gross_notional: _Optional[float] = ..., net_notional: _Optional[float] = ..., leverage: _Optional[float] = ..., var_hist_99: _Optional[float] = ..., drawdown: _Optional[float] = ...) -> None: ...

class PortfolioSummary(_message.Message):
    __slots__ = ("portfolio", "snapshot_id", "as_of", "currency", "unrealized_pnl", "realized_today", "total_pnl", "equity", "equity_complete", "equity_start_of_day", "start_of_day_timestamp", "transfers_today", "daily_pnl", "daily_loss", "start_of_day_source", "attribution", "history")
    PORTFOLIO_FIELD_NUMBER: _ClassVar[int]
    SNAPSHOT_ID_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    UNREALIZED_PNL_FIELD_NUMBER: _ClassVar[int]
    REALIZED_TODAY_FIELD_NUMBER: _ClassVar[int]
    TOTAL_PNL_FIELD_NUMBER: _ClassVar[int]
    EQUITY_FIELD_NUMBER: _ClassVar[int]
    EQUITY_COMPLETE_FIELD_NUMBER: _ClassVar[int]
    EQUITY_START_OF_DAY_FIELD_NUMBER: _ClassVar[int]
    START_OF_DAY_TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    TRANSFERS_TODAY_FIELD_NUMBER: _ClassVar[int]
    DAILY_PNL_FIELD_NUMBER: _ClassVar[int]
    DAILY_LOSS_FIELD_NUMBER: _ClassVar[int]
    START_OF_DAY_SOURCE_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTION_FIELD_NUMBER: _ClassVar[int]
    HISTORY_FIELD_NUMBER: _ClassVar[int]
    portfolio: str
    snapshot_id: int
    as_of: _timestamp_pb2.Timestamp
    currency: str
    unrealized_pnl: float
    realized_today: float
    total_pnl: float
    equity: float
    equity_complete: bool
    equity_start_of_day: float
    start_of_day_timestamp: float
    transfers_today: float
    daily_pnl: float
    daily_loss: float
    start_of_day_source: str
    attribution: Attribution
    history: _containers.RepeatedCompositeFieldContainer[HistoryPoint]
    def __init__(self, portfolio: _Optional[str] = ..., snapshot_id: _Optional[int] = ..., as_of: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., currency: _Optional[str] = ..., unrealized_pnl: _Optional[float] = ..., realized_today: _Optional[float] = ..., total_pnl: _Optional[float] = ..., equity: _Optional[float] = ..., equity_complete: _Optional[bool] = ..., equity_start_of_day: _Optional[float] = ..., start_of_day_timestamp: _Optional[float] = ..., transfers_today: _Optional[float] = ..., daily_pnl: _Optional[float] = ..., daily_loss: _Optional[float] = ..., start_of_day_source: _Optional[str] = ..., attribution: _Optional[_Union[Attribution, _Mapping]] = ..., history: _Optional[_Iterable[_Union[HistoryPoint, _Mapping]]] = ...) -> None: ...

class ComplianceRequest(_message.Message):
    __slots__ = ("portfolio",)
    PORTFOLIO_FIELD_NUMBER: _ClassVar[int]
    portfolio: str
    def __init__(self, portfolio: _Optional[str] = ...) -> None: ...

class ScopeCompliance(_message.Message):
    __slots__ = ("scope", "current", "limit", "utilization", "severity", "state")
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    CURRENT_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    UTILIZATION_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    scope: str
    current: float
    limit: float
    utilization: float
    severity: str
    state: str
    def __init__(self, scope: _Optional[str] = ..., current: _Optional[float] = ..., limit: _Optional[float] = ..., utilization: _Optional[float] = ..., severity: _Optional[str] = ..., state: _Optional[str] = ...) -> None: ...

class LimitCompliance(_message.Message):
    __slots__ = ("limit_id", "limit_key", "breach_type", "scope_kind", "scope", "unit", "enabled", "state", "utilization", "warn_at", "breach_seconds_today", "readings")
    LIMIT_ID_FIELD_NUMBER: _ClassVar[int]
    LIMIT_KEY_FIELD_NUMBER: _ClassVar[int]
    BREACH_TYPE_FIELD_NUMBER: _ClassVar[int]
    SCOPE_KIND_FIELD_NUMBER: _ClassVar[int]
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    UTILIZATION_FIELD_NUMBER: _ClassVar[int]
    WARN_AT_FIELD_NUMBER: _ClassVar[int]
    BREACH_SECONDS_TODAY_FIELD_NUMBER: _ClassVar[int]
    READINGS_FIELD_NUMBER: _ClassVar[int]
    limit_id: int
    limit_key: str
    breach_type: str
    scope_kind: str
    scope: str
    unit: str
    enabled: bool
    state: str
    utilization: float
    warn_at: float
    breach_seconds_today: float
    readings: _containers.RepeatedCompositeFieldContainer[ScopeCompliance]
    def __init__(self, limit_id: _Optional[int] = ..., limit_key: _Optional[str] = ..., breach_type: _Optional[str] = ..., scope_kind: _Optional[str] = ..., scope: _Optional[str] = ..., unit: _Optional[str] = ..., enabled: _Optional[bool] = ..., state: _Optional[str] = ..., utilization: _Optional[float] = ..., warn_at: _Optional[float] = ..., breach_seconds_today: _Optional[float] = ..., readings: _Optional[_Iterable[_Union[ScopeCompliance, _Mapping]]] = ...) -> None: ...

class PortfolioCompliance(_message.Message):
    __slots__ = ("portfolio_id", "portfolio", "snapshot_id", "as_of", "status", "breach_seconds_today", "limits")
    PORTFOLIO_ID_FIELD_NUMBER: _ClassVar[int]
    PORTFOLIO_FIELD_NUMBER: _ClassVar[int]
    SNAPSHOT_ID_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    BREACH_SECONDS_TODAY_FIELD_NUMBER: _ClassVar[int]
    LIMITS_FIELD_NUMBER: _ClassVar[int]
    portfolio_id: int
    portfolio: str
    snapshot_id: int
    as_of: _timestamp_pb2.Timestamp
    status: str
    breach_seconds_today: float
    limits: _containers.RepeatedCompositeFieldContainer[LimitCompliance]
    def __init__(self, portfolio_id: _Optional[int] = ..., portfolio: _Optional[str] = ..., snapshot_id: _Optional[int] = ..., as_of: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., status: _Optional[str] = ..., breach_seconds_today: _Optional[float] = ..., limits: _Optional[_Iterable[_Union[LimitCompliance, _Mapping]]] = ...) -> None: ...

class ComplianceStatus(_message.Message):
    __slots__ = ("checked_at", "portfolios")
    CHECKED_AT_FIELD_NUMBER: _ClassVar[int]
    PORTFOLIOS_FIELD_NUMBER: _ClassVar[int]
    checked_at: _timestamp_pb2.Timestamp
    portfolios: _containers.RepeatedCompositeFieldContainer[PortfolioCompliance]
    def __init__(self, checked_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., portfolios: _Optional[_Iterable[_Union[PortfolioCompliance, _Mapping]]] = ...) -> None: ...

class GetAlertsRequest(_message.Message):
    __slots__ = ("severity", "breach_type", "portfolio_id", "status", "scope_kind", "scope", "opened_after", "opened_before", "include_resolved", "page", "page_size")
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    BREACH_TYPE_FIELD_NUMBER: _ClassVar[int]
    PORTFOLIO_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SCOPE_KIND_FIELD_NUMBER: _ClassVar[int]
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    OPENED_AFTER_FIELD_NUMBER: _ClassVar[int]
    OPENED_BEFORE_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_RESOLVED_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    severity: str
    breach_type: str
    portfolio_id: int
    status: str
    scope_kind: str
    scope: str
    opened_after: _timestamp_pb2.Timestamp
    opened_before: _timestamp_pb2.Timestamp
    include_resolved: bool
    page: int
    page_size: int
    def __init__(self, severity: _Optional[str] = ..., breach_type: _Optional[str] = ..., portfolio_id: _Optional[int] = ..., status: _Optional[str] = ..., scope_kind: _Optional[str] = ..., scope: _Optional[str] = ..., opened_after: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., opened_before: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., include_resolved: _Optional[bool] = ..., page: _Optional[int] = ..., page_size: _Optional[int] = ...) -> None: ...

class AlertsResponse(_message.Message):
    __slots__ = ("count", "alerts", "page", "page_size", "pages")
    COUNT_FIELD_NUMBER: _ClassVar[int]
    ALERTS_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGES_FIELD_NUMBER: _ClassVar[int]
    count: int
    alerts: _containers.RepeatedCompositeFieldContainer[_common_pb2.Alert]
    page: int
    page_size: int
    pages: int
    def __init__(self, count: _Optional[int] = ..., alerts: _Optional[_Iterable[_Union[_common_pb2.Alert, _Mapping]]] = ..., page: _Optional[int] = ..., page_size: _Optional[int] = ..., pages: _Optional[int] = ...) -> None: ...
