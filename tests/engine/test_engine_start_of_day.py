"""Daily P&L from a start-of-day equity given by the caller (reconstructed), against the
stored-sample path and plain arithmetic."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from riskmonitor.engine import EquitySeries, StartOfDayEquity
from riskmonitor.engine.pnl import daily_pnl
from tests.engine.enginecases import MIDNIGHT, T0, make_inputs, perp, run

money = st.floats(-1e9, 1e9, allow_nan=False)


def _series(
    samples: list[tuple[float, float]], transfers: list[tuple[float, float]]
) -> EquitySeries:
    return EquitySeries(
        timestamps=np.array([t for t, _ in samples]), equity=np.array([e for _, e in samples]),
        transfer_timestamps=np.array([t for t, _ in transfers]),
        transfer_amounts=np.array([a for _, a in transfers]),
    )  # fmt: skip


@given(opening=money, now=money, transfer=money)
def test_it_gives_what_a_stored_midnight_sample_of_the_same_value_gives(
    opening: float, now: float, transfer: float
) -> None:
    moves = [(MIDNIGHT + 60.0, transfer)]
    stored = daily_pnl(_series([(MIDNIGHT, opening)], moves), now, T0)
    rebuilt = daily_pnl(_series([], moves), now, T0, StartOfDayEquity(opening, "reconstructed"))

    assert rebuilt.daily_pnl == stored.daily_pnl == now - opening - transfer
    assert (stored.source, rebuilt.source) == ("stored", "reconstructed")
    assert rebuilt.start_of_day_timestamp == MIDNIGHT


def test_it_prefers_the_given_equity_to_an_older_sample() -> None:
    series = _series([(MIDNIGHT - 7_200.0, 1_000.0)], [])
    result = daily_pnl(series, 1_500.0, T0, StartOfDayEquity(1_200.0, "reconstructed"))
    assert result.daily_pnl == 300.0 and result.equity_start_of_day == 1_200.0


def test_it_reports_none_and_the_reason_when_the_given_equity_is_missing() -> None:
    inputs = make_inputs([perp("exchange-1", "BTC-USD", 1.0, 40_000.0)], prices={"BTC-USD": 41e3})
    history = dataclasses.replace(
        inputs.history, start_of_day=StartOfDayEquity(None, "reconstructed", "start_of_day_x")
    )
    result = run(dataclasses.replace(inputs, history=history))

    assert result.pnl.daily_pnl is None and result.pnl.start_of_day_source is None
    assert {"no_start_of_day_equity", "start_of_day_x"} <= set(result.flags)
    assert result.to_dict()["pnl"]["start_of_day_source"] is None


def test_it_keeps_the_figure_and_raises_the_caveat_of_a_given_equity() -> None:
    inputs = make_inputs([perp("exchange-1", "BTC-USD", 1.0, 40_000.0)], prices={"BTC-USD": 41e3})
    caveat = StartOfDayEquity(1_000.0, "reconstructed", "start_of_day_y")
    history = dataclasses.replace(inputs.history, start_of_day=caveat)
    result = run(dataclasses.replace(inputs, history=history))

    assert result.pnl.daily_pnl is not None and result.pnl.start_of_day_source == "reconstructed"
    assert "start_of_day_y" in result.flags and "no_start_of_day_equity" not in result.flags


def test_it_refuses_a_non_finite_given_equity() -> None:
    with pytest.raises(ValueError, match="equity"):
        StartOfDayEquity(float("nan"), "reconstructed")
