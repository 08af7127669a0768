"""Custodian state: per-client balances by account type, settlements and transfers."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from simulators.scenario import CustodianSpec

ACCOUNT_TYPES = ("master", "segregated")
SETTLEMENT_STATUSES = ("pending", "settled", "failed")


def now_ms() -> int:
    return int(time.time() * 1000)


def iso(ms: int | None) -> str | None:
    if ms is None:
        return None
    moment = datetime.fromtimestamp(ms / 1000, tz=UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def amount_text(value: Decimal) -> str:
    return f"{value:f}"


@dataclass
class Settlement:
    id: str
    client_id: str
    asset: str
    amount: Decimal
    direction: str
    counterparty: str
    status: str
    created_at: int
    updated_at: int
    settled_at: int | None = None
    failure_reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "client_id": self.client_id,
            "asset": self.asset,
            "amount": amount_text(self.amount),
            "direction": self.direction,
            "counterparty": self.counterparty,
            "status": self.status,
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
            "settled_at": iso(self.settled_at),
            "failure_reason": self.failure_reason,
        }


@dataclass
class Transfer:
    id: str
    client_id: str
    asset: str
    amount: Decimal
    direction: str
    counterparty: str
    timestamp: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "client_id": self.client_id,
            "asset": self.asset,
            "amount": amount_text(self.amount),
            "direction": self.direction,
            "counterparty": self.counterparty,
            "status": "completed",
            "timestamp": iso(self.timestamp),
        }


@dataclass
class CustodianState:
    spec: CustodianSpec
    lock: threading.RLock = field(default_factory=threading.RLock)
    balances: dict[str, dict[str, dict[str, Decimal]]] = field(default_factory=dict)
    settlements: dict[str, Settlement] = field(default_factory=dict)
    transfers: list[Transfer] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        moment = now_ms()
        with self.lock:
            self.balances = {
                c.client_id: {"master": dict(c.master), "segregated": dict(c.segregated)}
                for c in self.spec.clients
            }
            self.settlements = {s.id: _settlement(s, moment) for s in self.spec.settlements}
            self.transfers = [
                Transfer(
                    t.id,
                    t.client_id,
                    t.asset,
                    t.amount,
                    t.direction,
                    t.counterparty,
                    moment - int(t.hours_ago * 3_600_000),
                )
                for t in self.spec.transfers
            ]

    def clients_for_key(self, key: str) -> tuple[str, ...] | None:
        return self.spec.api_keys.get(key)


def _settlement(spec: Any, moment: int) -> Settlement:
    created = moment - int(spec.hours_ago * 3_600_000)
    settled = created + 1_800_000 if spec.status == "settled" else None
    updated = settled or (created + 900_000 if spec.status == "failed" else created)
    reason = "counterparty rejected instruction" if spec.status == "failed" else None
    return Settlement(
        spec.id,
        spec.client_id,
        spec.asset,
        spec.amount,
        spec.direction,
        spec.counterparty,
        spec.status,
        created,
        updated,
        settled,
        reason,
    )
