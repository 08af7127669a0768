"""Benchmark of riskmonitor.engine.assess; prints its figures as JSON.

Book: 10,000 positions over 50 venues and 500 symbols, 750 days of returns (the VaR's 500
and the hypothetical backtest's 250 before them), a 250-day actual VaR backtest record.
Reports p50/p99 of a full `assess` (inputs prebuilt, as the risk task reuses the day's price
history), the same core figures (net positions, P&L, notional, delta, historical VaR)
through a naive per-position Python loop, peak traced memory, the cost of rendering the
result for storage (`to_dict`, then JSON), and under "hypothetical_backtest" the cost of the
hypothetical-P&L backtest inside `assess` (the scenario P&L of every day, one matrix product,
and the 250 rolling quantiles).

Then, under "evaluate_risk", `evaluate_risk` end to end (database load, engine, store) for the
default scenario's book and for the 10,000-position book, with peak memory: bench/risk.py, run
in its own process so that this one never imports Django. It needs DATABASE_URL (PostgreSQL);
`--engine-only` skips it.

Run: .venv/bin/python bench/engine.py [--runs 50] [--engine-only]
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from riskmonitor.engine import (
    ENGINE_VERSION,
    BacktestSeries,
    Book,
    EngineInputs,
    EngineParams,
    History,
    Kind,
    MarketInfo,
    Marks,
    PriceHistory,
    RiskAssessment,
    assess,
    build_equity_series,
)
from riskmonitor.engine.backtest import hypothetical_backtest
from riskmonitor.engine.var import exposures, history_pnl

N_POSITIONS, N_VENUES, N_SYMBOLS, N_DAYS = 10_000, 50, 500, 750
VAR_DAYS = 500
AS_OF = 1_700_000_000.0


def make_inputs(seed: int = 0) -> EngineInputs:
    rng = np.random.default_rng(seed)
    coins = [f"C{i:03d}" for i in range(N_SYMBOLS - 1)]
    symbols = (*tuple(f"{c}-USD" for c in coins), "USDT-USD")
    assets = ("USD", *coins, "USDT")
    n_assets = len(assets)
    prices = np.exp(rng.uniform(-2, 10, N_SYMBOLS))
    prices[-1] = 0.999
    book = Book(
        symbols=symbols,
        venues=(*tuple(f"venue-{i:02d}" for i in range(N_VENUES - 1)), "custodian-1"),
        accounts=("main", "sub-1", "sub-2"),
        strategies=tuple(f"strategy-{i}" for i in range(10)),
        assets=assets,
        symbol_base=np.arange(1, N_SYMBOLS + 1),
        symbol_quote=np.zeros(N_SYMBOLS, dtype=np.int64),
        asset_price_symbol=np.arange(-1, n_assets - 1),
        asset_group=np.array([*range(n_assets - 1), 0]),
        asset_position_symbol=np.array([-1, *range(N_SYMBOLS - 1), -1]),
        venue_is_custodian=np.arange(N_VENUES) == N_VENUES - 1,
        pos_symbol=rng.integers(0, N_SYMBOLS - 1, N_POSITIONS),
        pos_venue=rng.integers(0, N_VENUES - 1, N_POSITIONS),
        pos_account=rng.integers(0, 3, N_POSITIONS),
        pos_strategy=rng.integers(0, 10, N_POSITIONS),
        pos_kind=rng.integers(0, 2, N_POSITIONS),
        pos_size=rng.normal(0, 10, N_POSITIONS),
        pos_multiplier=np.array([1.0, 0.1, 0.01])[rng.integers(0, 3, N_POSITIONS)],
        pos_avg_entry=np.zeros(N_POSITIONS) + 1.0,
        pos_realized_today=rng.normal(0, 100, N_POSITIONS),
        bal_venue=rng.integers(0, N_VENUES, 2_000),
        bal_account=rng.integers(0, 3, 2_000),
        bal_asset=rng.integers(0, n_assets, 2_000),
        bal_amount=rng.uniform(0, 1_000, 2_000),
    )
    sources = np.repeat(np.arange(3), N_SYMBOLS)
    marks = Marks(
        sources=("venue-00", "venue-01", "venue-02"),
        symbol=np.tile(np.arange(N_SYMBOLS), 3),
        source=sources,
        price=np.tile(prices, 3) * rng.uniform(0.999, 1.001, 3 * N_SYMBOLS),
        timestamp=AS_OF - rng.uniform(0, 600, 3 * N_SYMBOLS),
    )
    closes = prices * np.exp(np.cumsum(rng.normal(0, 0.04, (N_DAYS + 1, N_SYMBOLS)), axis=0)[::-1])
    equity = build_equity_series(
        [(AS_OF - 60.0 * k, 1e7 + k) for k in range(2_000)], [(AS_OF - 500, 1e5)]
    )
    market = MarketInfo(
        liquidity=rng.uniform(0, 1e9, N_SYMBOLS),
        lot_size=np.full(N_SYMBOLS, 0.001),
        fee_bps=np.full(N_SYMBOLS, 2.0),
        half_spread_bps=np.full(N_SYMBOLS, 1.0),
    )
    backtest = BacktestSeries(pnl=rng.normal(0, 1e5, 251), var=np.full(251, 2.5e5))
    history = History(prices=PriceHistory(closes=closes), equity=equity, backtest=backtest)
    return EngineInputs(book=book, marks=marks, history=history, as_of=AS_OF, market=market)


def naive_core(inputs: EngineInputs, mark: dict[int, float]) -> dict[str, float]:
    """Net positions, P&L, notional, delta and historical VaR, one position at a time."""
    book = inputs.book
    net: dict[int, float] = defaultdict(float)
    delta: dict[int, float] = defaultdict(float)
    unrealized = realized = 0.0
    for i in range(len(book.pos_size)):
        s, size, mult = (
            int(book.pos_symbol[i]),
            float(book.pos_size[i]),
            float(book.pos_multiplier[i]),
        )
        net[s] += size * mult
        unrealized += (mark[s] - float(book.pos_avg_entry[i])) * size * mult
        realized += float(book.pos_realized_today[i])
        if book.pos_kind[i] == Kind.DERIVATIVE:
            delta[int(book.symbol_base[s])] += size * mult
            delta[int(book.symbol_quote[s])] -= size * mult * mark[s]
    for j in range(len(book.bal_amount)):
        if book.venue_is_custodian[book.bal_venue[j]]:
            s = int(book.asset_position_symbol[book.bal_asset[j]])
            if s >= 0:
                net[s] += float(book.bal_amount[j])
        delta[int(book.asset_group[book.bal_asset[j]])] += float(book.bal_amount[j])
    notional = sum(abs(size) * mark[s] for s, size in net.items())
    returns = inputs.history.prices.simple_returns_filled[-VAR_DAYS:].tolist()
    pnl = sorted(sum(net[s] * mark[s] * row[s] for s in net) for row in returns)
    h = (len(pnl) - 1) * 0.01
    var = -(
        pnl[math.floor(h)] + (h - math.floor(h)) * (pnl[math.floor(h) + 1] - pnl[math.floor(h)])
    )
    return {
        "net_btc": net[0],
        "unrealized": unrealized,
        "realized": realized,
        "notional": notional,
        "var": var,
    }


def hypothetical_figures(
    inputs: EngineInputs, result: RiskAssessment, params: EngineParams, runs: int
) -> dict[str, object]:
    """p50/p99 of the hypothetical backtest as `assess` runs it: the scenario P&L of every
    history day (returns T x N @ exposures N), then the backtest on it."""
    returns = inputs.history.prices.simple_returns_filled
    exposure = exposures(result.symbols.net_size, result.symbols.mark_usd)
    pnl = history_pnl(returns, exposure)
    window, lookback = params.backtest_window_days, params.var_lookback_days

    def backtest() -> object:
        return hypothetical_backtest(pnl, window, lookback, params.var_confidence)

    product = timings_ms(lambda: history_pnl(returns, exposure), runs)
    rolling = timings_ms(backtest, runs)
    total = timings_ms(lambda: (history_pnl(returns, exposure), backtest()), runs)
    summary = result.var_backtest.hypothetical
    return {
        "ms": {"p50": percentile(total, 50), "p99": percentile(total, 99)},
        "scenario_pnl_matrix_product_ms_p50": percentile(product, 50),
        "rolling_var_and_statistics_ms_p50": percentile(rolling, 50),
        "returns_shape": list(returns.shape),
        "observations": None if summary is None else summary.observations,
        "estimation_days": None if summary is None else summary.estimation_days,
        "exceptions": None if summary is None else summary.exceptions,
        "zone": None if summary is None else summary.zone,
    }


def timings_ms(func: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        out.append((time.perf_counter() - start) * 1_000)
    return out


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--engine-only", action="store_true", help="skip evaluate_risk")
    args = parser.parse_args()
    start = time.perf_counter()
    inputs = make_inputs()
    build_ms = (time.perf_counter() - start) * 1_000
    params = EngineParams(delta_limits={"C000": 1.0, "C001": 1.0})
    result = assess(inputs, params)  # warm-up, and the reference figures
    full = timings_ms(lambda: assess(inputs, params), args.runs)
    marks = dict(enumerate(result.symbols.mark_usd.tolist()))
    naive_runs = max(3, args.runs // 10)
    naive = timings_ms(lambda: naive_core(inputs, marks), naive_runs)
    check = naive_core(inputs, marks)
    tracemalloc.start()
    assess(inputs, params)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    serialize = timings_ms(lambda: json.dumps(result.to_dict(), allow_nan=False), 5)
    render = timings_ms(result.to_dict, 5)
    figures = {
        "engine_version": ENGINE_VERSION,
        "positions": N_POSITIONS,
        "venues": N_VENUES,
        "symbols": N_SYMBOLS,
        "history_days": N_DAYS,
        "runs": args.runs,
        "assess_ms": {
            "p50": percentile(full, 50),
            "p99": percentile(full, 99),
            "mean": statistics.fmean(full),
        },
        "target_p50_ms": 10.0,
        "naive_core_ms": {"p50": percentile(naive, 50), "runs": naive_runs},
        "naive_core_over_full_assess_p50": percentile(naive, 50) / percentile(full, 50),
        "assess_peak_traced_memory_mb": peak / 2**20,
        "to_dict_json_ms_p50": percentile(serialize, 50),
        "to_dict_ms_p50": percentile(render, 50),
        "build_inputs_ms_once": build_ms,
        "hypothetical_backtest": hypothetical_figures(inputs, result, params, args.runs),
        "core_matches_naive": bool(
            np.isclose(result.var.historical_var or 0.0, check["var"], rtol=1e-9)
            and np.isclose(result.symbols.net_size[0], check["net_btc"])
            and np.isclose(result.pnl.realized_today, check["realized"])
            and np.isclose(result.exposure.total_notional, check["notional"], rtol=1e-9)
        ),
    }
    failed = False
    if not args.engine_only:
        figures["evaluate_risk"], failed = evaluate_risk_figures()
    print(json.dumps(figures, indent=2))
    if failed:
        raise SystemExit(1)


def evaluate_risk_figures() -> tuple[dict[str, object], bool]:
    """bench/risk.py's JSON; on failure, its exit code and the end of what it wrote."""
    script = Path(__file__).resolve().with_name("risk.py")
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=False)
    if run.returncode != 0:
        failure = {"error": f"bench/risk.py exited {run.returncode}", "stderr": run.stderr[-2000:]}
        return failure, True
    # Its JSON is the last thing it prints (a log line may come before).
    start = run.stdout.rfind("\n{\n") + 1
    figures: dict[str, object] = json.loads(run.stdout[start:])
    return figures, False


if __name__ == "__main__":
    main()
