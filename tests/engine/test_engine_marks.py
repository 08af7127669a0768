import json
import math

from riskmonitor.engine import BalanceRow, QuoteRow
from tests.engine.enginecases import T0, make_inputs, perp, run, spot


def _quotes(*rows: tuple[str, str, float, float]) -> list[QuoteRow]:
    return [QuoteRow(symbol, source, price, T0 - age) for symbol, source, price, age in rows]


def test_it_takes_the_first_fresh_source_in_pricing_order() -> None:
    quotes = _quotes(
        ("BTC-USD", "exchange-2", 41_900.0, 1.0), ("BTC-USD", "exchange-1", 42_000.0, 200.0)
    )
    row = run(
        make_inputs([perp("exchange-1", "BTC-USD", 1.0, 40_000.0)], quotes=quotes)
    ).symbols.row("BTC-USD")
    assert (row["mark"], row["mark_source"], row["mark_status"]) == (
        42_000.0,
        "exchange-1",
        "fresh",
    )
    assert row["mark_age_seconds"] == 200.0


def test_it_skips_a_stale_preferred_source_for_a_fresh_one() -> None:
    quotes = _quotes(
        ("BTC-USD", "exchange-1", 42_000.0, 301.0), ("BTC-USD", "exchange-2", 41_900.0, 5.0)
    )
    row = run(
        make_inputs([perp("exchange-1", "BTC-USD", 1.0, 40_000.0)], quotes=quotes)
    ).symbols.row("BTC-USD")
    assert (row["mark"], row["mark_source"], row["mark_status"]) == (
        41_900.0,
        "exchange-2",
        "fresh",
    )


def test_it_falls_back_to_the_last_known_price_and_flags_it_stale() -> None:
    quotes = _quotes(
        ("BTC-USD", "exchange-1", 42_000.0, 3_600.0), ("BTC-USD", "exchange-2", 41_000.0, 900.0)
    )
    result = run(make_inputs([perp("exchange-1", "BTC-USD", 1.0, 40_000.0)], quotes=quotes))
    row = result.symbols.row("BTC-USD")
    assert (row["mark"], row["mark_source"], row["mark_status"]) == (
        41_000.0,
        "exchange-2",
        "stale",
    )
    assert result.stale_marks == ("BTC-USD",)
    assert "stale_marks" in result.flags
    assert result.pnl.unrealized_pnl == 1_000.0  # a stale mark is still used, flagged


def test_it_never_values_a_missing_mark_at_zero() -> None:
    quotes = _quotes(("BTC-USD", "exchange-1", 42_000.0, 1.0))
    rows = [
        perp("exchange-1", "BTC-USD", 1.0, 40_000.0),
        perp("exchange-1", "ETH-USD", 10.0, 2_000.0, realized_today=5.0),
    ]
    result = run(make_inputs(rows, quotes=quotes))
    eth = result.symbols.row("ETH-USD")
    assert eth["mark_status"] == "missing"
    assert eth["mark"] is None and eth["notional"] is None and eth["unrealized_pnl"] is None
    assert eth["net_size"] == 10.0  # sizes need no price
    assert result.missing_marks == ("ETH-USD",)
    assert "missing_marks" in result.flags
    assert result.pnl.unrealized_pnl == 2_000.0  # only BTC
    assert result.pnl.realized_today == 5.0
    assert result.exposure.gross_notional == 42_000.0
    assert result.attribution.by_symbol.row("ETH-USD")["complete"] is False


def test_it_flags_equity_incomplete_when_a_held_asset_has_no_price() -> None:
    quotes = _quotes(("BTC-USD", "exchange-1", 42_000.0, 1.0))
    balances = [
        BalanceRow("exchange-1", "main", "USD", 100.0),
        BalanceRow("exchange-1", "main", "SOL", 5.0),
    ]
    result = run(make_inputs([spot("exchange-1", "BTC-USD", 0.0, 1.0)], balances, quotes=quotes))
    assert result.pnl.equity == 100.0
    assert result.pnl.equity_complete is False
    assert "equity_incomplete" in result.flags
    assert result.missing_marks == ("SOL-USD",)
    assert result.deltas.row("SOL")["units"] == 5.0
    assert result.deltas.row("SOL")["usd_complete"] is False


def test_it_emits_strict_json_even_with_missing_everything() -> None:
    result = run(make_inputs([perp("exchange-1", "ETH-USD", 1.0, 2_000.0)], quotes=[]))
    text = json.dumps(result.to_dict(), allow_nan=False)
    assert "NaN" not in text
    payload = json.loads(text)
    assert payload["symbols"]["ETH-USD"]["mark_status"] == "missing"
    assert all(not isinstance(v, float) or math.isfinite(v) for v in payload["pnl"].values())
