"""Writes of account state: one snapshot per (account, cycle) with its lines, fills and cursors,
custodian settlements and transfers. Each account's cycle commits whole or not at all."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction

from apps.positions.models import (
    AccountSnapshot,
    BalanceLine,
    Fill,
    FillCursor,
    OrderLine,
    Portfolio,
    PositionLine,
    Settlement,
    Transfer,
)
from apps.venues.connectors.base import (
    BalanceRow,
    FillRow,
    OrderRow,
    PositionRow,
    SettlementRow,
    TransferRow,
)
from apps.venues.connectors.validation import to_datetime
from apps.venues.models import Account

DEFAULT_PORTFOLIO = "main"
Canonical = Callable[[str, str], str]  # (instrument kind, venue symbol) -> canonical symbol


def portfolio_default() -> Portfolio:
    portfolio, _ = Portfolio.objects.get_or_create(name=DEFAULT_PORTFOLIO)
    return portfolio


@dataclass(frozen=True)
class AccountPull:
    """What one cycle read for one exchange account, all validated."""

    as_of_ms: int
    balances: list[BalanceRow]
    positions: list[PositionRow] = field(default_factory=list)
    orders: list[OrderRow] = field(default_factory=list)
    fills: list[FillRow] = field(default_factory=list)
    fills_read_until: dict[str, int] = field(default_factory=dict)  # venue symbol -> ms


@dataclass(frozen=True)
class CustodyPull:
    as_of_ms: int
    balances: list[BalanceRow]
    settlements: list[SettlementRow]
    transfers: list[TransferRow]


def _snapshot_new(
    account: Account, period_start: datetime, as_of_ms: int, fetched_at: datetime
) -> AccountSnapshot:
    return AccountSnapshot.objects.create(
        account=account, period_start=period_start, as_of=to_datetime(as_of_ms),
        fetched_at=fetched_at,
    )  # fmt: skip


def _stored_already(account: Account, period_start: datetime) -> bool:
    return AccountSnapshot.objects.filter(account=account, period_start=period_start).exists()


def _balance_lines(snapshot: AccountSnapshot, rows: Iterable[BalanceRow]) -> None:
    BalanceLine.objects.bulk_create(
        BalanceLine(snapshot=snapshot, wallet=r.wallet, asset=r.asset, free=r.free,
                    locked=r.locked, total=r.total)
        for r in rows
    )  # fmt: skip


def _position_lines(
    snapshot: AccountSnapshot, rows: Iterable[PositionRow], canonical: Canonical
) -> None:
    PositionLine.objects.bulk_create(
        PositionLine(snapshot=snapshot, venue_symbol=r.venue_symbol,
                     symbol=canonical("perpetual", r.venue_symbol), size=r.size,
                     contracts=r.contracts, contract_size=r.contract_size,
                     entry_price=r.entry_price, mark_price=r.mark_price,
                     unrealized_pnl=r.unrealized_pnl, leverage=r.leverage)
        for r in rows
    )  # fmt: skip


def _order_lines(
    snapshot: AccountSnapshot, rows: Iterable[OrderRow], kind: str, canonical: Canonical
) -> None:
    OrderLine.objects.bulk_create(
        OrderLine(snapshot=snapshot, order_id=r.order_id, venue_symbol=r.venue_symbol,
                  symbol=canonical(kind, r.venue_symbol), side=r.side, type=r.type,
                  price=r.price, amount=r.amount, filled=r.filled, reduce_only=r.reduce_only,
                  status=r.status, created_at=to_datetime(r.created_ms))
        for r in rows
    )  # fmt: skip


def fills_store(*, account: Account, rows: Iterable[FillRow], canonical: Canonical) -> int:
    """Insert new fills; a fill already stored (same account, market, symbol, id) is skipped."""
    created = Fill.objects.bulk_create(
        [
            Fill(venue_id=account.venue_id, account=account, trade_id=r.trade_id,
                 order_id=r.order_id, venue_symbol=r.venue_symbol,
                 symbol=canonical("spot" if r.market == "spot" else "perpetual", r.venue_symbol),
                 market=r.market, side=r.side, price=r.price, amount=r.amount, cost=r.cost,
                 fee=r.fee, fee_asset=r.fee_asset, realized_pnl=r.realized_pnl,
                 timestamp=to_datetime(r.time_ms))
            for r in rows
        ],
        ignore_conflicts=True,
    )  # fmt: skip
    return len(created)


def _advance_cursors(account: Account, read_until: dict[str, int], at: datetime) -> None:
    FillCursor.objects.bulk_create(
        [FillCursor(account=account, venue_symbol=symbol, last_time=to_datetime(until),
                    swept_at=at) for symbol, until in read_until.items()],
        update_conflicts=True, unique_fields=["account", "venue_symbol"],
        update_fields=["last_time", "swept_at"],
    )  # fmt: skip


def account_snapshot_store(
    *,
    account: Account,
    period_start: datetime,
    pull: AccountPull,
    canonical: Canonical,
    fetched_at: datetime,
) -> AccountSnapshot | None:
    """Store one exchange account's cycle in one transaction; None if the cycle was stored."""
    order_kind = "spot" if account.market == "spot" else "perpetual"
    try:
        with transaction.atomic():
            snapshot = _snapshot_new(account, period_start, pull.as_of_ms, fetched_at)
            _balance_lines(snapshot, pull.balances)
            _position_lines(snapshot, pull.positions, canonical)
            _order_lines(snapshot, pull.orders, order_kind, canonical)
            fills_store(account=account, rows=pull.fills, canonical=canonical)
            _advance_cursors(account, pull.fills_read_until, fetched_at)
    except IntegrityError:
        if _stored_already(account, period_start):
            return None  # another run stored this period first: idempotent
        raise
    return snapshot


def _settlements_upsert(account: Account, rows: Iterable[SettlementRow]) -> None:
    Settlement.objects.bulk_create(
        [
            Settlement(account=account, settlement_id=r.settlement_id, asset=r.asset,
                       amount=r.amount, direction=r.direction, counterparty=r.counterparty,
                       status=r.status, created_at=to_datetime(r.created_ms),
                       updated_at=to_datetime(r.updated_ms))
            for r in rows
        ],
        update_conflicts=True, unique_fields=["account", "settlement_id"],
        update_fields=["amount", "status", "updated_at", "counterparty"],
    )  # fmt: skip


def _transfers_insert(account: Account, rows: Iterable[TransferRow]) -> None:
    Transfer.objects.bulk_create(
        [
            Transfer(account=account, transfer_id=r.transfer_id, asset=r.asset, amount=r.amount,
                     direction=r.direction, counterparty=r.counterparty,
                     timestamp=to_datetime(r.time_ms))
            for r in rows
        ],
        ignore_conflicts=True,
    )  # fmt: skip


def custody_snapshot_store(
    *, account: Account, period_start: datetime, pull: CustodyPull, fetched_at: datetime
) -> AccountSnapshot | None:
    """Store one custodian client's cycle in one transaction; None if the cycle was stored."""
    try:
        with transaction.atomic():
            snapshot = _snapshot_new(account, period_start, pull.as_of_ms, fetched_at)
            _balance_lines(snapshot, pull.balances)
            _settlements_upsert(account, pull.settlements)
            _transfers_insert(account, pull.transfers)
    except IntegrityError:
        if _stored_already(account, period_start):
            return None
        raise
    return snapshot
