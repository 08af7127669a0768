"""Methodology settings of one assessment: windows, confidence, scenarios, hedge targets.

Defaults are DESIGN section 5's; the assessment echoes the parameters it used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class StressScenario:
    """A named set of price shocks per asset.

    `relative`: asset -> fractional move of its USD price (-0.30 = down 30%).
    `absolute`: asset -> its new USD price (USDT 0.97 = a depeg); wins over `relative`.
    """

    name: str
    relative: Mapping[str, float] = field(default_factory=dict)
    absolute: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if any(shock <= -1.0 for shock in self.relative.values()):
            raise ValueError(f"{self.name}: a relative shock must be > -1 (price stays > 0)")
        if any(price < 0 for price in self.absolute.values()):
            raise ValueError(f"{self.name}: an absolute price must be >= 0")


DEFAULT_SCENARIOS: tuple[StressScenario, ...] = (
    StressScenario("crypto_crash", relative={"BTC": -0.30, "ETH": -0.40}),
    StressScenario("usdt_depeg", absolute={"USDT": 0.97}),
    StressScenario("crypto_crash_and_depeg", {"BTC": -0.30, "ETH": -0.40}, {"USDT": 0.97}),
)

DEFAULT_SEVERITY_THRESHOLDS: Mapping[str, float] = {
    "low": 0.5,
    "medium": 0.75,
    "high": 0.9,
    "critical": 1.0,
}


@dataclass(frozen=True)
class EngineParams:
    """Methodology settings; defaults are DESIGN section 5's.

    `delta_limits`: asset (after aliases) -> max |net delta| in asset units.
    `hedge_targets`: asset -> explicit target delta (units) to hedge to, whatever the limit.
    `hedge_target_fraction`: over-limit assets are hedged to sign(delta) * limit * fraction.
    """

    mark_stale_after_seconds: float = 300.0
    vol_window_days: int = 30
    ewma_lambda: float = 0.94
    var_lookback_days: int = 500
    var_confidence: float = 0.99
    backtest_window_days: int = 250
    trailing_stop_pct: float = 0.10
    rapid_drawdown_window_seconds: float = 600.0
    stress_scenarios: tuple[StressScenario, ...] = DEFAULT_SCENARIOS
    delta_limits: Mapping[str, float] = field(default_factory=dict)
    hedge_targets: Mapping[str, float] = field(default_factory=dict)
    hedge_target_fraction: float = 0.0

    def __post_init__(self) -> None:
        if not 0.0 < self.ewma_lambda < 1.0:
            raise ValueError("ewma_lambda: must be in (0, 1)")
        if not 0.5 < self.var_confidence < 1.0:
            raise ValueError("var_confidence: must be in (0.5, 1)")
        if min(self.vol_window_days, self.var_lookback_days, self.backtest_window_days) < 2:
            raise ValueError("windows: vol, VaR and backtest windows need at least 2 days")
        if any(limit < 0 for limit in self.delta_limits.values()):
            raise ValueError("delta_limits: max_net_exposure is a magnitude (>= 0)")
