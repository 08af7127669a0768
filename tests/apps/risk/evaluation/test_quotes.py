"""The vectorized choice of quotes, history instruments and newest price times against a plain
loop over the same latest prices (what the loader did one price at a time)."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from apps.risk.evaluation.quotes import (
    best_prices,
    history_rows,
    newest_per_venue,
    price_codes,
    quote_columns,
    quote_rows,
)
from apps.risk.selectors.sources import LatestPrices
from riskmonitor.engine import canonical_symbol

ALIASES = {"USDT": "USD", "USDC": "USD"}
ORDER = ("venue-2", "venue-0")


def _canonical(symbol: str) -> str | None:
    try:
        return canonical_symbol(symbol, ALIASES)
    except ValueError:
        return None


def _rank(venue: str) -> tuple[int, str]:
    return (ORDER.index(venue) if venue in ORDER else len(ORDER), venue)


def _prices(seed: int, n: int) -> LatestPrices:
    rng = random.Random(seed)
    symbols = ["BTC-USD", "BTC-USDT", "ETH-USDC", "SOL-USD", "BAD", "A-B-C"]
    price_choices = [1.0, 2.5, 100.0, 0.0, -1.0, math.nan]
    return LatestPrices(
        instrument_id=list(range(1, n + 1)),
        venue=[f"venue-{rng.randrange(4)}" for _ in range(n)],
        kind=[rng.choice(["spot", "perpetual"]) for _ in range(n)],
        symbol=[rng.choice(symbols) for _ in range(n)],
        price=np.array([rng.choice(price_choices) for _ in range(n)]),
        as_of=np.array([rng.uniform(0, 100) for _ in range(n)]),
    )


def _loop_history(p: LatestPrices) -> dict[str, int]:
    rows = sorted(range(len(p)), key=lambda i: (_rank(p.venue[i]), p.kind[i] != "spot", i))
    chosen: dict[str, int] = {}
    for i in rows:
        symbol = _canonical(p.symbol[i])
        if symbol is not None and symbol not in chosen:
            chosen[symbol] = i
    return chosen


def _loop_quotes(p: LatestPrices) -> list[tuple[str, str, float, float]]:
    spot_first = [i for i in range(len(p)) if p.kind[i] == "spot"]
    spot_first += [i for i in range(len(p)) if p.kind[i] != "spot"]
    quotes: dict[tuple[str, str], tuple[str, str, float, float]] = {}
    for i in spot_first:
        symbol, price = _canonical(p.symbol[i]), float(p.price[i])
        key = (p.venue[i], symbol or "")
        if symbol is None or key in quotes or not (math.isfinite(price) and price > 0):
            continue
        quotes[key] = (symbol, p.venue[i], price, float(p.as_of[i]))
    return list(quotes.values())


@pytest.mark.parametrize(("seed", "n"), [(1, 200), (2, 15), (3, 1), (4, 0)])
def test_it_chooses_what_the_loop_chooses(seed: int, n: int) -> None:
    prices = _prices(seed, n)
    codes = price_codes(prices, _canonical)

    history = {codes.symbols[codes.symbol[i]]: int(i) for i in history_rows(codes, _rank)}
    quotes = quote_columns(codes, prices, quote_rows(codes, prices))
    newest = newest_per_venue(codes, prices)

    assert list(history.items()) == list(_loop_history(prices).items())
    assert [tuple(vars(q).values()) for q in quotes.rows()] == _loop_quotes(prices)
    assert newest == {v: max(float(t) for w, t in zip(prices.venue, prices.as_of, strict=True)
                             if w == v) for v in set(prices.venue)}  # fmt: skip


def test_it_prices_a_symbol_at_its_best_ranked_source() -> None:
    prices = _prices(1, 200)
    codes = price_codes(prices, _canonical)
    quotes = quote_columns(codes, prices, quote_rows(codes, prices))
    best = best_prices(quotes, _rank)
    for symbol, price in best.items():
        candidates = sorted((_rank(q.source), q.price) for q in quotes.rows() if q.symbol == symbol)
        assert price == candidates[0][1]
