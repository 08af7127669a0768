"""Back office: portfolios are editable; snapshots, fills and custodian records are what the
venues reported, so they are read-only."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from apps.core.admin_generic import ModelAdmin, TabularInline
from apps.positions.models import (
    AccountSnapshot,
    BalanceLine,
    Fill,
    OrderLine,
    Portfolio,
    PositionLine,
    Settlement,
    Transfer,
)


@admin.register(Portfolio)
class PortfolioAdmin(ModelAdmin[Portfolio]):
    list_display = ("name", "base_currency", "created_at")


class _ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class BalanceInline(_ReadOnly, TabularInline[BalanceLine, AccountSnapshot]):
    model = BalanceLine
    extra = 0


class PositionInline(_ReadOnly, TabularInline[PositionLine, AccountSnapshot]):
    model = PositionLine
    extra = 0


class OrderInline(_ReadOnly, TabularInline[OrderLine, AccountSnapshot]):
    model = OrderLine
    extra = 0


@admin.register(AccountSnapshot)
class AccountSnapshotAdmin(_ReadOnly, ModelAdmin[AccountSnapshot]):
    list_display = ("account", "period_start", "as_of", "fetched_at")
    list_filter = ("account__venue",)
    inlines = (BalanceInline, PositionInline, OrderInline)
    show_full_result_count = False


@admin.register(Fill)
class FillAdmin(_ReadOnly, ModelAdmin[Fill]):
    list_display = ("timestamp", "account", "venue_symbol", "side", "price", "amount", "fee")
    list_filter = ("venue", "market")


@admin.register(Settlement)
class SettlementAdmin(_ReadOnly, ModelAdmin[Settlement]):
    list_display = ("settlement_id", "account", "asset", "amount", "direction", "status")


@admin.register(Transfer)
class TransferAdmin(_ReadOnly, ModelAdmin[Transfer]):
    list_display = ("transfer_id", "account", "asset", "amount", "direction", "timestamp")
