"""Hand-made books for the engine tests, and independent (plain Python) recomputations."""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence

import numpy as np
from hypothesis import HealthCheck, settings

from riskmonitor.engine import (
    BalanceRow,
    EngineInputs,
    EngineParams,
    History,
    Kind,
    MarketRow,
    PositionRow,
    QuoteRow,
    RiskAssessment,
    assess,
    build_book,
    build_equity_series,
    build_market_info,
    build_marks,
    build_price_history,
)

T0 = 1_700_000_000.0  # 2023-11-14 22:13:20 UTC
MIDNIGHT = 1_699_920_000.0  # 00:00 UTC of T0's day
CUSTODIAN = "custodian-1"

PRICES: Mapping[str, float] = {
    "BTC-USD": 42_000.0,
    "ETH-USD": 2_100.0,
    "SOL-USD": 60.0,
    "USDT-USD": 0.999,
}


def make_inputs(
    positions: Sequence[PositionRow],
    balances: Sequence[BalanceRow] = (),
    *,
    prices: Mapping[str, float] = PRICES,
    quotes: Sequence[QuoteRow] | None = None,
    closes: Mapping[str, Sequence[float | None]] | None = None,
    equity_samples: Sequence[tuple[float, float]] = (),
    transfers: Sequence[tuple[float, float]] = (),
    market: Mapping[str, MarketRow] | None = None,
    extra_symbols: Sequence[str] = (),
) -> EngineInputs:
    """Inputs with one fresh quote per price (exchange-1) unless `quotes` is given."""
    book = build_book(positions, balances, custodians=[CUSTODIAN], extra_symbols=extra_symbols)
    rows = (
        quotes
        if quotes is not None
        else [QuoteRow(s, "exchange-1", p, T0 - 1.0) for s, p in prices.items()]
    )
    marks = build_marks(rows, book.symbols, pricing_order=["exchange-1", "exchange-2"])
    history = History(
        prices=build_price_history(
            book.symbols, closes if closes is not None else random_closes(book.symbols)
        ),
        equity=build_equity_series(equity_samples, transfers),
    )
    info = None if market is None else build_market_info(book.symbols, market)
    return EngineInputs(book=book, marks=marks, history=history, as_of=T0, market=info)


def random_closes(
    symbols: Sequence[str], days: int = 120, seed: int = 7
) -> dict[str, list[float | None]]:
    """A random walk per symbol, seeded by the symbol's name so row order cannot change it."""
    return {s: _walk(days, seed + zlib.crc32(s.encode())) for s in symbols}


def _walk(days: int, seed: int) -> list[float | None]:
    steps = np.random.default_rng(seed).normal(0.0, 0.03, days)
    return [float(v) for v in 100.0 * np.exp(np.cumsum(steps))]


def run(inputs: EngineInputs, **params: object) -> RiskAssessment:
    return assess(inputs, EngineParams(**params))  # type: ignore[arg-type]


def perp(venue: str, symbol: str, size: float, entry: float, **kw: object) -> PositionRow:
    return PositionRow(venue, "main", symbol, Kind.DERIVATIVE, size, entry, **kw)  # type: ignore[arg-type]


def spot(venue: str, symbol: str, size: float, entry: float, **kw: object) -> PositionRow:
    return PositionRow(venue, "main", symbol, Kind.SPOT, size, entry, **kw)  # type: ignore[arg-type]


# per-test settings rather than a global profile: other suites keep their own hypothesis settings
QUICK = settings(
    max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


def net_size(result: RiskAssessment, symbol: str) -> float:
    return float(result.symbols.net_size[result.symbols.index(symbol)])
