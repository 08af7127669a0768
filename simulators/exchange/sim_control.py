"""`/_sim/` control API of the exchange simulator (tests and demos steer the world through it)."""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from simulators import control
from simulators.control import ControlError
from simulators.exchange import matching
from simulators.exchange.state import Account, Balance, Position
from simulators.exchange.venue import now_ms
from simulators.numbers import fixed
from simulators.server import Request, Response, json_response

if TYPE_CHECKING:
    from simulators.exchange.app import ExchangeApp


class ExchangeControl:
    def __init__(self, app: ExchangeApp) -> None:
        self.app = app
        self.venue = app.venue

    def handle(self, request: Request) -> Response:
        if not control.authorized(request):
            return control.unauthorized()
        action = {
            ("GET", "/_sim/state"): self.state,
            ("POST", "/_sim/reset"): self.reset,
            ("POST", "/_sim/balances"): self.set_balance,
            ("POST", "/_sim/positions"): self.set_position,
            ("POST", "/_sim/prices"): self.jump_price,
            ("POST", "/_sim/volatility"): self.set_volatility,
            ("POST", "/_sim/faults"): self.add_fault,
            ("DELETE", "/_sim/faults"): self.clear_faults,
            ("POST", "/_sim/rate_limit"): self.set_rate_limit,
        }.get((request.method, request.path))
        if action is None:
            return control.not_found(request.path)
        try:
            data = control.body(request) if request.method == "POST" else {}
            with self.venue.lock:
                return json_response(200, action(data))
        except ControlError as exc:
            return exc.response()

    # -- reads ----------------------------------------------------------------------------------

    def state(self, data: dict[str, Any]) -> dict[str, Any]:
        now = now_ms()
        return {
            "venue": self.venue.name,
            "seed": self.venue.seed,
            "now": now,
            "prices": self._prices(now),
            "accounts": [self._account(a) for a in self.venue.accounts.values()],
            "faults": self.app.faults.snapshot(),
            "faults_fired": dict(self.app.faults.fired),
            "requests": self.app.request_counts(),
            "rate_limit": {"weight_per_minute": self.app.limiter.limit},
        }

    def _prices(self, now: int) -> dict[str, Any]:
        prices = {}
        for symbol, path in self.venue.paths.items():
            spot = self.venue.market("spot", symbol)
            fut = self.venue.market("futures", symbol)
            prices[symbol] = {
                "path": f"{path.price_at(now):.8f}",
                "spot_last": fixed(self.venue.quote(spot, now)[1]),
                "futures_mark": fixed(self.venue.mark_price(fut)),
                "annual_vol": path.current_vol(),
            }
        return prices

    def _account(self, account: Account) -> dict[str, Any]:
        venue = self.venue
        return {
            "label": account.label,
            "api_key": account.api_key,
            "strategy": account.strategy,
            "spot_balances": {
                k: {"free": fixed(b.free), "locked": fixed(b.locked)}
                for k, b in account.spot.items()
            },
            "futures": {
                "wallet_balance": fixed(account.wallet),
                "unrealized_pnl": fixed(matching.unrealized(venue, account)),
                "available_balance": fixed(matching.available_balance(venue, account)),
                "positions": [
                    {"symbol": s, "amount": fixed(p.amount), "entry_price": fixed(p.entry_price)}
                    for s, p in sorted(account.positions.items())
                    if p.amount
                ],
            },
            "open_orders": [
                _plain(asdict(o))
                for o in account.orders.values()
                if o.status in ("NEW", "PARTIALLY_FILLED")
            ],
            "fills": [_plain(asdict(f)) for f in account.fills],
        }

    # -- writes ---------------------------------------------------------------------------------

    def reset(self, data: dict[str, Any]) -> dict[str, Any]:
        self.app.reset()
        return {"ok": True}

    def _account_named(self, data: dict[str, Any]) -> Account:
        label = control.text(data, "account")
        account = self.venue.account_by_label(label) or self.venue.account_by_key(label)
        if account is None:
            known = ", ".join(a.label for a in self.venue.accounts.values())
            raise ControlError("account", f"unknown account {label!r} (known: {known})")
        return account

    def _symbol(self, data: dict[str, Any]) -> str:
        symbol = control.text(data, "symbol")
        if symbol not in self.venue.paths:
            raise ControlError(
                "symbol", f"unknown symbol {symbol!r} (known: {', '.join(self.venue.paths)})"
            )
        return symbol

    def set_balance(self, data: dict[str, Any]) -> dict[str, Any]:
        account = self._account_named(data)
        asset = control.text(data, "asset")
        market = data.get("market", "spot")
        if market not in ("spot", "futures"):
            raise ControlError("market", "must be spot or futures")
        free = control.required_decimal(data, "free", minimum=Decimal(0))
        locked = control.decimal(data, "locked", required=False, minimum=Decimal(0)) or Decimal(0)
        if market == "futures":
            if asset != "USDT":
                raise ControlError("asset", "the futures wallet holds USDT only")
            account.wallet = free
        else:
            account.spot[asset] = Balance(free=free, locked=locked)
        return self._account(account)

    def set_position(self, data: dict[str, Any]) -> dict[str, Any]:
        account = self._account_named(data)
        symbol = self._symbol(data)
        amount = control.required_decimal(data, "amount")
        entry = control.decimal(data, "entry_price", required=amount != 0, positive=True)
        account.positions[symbol] = Position(amount, entry or Decimal(0), now_ms())
        return self._account(account)

    def jump_price(self, data: dict[str, Any]) -> dict[str, Any]:
        symbol = self._symbol(data)
        price = control.required_decimal(data, "price", positive=True)
        self.venue.paths[symbol].jump_to(float(price), now_ms())
        self.venue.forget_stats()
        return {"symbol": symbol, "prices": self._prices(now_ms())[symbol]}

    def set_volatility(self, data: dict[str, Any]) -> dict[str, Any]:
        symbol = self._symbol(data)
        vol = control.required_decimal(data, "annual_vol", positive=True)
        if vol > 20:
            raise ControlError("annual_vol", "must be a fraction per year (0.8 = 80%), at most 20")
        self.venue.paths[symbol].set_volatility(float(vol), now_ms())
        self.venue.forget_stats()
        return {"symbol": symbol, "annual_vol": float(vol)}

    def add_fault(self, data: dict[str, Any]) -> dict[str, Any]:
        return control.add_fault(self.app.faults, data)

    def clear_faults(self, data: dict[str, Any]) -> dict[str, Any]:
        self.app.faults.clear()
        return {"ok": True}

    def set_rate_limit(self, data: dict[str, Any]) -> dict[str, Any]:
        limit = control.required_decimal(data, "weight_per_minute", positive=True)
        self.app.limiter.reset(int(limit))
        return {"weight_per_minute": int(limit)}


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {k: fixed(v) if isinstance(v, Decimal) else v for k, v in row.items()}
