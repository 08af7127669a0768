"""`/_sim/` control API of the custodian simulator."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from simulators import control
from simulators.control import ControlError
from simulators.custodian.state import (
    ACCOUNT_TYPES,
    SETTLEMENT_STATUSES,
    Settlement,
    Transfer,
    amount_text,
    iso,
    now_ms,
)
from simulators.server import Request, Response, json_response

if TYPE_CHECKING:
    from simulators.custodian.app import CustodianApp


class CustodianControl:
    def __init__(self, app: CustodianApp) -> None:
        self.app = app
        self.state = app.state

    def handle(self, request: Request) -> Response:
        if not control.authorized(request):
            return control.unauthorized()
        action = {
            ("GET", "/_sim/state"): self.snapshot,
            ("POST", "/_sim/reset"): self.reset,
            ("POST", "/_sim/balances"): self.set_balance,
            ("POST", "/_sim/settlements"): self.upsert_settlement,
            ("POST", "/_sim/transfers"): self.add_transfer,
            ("POST", "/_sim/faults"): self.add_fault,
            ("DELETE", "/_sim/faults"): self.clear_faults,
        }.get((request.method, request.path))
        if action is None:
            return control.not_found(request.path)
        try:
            data = control.body(request) if request.method == "POST" else {}
            with self.state.lock:
                return json_response(200, action(data))
        except ControlError as exc:
            return exc.response()

    def snapshot(self, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "as_of": iso(now_ms()),
            "clients": {
                cid: {
                    kind: {a: amount_text(v) for a, v in rows.items()}
                    for kind, rows in accounts.items()
                }
                for cid, accounts in self.state.balances.items()
            },
            "settlements": [s.as_dict() for s in self.state.settlements.values()],
            "transfers": [t.as_dict() for t in self.state.transfers],
            "faults": self.app.faults.snapshot(),
            "faults_fired": dict(self.app.faults.fired),
            "requests": dict(self.app.requests),
        }

    def reset(self, data: dict[str, Any]) -> dict[str, Any]:
        self.state.reset()
        self.app.faults.clear()
        self.app.requests.clear()
        return {"ok": True}

    def _client_id(self, data: dict[str, Any]) -> str:
        client_id = control.text(data, "client_id")
        if client_id not in self.state.balances:
            raise ControlError("client_id", f"unknown client {client_id!r}")
        return client_id

    def set_balance(self, data: dict[str, Any]) -> dict[str, Any]:
        client_id = self._client_id(data)
        asset = control.text(data, "asset")
        amount = control.required_decimal(data, "amount", minimum=Decimal(0))
        kind = control.text(data, "account_type", ACCOUNT_TYPES)
        self.state.balances[client_id][kind][asset] = amount
        return {
            "client_id": client_id,
            "account_type": kind,
            "asset": asset,
            "amount": amount_text(amount),
        }

    def upsert_settlement(self, data: dict[str, Any]) -> dict[str, Any]:
        settlement_id = data.get("id")
        if settlement_id is not None and not isinstance(settlement_id, str):
            raise ControlError("id", "must be a string")
        existing = self.state.settlements.get(settlement_id or "")
        status = data.get("status")
        if status is not None:
            control.text(data, "status", SETTLEMENT_STATUSES)
        if existing is not None:
            return self._update(existing, data)
        return self._create(settlement_id, data)

    def _update(self, found: Settlement, data: dict[str, Any]) -> dict[str, Any]:
        moment = now_ms()
        amount = control.decimal(data, "amount", required=False, positive=True)
        if amount is not None:
            found.amount = amount
        status = data.get("status")
        if status is not None and status != found.status:
            found.status = status
            found.settled_at = moment if status == "settled" else None
            found.failure_reason = (
                str(data.get("failure_reason") or "failed") if status == "failed" else None
            )
        found.updated_at = moment
        return found.as_dict()

    def _create(self, settlement_id: str | None, data: dict[str, Any]) -> dict[str, Any]:
        client_id = self._client_id(data)
        asset = control.text(data, "asset")
        amount = control.required_decimal(data, "amount", positive=True)
        direction = data.get("direction", "in")
        if direction not in ("in", "out"):
            raise ControlError("direction", "must be in or out")
        status = data.get("status", "pending")
        moment = now_ms()
        new_id = settlement_id or f"stl-{len(self.state.settlements) + 1:04d}"
        settlement = Settlement(
            new_id,
            client_id,
            asset,
            amount,
            direction,
            str(data.get("counterparty", "")),
            status,
            moment,
            moment,
            moment if status == "settled" else None,
            "failed" if status == "failed" else None,
        )
        self.state.settlements[new_id] = settlement
        return settlement.as_dict()

    def add_transfer(self, data: dict[str, Any]) -> dict[str, Any]:
        """An external transfer now: recorded and applied to the client's account balance
        (a deposit adds, a withdrawal takes away), as a real one would be."""
        client_id = self._client_id(data)
        asset = control.text(data, "asset")
        amount = control.required_decimal(data, "amount", positive=True)
        direction = control.text(data, "direction", ("deposit", "withdrawal"))
        kind = data.get("account_type", "master")
        if kind not in ACCOUNT_TYPES:
            raise ControlError("account_type", f"must be one of {', '.join(ACCOUNT_TYPES)}")
        held = self.state.balances[client_id][kind].get(asset, Decimal(0))
        moved = amount if direction == "deposit" else -amount
        if held + moved < 0:
            raise ControlError("amount", f"withdrawal exceeds the {kind} {asset} balance")
        self.state.balances[client_id][kind][asset] = held + moved
        transfer = Transfer(
            f"trf-{len(self.state.transfers) + 1:04d}", client_id, asset, amount, direction,
            str(data.get("counterparty", "")), now_ms(),
        )  # fmt: skip
        self.state.transfers.append(transfer)
        return transfer.as_dict()

    def add_fault(self, data: dict[str, Any]) -> dict[str, Any]:
        return control.add_fault(self.app.faults, data)

    def clear_faults(self, data: dict[str, Any]) -> dict[str, Any]:
        self.app.faults.clear()
        return {"ok": True}
