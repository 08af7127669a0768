"""Back office: reference data is editable (e.g. deactivate an instrument); prices and candles
are what the venues reported, so they are read-only."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from apps.core.admin_generic import ModelAdmin
from apps.marketdata.models import Candle, Instrument, Price


@admin.register(Instrument)
class InstrumentAdmin(ModelAdmin[Instrument]):
    list_display = (
        "venue",
        "venue_symbol",
        "kind",
        "symbol",
        "contract_size",
        "tick_size",
        "lot_size",
        "active",
    )
    list_filter = ("venue", "kind", "active")
    search_fields = ("venue_symbol", "symbol")


class _ReadOnly[M: Model](ModelAdmin[M]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Price)
class PriceAdmin(_ReadOnly[Price]):
    list_display = ("instrument", "last", "mark", "bid", "ask", "as_of")
    list_select_related = ("instrument", "instrument__venue")


@admin.register(Candle)
class CandleAdmin(_ReadOnly[Candle]):
    list_display = ("instrument", "interval", "open_time", "close", "volume")
    list_filter = ("interval",)
    list_select_related = ("instrument", "instrument__venue")
    show_full_result_count = False
