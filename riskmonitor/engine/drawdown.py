"""High-water mark, drawdown, trailing stop and rapid drawdown (USD, POSIX seconds UTC).

External transfers are not performance: equity is compared after removing cumulative net
transfers. With C(t) the net transfers stamped at or before t, adjusted equity is
A(t) = E(t) - C(t); HWM(t) = max_{s <= t} A(s) + C(t), so a deposit raises the HWM by its
amount and a withdrawal lowers it. Drawdown = (E - HWM) / HWM (<= 0).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from riskmonitor.engine._arrays import FloatArray
from riskmonitor.engine.inputs import EquitySeries
from riskmonitor.engine.outputs import DrawdownSummary


@dataclass(frozen=True)
class EquityPath:
    """Equity samples up to as_of with the current equity appended, and C(t) at each."""

    timestamps: FloatArray
    equity: FloatArray
    transfers: FloatArray


def equity_path(series: EquitySeries, equity_now: float, as_of: float) -> EquityPath:
    """Samples at or before as_of, then (as_of, equity_now)."""
    keep = series.timestamps <= as_of
    times = np.append(series.timestamps[keep], as_of)
    values = np.append(series.equity[keep], equity_now)
    cumulative = np.concatenate([[0.0], np.cumsum(series.transfer_amounts)])
    transfers = cumulative[np.searchsorted(series.transfer_timestamps, times, side="right")]
    return EquityPath(times, values, transfers)


def high_water_marks(path: EquityPath) -> FloatArray:
    """HWM at each sample, transfer-adjusted (see the module docstring)."""
    adjusted = path.equity - path.transfers
    hwm: FloatArray = np.maximum.accumulate(adjusted) + path.transfers
    return hwm


def drawdowns(path: EquityPath, hwm: FloatArray) -> FloatArray:
    """(E - HWM) / HWM per sample; NaN where HWM <= 0 (a fraction of nothing)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(hwm > 0, (path.equity - hwm) / hwm, np.nan)


def rapid_drawdown(path: EquityPath, window_seconds: float) -> float:
    """Adjusted equity now minus its max within [as_of - window, as_of] (<= 0, USD).

    With no transfer inside the window this is exactly equity now minus the window's max equity.
    """
    adjusted = path.equity - path.transfers
    start = np.searchsorted(path.timestamps, path.timestamps[-1] - window_seconds, side="left")
    return float(adjusted[-1] - adjusted[start:].max())


def drawdown_summary(
    series: EquitySeries, equity_now: float, as_of: float, trailing_stop_pct: float, window: float
) -> DrawdownSummary:
    path = equity_path(series, equity_now, as_of)
    hwm = high_water_marks(path)
    dd = drawdowns(path, hwm)
    current = float(dd[-1]) if np.isfinite(dd[-1]) else None
    worst = float(np.nanmin(dd)) if np.isfinite(dd).any() else None
    return DrawdownSummary(
        equity=equity_now,
        high_water_mark=float(hwm[-1]) if hwm[-1] > 0 else None,
        drawdown=current,
        max_drawdown=worst,
        trailing_stop_pct=trailing_stop_pct,
        trailing_stop_triggered=current is not None and current < -trailing_stop_pct,
        rapid_drawdown=rapid_drawdown(path, window),
        rapid_window_seconds=window,
    )
