"""The connector interface: the errors it raises and the rows it returns (the row types are
``riskmonitor.lib.venue_rows``; Decimal money, UTC epoch ms).

A connector speaks to one venue. It raises ``SourceError`` when the call failed on the wire and
``PayloadRejected`` when the venue answered something we refuse to store; it never returns
partial or unvalidated data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from riskmonitor.lib.venue_rows import (
    BalanceRow,
    CandleRow,
    FillRow,
    InstrumentRow,
    OrderRow,
    PositionRow,
    PriceRow,
    SettlementRow,
    TransferRow,
)

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
