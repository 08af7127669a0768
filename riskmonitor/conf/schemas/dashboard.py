"""Schema of ``dashboard_config.yaml``: what the live dashboard charts and how it colours them."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from riskmonitor.conf.fields import ConfigModel, Duration, Flag, Fraction, HexColor, PositiveInt


class PnlChart(ConfigModel):
    timeframe: Duration = "24h"
    intervals: list[Duration] = Field(default_factory=lambda: ["1m", "5m", "15m", "1h"])


class PositionHeatmap(ConfigModel):
    grouping: Literal["asset_class", "asset", "symbol", "venue", "strategy"] = "asset_class"
    color_scheme: Literal["red_green", "blue_orange", "monochrome"] = "red_green"
    size_metric: Literal["notional_value", "position_size", "unrealized_pnl"] = "notional_value"


class SeverityColors(ConfigModel):
    critical: HexColor = "#ff0000"
    high: HexColor = "#ff8800"
    medium: HexColor = "#ffaa00"
    low: HexColor = "#ffcc00"


class AlertTimeline(ConfigModel):
    max_alerts: PositiveInt = 50
    severity_colors: SeverityColors = Field(default_factory=SeverityColors)


class Charts(ConfigModel):
    pnl_chart: PnlChart = Field(default_factory=PnlChart)
    position_heatmap: PositionHeatmap = Field(default_factory=PositionHeatmap)
    alert_timeline: AlertTimeline = Field(default_factory=AlertTimeline)


class LimitsDisplay(ConfigModel):
    """Colour bands of limit utilization on the page (display only; alerts use risk_limits)."""

    show_utilization_percentage: Flag = True
    warn_at_utilization: Fraction = 0.75
    alert_at_utilization: Fraction = 0.9


class DashboardCharts(ConfigModel):
    refresh_interval_seconds: PositiveInt = 5
    charts: Charts = Field(default_factory=Charts)
    limits_display: LimitsDisplay = Field(default_factory=LimitsDisplay)


class DashboardFile(ConfigModel):
    """The whole of ``dashboard_config.yaml``."""

    dashboard: DashboardCharts = Field(default_factory=DashboardCharts)
