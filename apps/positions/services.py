"""Writes of account state: one snapshot per (account, cycle) with its lines, fills and cursors,
custodian settlements and transfers. Each account's cycle commits whole or not at all."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction

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
from riskmonitor.lib.clock import to_datetime
from riskmonitor.lib.venue_rows import (
    BalanceRow,
    FillRow,
    OrderRow,
    PositionRow,
    SettlementRow,
    TransferRow,
)

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


def _snapshot(
    account_id: int, period_start: datetime, as_of_ms: int, fetched_at: datetime
) -> AccountSnapshot:
    return AccountSnapshot(
        account_id=account_id, period_start=period_start, as_of=to_datetime(as_of_ms),
        fetched_at=fetched_at,
    )  # fmt: skip


def _balance_lines(snapshot: AccountSnapshot, rows: Iterable[BalanceRow]) -> list[BalanceLine]:
    return [
        BalanceLine(snapshot=snapshot, wallet=r.wallet, asset=r.asset, free=r.free,
                    locked=r.locked, total=r.total)
        for r in rows
    ]  # fmt: skip


def _position_lines(
    snapshot: AccountSnapshot, rows: Iterable[PositionRow], canonical: Canonical
) -> list[PositionLine]:
    return [
        PositionLine(snapshot=snapshot, venue_symbol=r.venue_symbol,
                     symbol=canonical("perpetual", r.venue_symbol), size=r.size,
                     contracts=r.contracts, contract_size=r.contract_size,
                     entry_price=r.entry_price, mark_price=r.mark_price,
                     unrealized_pnl=r.unrealized_pnl, leverage=r.leverage)
        for r in rows
    ]  # fmt: skip


def _order_lines(
    snapshot: AccountSnapshot, rows: Iterable[OrderRow], kind: str, canonical: Canonical
) -> list[OrderLine]:
    return [
        OrderLine(snapshot=snapshot, order_id=r.order_id, venue_symbol=r.venue_symbol,
                  symbol=canonical(kind, r.venue_symbol), side=r.side, type=r.type,
                  price=r.price, amount=r.amount, filled=r.filled, reduce_only=r.reduce_only,
                  status=r.status, created_at=to_datetime(r.created_ms))
        for r in rows
    ]  # fmt: skip


def _fills(write: AccountWrite) -> list[Fill]:
    canonical = write.canonical
    return [
        Fill(venue_id=write.venue_id, account_id=write.account_id, trade_id=r.trade_id,
             order_id=r.order_id, venue_symbol=r.venue_symbol,
             symbol=canonical("spot" if r.market == "spot" else "perpetual", r.venue_symbol),
             market=r.market, side=r.side, price=r.price, amount=r.amount, cost=r.cost,
             fee=r.fee, fee_asset=r.fee_asset, realized_pnl=r.realized_pnl,
             timestamp=to_datetime(r.time_ms))
        for r in write.pull.fills
    ]  # fmt: skip


def _cursors(account_id: int, read_until: dict[str, int], at: datetime) -> list[FillCursor]:
    return [
        FillCursor(
            account_id=account_id, venue_symbol=symbol, last_time=to_datetime(until), swept_at=at
        )
        for symbol, until in read_until.items()
    ]


def _settlements(account_id: int, rows: Iterable[SettlementRow]) -> list[Settlement]:
    return [
        Settlement(account_id=account_id, settlement_id=r.settlement_id, asset=r.asset,
                   amount=r.amount, direction=r.direction, counterparty=r.counterparty,
                   status=r.status, created_at=to_datetime(r.created_ms),
                   updated_at=to_datetime(r.updated_ms))
        for r in rows
    ]  # fmt: skip


def _transfers(account_id: int, rows: Iterable[TransferRow]) -> list[Transfer]:
    return [
        Transfer(account_id=account_id, transfer_id=r.transfer_id, asset=r.asset, amount=r.amount,
                 direction=r.direction, counterparty=r.counterparty,
                 timestamp=to_datetime(r.time_ms))
        for r in rows
    ]  # fmt: skip


@dataclass(frozen=True)
class AccountWrite:
    """One exchange account's cycle, ready to store (the account by id: this app stores rows
    of the venues app's accounts without importing it)."""

    account_id: int
    venue_id: int
    market: str  # the account's market: spot, or futures for derivatives
    pull: AccountPull
    canonical: Canonical


