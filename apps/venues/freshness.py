"""When a data source is stale: judged against its own refresh schedule (DESIGN §9).

Every source is refreshed on a schedule of its own: balances, positions, orders and prices
every cycle, settlements every ``settlement_check_minutes``, instruments every
``INSTRUMENTS_REFRESH_SECONDS``, fills at least every ``fills_sweep_seconds``, candles when a
minute closes. A source is *overdue* by the time past its expected refresh, and *stale* when it
is overdue by more than the grace (``position_staleness_minutes``), when its last pull failed,
or when it never succeeded. Judging every source against one fixed age flagged the hourly
sources as stale for good and the five-minute fills sweep on every sweep.

This is the one definition: the connectivity API, the risk snapshot's ``stale_sources`` and the
``data_staleness`` limit all call ``source_freshness``. Pure: no Django, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

INSTRUMENTS_REFRESH_SECONDS = 3600
MINUTE_CANDLE_SECONDS = 60
DAILY_CANDLE_SECONDS = 86_400

# Endpoints pulled on every cycle; any endpoint not named below is judged as one of them
# (the strictest schedule: a new endpoint is never silently given a long one).
EVERY_CYCLE = (
    "balances", "positions", "orders", "prices", "master_balances", "segregated_balances",
    "transfers",
)  # fmt: skip


@dataclass(frozen=True)
class Schedule:
    """How often one venue's sources are refreshed, and the grace past that (seconds)."""

    cycle_seconds: float
    grace_seconds: float
    settlements_seconds: float = 3600.0
    fills_seconds: float = 300.0
    instruments_seconds: float = float(INSTRUMENTS_REFRESH_SECONDS)
    candles_seconds: float = float(MINUTE_CANDLE_SECONDS)


@dataclass(frozen=True)
class Freshness:
    age_seconds: float | None  # of the data; None: never had good data
    interval_seconds: float  # the source's expected refresh interval
    overdue_seconds: float | None  # past that interval (>= 0); None: never had good data
    failed: bool  # the last pull failed (or none ever succeeded)
    stale: bool

    @property
    def reason(self) -> str | None:
        """Why it is stale: never_succeeded, last_pull_failed or overdue; None when fresh."""
        if not self.stale:
            return None
        if self.age_seconds is None:
            return "never_succeeded"
        return "last_pull_failed" if self.failed else "overdue"


def refresh_interval_seconds(kind: str, schedule: Schedule) -> float:
    """The expected refresh interval of a source of this kind (its endpoint name)."""
    special = {
        "settlements": schedule.settlements_seconds,
        "fills": schedule.fills_seconds,
        "instruments": schedule.instruments_seconds,
        "candles": schedule.candles_seconds,
    }
    return special.get(kind, schedule.cycle_seconds)


def source_freshness(
    kind: str,
    *,
    last_success: datetime | None,
    last_failure: datetime | None,
    schedule: Schedule,
    now: datetime,
    data_as_of: datetime | None = None,
) -> Freshness:
    """Overdue and stale of one source. ``last_success`` and ``last_failure`` are our clock's
    times of the last good and the last failed pull; the age is that of the data
    (``data_as_of``, the venue's time of it) when known, else of the last success."""
    interval = refresh_interval_seconds(kind, schedule)
    failed = last_failure is not None and (last_success is None or last_failure > last_success)
    seen = data_as_of or last_success
    if seen is None:
        return Freshness(None, interval, None, failed=failed, stale=True)
    age = max(0.0, (now - seen).total_seconds())
    overdue = max(0.0, age - interval)
    stale = failed or overdue > schedule.grace_seconds
    return Freshness(age, interval, overdue, failed=failed, stale=stale)
