"""The unwinding of today's fills and transfers (apps.risk.evaluation.start_of_day, no
database): play random trading forward from known 00:00 holdings with the venue's
average-cost bookkeeping, then unwind from the end state; the 00:00 holdings come back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.risk.evaluation.start_of_day import opening_holdings
from apps.risk.selectors.sources import AccountRef
from apps.risk.selectors.start_of_day import FillRow, PositionRow, TransferRow

DAY_START = datetime(2026, 12, 2, tzinfo=UTC).timestamp()
SNAPSHOT_AT = datetime(2026, 12, 2, 10, tzinfo=UTC)
SPOT = AccountRef(1, "exchange-1", "exchange", "spot", "spot", "treasury", 11, SNAPSHOT_AT)
FUTURES = AccountRef(2, "exchange-1", "exchange", "futures", "futures", "basis", 12, SNAPSHOT_AT)
FEE = 0.001


@dataclass
class Perp:
    """The venue's side of a linear position: size (base units), entry, USDT wallet."""

    size: float
    entry: float
    wallet: float

    def fill(self, d: float, qty: float, price: float) -> tuple[float, float]:
        """Apply a fill (d = +1 buy, -1 sell); returns (realized P&L, fee)."""
        fee = qty * price * FEE
        realized = 0.0
        if self.size and (d > 0) != (self.size > 0):
            closing = min(qty, abs(self.size))
            realized = (price - self.entry) * closing * (1.0 if self.size > 0 else -1.0)
            remaining = self.size + d * qty
            if remaining == 0 or (remaining > 0) != (self.size > 0):
                self.entry = price if remaining else 0.0
            self.size = remaining
        else:
            self.entry = (abs(self.size) * self.entry + qty * price) / (abs(self.size) + qty)
            self.size += d * qty
        self.wallet += realized - fee
        return realized, fee


trades = st.lists(
    st.tuples(
        st.sampled_from(["spot", "linear"]),
        st.sampled_from([1.0, -1.0]),
        st.floats(0.01, 5.0),
        st.floats(50_000.0, 150_000.0),
    ),
    max_size=12,
)


def _fill(account: AccountRef, market: str, d: float, qty: float, price: float,
          fee: float, realized: float | None, at: float) -> FillRow:  # fmt: skip
    return FillRow(
        account.id, market, "BTCUSDT", "BTC-USD", "BTC", "USDT", 1.0,
        "buy" if d > 0 else "sell", qty, qty * price, fee, "USDT", realized, at,
    )  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(
    trades=trades,
    start_size=st.sampled_from([0.0, 2.5, -1.5]),
    deposit=st.floats(0.0, 1e6),
)
def test_it_gives_back_the_holdings_at_midnight(
    trades: list[tuple[str, float, float, float]], start_size: float, deposit: float
) -> None:
    btc, usdt = 3.0, 400_000.0
    perp = Perp(start_size, 95_000.0 if start_size else 0.0, 500_000.0)
    start = (btc, usdt, perp.size, perp.entry, perp.wallet)
    fills = []
    for n, (market, d, qty, price) in enumerate(trades):
        at = DAY_START + 60.0 * (n + 1)
        if market == "spot":
            fee = qty * price * FEE
            btc, usdt = btc + d * qty, usdt - d * qty * price - fee
            fills.append(_fill(SPOT, market, d, qty, price, fee, None, at))
        else:
            realized, fee = perp.fill(d, qty, price)
            fills.append(_fill(FUTURES, market, d, qty, price, fee, realized, at))
    usdt += deposit
    transfers = [TransferRow(SPOT.id, "USDT", "deposit", deposit, DAY_START + 30.0)]
    # after the snapshot: not in its balances, so not undone
    late = SNAPSHOT_AT.timestamp() + 1.0
    fills.append(_fill(SPOT, "spot", 1.0, 1.0, 100_000.0, 100.0, None, late))
    transfers.append(TransferRow(SPOT.id, "USDT", "withdrawal", 5.0, late))

    end_balances = [
        (11, "spot", "BTC", btc), (11, "spot", "USDT", usdt), (12, "futures", "USDT", perp.wallet)
    ]  # fmt: skip
    held = opening_holdings(
        [SPOT, FUTURES],
        end_balances,
        [PositionRow(12, "BTCUSDT", "BTC-USD", perp.size, 1.0, perp.entry)] if perp.size else [],
        fills, transfers, DAY_START, lambda symbol: symbol,
    )  # fmt: skip

    balances = {
        (account, asset): amount
        for account, asset, amount in zip(
            held.balances.account, held.balances.asset, held.balances.amount, strict=True
        )
    }
    assert balances.get(("exchange-1:spot", "BTC"), 0.0) == pytest.approx(start[0], abs=1e-6)
    assert balances[("exchange-1:spot", "USDT")] == pytest.approx(start[1], rel=1e-9, abs=1e-6)
    assert balances[("exchange-1:futures", "USDT")] == pytest.approx(start[4], rel=1e-9)
    if start_size:
        assert held.derivatives.size == [pytest.approx(start[2], abs=1e-9)]
        assert held.derivatives.avg_entry == [pytest.approx(start[3], rel=1e-6)]
    else:
        assert len(held.derivatives) == 0 or held.derivatives.size == [pytest.approx(0.0)]
    assert held.fills_unwound == len(trades) and held.transfers_unwound == 1
    assert held.unknown_fills == 0


def test_it_counts_a_spot_fill_of_an_unknown_instrument_instead_of_guessing_its_assets() -> None:
    fill = _fill(SPOT, "spot", 1.0, 1.0, 100_000.0, 100.0, None, DAY_START + 60.0)
    unknown = fill._replace(base=None, quote=None)

    held = opening_holdings(
        [SPOT], [(11, "spot", "USDT", 1_000.0)], [], [unknown], [], DAY_START, str,
    )  # fmt: skip

    assert (held.unknown_fills, held.fills_unwound) == (1, 0)
    assert held.balances.amount == [1_000.0]


def test_it_keeps_the_value_when_the_venue_reports_no_realized_pnl() -> None:
    """Without the realized P&L, wallet and position cost are each off by it, and their
    difference (what equity sees, with the size) is not."""
    perp = Perp(2.0, 90_000.0, 100_000.0)
    realized, fee = perp.fill(-1.0, 1.0, 100_000.0)
    fill = _fill(FUTURES, "linear", -1.0, 1.0, 100_000.0, fee, None, DAY_START + 60.0)

    held = opening_holdings(
        [FUTURES], [(12, "futures", "USDT", perp.wallet)],
        [PositionRow(12, "BTCUSDT", "BTC-USD", perp.size, 1.0, perp.entry)],
        [fill], [], DAY_START, lambda symbol: symbol,
    )  # fmt: skip

    wallet = held.balances.amount[0]
    size, entry = held.derivatives.size[0], held.derivatives.avg_entry[0]
    assert size == pytest.approx(2.0)
    assert wallet - entry * size == pytest.approx(100_000.0 - 90_000.0 * 2.0)
    assert wallet == pytest.approx(100_000.0 + realized)
