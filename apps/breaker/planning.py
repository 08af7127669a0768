"""The liquidation plan of a trip, from the latest stored snapshot of every exchange account.

Per account: first cancel the open orders of every symbol that has some, then flatten.
- futures: one reduce-only market order per open position, the opposite side, |contracts|;
- spot: sell each non-stablecoin holding (free + locked: the cancels free what orders locked)
  for a stablecoin on the same venue's spot market.
Custodian holdings cannot be traded through an exchange connector and are not in the plan.
No network here: the plan is what the monitor last saw; execution sends it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from apps.marketdata.models import Instrument
from apps.marketdata.symbols import configured_aliases
from apps.positions.models import AccountSnapshot, Portfolio
from apps.positions.selectors import latest_account_snapshots

# Quote preference when a spot holding can be sold on several markets.
QUOTE_PREFERENCE = ("USDT", "USDC", "FDUSD")


@dataclass(frozen=True)
class StepSpec:
    venue_id: int
    account_id: int
    market: str
    kind: str
    venue_symbol: str
    ccxt_symbol: str
    side: str = ""
    amount: Decimal = Decimal(0)
    reduce_only: bool = False


@dataclass
class PlanDraft:
    steps: list[StepSpec] = field(default_factory=list)
    sources: dict[str, Any] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


def stable_assets() -> frozenset[str]:
    aliases = configured_aliases()
    return frozenset({*aliases, *aliases.values(), *QUOTE_PREFERENCE})


def ccxt_symbol(base: str, quote: str, market: str) -> str:
    return f"{base}/{quote}:{quote}" if market == "futures" else f"{base}/{quote}"


class _Markets:
    """The venue's instruments by (kind, venue symbol) and spot markets by base asset."""

    def __init__(self, venue_id: int) -> None:
        rows = list(Instrument.objects.filter(venue_id=venue_id, active=True))
        self.by_symbol = {(i.kind, i.venue_symbol): i for i in rows}
        self.spot_by_base: dict[str, list[Instrument]] = {}
        for i in rows:
            if i.kind == "spot":
                self.spot_by_base.setdefault(i.base, []).append(i)

    def symbol_of(self, kind: str, venue_symbol: str, market: str) -> str | None:
        found = self.by_symbol.get((kind, venue_symbol))
        if found is not None:
            return ccxt_symbol(found.base, found.quote, market)
        for quote in QUOTE_PREFERENCE:  # not listed (yet): read the usual Binance form
            if venue_symbol.endswith(quote) and len(venue_symbol) > len(quote):
                return ccxt_symbol(venue_symbol[: -len(quote)], quote, market)
        return None

    def spot_market_for(self, asset: str) -> Instrument | None:
        markets = {i.quote: i for i in self.spot_by_base.get(asset, [])}
        return next((markets[q] for q in QUOTE_PREFERENCE if q in markets), None)


def _cancels(snap: AccountSnapshot, markets: _Markets, draft: PlanDraft) -> None:
    market = snap.account.market
    kind = "spot" if market == "spot" else "perpetual"
    for venue_symbol in sorted({o.venue_symbol for o in snap.orders.all()}):
        symbol = markets.symbol_of(kind, venue_symbol, market)
        if symbol is None:
            draft.skipped.append(f"{snap.account}: open orders of {venue_symbol}: unknown market")
            continue
        draft.steps.append(
            StepSpec(snap.account.venue_id, snap.account_id, market, "cancel_orders",
                     venue_symbol, symbol)
        )  # fmt: skip


def _futures_closes(snap: AccountSnapshot, markets: _Markets, draft: PlanDraft) -> None:
    for line in sorted(snap.positions.all(), key=lambda p: p.venue_symbol):
        if not line.contracts:
            continue
        symbol = markets.symbol_of("perpetual", line.venue_symbol, "futures")
        if symbol is None:
            draft.skipped.append(f"{snap.account}: position {line.venue_symbol}: unknown market")
            continue
        draft.steps.append(
            StepSpec(snap.account.venue_id, snap.account_id, "futures", "close_position",
                     line.venue_symbol, symbol, "sell" if line.contracts > 0 else "buy",
                     abs(line.contracts), reduce_only=True)
        )  # fmt: skip


def _spot_closes(
    snap: AccountSnapshot, markets: _Markets, stables: frozenset[str], draft: PlanDraft
) -> None:
    for line in sorted(snap.balances.all(), key=lambda b: b.asset):
        if line.wallet != "spot" or line.asset in stables or line.total <= 0:
            continue
        instrument = markets.spot_market_for(line.asset)
        if instrument is None:
            draft.skipped.append(f"{snap.account}: {line.asset}: no spot market to sell it on")
            continue
        draft.steps.append(
            StepSpec(snap.account.venue_id, snap.account_id, "spot", "close_position",
                     instrument.venue_symbol, ccxt_symbol(instrument.base, instrument.quote,
                                                          "spot"),
                     "sell", line.total)
        )  # fmt: skip


def plan_draft(portfolio: Portfolio) -> PlanDraft:
    """Every step of the portfolio's liquidation, cancels of an account before its closes."""
    draft = PlanDraft()
    stables = stable_assets()
    markets: dict[int, _Markets] = {}
    for snap in latest_account_snapshots(portfolio):
        account = snap.account
        if account.venue.kind != "exchange" or account.market not in ("spot", "futures"):
            continue
        venue_markets = markets.setdefault(account.venue_id, _Markets(account.venue_id))
        draft.sources[str(account)] = {"snapshot_id": snap.pk, "as_of": snap.as_of.isoformat()}
        _cancels(snap, venue_markets, draft)
        if account.market == "futures":
            _futures_closes(snap, venue_markets, draft)
        else:
            _spot_closes(snap, venue_markets, stables, draft)
    if draft.skipped:
        draft.sources["skipped"] = draft.skipped
    return draft
