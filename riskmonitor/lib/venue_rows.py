"""The validated rows a venue answer parses into (Decimal money, UTC epoch ms).

Connectors produce them; the market data and positions services store them. They live below
both so that neither app imports the other to name a row.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class BalanceRow:
    wallet: str  # spot, futures, master, segregated
    asset: str
    free: Decimal
    locked: Decimal

    @property
    def total(self) -> Decimal:
        return self.free + self.locked


@dataclass(frozen=True)
class PositionRow:
    venue_symbol: str
    contracts: Decimal  # signed
    contract_size: Decimal
    entry_price: Decimal
    mark_price: Decimal
    unrealized_pnl: Decimal
    leverage: Decimal | None

    @property
    def size(self) -> Decimal:
        return self.contracts * self.contract_size


@dataclass(frozen=True)
class OrderRow:
    order_id: str
    venue_symbol: str
    side: str  # buy / sell
    type: str
    price: Decimal
    amount: Decimal
    filled: Decimal
    reduce_only: bool
    status: str
    created_ms: int


@dataclass(frozen=True)
class FillRow:
    trade_id: str
    order_id: str
    venue_symbol: str
    market: str  # spot / linear
    side: str
    price: Decimal
    amount: Decimal
    cost: Decimal
    fee: Decimal
    fee_asset: str
    realized_pnl: Decimal | None
    time_ms: int


@dataclass(frozen=True)
class PriceRow:
    venue_symbol: str
    kind: str  # spot / perpetual
    last: Decimal
    mark: Decimal | None
    bid: Decimal | None
    ask: Decimal | None
    quote_volume_24h: Decimal | None
    as_of_ms: int


@dataclass(frozen=True)
class CandleRow:
    open_time_ms: int
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal


@dataclass(frozen=True)
class InstrumentRow:
    venue_symbol: str
    kind: str  # spot / perpetual
    base: str
    quote: str
    contract_size: Decimal
    tick_size: Decimal
    lot_size: Decimal
    active: bool
    # The venue's trading fees for our account, fractions of notional (0.001 = 10 bps); None
    # when they were not read (no account of that market, or the fee request failed).
    maker_fee: Decimal | None = None
    taker_fee: Decimal | None = None


@dataclass(frozen=True)
class SettlementRow:
    settlement_id: str
    asset: str
    amount: Decimal
    direction: str
    counterparty: str
    status: str
    created_ms: int
    updated_ms: int


@dataclass(frozen=True)
class TransferRow:
    transfer_id: str
    asset: str
    amount: Decimal
    direction: str
    counterparty: str
    time_ms: int
