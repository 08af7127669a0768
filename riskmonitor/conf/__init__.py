"""The YAML configuration: ``config/risk_limits.yaml``, ``risk_monitor_config.yaml`` and
``dashboard_config.yaml``, validated into typed models (docs/configuration.md describes every key).

Imports no Django, so settings, Celery and plain scripts can use it.
"""

from riskmonitor.conf.errors import ConfigError
from riskmonitor.conf.loader import (
    ConfigSources,
    RiskMonitorConfig,
    display_path,
    get_config,
    load_config,
    load_config_or_exit,
    reset_config_cache,
)

__all__ = [
    "ConfigError",
    "ConfigSources",
    "RiskMonitorConfig",
    "display_path",
    "get_config",
    "load_config",
    "load_config_or_exit",
    "reset_config_cache",
]
