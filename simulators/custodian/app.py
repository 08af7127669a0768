"""Custodian HTTP API (our own JSON format).

Amounts are decimal strings; every answer carries `as_of`.
"""

from __future__ import annotations

import hmac
import re
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl

from simulators.custodian.state import SETTLEMENT_STATUSES, CustodianState, iso, now_ms
from simulators.faults import FaultRegistry, Mutators, map_keys, negate
from simulators.scenario import CustodianSpec
from simulators.server import Request, Response, json_response

API_KEY_HEADER = "X-Custodian-Api-Key"
_BALANCES = re.compile(r"^/v1/clients/([^/]+)/(master|segregated)-balances$")
_TRANSFERS = re.compile(r"^/v1/clients/([^/]+)/transfers$")
_SETTLEMENT = re.compile(r"^/v1/settlements/([^/]+)$")


class BadRequest(Exception):
    def __init__(self, status: int, error: str, field: str, reason: str) -> None:
        super().__init__(reason)
        self.status, self.error, self.field, self.reason = status, error, field, reason

    def response(self) -> Response:
        return json_response(
            self.status,
            {
                "error": self.error,
                "field": self.field,
                "reason": self.reason,
                "as_of": iso(now_ms()),
            },
        )


def _not_found(what: str, value: str) -> BadRequest:
    return BadRequest(404, "not found", what, f"unknown {what} {value!r}")


def _stale(payload: Any, shift_ms: int) -> Any:
    stale = iso(now_ms() - shift_ms)
    return map_keys(payload, frozenset({"as_of"}), lambda v: stale)


def _parse_since(raw: str | None) -> int:
    if not raw:
        return 0
    if raw.isdigit():
        return int(raw)
    try:
        return int(datetime.fromisoformat(raw.replace("Z", "+00:00")).timestamp() * 1000)
    except ValueError as exc:
        raise BadRequest(
            400, "invalid request", "since", "ISO 8601 time or epoch milliseconds expected"
        ) from exc


class CustodianApp:
    def __init__(self, spec: CustodianSpec, seed: int = 0) -> None:
        from simulators.custodian.sim_control import CustodianControl

        self.state = CustodianState(spec)
        self.faults = FaultRegistry(rng_seed=seed)
        self.control = CustodianControl(self)
        self.requests: Counter[str] = Counter()
        amount_keys = frozenset({"amount"})
        self.mutators = Mutators(
            nan=lambda p: map_keys(p, amount_keys, lambda v: "NaN"),
            negative=lambda p: map_keys(p, amount_keys, negate),
            stale=_stale,
            rate_limited=lambda: json_response(
                429, {"error": "rate limited", "reason": "too many requests"}, {"Retry-After": "60"}
            ),
            server_error=lambda: json_response(500, {"error": "internal server error"}),
        )

    def handle(self, request: Request) -> Response:
        if request.path.startswith("/_sim/"):
            return self.control.handle(request)
        self.requests[f"{request.method} {request.path}"] += 1
        return self.faults.apply(request.path, lambda: self._serve(request), self.mutators)

    def _serve(self, request: Request) -> Response:
        try:
            clients = self._authenticate(request)
            if request.method != "GET":
                raise BadRequest(405, "method not allowed", "method", request.method)
            query = dict(parse_qsl(request.query))
            with self.state.lock:
                payload = self._route(request.path, query, clients)
        except BadRequest as exc:
            return exc.response()
        return json_response(200, {"as_of": iso(now_ms()), **payload})

    def _authenticate(self, request: Request) -> tuple[str, ...]:
        given = request.header(API_KEY_HEADER) or ""
        for key, clients in self.state.spec.api_keys.items():
            if given and hmac.compare_digest(given.encode(), key.encode()):
                return clients
        raise BadRequest(401, "unauthorized", API_KEY_HEADER, "missing or invalid API key")

    def _route(self, path: str, query: dict[str, str], clients: tuple[str, ...]) -> dict[str, Any]:
        routes: list[tuple[re.Pattern[str], Callable[..., dict[str, Any]]]] = [
            (_BALANCES, lambda cid, kind: self._balances(cid, kind, clients)),
            (_TRANSFERS, lambda cid: self._transfers(cid, query, clients)),
            (_SETTLEMENT, lambda sid: self._settlement(sid, clients)),
        ]
        if path == "/v1/settlements":
            return self._settlements(query, clients)
        for pattern, action in routes:
            match = pattern.match(path)
            if match:
                return action(*match.groups())
        raise _not_found("path", path)

    def _client(self, client_id: str, clients: tuple[str, ...]) -> str:
        # A client outside the key's scope is answered exactly like an unknown one.
        if client_id not in clients or client_id not in self.state.balances:
            raise _not_found("client_id", client_id)
        return client_id

    def _balances(self, client_id: str, kind: str, clients: tuple[str, ...]) -> dict[str, Any]:
        cid = self._client(client_id, clients)
        rows = self.state.balances[cid][kind]
        return {
            "client_id": cid,
            "account_type": kind,
            "balances": [{"asset": a, "amount": f"{v:f}"} for a, v in sorted(rows.items())],
        }

    def _settlements(self, query: dict[str, str], clients: tuple[str, ...]) -> dict[str, Any]:
        status = query.get("status")
        if status and status not in SETTLEMENT_STATUSES:
            raise BadRequest(
                400, "invalid request", "status", f"must be one of {', '.join(SETTLEMENT_STATUSES)}"
            )
        client_id = query.get("client_id")
        if client_id:
            self._client(client_id, clients)
        rows = [
            s.as_dict()
            for s in self.state.settlements.values()
            if s.client_id in clients
            and client_id in (None, "", s.client_id)
            and status in (None, "", s.status)
        ]
        return {"settlements": rows}

    def _settlement(self, settlement_id: str, clients: tuple[str, ...]) -> dict[str, Any]:
        found = self.state.settlements.get(settlement_id)
        if found is None or found.client_id not in clients:
            raise _not_found("settlement", settlement_id)
        return found.as_dict()

    def _transfers(
        self, client_id: str, query: dict[str, str], clients: tuple[str, ...]
    ) -> dict[str, Any]:
        cid = self._client(client_id, clients)
        since = _parse_since(query.get("since"))
        rows = [
            t.as_dict() for t in self.state.transfers if t.client_id == cid and t.timestamp >= since
        ]
        return {"client_id": cid, "transfers": rows}
