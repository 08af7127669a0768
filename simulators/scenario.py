"""Scenario files: the simulated world's instruments, venues, accounts and custodian clients.

A scenario is YAML. Any string may contain `${VAR}` or `${VAR:-default}`; it is expanded from the
environment before parsing, so secrets never have to live in the file.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

_ENV_PATTERN = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


class ScenarioError(ValueError):
    """A scenario file is missing a key or has a bad value; the message names both."""


def expand_env(text: str, env: dict[str, str] | None = None) -> str:
    """Replace `${VAR}` / `${VAR:-default}`; an unset variable without default is an error."""
    source = os.environ if env is None else env

    def replace(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        value = source.get(name)
        if value not in (None, ""):
            return str(value)
        if default is not None:
            return default
        raise ScenarioError(f"environment variable {name} is not set and has no default")

    return _ENV_PATTERN.sub(replace, text)


@dataclass(frozen=True)
class MarketSpec:
    tick_size: Decimal
    step_size: Decimal
    min_qty: Decimal
    min_notional: Decimal
    max_qty: Decimal = Decimal(9000)  # advertised in LOT_SIZE (not enforced, as before)


@dataclass(frozen=True)
class Instrument:
    base: str
    quote: str
    reference_price: float
    annual_vol: float
    annual_drift: float
    daily_volume: float
    spot: MarketSpec
    perp: MarketSpec

    @property
    def symbol(self) -> str:
        return f"{self.base}{self.quote}"


@dataclass(frozen=True)
class PositionSpec:
    symbol: str
    amount: Decimal
    entry_price: Decimal


@dataclass(frozen=True)
class FillSpec:
    market: str  # "spot" or "futures"
    symbol: str
    side: str
    qty: Decimal
    price: Decimal
    hours_ago: float
    realized_pnl: Decimal


@dataclass(frozen=True)
class AccountSpec:
    label: str
    api_key: str
    api_secret: str
    strategy: str
    spot_balances: dict[str, Decimal]
    futures_wallet: Decimal
    positions: tuple[PositionSpec, ...]
    fills: tuple[FillSpec, ...]


@dataclass(frozen=True)
class Fees:
    spot_maker: Decimal
    spot_taker: Decimal
    futures_maker: Decimal
    futures_taker: Decimal


@dataclass(frozen=True)
class ExchangeSpec:
    name: str
    basis_bps: float
    spread_bps: float
    funding_rate: Decimal
    leverage: int
    weight_per_minute: int
    fees: Fees
    accounts: tuple[AccountSpec, ...]


@dataclass(frozen=True)
class SettlementSpec:
    id: str
    client_id: str
    asset: str
    amount: Decimal
    direction: str
    counterparty: str
    status: str
    hours_ago: float


@dataclass(frozen=True)
class TransferSpec:
    id: str
    client_id: str
    asset: str
    amount: Decimal
    direction: str
    counterparty: str
    hours_ago: float


@dataclass(frozen=True)
class CustodianClientSpec:
    client_id: str
    master: dict[str, Decimal]
    segregated: dict[str, Decimal]


@dataclass(frozen=True)
class CustodianSpec:
    name: str
    api_keys: dict[str, tuple[str, ...]]  # key -> client ids it may read
    clients: tuple[CustodianClientSpec, ...]
    settlements: tuple[SettlementSpec, ...]
    transfers: tuple[TransferSpec, ...]


@dataclass(frozen=True)
class Scenario:
    reference_time_ms: int
    instruments: tuple[Instrument, ...]
    exchanges: dict[str, ExchangeSpec]
    custodian: CustodianSpec | None
    source: str = field(default="")

    def exchange(self, name: str) -> ExchangeSpec:
        if name not in self.exchanges:
            known = ", ".join(sorted(self.exchanges))
            raise ScenarioError(f"exchanges.{name}: not in scenario (known: {known})")
        return self.exchanges[name]


def load_scenario(path: str | Path, env: dict[str, str] | None = None) -> Scenario:
    text = expand_env(Path(path).read_text(encoding="utf-8"), env)
    raw = yaml.safe_load(text)
    if not isinstance(raw, dict):
        raise ScenarioError(f"{path}: top level must be a mapping")
    return parse_scenario(raw, source=str(path))


def parse_scenario(raw: dict[str, Any], source: str = "") -> Scenario:
    custodian = raw.get("custodian")
    return Scenario(
        reference_time_ms=_parse_reference_time(_require(raw, "reference_time", "")),
        instruments=tuple(
            _instrument(i, f"instruments[{n}]") for n, i in enumerate(raw["instruments"])
        ),
        exchanges={
            name: _exchange(name, spec) for name, spec in (raw.get("exchanges") or {}).items()
        },
        custodian=_custodian(custodian) if custodian else None,
        source=source,
    )


def _require(raw: dict[str, Any], key: str, where: str) -> Any:
    if key not in raw:
        raise ScenarioError(f"{where}{'.' if where else ''}{key}: missing")
    return raw[key]


def _dec(value: Any) -> Decimal:
    return Decimal(str(value))


def _parse_reference_time(value: str) -> int:
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if moment.timestamp() % 86400:
        # Price blocks are whole UTC days; an anchor inside a day would shift every block.
        raise ScenarioError("reference_time: must be a UTC midnight")
    return int(moment.timestamp() * 1000)


def _market(raw: dict[str, Any]) -> MarketSpec:
    return MarketSpec(
        tick_size=_dec(raw["tick_size"]),
        step_size=_dec(raw["step_size"]),
        min_qty=_dec(raw.get("min_qty", raw["step_size"])),
        min_notional=_dec(raw.get("min_notional", "5")),
        max_qty=_dec(raw.get("max_qty", "9000")),
    )


def _instrument(raw: dict[str, Any], where: str) -> Instrument:
    return Instrument(
        base=str(_require(raw, "base", where)),
        quote=str(raw.get("quote", "USDT")),
        reference_price=float(_require(raw, "reference_price", where)),
        annual_vol=float(_require(raw, "annual_vol", where)),
        annual_drift=float(raw.get("annual_drift", 0.0)),
        daily_volume=float(raw.get("daily_volume", 1000.0)),
        spot=_market(_require(raw, "spot", where)),
        perp=_market(_require(raw, "perp", where)),
    )


def _fill(raw: dict[str, Any]) -> FillSpec:
    return FillSpec(
        market=str(raw["market"]),
        symbol=str(raw["symbol"]),
        side=str(raw["side"]).upper(),
        qty=_dec(raw["qty"]),
        price=_dec(raw["price"]),
        hours_ago=float(raw.get("hours_ago", 1)),
        realized_pnl=_dec(raw.get("realized_pnl", "0")),
    )


def _account(raw: dict[str, Any], where: str) -> AccountSpec:
    futures = raw.get("futures") or {}
    return AccountSpec(
        label=str(_require(raw, "label", where)),
        api_key=str(_require(raw, "api_key", where)),
        api_secret=str(_require(raw, "api_secret", where)),
        strategy=str(raw.get("strategy", "")),
        spot_balances={k: _dec(v) for k, v in (raw.get("spot_balances") or {}).items()},
        futures_wallet=_dec(futures.get("wallet_balance", "0")),
        positions=tuple(
            PositionSpec(str(p["symbol"]), _dec(p["amount"]), _dec(p["entry_price"]))
            for p in futures.get("positions") or []
        ),
        fills=tuple(_fill(f) for f in raw.get("fills") or []),
    )


def _exchange(name: str, raw: dict[str, Any]) -> ExchangeSpec:
    fees = raw.get("fees") or {}
    spot, fut = fees.get("spot") or {}, fees.get("futures") or {}
    where = f"exchanges.{name}"
    return ExchangeSpec(
        name=name,
        basis_bps=float(raw.get("basis_bps", 0.0)),
        spread_bps=float(raw.get("spread_bps", 1.0)),
        funding_rate=_dec(raw.get("funding_rate", "0.0001")),
        leverage=int(raw.get("leverage", 10)),
        weight_per_minute=int((raw.get("rate_limits") or {}).get("weight_per_minute", 1200)),
        fees=Fees(
            spot_maker=_dec(spot.get("maker", "0.001")),
            spot_taker=_dec(spot.get("taker", "0.001")),
            futures_maker=_dec(fut.get("maker", "0.0002")),
            futures_taker=_dec(fut.get("taker", "0.0005")),
        ),
        accounts=tuple(
            _account(a, f"{where}.accounts[{n}]") for n, a in enumerate(raw.get("accounts") or [])
        ),
    )


def _custodian(raw: dict[str, Any]) -> CustodianSpec:
    clients = tuple(
        CustodianClientSpec(
            client_id=str(cid),
            master={k: _dec(v) for k, v in (spec.get("master") or {}).items()},
            segregated={k: _dec(v) for k, v in (spec.get("segregated") or {}).items()},
        )
        for cid, spec in (raw.get("clients") or {}).items()
    )
    return CustodianSpec(
        name=str(raw.get("name", "custodian-1")),
        api_keys={
            str(k["key"]): tuple(str(c) for c in k.get("clients", [])) for k in raw["api_keys"]
        },
        clients=clients,
        settlements=tuple(
            SettlementSpec(
                id=str(s["id"]),
                client_id=str(s["client_id"]),
                asset=str(s["asset"]),
                amount=_dec(s["amount"]),
                direction=str(s.get("direction", "in")),
                counterparty=str(s.get("counterparty", "")),
                status=str(s.get("status", "pending")),
                hours_ago=float(s.get("hours_ago", 1)),
            )
            for s in raw.get("settlements") or []
        ),
        transfers=tuple(
            TransferSpec(
                id=str(t["id"]),
                client_id=str(t["client_id"]),
                asset=str(t["asset"]),
                amount=_dec(t["amount"]),
                direction=str(t.get("direction", "deposit")),
                counterparty=str(t.get("counterparty", "")),
                hours_ago=float(t.get("hours_ago", 1)),
            )
            for t in raw.get("transfers") or []
        ),
    )
