from collections.abc import Sequence

import pytest

from riskmonitor.engine import BalanceRow, DrawdownSummary
from tests.engine.enginecases import T0, make_inputs, run

SAMPLES = [
    (T0 - 5_000, 100.0),
    (T0 - 4_000, 120.0),
    (T0 - 3_000, 90.0),
    (T0 - 500, 130.0),
    (T0 - 100, 125.0),
]


def _run(
    equity_now: float, transfers: Sequence[tuple[float, float]] = (), **params: object
) -> DrawdownSummary:
    inputs = make_inputs(
        [],
        [BalanceRow("exchange-1", "main", "USD", equity_now)],
        equity_samples=SAMPLES,
        transfers=transfers,
    )
    return run(inputs, **params).drawdown


def _loop_drawdowns(
    samples: Sequence[tuple[float, float]], transfers: Sequence[tuple[float, float]]
) -> list[float]:
    hwm_adjusted = -float("inf")
    out = []
    for t, equity in samples:
        moved = sum(a for ts, a in transfers if ts <= t)
        hwm_adjusted = max(hwm_adjusted, equity - moved)
        hwm = hwm_adjusted + moved
        out.append((equity - hwm) / hwm)
    return out


def test_it_tracks_hwm_drawdown_and_the_worst_drawdown() -> None:
    dd = _run(110.0)
    expected = _loop_drawdowns([*SAMPLES, (T0, 110.0)], [])
    assert dd.high_water_mark == 130.0
    assert dd.drawdown == pytest.approx(expected[-1])
    assert dd.max_drawdown == pytest.approx(min(expected))
    assert dd.trailing_stop_triggered is True  # -15.4% < -10%


def test_it_does_not_count_a_withdrawal_as_a_drawdown() -> None:
    transfers = [(T0 - 50, -40.0)]
    dd = _run(90.0, transfers)
    expected = _loop_drawdowns([*SAMPLES, (T0, 90.0)], transfers)
    assert dd.high_water_mark == pytest.approx(130.0 - 40.0)
    assert dd.drawdown == pytest.approx(expected[-1]) == pytest.approx(0.0)
    assert dd.trailing_stop_triggered is False


def test_it_measures_rapid_drawdown_against_the_window_max() -> None:
    assert _run(100.0).rapid_drawdown == pytest.approx(100.0 - 130.0)
    # a 400 s window only sees the T0-100 sample (125) and now
    assert _run(100.0, rapid_drawdown_window_seconds=400.0).rapid_drawdown == pytest.approx(-25.0)
    assert _run(140.0).rapid_drawdown == 0.0


def test_it_uses_the_trailing_stop_parameter() -> None:
    assert _run(110.0, trailing_stop_pct=0.2).trailing_stop_triggered is False
