"""Mutable venue state: accounts with spot balances, a USDT-margined futures wallet, positions,
orders and fills. Money is Decimal throughout; floats exist only in the price paths."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from simulators.scenario import AccountSpec

ZERO = Decimal(0)
SETTLE_ASSET = "USDT"  # USDⓈ-M futures settle in USDT


@dataclass
class Balance:
    free: Decimal = ZERO
    locked: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.free + self.locked


@dataclass
class Position:
    amount: Decimal = ZERO  # signed, in contracts (contract size 1 = base units)
    entry_price: Decimal = ZERO
    update_time: int = 0


@dataclass
class Order:
    order_id: int
    client_order_id: str
    market: str  # "spot" or "futures"
    symbol: str
    side: str  # "BUY" / "SELL"
    type: str  # "LIMIT" / "MARKET"
    price: Decimal
    orig_qty: Decimal
    time_in_force: str
    reduce_only: bool
    time: int
    status: str = "NEW"
    executed_qty: Decimal = ZERO
    cum_quote: Decimal = ZERO
    update_time: int = 0
    locked_asset: str = ""
    locked_amount: Decimal = ZERO

    @property
    def avg_price(self) -> Decimal:
        return self.cum_quote / self.executed_qty if self.executed_qty else ZERO


@dataclass
class Fill:
    id: int
    order_id: int
    market: str
    symbol: str
    side: str
    price: Decimal
    qty: Decimal
    quote_qty: Decimal
    commission: Decimal
    commission_asset: str
    realized_pnl: Decimal
    time: int
    maker: bool


@dataclass
class Account:
    label: str
    api_key: str
    api_secret: str
    strategy: str
    uid: int
    spot: dict[str, Balance] = field(default_factory=dict)
    wallet: Decimal = ZERO  # futures USDT wallet balance (realized P&L and fees land here)
    positions: dict[str, Position] = field(default_factory=dict)
    orders: dict[int, Order] = field(default_factory=dict)
    fills: list[Fill] = field(default_factory=list)
    leverage: dict[str, int] = field(default_factory=dict)

    def balance(self, asset: str) -> Balance:
        return self.spot.setdefault(asset, Balance())

    def position(self, symbol: str) -> Position:
        return self.positions.setdefault(symbol, Position())

    def open_orders(self, market: str, symbol: str | None = None) -> list[Order]:
        return [
            o
            for o in self.orders.values()
            if o.market == market
            and o.status in ("NEW", "PARTIALLY_FILLED")
            and (symbol is None or o.symbol == symbol)
        ]


def account_from_spec(spec: AccountSpec, uid: int, now_ms: int) -> Account:
    account = Account(spec.label, spec.api_key, spec.api_secret, spec.strategy, uid)
    for asset, amount in spec.spot_balances.items():
        account.spot[asset] = Balance(free=amount)
    account.wallet = spec.futures_wallet
    for pos in spec.positions:
        account.positions[pos.symbol] = Position(pos.amount, pos.entry_price, now_ms)
    return account
