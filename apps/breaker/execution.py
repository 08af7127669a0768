"""Sending an approved liquidation plan to the venues.

Each step is claimed with a conditional UPDATE (pending -> sending) before anything is sent, so a
step is sent by one executor only and a step done is never sent again. A step is tried up to
``MAX_ATTEMPTS`` times with backoff, on transient failures only (ccxt ``NetworkError``: timeouts,
5xx, 429); a refusal (insufficient balance, reduce-only rejected, bad symbol) fails it at once.
Every outcome is audited in the transaction that records it. No database transaction is open
while a request is in flight.
"""

from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import ccxt
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.audit.services import audit_record
from apps.breaker.models import LiquidationStep, StepKind, StepStatus
from apps.breaker.services.common import ACTOR
from apps.breaker.venue_client import CannotTrade, trading_client
from apps.venues.connectors.calls import backoff_seconds

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3
ERROR_LIMIT = 500


@dataclass(frozen=True)
class Sent:
    ok: bool
    attempts: int
    order_id: str = ""
    error: str = ""
    filled: Decimal | None = None


def step_claim(step_id: int, now: datetime) -> bool:
    """True for the one executor that moves the step out of pending."""
    claimed = LiquidationStep.objects.filter(pk=step_id, status=StepStatus.PENDING).update(
        status=StepStatus.SENDING, claimed_at=now
    )
    return claimed == 1


def _cancel(client: ccxt.binance, step: LiquidationStep) -> Sent:
    # Spot answers -2011 when nothing was open: the goal is met all the same.
    with contextlib.suppress(ccxt.OrderNotFound):
        client.cancel_all_orders(step.ccxt_symbol)
    return Sent(True, 0)


def _close(client: ccxt.binance, step: LiquidationStep) -> Sent:
    amount = float(client.amount_to_precision(step.ccxt_symbol, step.amount))
    params = {"reduceOnly": True} if step.reduce_only else {}
    order = client.create_order(step.ccxt_symbol, "market", step.side, amount, None, params)
    filled = order.get("filled")
    return Sent(True, 0, str(order.get("id") or ""),
                filled=Decimal(str(filled)) if filled is not None else None)  # fmt: skip


def _error_text(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:ERROR_LIMIT]


def step_send(client_of: ClientCache, step: LiquidationStep) -> Sent:
    """One step, retried on transient failures with backoff; never raises for venue errors."""
    last = ""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        LiquidationStep.objects.filter(pk=step.pk).update(attempts=F("attempts") + 1)
        try:
            client = client_of(step)
            client.load_markets()
            sent = (_cancel if step.kind == StepKind.CANCEL_ORDERS else _close)(client, step)
            return Sent(True, attempt, sent.order_id, filled=sent.filled)
        except ccxt.NetworkError as exc:  # transient: timeouts, 5xx, 429, broken bodies
            last = _error_text(exc)
            log.warning("liquidation step failed, retrying",
                        extra={"step": step.pk, "attempt": attempt, "error": last})  # fmt: skip
            if attempt < MAX_ATTEMPTS:
                time.sleep(backoff_seconds(attempt - 1))
        except (ccxt.BaseError, CannotTrade) as exc:
            return Sent(False, attempt, error=_error_text(exc))
    return Sent(False, MAX_ATTEMPTS, error=f"after {MAX_ATTEMPTS} attempts: {last}")


class ClientCache:
    """One trading client per account for the run of a plan (markets loaded once)."""

    def __init__(self) -> None:
        self._clients: dict[int, ccxt.binance] = {}

    def __call__(self, step: LiquidationStep) -> ccxt.binance:
        if step.account_id not in self._clients:
            self._clients[step.account_id] = trading_client(step.account, step.venue)
        return self._clients[step.account_id]


def _step_payload(step: LiquidationStep, sent: Sent) -> dict[str, object]:
    return {
        "plan_id": step.plan_id, "step": step.seq, "venue": step.venue.name,
        "account": step.account.label, "kind": step.kind, "symbol": step.ccxt_symbol,
        "venue_symbol": step.venue_symbol, "side": step.side, "amount": step.amount,
        "reduce_only": step.reduce_only, "attempts": sent.attempts,
        "venue_order_id": sent.order_id, "filled": sent.filled, "error": sent.error,
    }  # fmt: skip


def _event_type(step: LiquidationStep, sent: Sent) -> str:
    if not sent.ok:
        return "liquidation_order_failed"
    if step.kind == StepKind.CANCEL_ORDERS:
        return "liquidation_orders_cancelled"
    return "liquidation_order_placed"


def step_record(step: LiquidationStep, sent: Sent, correlation_id: str) -> None:
    """The step's outcome and its audit event, in one transaction."""
    with transaction.atomic():
        LiquidationStep.objects.filter(pk=step.pk, status=StepStatus.SENDING).update(
            status=StepStatus.DONE if sent.ok else StepStatus.FAILED,
            last_error=sent.error, venue_order_id=sent.order_id,
            executed_at=timezone.now() if sent.ok else None,
        )  # fmt: skip
        audit_record(
            event_type=_event_type(step, sent), actor=ACTOR,
            payload=_step_payload(step, sent), correlation_id=correlation_id,
            level="info" if sent.ok else "error",
        )  # fmt: skip
