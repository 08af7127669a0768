"""The database half of a cycle: statuses, quarantine, and the stores of whatever was whole.

Every venue of a cycle is gathered first and written together: a fixed handful of statements
(statuses, quarantine, snapshots and their lines, fills, prices, candles) whatever the number of
venues, because per-venue writes cost a round trip each and made a 20-venue cycle last several
times its slowest venue. ``cycle`` falls back to venue-by-venue writes if the batch fails.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from apps.marketdata.models import Candle, Instrument, Price
from apps.marketdata.services import (
    InstrumentKey,
    candle_rows,
    candles_upsert,
    instruments_store,
    minute_candles_trim,
    price_rows,
    prices_upsert,
)
from apps.marketdata.symbols import configured_aliases
from apps.positions.services import (
    AccountPull,
    AccountWrite,
    CustodyPull,
    CustodyWrite,
    snapshots_store,
)
from apps.venues.connectors.base import PayloadRejected
from apps.venues.connectors.validation import watermarks_regressed
from apps.venues.ingest.pull import Harvest, Outcome
from apps.venues.models import Account, Quarantine, Venue
from apps.venues.services import (
    SourceResult,
    quarantine_entry,
    quarantines_record,
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


@dataclass
class _Batch:
    """What a cycle's venues will write, gathered before any write."""

    statuses: list[tuple[Venue, SourceResult]] = field(default_factory=list)
    quarantines: list[Quarantine] = field(default_factory=list)
    accounts: list[AccountWrite] = field(default_factory=list)
    custody: list[CustodyWrite] = field(default_factory=list)
    prices: list[Price] = field(default_factory=list)
    candles: list[Candle] = field(default_factory=list)
    minute_candles: set[int] = field(default_factory=set)  # instrument ids


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


def _sources(
    batch: _Batch,
    venue: Venue,
    accounts: dict[str, Account],
    harvest: Harvest,
    report: VenueReport,
) -> list[Outcome]:
    """Each source's status (and quarantine rows) into the batch; the outcomes, checked."""
    by_source: dict[str, list[Outcome]] = defaultdict(list)
    for o in harvest.outcomes:
        account = accounts.get(o.account) if o.account else None
        by_source[source_name(venue, account, o.endpoint)].append(o)
    checked: list[Outcome] = []
    for source, outcomes in by_source.items():
        previous = harvest.plan.watermarks.get(source, {})
        group = [_checked(o, previous) for o in outcomes]
        checked.extend(group)
        account = accounts.get(group[0].account) if group[0].account else None
        batch.statuses.append((venue, _result(batch, venue, account, source, group, report)))
    return checked


