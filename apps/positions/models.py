"""Portfolios, and what each account held at each cycle: balances, positions, open orders;
plus the append-only facts: fills, custodian settlements and transfers."""

from __future__ import annotations

from django.db import models


class Portfolio(models.Model):
    name = models.SlugField(max_length=64, unique=True)
    base_currency = models.CharField(max_length=8, default="USD")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class AccountSnapshot(models.Model):
    """Everything one account held in one cycle, written in one transaction (never partial)."""

    account = models.ForeignKey(
        "venues.Account", on_delete=models.CASCADE, related_name="snapshots"
    )
    period_start = models.DateTimeField()  # the cycle it belongs to: the idempotency key
    as_of = models.DateTimeField()  # when the venue reported it (earliest of its parts)
    fetched_at = models.DateTimeField()

    class Meta:
        ordering = ("-as_of",)
        get_latest_by = "as_of"
        constraints = [
            models.UniqueConstraint(
                fields=("account", "period_start"), name="positions_snapshot_unique_period"
            )
        ]
        indexes = [models.Index(fields=("account", "-as_of"), name="positions_snapshot_latest")]

    def __str__(self) -> str:
        return f"{self.account} @ {self.as_of:%Y-%m-%d %H:%M:%S}"


class Wallet(models.TextChoices):
    SPOT = "spot", "Spot"
    FUTURES = "futures", "Futures"
    MASTER = "master", "Custodian master"
    SEGREGATED = "segregated", "Custodian segregated"


class BalanceLine(models.Model):
    snapshot = models.ForeignKey(AccountSnapshot, on_delete=models.CASCADE, related_name="balances")
    wallet = models.CharField(max_length=16, choices=Wallet.choices)
    asset = models.CharField(max_length=16)
    free = models.DecimalField(max_digits=38, decimal_places=18)
    locked = models.DecimalField(max_digits=38, decimal_places=18)
    total = models.DecimalField(max_digits=38, decimal_places=18)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("snapshot", "wallet", "asset"), name="positions_balance_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(free__gte=0, locked__gte=0),
                name="positions_balance_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.wallet}:{self.asset} {self.total}"


class PositionLine(models.Model):
    snapshot = models.ForeignKey(
        AccountSnapshot, on_delete=models.CASCADE, related_name="positions"
    )
    venue_symbol = models.CharField(max_length=64)
    symbol = models.CharField(max_length=32)  # canonical
    size = models.DecimalField(
        max_digits=38, decimal_places=18
    )  # signed, base units = contracts * contract_size
    contracts = models.DecimalField(max_digits=38, decimal_places=18)  # signed
    contract_size = models.DecimalField(max_digits=38, decimal_places=18)
    entry_price = models.DecimalField(max_digits=38, decimal_places=18)
    mark_price = models.DecimalField(max_digits=38, decimal_places=18)
    unrealized_pnl = models.DecimalField(max_digits=38, decimal_places=18)
    leverage = models.DecimalField(max_digits=38, decimal_places=18, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("snapshot", "venue_symbol"), name="positions_position_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.venue_symbol} {self.size}"


class OrderLine(models.Model):
    snapshot = models.ForeignKey(AccountSnapshot, on_delete=models.CASCADE, related_name="orders")
    order_id = models.CharField(max_length=64)
    venue_symbol = models.CharField(max_length=64)
    symbol = models.CharField(max_length=32)
    side = models.CharField(max_length=8)  # buy / sell
    type = models.CharField(max_length=24)
    price = models.DecimalField(max_digits=38, decimal_places=18)
    amount = models.DecimalField(max_digits=38, decimal_places=18)
    filled = models.DecimalField(max_digits=38, decimal_places=18)
    reduce_only = models.BooleanField(default=False)
    status = models.CharField(max_length=24)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("snapshot", "order_id"), name="positions_order_unique")
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.side} {self.amount} {self.venue_symbol}"


class FillMarket(models.TextChoices):
    SPOT = "spot", "Spot"
    LINEAR = "linear", "Linear (USD-M) futures"


class Fill(models.Model):
    # Keyed per account, not only per venue: two of our accounts may be the two sides of one trade.
    venue = models.ForeignKey("venues.Venue", on_delete=models.CASCADE, related_name="fills")
    account = models.ForeignKey("venues.Account", on_delete=models.CASCADE, related_name="fills")
    trade_id = models.CharField(max_length=64)
    order_id = models.CharField(max_length=64)
    venue_symbol = models.CharField(max_length=64)
    symbol = models.CharField(max_length=32, db_index=True)
    market = models.CharField(max_length=8, choices=FillMarket.choices)
    side = models.CharField(max_length=8)
    price = models.DecimalField(max_digits=38, decimal_places=18)
    amount = models.DecimalField(max_digits=38, decimal_places=18)  # base units
    cost = models.DecimalField(max_digits=38, decimal_places=18)  # quote units
    fee = models.DecimalField(max_digits=38, decimal_places=18)
    fee_asset = models.CharField(max_length=16)
    realized_pnl = models.DecimalField(
        max_digits=38, decimal_places=18, null=True, blank=True
    )  # futures, venue-reported
    timestamp = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ("timestamp",)
        constraints = [
            models.UniqueConstraint(
                fields=("account", "market", "venue_symbol", "trade_id"),
                name="positions_fill_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.venue_symbol} {self.side} {self.amount} @ {self.price}"


class FillCursor(models.Model):
    """How far the fills of one account and symbol have been read."""

    account = models.ForeignKey("venues.Account", on_delete=models.CASCADE, related_name="cursors")
    venue_symbol = models.CharField(max_length=64)
    last_time = models.DateTimeField()
    swept_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("account", "venue_symbol"), name="positions_cursor_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.venue_symbol} until {self.last_time:%Y-%m-%d %H:%M:%S}"


class Settlement(models.Model):
    """A custodian settlement; its status is updated in place as the custodian reports it."""

    account = models.ForeignKey(
        "venues.Account", on_delete=models.CASCADE, related_name="settlements"
    )
    settlement_id = models.CharField(max_length=64)
    asset = models.CharField(max_length=16)
    amount = models.DecimalField(max_digits=38, decimal_places=18)
    direction = models.CharField(max_length=16)
    counterparty = models.CharField(max_length=128, blank=True, default="")
    status = models.CharField(max_length=24)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ("-created_at",)
        constraints = [
            models.UniqueConstraint(
                fields=("account", "settlement_id"), name="positions_settlement_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.settlement_id} {self.status}"


class Transfer(models.Model):
    """An external transfer at the custodian (deposits positive, withdrawals negative in P&L)."""

    account = models.ForeignKey(
        "venues.Account", on_delete=models.CASCADE, related_name="transfers"
    )
    transfer_id = models.CharField(max_length=64)
    asset = models.CharField(max_length=16)
    amount = models.DecimalField(
        max_digits=38, decimal_places=18
    )  # always positive; direction says which way
    direction = models.CharField(max_length=16)  # deposit / withdrawal
    counterparty = models.CharField(max_length=128, blank=True, default="")
    timestamp = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ("timestamp",)
        constraints = [
            models.UniqueConstraint(
                fields=("account", "transfer_id"), name="positions_transfer_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.transfer_id} {self.direction} {self.amount} {self.asset}"
