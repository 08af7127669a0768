"""factory_boy factories of the ingestion models and of risk snapshots, for hand-made books."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import factory

from apps.marketdata.models import Candle, Instrument, Price
from apps.positions.models import (
    AccountSnapshot,
    BalanceLine,
    Fill,
    Portfolio,
    PositionLine,
    Transfer,
)
from apps.risk.models import RiskSnapshot
from apps.venues.models import Account, DataSourceStatus, Venue


class PortfolioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Portfolio
        django_get_or_create = ("name",)

    name = "main"


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"exchange-{n + 1}")
    kind = "exchange"
    adapter = "binance"


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    venue = factory.SubFactory(VenueFactory)
    label = "spot"
    market = "spot"
    portfolio = factory.SubFactory(PortfolioFactory)
    strategy = "default"


class AccountSnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccountSnapshot

    account = factory.SubFactory(AccountFactory)
    period_start = factory.LazyAttribute(lambda o: o.as_of)
    as_of = factory.LazyFunction(lambda: datetime.now(tz=UTC))
    fetched_at = factory.LazyAttribute(lambda o: o.as_of)


class BalanceLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BalanceLine

    snapshot = factory.SubFactory(AccountSnapshotFactory)
    wallet = "spot"
    asset = "USDT"
    free = factory.LazyAttribute(lambda o: o.total)
    locked = Decimal(0)
    total = Decimal(0)


class PositionLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PositionLine

    snapshot = factory.SubFactory(AccountSnapshotFactory)
    venue_symbol = "BTCUSDT"
    symbol = "BTC-USD"
    contracts = Decimal(0)
    contract_size = Decimal(1)
    size = factory.LazyAttribute(lambda o: o.contracts * o.contract_size)
    entry_price = Decimal(0)
    mark_price = Decimal(0)
    unrealized_pnl = Decimal(0)


class InstrumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instrument

    venue = factory.SubFactory(VenueFactory)
    venue_symbol = "BTCUSDT"
    kind = "spot"
    symbol = "BTC-USD"
    base = "BTC"
    quote = "USDT"
    contract_size = Decimal(1)
    tick_size = Decimal("0.01")
    lot_size = Decimal("0.00001")


class PriceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Price

    instrument = factory.SubFactory(InstrumentFactory)
    last = Decimal(1)
    as_of = factory.LazyFunction(lambda: datetime.now(tz=UTC))
    fetched_at = factory.LazyAttribute(lambda o: o.as_of)


class CandleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candle

    instrument = factory.SubFactory(InstrumentFactory)
    interval = "1d"
    open_time = factory.LazyFunction(lambda: datetime.now(tz=UTC))
    open = factory.LazyAttribute(lambda o: o.close)
    high = factory.LazyAttribute(lambda o: o.close)
    low = factory.LazyAttribute(lambda o: o.close)
    close = Decimal(1)
    volume = Decimal(100)


class FillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fill

    account = factory.SubFactory(AccountFactory)
    venue = factory.LazyAttribute(lambda o: o.account.venue)
    trade_id = factory.Sequence(lambda n: f"t{n}")
    order_id = factory.Sequence(lambda n: f"o{n}")
    venue_symbol = "BTCUSDT"
    symbol = "BTC-USD"
    market = "spot"
    side = "buy"
    price = Decimal(1)
    amount = Decimal(1)
    cost = factory.LazyAttribute(lambda o: o.price * o.amount)
    fee = Decimal(0)
    fee_asset = "USDT"
    timestamp = factory.LazyFunction(lambda: datetime.now(tz=UTC))


class TransferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Transfer

    account = factory.SubFactory(AccountFactory)
    transfer_id = factory.Sequence(lambda n: f"trf-{n}")
    asset = "USDC"
    amount = Decimal(1)
    direction = "deposit"
    counterparty = "bank-1"
    timestamp = factory.LazyFunction(lambda: datetime.now(tz=UTC))


class DataSourceStatusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DataSourceStatus

    venue = factory.SubFactory(VenueFactory)
    source = factory.LazyAttribute(lambda o: f"{o.venue.name}:{o.endpoint}")
    endpoint = "prices"
    data_as_of = factory.LazyFunction(lambda: datetime.now(tz=UTC))


class RiskSnapshotFactory(factory.django.DjangoModelFactory):
    """A stored snapshot with only its headline columns (an earlier cycle's equity mark)."""

    class Meta:
        model = RiskSnapshot

    portfolio = factory.SubFactory(PortfolioFactory)
    as_of = factory.LazyFunction(lambda: datetime.now(tz=UTC))
    cycle_start = factory.LazyAttribute(lambda o: o.as_of)
    engine_version = "1.0.0"
    equity = 1_000_000.0
    equity_complete = True
    total_pnl = 0.0
    unrealized_pnl = 0.0
    realized_today = 0.0
    gross_notional = 0.0
    net_notional = 0.0
    total_notional = 0.0
    figures = factory.LazyFunction(dict)
