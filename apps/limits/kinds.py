"""Every kind of limit the monitor knows: its breach type, scope, unit and sign rule.

One table, read by the YAML loader, the input checks, the evaluation and the admin, so a kind
is described once. Pure: no Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from apps.limits.readings import ScopeKind

SignRule = Literal["positive", "negative", "fraction", "negative_fraction", "positive_int"]

# The brief's breach types (BRIEF "Audit Trail Logging", DESIGN §5).
BREACH_TYPES = (
    "position_limit_long",
    "position_limit_short",
    "notional_limit_symbol",
    "notional_limit_total",
    "concentration_limit",
    "delta_limit",
    "daily_loss_limit",
    "drawdown_limit",
    "trailing_stop",
    "var_limit",
    "leverage_limit",
    "stress_loss_limit",
    "data_staleness",
)

# Breach types that say the monitor cannot trust its data, not that the book is at risk. They
# never count toward the circuit breaker's critical-alert cascade (selling on data one cannot
# trust is the wrong reflex; docs/circuit-breaker.md) and their notifications have a budget of
# their own, so they cannot hold back a limit breach's (docs/alerts.md).
DATA_QUALITY_BREACH_TYPES = ("data_staleness",)


def is_data_quality(breach_type: str) -> bool:
    return breach_type in DATA_QUALITY_BREACH_TYPES


EVERY = "*"  # scope of a limit that applies to every symbol held / every data source
PORTFOLIO = "portfolio"
# The data source whose age the P&L calculation frequency limit watches: the caller passes
# StaleSource(PNL_CALCULATION_SOURCE, seconds since the last P&L calculation).
PNL_CALCULATION_SOURCE = "pnl_calculation"


@dataclass(frozen=True)
class KindSpec:
    kind: str
    breach_type: str
    scope_kind: ScopeKind
    unit: str  # unit of the stored value
    sign: SignRule
    label: str


_KINDS = (
    KindSpec("position_max_long", "position_limit_long", "symbol", "units", "positive",
             "largest net long size"),
    KindSpec("position_max_short", "position_limit_short", "symbol", "units", "negative",
             "largest net short size (signed)"),
    KindSpec("position_max_long_notional", "position_limit_long", "symbol", "usd", "positive",
             "largest net long notional"),
    KindSpec("position_max_short_notional", "position_limit_short", "symbol", "usd", "positive",
             "largest net short notional (a magnitude)"),
    KindSpec("concentration", "concentration_limit", "symbol", "fraction", "fraction",
             "largest share of portfolio gross notional"),
    KindSpec("gross_notional", "notional_limit_total", "portfolio", "usd", "positive",
             "portfolio gross notional"),
    KindSpec("total_notional", "notional_limit_total", "portfolio", "usd", "positive",
             "portfolio total notional"),
    KindSpec("symbol_notional", "notional_limit_symbol", "symbol", "usd", "positive",
             "notional of every symbol held"),
    KindSpec("delta", "delta_limit", "asset", "units", "positive",
             "net exposure to an asset, either way"),
    KindSpec("daily_loss", "daily_loss_limit", "portfolio", "usd", "negative",
             "daily P&L floor (signed)"),
    KindSpec("max_drawdown", "drawdown_limit", "portfolio", "fraction", "negative_fraction",
             "drawdown floor from the high-water mark (signed)"),
    KindSpec("trailing_stop", "trailing_stop", "portfolio", "fraction", "fraction",
             "trailing stop from the high-water mark"),
    KindSpec("var_99", "var_limit", "portfolio", "usd", "positive", "1-day 99% historical VaR"),
    KindSpec("leverage", "leverage_limit", "portfolio", "ratio", "positive",
             "gross notional / equity"),
    KindSpec("stress_loss", "stress_loss_limit", "portfolio", "usd", "positive",
             "worst stress scenario loss"),
    KindSpec("data_staleness", "data_staleness", "source", "minutes", "positive_int",
             "age of every data source"),
    KindSpec("pnl_frequency", "data_staleness", "source", "seconds", "positive_int",
             "time since the last P&L calculation"),
)  # fmt: skip

KINDS: dict[str, KindSpec] = {spec.kind: spec for spec in _KINDS}

SIGN_REASONS: dict[SignRule, str] = {
    "positive": "must be a positive number",
    "negative": "must be a negative number",
    "fraction": "must be a fraction (0 < x <= 1)",
    "negative_fraction": "must be a negative fraction (-1 <= x < 0)",
    "positive_int": "must be a positive whole number",
}

# Keys of the brief that state a limit stored under another key (configuration.md: they must
# agree), with the sign of the stored form.
KEY_ALIASES: dict[str, str] = {
    "portfolio_limits.max_daily_loss": "drawdown_limits.daily_loss (negative, e.g. -500000)",
    "portfolio_limits.max_drawdown_pct": "drawdown_limits.max_drawdown (negative, e.g. -0.15)",
}