def _result(
    batch: _Batch,
    venue: Venue,
    account: Account | None,
    source: str,
    group: list[Outcome],
    report: VenueReport,
) -> SourceResult:
    endpoint = group[0].endpoint
    latency = max(o.latency_ms for o in group)
    for o in group:
        if isinstance(o.error, PayloadRejected):
            batch.quarantines.append(
                quarantine_entry(
                    venue=venue,
                    account=account,
                    endpoint=o.endpoint,
                    reason=o.error.reason,
                    excerpt=o.error.excerpt,
                )
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


def _whole(outcomes: list[Outcome]) -> bool:
    """Nothing partial: an account with any failed part keeps its last good snapshot."""
    return bool(outcomes) and not any(o.error for o in outcomes)


def _as_of(outcomes: list[Outcome]) -> int:
    return min(o.pulled.as_of_ms for o in outcomes if o.pulled)


def _account(
    batch: _Batch,
    account: Account,
    outcomes: list[Outcome],
    harvest: Harvest,
    instruments: dict[InstrumentKey, Instrument],
) -> None:
    if not _whole(outcomes):
        return
    pull = AccountPull(
        as_of_ms=_as_of(outcomes),
        balances=_rows(outcomes, "balances"), positions=_rows(outcomes, "positions"),
        orders=_rows(outcomes, "orders"), fills=_rows(outcomes, "fills"),
        fills_read_until={o.tag[1]: harvest.plan.now_ms for o in outcomes if o.endpoint == "fills"},
    )  # fmt: skip
    batch.accounts.append(
        AccountWrite(account.pk, account.venue_id, account.market, pull, _canonical(instruments))
    )


def _custody(batch: _Batch, account: Account, outcomes: list[Outcome]) -> None:
    if not _whole(outcomes):
        return
    pull = CustodyPull(
        as_of_ms=_as_of(outcomes),
        balances=_rows(outcomes, "master_balances") + _rows(outcomes, "segregated_balances"),
        settlements=_rows(outcomes, "settlements"), transfers=_rows(outcomes, "transfers"),
    )  # fmt: skip
    batch.custody.append(CustodyWrite(account.pk, account.venue_id, pull))


def _prices(
    batch: _Batch,
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
    rows = price_rows(instruments=instruments, tickers=tickers, marks=marks, fetched_at=at)
    batch.prices += rows
    report.prices += len(rows)


def _candles(
    batch: _Batch,
    outcomes: list[Outcome],
    instruments: dict[InstrumentKey, Instrument],
    report: VenueReport,
) -> None:
    for o in outcomes:
        if o.endpoint != "candles" or o.pulled is None:
            continue
        kind, symbol, interval = o.tag
        instrument = instruments.get((kind, symbol))
        if instrument is None:
            continue
        rows = candle_rows(instrument=instrument, interval=interval, rows=o.pulled.rows)
        batch.candles += rows
        report.candles += len(rows)
        if interval == "1m":
            batch.minute_candles.add(instrument.pk)


def _instruments(
    venue: Venue, outcomes: list[Outcome], stored: dict[InstrumentKey, Instrument]
) -> dict[InstrumentKey, Instrument]:
    """The venue's instruments; written at once when this cycle read them (first contact, or
    the hourly refresh), since everything else of the venue is keyed by them."""
    fetched = next((o for o in outcomes if o.endpoint == "instruments" and o.pulled), None)
    if fetched is not None and fetched.pulled is not None:
        return instruments_store(
            venue_id=venue.pk, rows=fetched.pulled.rows, aliases=configured_aliases()
        )
    return stored


def _gather(
    batch: _Batch,
    harvest: Harvest,
    venue: Venue,
    accounts: dict[str, Account],
    stored: dict[InstrumentKey, Instrument],
    at: datetime,
) -> VenueReport:
    report = VenueReport(venue.name)
    outcomes = _sources(batch, venue, accounts, harvest, report)
    instruments = _instruments(venue, outcomes, stored) if venue.kind == "exchange" else {}
    for label in (a.label for a in harvest.plan.accounts):
        mine = [o for o in outcomes if o.account == label]
        if venue.kind == "custodian":
            _custody(batch, accounts[label], mine)
        else:
            _account(batch, accounts[label], mine, harvest, instruments)
    _prices(batch, outcomes, instruments, report, at)
    _candles(batch, outcomes, instruments, report)
    return report


def _write(batch: _Batch, period_start: datetime, at: datetime) -> dict[int, Any]:
    source_statuses_record(results=batch.statuses, at=at)
    quarantines_record(batch.quarantines)
    stored = snapshots_store(
        period_start=period_start, fetched_at=at, accounts=batch.accounts, custody=batch.custody
    )
    prices_upsert(batch.prices)
    candles_upsert(batch.candles)
    if batch.minute_candles:
        minute_candles_trim(instrument_ids=batch.minute_candles, before=at - MINUTE_CANDLES_KEPT)
    return stored


def _count_stored(batch: _Batch, stored: dict[int, Any], reports: dict[int, VenueReport]) -> None:
    for write in batch.accounts:
        if write.account_id in stored:
            reports[write.venue_id].snapshots += 1
            reports[write.venue_id].fills += len(write.pull.fills)
    for cwrite in batch.custody:
        if cwrite.account_id in stored:
            reports[cwrite.venue_id].snapshots += 1


def harvests_record(harvests: list[Harvest]) -> list[VenueReport]:
    """Store the harvests of one period (one or many venues) with a fixed number of writes.

    Call it inside a transaction: it writes several tables and must not be left half done."""
    if not harvests:
        return []
    period_start = harvests[0].plan.period_start
    if any(h.plan.period_start != period_start for h in harvests):
        raise ValueError("harvests_record: harvests of different periods")
    at = timezone.now()
    venues = Venue.objects.in_bulk([h.plan.venue_id for h in harvests])
    accounts: dict[int, dict[str, Account]] = defaultdict(dict)
    for a in Account.objects.filter(venue__in=list(venues.values())):
        a.venue = venues[a.venue_id]  # no query per account for its venue's name
        accounts[a.venue_id][a.label] = a
    stored_instruments: dict[int, dict[InstrumentKey, Instrument]] = defaultdict(dict)
    for i in Instrument.objects.filter(venue__in=list(venues.values())):
        stored_instruments[i.venue_id][(i.kind, i.venue_symbol)] = i
    batch = _Batch()
    reports = {
        h.plan.venue_id: _gather(
            batch, h, venues[h.plan.venue_id], accounts[h.plan.venue_id],
            stored_instruments[h.plan.venue_id], at,
        )
        for h in harvests
    }  # fmt: skip
    _count_stored(batch, _write(batch, period_start, at), reports)
    return list(reports.values())
