"""Reference data (instruments), latest prices and candles, as the venues reported them."""

from __future__ import annotations

from django.db import models


class InstrumentKind(models.TextChoices):
    SPOT = "spot", "Spot"
    PERPETUAL = "perpetual", "Perpetual"


class Instrument(models.Model):
    venue = models.ForeignKey("venues.Venue", on_delete=models.CASCADE, related_name="instruments")
    venue_symbol = models.CharField(max_length=64)  # BTCUSDT
    kind = models.CharField(max_length=16, choices=InstrumentKind.choices)
    symbol = models.CharField(max_length=32, db_index=True)  # canonical: BTC-USD
    base = models.CharField(max_length=16)
    quote = models.CharField(max_length=16)
    contract_size = models.DecimalField(max_digits=38, decimal_places=18, default=1)
    tick_size = models.DecimalField(max_digits=38, decimal_places=18)
    lot_size = models.DecimalField(max_digits=38, decimal_places=18)
    active = models.BooleanField(default=True)
    # Our account's trading fees at the venue, fractions of notional (0.001 = 10 bps), read
    # with the instruments; null until the venue has reported them.
    maker_fee = models.DecimalField(max_digits=12, decimal_places=8, null=True, blank=True)
    taker_fee = models.DecimalField(max_digits=12, decimal_places=8, null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("venue__name", "kind", "venue_symbol")
        constraints = [
            models.UniqueConstraint(
                fields=("venue", "kind", "venue_symbol"), name="marketdata_instrument_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.venue.name}:{self.kind}:{self.venue_symbol}"


class Price(models.Model):
    """The latest price of one instrument, updated in place each cycle."""

    instrument = models.OneToOneField(Instrument, on_delete=models.CASCADE, related_name="price")
    last = models.DecimalField(max_digits=38, decimal_places=18)
    mark = models.DecimalField(
        max_digits=38, decimal_places=18, null=True, blank=True
    )  # derivatives only
    bid = models.DecimalField(max_digits=38, decimal_places=18, null=True, blank=True)
    ask = models.DecimalField(max_digits=38, decimal_places=18, null=True, blank=True)
    quote_volume_24h = models.DecimalField(max_digits=38, decimal_places=18, null=True, blank=True)
    as_of = models.DateTimeField()  # the venue's time of the quote
    fetched_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.instrument}: {self.last}"


class CandleInterval(models.TextChoices):
    MINUTE = "1m", "1 minute"
    DAY = "1d", "1 day"


class Candle(models.Model):
    """A closed candle (the open one is never stored: it still changes)."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="candles")
    interval = models.CharField(max_length=4, choices=CandleInterval.choices)
    open_time = models.DateTimeField()
    open = models.DecimalField(max_digits=38, decimal_places=18)
    high = models.DecimalField(max_digits=38, decimal_places=18)
    low = models.DecimalField(max_digits=38, decimal_places=18)
    close = models.DecimalField(max_digits=38, decimal_places=18)
    volume = models.DecimalField(max_digits=38, decimal_places=18)

    class Meta:
        ordering = ("instrument", "interval", "open_time")
        constraints = [
            models.UniqueConstraint(
                fields=("instrument", "interval", "open_time"), name="marketdata_candle_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.interval} {self.open_time:%Y-%m-%d %H:%M}"
