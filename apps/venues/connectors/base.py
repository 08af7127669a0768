"""The connector interface and the validated rows it returns (Decimal money, UTC epoch ms).

A connector speaks to one venue. It raises ``SourceError`` when the call failed on the wire and
``PayloadRejected`` when the venue answered something we refuse to store; it never returns
partial or unvalidated data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

ZERO = Decimal(0)


class ErrorKind:
    TIMEOUT = "timeout"
    NETWORK = "network"
    SERVER = "server_error"
    RATE_LIMITED = "rate_limited"
    AUTH = "auth"
    BAD_RESPONSE = "bad_response"
    INVALID = "invalid"
    BREAKER_OPEN = "breaker_open"
    RATE_BUDGET = "rate_budget"
    REQUEST = "request_error"

    TRANSIENT = frozenset({TIMEOUT, NETWORK, SERVER, RATE_LIMITED})


class SourceError(Exception):
    """A call that did not produce a usable answer (after any retries)."""

    def __init__(self, kind: str, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.retry_after = retry_after

    @property
    def transient(self) -> bool:
        return self.kind in ErrorKind.TRANSIENT


class PayloadRejected(SourceError):
    """The venue answered, but the body failed validation; ``excerpt`` is its raw start."""

    def __init__(self, reason: str, excerpt: str = "") -> None:
        super().__init__(ErrorKind.INVALID, reason)
        self.reason = reason
        self.excerpt = excerpt


@dataclass(frozen=True)
class Pulled[T]:
    """Rows of one endpoint call, the venue's time of the answer, and its timestamps by key."""

    rows: list[T]
    as_of_ms: int
    watermarks: dict[str, int] = field(default_factory=dict)


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


Creds = tuple[str, str]  # (api key, secret) read from the environment just before the call


class ExchangeConnector(Protocol):
    """One exchange; account calls take the account's credentials and market (spot/futures)."""

    def fetch_balances(self, creds: Creds, market: str) -> Pulled[BalanceRow]: ...

    def fetch_positions(self, creds: Creds) -> Pulled[PositionRow]: ...

    def fetch_open_orders(
        self, creds: Creds, market: str, venue_symbol: str
    ) -> Pulled[OrderRow]: ...

    def fetch_fills_since(
        self, creds: Creds, market: str, venue_symbol: str, since_ms: int, until_ms: int
    ) -> Pulled[FillRow]: ...

    def fetch_prices(self, kind: str, venue_symbol: str) -> Pulled[PriceRow]: ...

    def fetch_marks(self) -> Pulled[PriceRow]: ...

    def fetch_candles(
        self, kind: str, venue_symbol: str, interval: str, since_ms: int, until_ms: int
    ) -> Pulled[CandleRow]: ...

    def fetch_instruments(
        self, fee_creds: Mapping[str, Creds] | None = None
    ) -> Pulled[InstrumentRow]:
        """Instrument specs; with `fee_creds` (market -> an account's credentials) also the
        trading fees of each market, on the same slow schedule."""
        ...


class CustodianConnector(Protocol):
    def fetch_master_balances(self) -> Pulled[BalanceRow]: ...

    def fetch_segregated_balances(self) -> Pulled[BalanceRow]: ...

    def fetch_settlements(self) -> Pulled[SettlementRow]: ...

    def fetch_transfers_since(self, since_ms: int) -> Pulled[TransferRow]: ...