@dataclass(frozen=True)
class CustodyWrite:
    """One custodian client's cycle, ready to store."""

    account_id: int
    venue_id: int
    pull: CustodyPull


@dataclass
class _Rows:
    snapshots: list[AccountSnapshot] = field(default_factory=list)
    balances: list[BalanceLine] = field(default_factory=list)
    positions: list[PositionLine] = field(default_factory=list)
    orders: list[OrderLine] = field(default_factory=list)
    fills: list[Fill] = field(default_factory=list)
    cursors: list[FillCursor] = field(default_factory=list)
    settlements: list[Settlement] = field(default_factory=list)
    transfers: list[Transfer] = field(default_factory=list)


def _account_rows(rows: _Rows, write: AccountWrite, period: datetime, at: datetime) -> None:
    pull = write.pull
    snapshot = _snapshot(write.account_id, period, pull.as_of_ms, at)
    rows.snapshots.append(snapshot)
    rows.balances += _balance_lines(snapshot, pull.balances)
    rows.positions += _position_lines(snapshot, pull.positions, write.canonical)
    kind = "spot" if write.market == "spot" else "perpetual"
    rows.orders += _order_lines(snapshot, pull.orders, kind, write.canonical)
    rows.fills += _fills(write)
    rows.cursors += _cursors(write.account_id, pull.fills_read_until, at)


def _custody_rows(rows: _Rows, write: CustodyWrite, period: datetime, at: datetime) -> None:
    snapshot = _snapshot(write.account_id, period, write.pull.as_of_ms, at)
    rows.snapshots.append(snapshot)
    rows.balances += _balance_lines(snapshot, write.pull.balances)
    rows.settlements += _settlements(write.account_id, write.pull.settlements)
    rows.transfers += _transfers(write.account_id, write.pull.transfers)


def _insert(rows: _Rows) -> None:
    """A fixed handful of statements whatever the number of accounts."""
    AccountSnapshot.objects.bulk_create(rows.snapshots)  # sets the ids the lines point to
    BalanceLine.objects.bulk_create(rows.balances)
    PositionLine.objects.bulk_create(rows.positions)
    OrderLine.objects.bulk_create(rows.orders)
    Fill.objects.bulk_create(rows.fills, ignore_conflicts=True)
    FillCursor.objects.bulk_create(
        rows.cursors, update_conflicts=True, unique_fields=["account", "venue_symbol"],
        update_fields=["last_time", "swept_at"],
    )  # fmt: skip
    Settlement.objects.bulk_create(
        rows.settlements, update_conflicts=True, unique_fields=["account", "settlement_id"],
        update_fields=["amount", "status", "updated_at", "counterparty"],
    )  # fmt: skip
    Transfer.objects.bulk_create(rows.transfers, ignore_conflicts=True)


def snapshots_store(
    *,
    period_start: datetime,
    fetched_at: datetime,
    accounts: Iterable[AccountWrite] = (),
    custody: Iterable[CustodyWrite] = (),
) -> dict[int, AccountSnapshot]:
    """Store many accounts' cycle in one transaction: account id -> its new snapshot.

    An account whose snapshot for ``period_start`` is already stored is left out (idempotent:
    a second run of the same period stores nothing of it, not even its fills)."""
    accounts, custody = list(accounts), list(custody)
    ids = [w.account_id for w in accounts] + [w.account_id for w in custody]
    done = set(
        AccountSnapshot.objects.filter(account_id__in=ids, period_start=period_start).values_list(
            "account_id", flat=True
        )
    )
    rows = _Rows()
    for write in accounts:
        if write.account_id not in done:
            _account_rows(rows, write, period_start, fetched_at)
    for cwrite in custody:
        if cwrite.account_id not in done:
            _custody_rows(rows, cwrite, period_start, fetched_at)
    with transaction.atomic():
        _insert(rows)
    return {s.account_id: s for s in rows.snapshots}
