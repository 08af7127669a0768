"""The equity path one evaluation feeds the engine: carried state instead of the whole history
(plain Python and numpy, no Django).

Of the past, HWM, drawdown, rapid drawdown and daily P&L need only: the highest
transfer-adjusted equity, the worst drawdown so far, the samples of the rapid-drawdown window
and the 00:00 UTC equity mark. Each snapshot carries the first two (`running_hwm`,
`running_max_drawdown`). An evaluation reads the latest complete snapshot older than
`STATE_LAG_SECONDS` (the state row), every complete sample after it and the day mark, and
starts the path with one synthetic sample at the state row's time whose equity is its HWM.
With C(t) the transfers up to t in any origin, that sample's adjusted equity HWM - C(t) is
exactly the highest adjusted equity up to then, so every later HWM and drawdown come out as
over the full history; the state row is older than the rapid window, so the window sees only
real samples. The worst drawdown before the state row is carried, not recomputed:
`max_drawdown` is the lower of the state's and the engine's.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from riskmonitor.engine import EquitySeries, RiskAssessment
from riskmonitor.engine.drawdown import equity_path, high_water_marks

# At least the rapid-drawdown window; longer so that a transfer stored up to an hour after
# its timestamp still lands after the state row and is counted exactly.
STATE_LAG_SECONDS = 3600.0

Sample = tuple[float, float]  # (POSIX seconds, equity USD)


@dataclass(frozen=True)
class CarriedState:
    """A snapshot's running figures: HWM at its as_of (USD, may be <= 0) and the worst
    drawdown of its path (a fraction <= 0; None when no drawdown was defined)."""

    as_of: float
    hwm: float
    max_drawdown: float | None


@dataclass(frozen=True)
class EquityHistory:
    """What an evaluation read: the state row (None: no complete snapshot that old, or the
    full history was read instead), the day mark (the last complete sample at or before
    00:00 UTC) and the complete samples after the state row, ascending."""

    state: CarriedState | None
    day_mark: Sample | None
    recent: list[Sample]


def path_samples(history: EquityHistory) -> list[Sample]:
    """The engine's equity samples, ascending. At equal times the day mark comes after the
    state's synthetic sample: daily P&L reads the last sample at or before 00:00."""
    state, mark = history.state, history.day_mark
    head: list[Sample] = [] if state is None else [(state.as_of, state.hwm)]
    first_recent = history.recent[0][0] if history.recent else math.inf
    if mark is not None and mark[0] < first_recent:
        before_state = state is not None and mark[0] < state.as_of
        head = [mark, *head] if before_state else [*head, mark]
    return [*head, *history.recent]


def transfers_since(samples: list[Sample], day_start: float) -> float:
    """Transfers stamped after this count: from the first sample (earlier ones shift every
    sample alike), and at least all of today's (daily P&L nets them)."""
    return min(samples[0][0], day_start) if samples else day_start


def equity_series(samples: list[Sample], transfers: list[Sample]) -> EquitySeries:
    """`EquitySeries` keeping the samples' order (the engine's builder would sort equal
    times by value, and the day mark must stay last among them)."""
    moves = sorted(transfers)
    return EquitySeries(
        timestamps=np.array([t for t, _ in samples], dtype=np.float64),
        equity=np.array([e for _, e in samples], dtype=np.float64),
        transfer_timestamps=np.array([t for t, _ in moves], dtype=np.float64),
        transfer_amounts=np.array([a for _, a in moves], dtype=np.float64),
    )


def with_carried_drawdown(assessment: RiskAssessment, state: CarriedState | None) -> RiskAssessment:
    """The assessment with `max_drawdown` over the whole history: the state's worst and the
    engine's (which covers the path from the state row on)."""
    worst = carried_max_drawdown(assessment.drawdown.max_drawdown, state)
    carried = dataclasses.replace(assessment.drawdown, max_drawdown=worst)
    return dataclasses.replace(assessment, drawdown=carried)


def carried_max_drawdown(engine_worst: float | None, state: CarriedState | None) -> float | None:
    """The lower of the engine's worst drawdown and the state's; None when neither has one."""
    carried = None if state is None else state.max_drawdown
    worst = [v for v in (engine_worst, carried) if v is not None]
    return min(worst) if worst else None


def running_hwm(series: EquitySeries, equity_now: float, as_of: float) -> float:
    """HWM at as_of (USD), also when <= 0 (the engine then reports None): the state the next
    evaluation starts from."""
    return float(high_water_marks(equity_path(series, equity_now, as_of))[-1])
