"""The database half of a cycle: statuses, quarantine, and the stores of whatever was whole."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from apps.marketdata.models import Candle, Instrument
from apps.marketdata.services import (
    InstrumentKey,
    candles_store,
    instruments_store,
    prices_store,
)
from apps.marketdata.symbols import configured_aliases
from apps.positions.services import (
    AccountPull,
    CustodyPull,
    account_snapshot_store,
    custody_snapshot_store,
)
from apps.venues.connectors.base import PayloadRejected
from apps.venues.connectors.validation import watermarks_regressed
from apps.venues.ingest.pull import Harvest, Outcome
from apps.venues.models import Account, Venue
from apps.venues.services import (
    SourceResult,
    quarantine_record,
    source_name,
    source_statuses_record,
)

MINUTE_CANDLES_KEPT = timedelta(hours=48)


@dataclass
class VenueReport:
    venue: str
    snapshots: int = 0
    fills: int = 0
    prices: int = 0
    candles: int = 0
    errors: list[str] = field(default_factory=list)
    quarantined: int = 0


def _checked(outcome: Outcome, previous: dict[str, int]) -> Outcome:
    """Turn an answer whose venue times went backwards into a rejection."""
    if outcome.pulled is None:
        return outcome
    reason = watermarks_regressed(previous, outcome.pulled.watermarks)
    if reason is None:
        return outcome
    rejected = PayloadRejected(f"stale: {reason}", str(outcome.pulled.watermarks)[:2048])
    return Outcome(
        outcome.endpoint, outcome.account, outcome.tag, None, rejected, outcome.latency_ms
    )


def _record_sources(
    venue: Venue, accounts: dict[str, Account], harvest: Harvest, report: VenueReport, at: datetime
) -> list[Outcome]:
    by_source: dict[str, list[Outcome]] = defaultdict(list)
    for o in harvest.outcomes:
        account = accounts.get(o.account) if o.account else None
        by_source[source_name(venue, account, o.endpoint)].append(o)
    checked: list[Outcome] = []
    results = []
    for source, outcomes in by_source.items():
        previous = harvest.plan.watermarks.get(source, {})
        group = [_checked(o, previous) for o in outcomes]
        checked.extend(group)
        account = accounts.get(group[0].account) if group[0].account else None
        results.append(_result(venue, account, source, group, report))
    source_statuses_record(venue=venue, results=results, at=at)
    return checked


def _result(
    venue: Venue, account: Account | None, source: str, group: list[Outcome], report: VenueReport
) -> SourceResult:
    endpoint = group[0].endpoint
    latency = max(o.latency_ms for o in group)
    for o in group:
        if isinstance(o.error, PayloadRejected):
            quarantine_record(
                venue=venue,
                account=account,
                endpoint=o.endpoint,
                reason=o.error.reason,
                excerpt=o.error.excerpt,
            )
            report.quarantined += 1
    error = next((o.error for o in group if o.error is not None), None)
    if error is not None:
        report.errors.append(f"{source}: {error.kind}: {error}")
        return SourceResult(
            source, account, endpoint, latency, error_kind=error.kind, error=str(error)
        )
    marks: dict[str, int] = {}
    for o in group:
        marks.update(o.pulled.watermarks if o.pulled else {})
    as_of = min(o.pulled.as_of_ms for o in group if o.pulled is not None)
    return SourceResult(source, account, endpoint, latency, as_of_ms=as_of, watermarks=marks)


def _canonical(instruments: dict[InstrumentKey, Instrument]) -> Any:
    def canonical(kind: str, venue_symbol: str) -> str:
        found = instruments.get((kind, venue_symbol))
        return found.symbol if found else venue_symbol

    return canonical


def _rows(outcomes: list[Outcome], endpoint: str) -> list[Any]:
    return [r for o in outcomes if o.endpoint == endpoint and o.pulled for r in o.pulled.rows]


def _store_account(
    account: Account,
    outcomes: list[Outcome],
    harvest: Harvest,
    instruments: dict[InstrumentKey, Instrument],
    report: VenueReport,
    at: datetime,
) -> None:
    if not outcomes or any(o.error for o in outcomes):
        return  # nothing partial: the last good snapshot stays and ages
    fills = _rows(outcomes, "fills")
    pull = AccountPull(
        as_of_ms=min(o.pulled.as_of_ms for o in outcomes if o.pulled),
        balances=_rows(outcomes, "balances"), positions=_rows(outcomes, "positions"),
        orders=_rows(outcomes, "orders"), fills=fills,
        fills_read_until={o.tag[1]: harvest.plan.now_ms for o in outcomes if o.endpoint == "fills"},
    )  # fmt: skip
    stored = account_snapshot_store(
        account=account,
        period_start=harvest.plan.period_start,
        pull=pull,
        canonical=_canonical(instruments),
        fetched_at=at,
    )
    if stored is not None:
        report.snapshots += 1
        report.fills += len(fills)


def _store_custody(
    account: Account, outcomes: list[Outcome], harvest: Harvest, report: VenueReport, at: datetime
) -> None:
    if not outcomes or any(o.error for o in outcomes):
        return
    pull = CustodyPull(
        as_of_ms=min(o.pulled.as_of_ms for o in outcomes if o.pulled),
        balances=_rows(outcomes, "master_balances") + _rows(outcomes, "segregated_balances"),
        settlements=_rows(outcomes, "settlements"), transfers=_rows(outcomes, "transfers"),
    )  # fmt: skip
    if (
        custody_snapshot_store(
            account=account, period_start=harvest.plan.period_start, pull=pull, fetched_at=at
        )
        is not None
    ):
        report.snapshots += 1


def _store_prices(
    outcomes: list[Outcome],
    instruments: dict[InstrumentKey, Instrument],
    report: VenueReport,
    at: datetime,
) -> None:
    ok = [o for o in outcomes if o.endpoint == "prices" and o.pulled is not None]
    marks_ok = any(o.tag == ("marks",) for o in ok)
    tickers = [
        r
        for o in ok
        if o.tag != ("marks",)
        for r in o.pulled.rows  # type: ignore[union-attr]
        if r.kind == "spot" or marks_ok
    ]  # a perpetual without its mark waits
    marks = [r for o in ok if o.tag == ("marks",) for r in o.pulled.rows]  # type: ignore[union-attr]
    report.prices += prices_store(
        instruments=instruments, tickers=tickers, marks=marks, fetched_at=at
    )


def _store_candles(
    outcomes: list[Outcome],
    instruments: dict[InstrumentKey, Instrument],
    report: VenueReport,
    at: datetime,
) -> None:
    for o in outcomes:
        if o.endpoint != "candles" or o.pulled is None:
            continue
        kind, symbol, interval = o.tag
        instrument = instruments.get((kind, symbol))
        if instrument is None:
            continue
        report.candles += candles_store(
            instrument=instrument, interval=interval, rows=o.pulled.rows
        )
        if interval == "1m":
            Candle.objects.filter(
                instrument=instrument, interval="1m", open_time__lt=at - MINUTE_CANDLES_KEPT
            ).delete()


def _instruments(venue: Venue, outcomes: list[Outcome]) -> dict[InstrumentKey, Instrument]:
    fetched = next((o for o in outcomes if o.endpoint == "instruments" and o.pulled), None)
    if fetched is not None and fetched.pulled is not None:
        return instruments_store(
            venue=venue, rows=fetched.pulled.rows, aliases=configured_aliases()
        )
    return {(i.kind, i.venue_symbol): i for i in Instrument.objects.filter(venue=venue)}


def harvest_record(harvest: Harvest) -> VenueReport:
    at = timezone.now()
    venue = Venue.objects.get(pk=harvest.plan.venue_id)
    accounts = {a.label: a for a in venue.accounts.all()}
    report = VenueReport(venue.name)
    outcomes = _record_sources(venue, accounts, harvest, report, at)
    instruments = _instruments(venue, outcomes) if venue.kind == "exchange" else {}
    for label in (a.label for a in harvest.plan.accounts):
        mine = [o for o in outcomes if o.account == label]
        if venue.kind == "custodian":
            _store_custody(accounts[label], mine, harvest, report, at)
        else:
            _store_account(accounts[label], mine, harvest, instruments, report, at)
    _store_prices(outcomes, instruments, report, at)
    _store_candles(outcomes, instruments, report, at)
    return report
