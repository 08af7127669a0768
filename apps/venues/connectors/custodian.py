"""The custodian's REST API (``requests``): balances by account type, settlements, transfers.

Every answer carries ``as_of`` (ISO 8601, UTC) and amounts as decimal strings. ``as_of`` must be
recent and may never go back in time; amounts must be finite and not negative.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

import requests

from apps.venues.connectors import validation as v
from apps.venues.connectors.base import ZERO, ErrorKind, PayloadRejected, Pulled, SourceError
from apps.venues.connectors.calls import Policy
from riskmonitor.lib.venue_rows import BalanceRow, SettlementRow, TransferRow

API_KEY_HEADER = "X-Custodian-Api-Key"
AS_OF_MAX_AGE_MS = 5 * 60_000
REQUEST_WEIGHT = 1


def _error_for(response: requests.Response) -> SourceError:
    status = response.status_code
    message = f"HTTP {status}: {response.text[:200]}"
    if status == 429:
        retry = response.headers.get("Retry-After", "")
        return SourceError(
            ErrorKind.RATE_LIMITED, message, retry_after=float(retry) if retry.isdigit() else None
        )
    if status >= 500:
        return SourceError(ErrorKind.SERVER, message)
    if status in (401, 403):
        return SourceError(ErrorKind.AUTH, message)
    return SourceError(ErrorKind.REQUEST, message)


class CustodianClient:
    """One custodian and one client id at it. Thread-safe: a connection pool per concurrent call."""

    def __init__(self, policy: Policy, base_url: str, client_id: str, api_key: str) -> None:
        self.policy = policy
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        self._api_key = api_key
        self._lock = threading.Lock()
        self._idle: list[requests.Session] = []

    @contextmanager
    def _session(self) -> Iterator[requests.Session]:
        with self._lock:
            session = self._idle.pop() if self._idle else None
        if session is None:
            session = requests.Session()
            session.headers[API_KEY_HEADER] = self._api_key
        try:
            yield session
        finally:
            with self._lock:
                self._idle.append(session)

    def _get(self, endpoint: str, path: str, params: dict[str, str] | None = None) -> Any:
        def once() -> Any:
            with self._session() as session:
                try:
                    response = session.get(
                        self.base_url + path, params=params, timeout=self.policy.timeout
                    )
                except requests.Timeout as exc:
                    raise SourceError(ErrorKind.TIMEOUT, f"{type(exc).__name__}: {exc}") from exc
                except requests.RequestException as exc:
                    raise SourceError(ErrorKind.NETWORK, f"{type(exc).__name__}: {exc}") from exc
            if response.status_code != 200:
                raise _error_for(response)
            try:
                return response.json()
            except ValueError:
                raise PayloadRejected("response is not JSON", v.excerpt(response.text)) from None

        return self.policy.send(endpoint, "key", REQUEST_WEIGHT, once)

    def _pull[T](
        self,
        endpoint: str,
        path: str,
        parse: Callable[[Mapping[str, Any]], T],
        params: dict[str, str] | None = None,
    ) -> T:
        def run() -> T:
            payload = self._get(endpoint, path, params)
            try:
                return parse(v.mapping(payload, endpoint))
            except PayloadRejected as exc:
                exc.excerpt = exc.excerpt or v.excerpt(_dump(payload))
                raise

        return self.policy.guarded(run)

    @property
    def _client_path(self) -> str:
        return f"/v1/clients/{quote(self.client_id, safe='')}"

    def fetch_master_balances(self) -> Pulled[BalanceRow]:
        return self._pull(
            "master_balances",
            f"{self._client_path}/master-balances",
            lambda body: _balances(body, "master"),
        )

    def fetch_segregated_balances(self) -> Pulled[BalanceRow]:
        return self._pull(
            "segregated_balances",
            f"{self._client_path}/segregated-balances",
            lambda body: _balances(body, "segregated"),
        )

    def fetch_settlements(self) -> Pulled[SettlementRow]:
        return self._pull(
            "settlements", "/v1/settlements", _settlements, {"client_id": self.client_id}
        )

    def fetch_transfers_since(self, since_ms: int) -> Pulled[TransferRow]:
        return self._pull(
            "transfers",
            f"{self._client_path}/transfers",
            lambda body: _transfers(body, since_ms),
            {"since": str(since_ms)},
        )


def _dump(payload: Any) -> str:
    return json.dumps(payload, default=str)[: v.EXCERPT_LIMIT]


def _as_of(body: Mapping[str, Any], where: str) -> int:
    moment = v.iso_time_ms(v.field(body, "as_of", where), f"{where}.as_of")
    return v.fresh(moment, f"{where}.as_of", AS_OF_MAX_AGE_MS)


def _balances(body: Mapping[str, Any], wallet: str) -> Pulled[BalanceRow]:
    where = f"{wallet}_balances"
    moment = _as_of(body, where)
    result = []
    for n, raw in enumerate(v.rows(v.field(body, "balances", where), f"{where}.balances")):
        row = v.mapping(raw, f"{where}.balances[{n}]")
        held = v.non_negative(row, "amount", f"{where}.balances[{n}]")
        result.append(
            BalanceRow(wallet, v.text(row, "asset", f"{where}.balances[{n}]"), held, ZERO)
        )
    return Pulled(result, moment, {"as_of": moment})


def _settlements(body: Mapping[str, Any]) -> Pulled[SettlementRow]:
    moment = _as_of(body, "settlements")
    result = []
    for n, raw in enumerate(v.rows(v.field(body, "settlements", "settlements"), "settlements")):
        where = f"settlements[{n}]"
        row = v.mapping(raw, where)
        amount = v.non_negative(row, "amount", where)
        result.append(
            SettlementRow(
                settlement_id=v.text(row, "id", where),
                asset=v.text(row, "asset", where),
                amount=amount,
                direction=v.text(row, "direction", where),
                counterparty=str(row.get("counterparty") or ""),
                status=v.text(row, "status", where),
                created_ms=v.iso_time_ms(v.field(row, "created_at", where), f"{where}.created_at"),
                updated_ms=v.iso_time_ms(v.field(row, "updated_at", where), f"{where}.updated_at"),
            )
        )
    return Pulled(result, moment, {"as_of": moment})


def _transfers(body: Mapping[str, Any], since_ms: int) -> Pulled[TransferRow]:
    moment = _as_of(body, "transfers")
    result = []
    for n, raw in enumerate(v.rows(v.field(body, "transfers", "transfers"), "transfers")):
        where = f"transfers[{n}]"
        row = v.mapping(raw, where)
        at = v.iso_time_ms(v.field(row, "timestamp", where), f"{where}.timestamp")
        if at < since_ms:
            raise PayloadRejected(f"{where}.timestamp: before the requested since {since_ms}")
        amount = v.non_negative(row, "amount", where)
        result.append(
            TransferRow(
                transfer_id=v.text(row, "id", where),
                asset=v.text(row, "asset", where),
                amount=amount,
                direction=v.text(row, "direction", where),
                counterparty=str(row.get("counterparty") or ""),
                time_ms=at,
            )
        )
    return Pulled(result, moment, {"as_of": moment})
