"""Pydantic models of the three YAML files; one module per file."""

from riskmonitor.conf.schemas.dashboard import DashboardFile
from riskmonitor.conf.schemas.limits import (
    AlertConfiguration,
    EscalationRule,
    LimitsFile,
    PositionLimit,
    PriceShock,
    RiskLimits,
)
from riskmonitor.conf.schemas.monitor import (
    AccountConfig,
    AlertChannel,
    CustodianConfig,
    ExchangeConfig,
    MonitorFile,
)

__all__ = [
    "AccountConfig",
    "AlertChannel",
    "AlertConfiguration",
    "CustodianConfig",
    "DashboardFile",
    "EscalationRule",
    "ExchangeConfig",
    "LimitsFile",
    "MonitorFile",
    "PositionLimit",
    "PriceShock",
    "RiskLimits",
]
