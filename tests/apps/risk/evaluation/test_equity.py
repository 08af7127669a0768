"""The carried equity state (apps.risk.evaluation.equity) against the full history: a random
history of evaluations, some incomplete, with deposits and withdrawals, evaluated both ways by
the engine's own drawdown and daily P&L functions."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from apps.risk.evaluation.equity import (
    STATE_LAG_SECONDS,
    CarriedState,
    EquityHistory,
    carried_max_drawdown,
    equity_series,
    path_samples,
    running_hwm,
    transfers_since,
)
from riskmonitor.engine import build_equity_series
from riskmonitor.engine.drawdown import drawdown_summary, equity_path, high_water_marks
from riskmonitor.engine.pnl import daily_pnl, start_of_day

WINDOW = 600.0
MIDNIGHT = 1_773_100_800.0  # 2026-03-10 00:00 UTC
STEPS = np.array([5.0, 60.0, 300.0, 600.0, 1800.0, 3600.0, 7200.0])


@dataclass(frozen=True)
class Stored:
    at: float
    equity: float
    complete: bool
    state: CarriedState


def _history(seed: int) -> tuple[list[tuple[float, float, bool]], list[tuple[float, float]]]:
    """Evaluations (time, equity, complete) over about three days and the transfers between
    them (some at a sample's exact time); equity wanders and can fall to zero and below."""
    rng = np.random.default_rng(seed)
    at, level = MIDNIGHT - 86_400.0, 1_000.0
    evaluations, transfers = [], []
    while at < MIDNIGHT + 2 * 86_400.0:
        at += float(rng.choice(STEPS))
        level += float(rng.normal(0.0, 40.0))
        if rng.random() < 0.05:
            amount = float(rng.choice([-1.0, 1.0]) * rng.uniform(50.0, 900.0))
            transfers.append((at - float(rng.choice([0.0, 1.0, 30.0])), amount))
            level += amount
        evaluations.append((at, level, bool(rng.random() > 0.1)))
    return evaluations, sorted(transfers)


def _incremental(stored: list[Stored], at: float) -> EquityHistory:
    complete = [s for s in stored if s.complete]
    older = [s for s in complete if s.at < at - STATE_LAG_SECONDS]
    marks = [(s.at, s.equity) for s in complete if s.at <= start_of_day(at)]
    return EquityHistory(
        state=older[-1].state if older else None,
        day_mark=marks[-1] if marks else None,
        recent=[(s.at, s.equity) for s in complete if s.at >= at - STATE_LAG_SECONDS],
    )


def _same(got: float | None, expected: float | None) -> bool:
    if got is None or expected is None:
        return got is expected
    return got == pytest.approx(expected, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("seed", range(12))
def test_it_gives_the_full_history_figures_from_the_carried_state(seed: int) -> None:
    evaluations, transfers = _history(seed)
    stored: list[Stored] = []
    for at, equity, complete in evaluations:
        known = [t for t in transfers if t[0] <= at]
        full = build_equity_series([(s.at, s.equity) for s in stored if s.complete], known)
        history = _incremental(stored, at)
        samples = path_samples(history)
        since = transfers_since(samples, start_of_day(at))
        series = equity_series(samples, [t for t in known if t[0] > since])

        expected = drawdown_summary(full, equity, at, 0.1, WINDOW)
        got = drawdown_summary(series, equity, at, 0.1, WINDOW)
        worst = carried_max_drawdown(got.max_drawdown, history.state)
        hwm = running_hwm(series, equity, at)
        full_hwm = float(high_water_marks(equity_path(full, equity, at))[-1])
        assert hwm == pytest.approx(full_hwm, rel=1e-12, abs=1e-6)
        assert _same(got.high_water_mark, expected.high_water_mark)
        assert _same(got.drawdown, expected.drawdown)
        assert _same(worst, expected.max_drawdown)
        assert got.rapid_drawdown == pytest.approx(expected.rapid_drawdown, abs=1e-6)
        assert daily_pnl(series, equity, at) == pytest.approx(daily_pnl(full, equity, at))
        stored.append(Stored(at, equity, complete, CarriedState(at, hwm, worst)))
    assert len(stored) > 100


def test_it_puts_the_day_mark_after_the_state_at_the_same_time() -> None:
    state = CarriedState(as_of=MIDNIGHT, hwm=1_200.0, max_drawdown=-0.2)
    history = EquityHistory(state=state, day_mark=(MIDNIGHT, 960.0), recent=[(MIDNIGHT + 9, 1.0)])
    assert path_samples(history) == [(MIDNIGHT, 1_200.0), (MIDNIGHT, 960.0), (MIDNIGHT + 9, 1.0)]


def test_it_keeps_a_day_mark_read_among_the_recent_samples_once() -> None:
    history = EquityHistory(state=None, day_mark=(MIDNIGHT, 5.0), recent=[(MIDNIGHT, 5.0)])
    assert path_samples(history) == [(MIDNIGHT, 5.0)]
