"""Venues (exchanges, custodians), their accounts, and what we know about each data source.

Credentials never live here: a venue or account row holds only the NAMES of the environment
variables that hold its keys; connectors read the values from the environment when they call.
"""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual


class VenueKind(models.TextChoices):
    EXCHANGE = "exchange", "Exchange"
    CUSTODIAN = "custodian", "Custodian"


class Venue(models.Model):
    name = models.SlugField(max_length=64, unique=True)
    kind = models.CharField(max_length=16, choices=VenueKind.choices)
    adapter = models.CharField(max_length=32, help_text="binance (ccxt class) or custodian")
    # Empty: the adapter's own production URLs (a real Binance with read-only keys).
    base_url = models.CharField(max_length=255, blank=True, default="")
    enabled = models.BooleanField(default=True)
    timeout_seconds = models.FloatField(default=10.0)
    retry_attempts = models.PositiveSmallIntegerField(default=3)
    weight_per_minute = models.PositiveIntegerField(default=1200)
    # Custodian only: the fund's client id and the variables holding the API key.
    client_id = models.CharField(max_length=64, blank=True, default="")
    api_key_env = models.CharField(max_length=128, blank=True, default="")
    api_secret_env = models.CharField(max_length=128, blank=True, default="")
    # Exchange only: venue symbols to follow, comma-separated; empty: every listed instrument
    # (right for the simulators; a real Binance lists thousands, so name the ones you trade).
    symbols = models.TextField(blank=True, default="")
    # Circuit breaker: open after this many consecutive transport failures, probe after cooldown.
    breaker_threshold = models.PositiveSmallIntegerField(default=5)
    breaker_cooldown_seconds = models.FloatField(default=30.0)
    # History depth fetched on first contact with an instrument (then incremental).
    backfill_daily_days = models.PositiveIntegerField(default=740)
    backfill_minute_hours = models.PositiveIntegerField(default=48)
    backfill_fills_hours = models.PositiveIntegerField(default=72)
    # Fills are pulled when balances, positions or orders move, and at least this often.
    fills_sweep_seconds = models.PositiveIntegerField(default=300)
    # Custodian only: settlements are read this often (balances and transfers every cycle).
    settlement_check_minutes = models.PositiveIntegerField(default=60)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    def symbol_list(self) -> list[str]:
        return [s.strip().upper() for s in self.symbols.split(",") if s.strip()]


class AccountMarket(models.TextChoices):
    SPOT = "spot", "Spot"
    FUTURES = "futures", "USD-M futures"
    CUSTODY = "custody", "Custody"


class Account(models.Model):
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="accounts")
    label = models.SlugField(max_length=64)
    market = models.CharField(max_length=16, choices=AccountMarket.choices)
    portfolio = models.ForeignKey(
        "positions.Portfolio", on_delete=models.PROTECT, related_name="accounts"
    )
    strategy = models.SlugField(max_length=64, default="default")
    api_key_env = models.CharField(max_length=128, blank=True, default="")
    api_secret_env = models.CharField(max_length=128, blank=True, default="")
    enabled = models.BooleanField(default=True)

    class Meta:
        ordering = ("venue__name", "label")
        constraints = [
            models.UniqueConstraint(fields=("venue", "label"), name="venues_account_unique_label")
        ]

    def __str__(self) -> str:
        return f"{self.venue.name}:{self.label}"


class DataSourceStatus(models.Model):
    """One row per data source: a venue endpoint, for one account or for the whole venue."""

    source = models.CharField(max_length=160, unique=True)  # "exchange-1:spot:balances"
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="statuses")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, null=True, blank=True)
    endpoint = models.CharField(max_length=48)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    last_error_kind = models.CharField(max_length=32, blank=True, default="")
    last_error = models.CharField(max_length=500, blank=True, default="")
    latency_ms = models.FloatField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    data_as_of = models.DateTimeField(null=True, blank=True)
    # The newest venue timestamps seen per key: a later payload may not go back in time.
    watermarks = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("source",)
        verbose_name_plural = "data source statuses"

    def __str__(self) -> str:
        return self.source


class Quarantine(models.Model):
    """A venue payload refused at the boundary; nothing of its pull was stored."""

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="quarantined")
    account = models.ForeignKey(Account, on_delete=models.SET_NULL, null=True, blank=True)
    endpoint = models.CharField(max_length=48)
    reason = models.CharField(max_length=500)
    excerpt = models.TextField(blank=True, default="")  # at most EXCERPT_LIMIT characters
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ("-created_at",)
        constraints = [
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("excerpt"), 2048),
                name="venues_quarantine_excerpt_bounded",
            )
        ]

    def __str__(self) -> str:
        return f"{self.venue.name}:{self.endpoint}: {self.reason}"
