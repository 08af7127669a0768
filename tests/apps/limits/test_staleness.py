"""The data_staleness limit reads how overdue each source is against its own schedule (the
snapshot's verdict, ``apps.venues.freshness``), with the limit as the grace."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from apps.limits.evaluation import LimitSpec, StaleSource, limits_evaluate
from apps.limits.kinds import DATA_QUALITY_BREACH_TYPES, KINDS, is_data_quality
from apps.limits.snapshots import source_ages
from tests.apps.limits.conftest import THRESHOLDS

AS_OF = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
STALENESS = LimitSpec(
    id=1, key="operational_limits.position_staleness_minutes", kind="data_staleness",
    scope="*", value=5,
)  # fmt: skip


def _readings(sources: list[StaleSource]) -> dict[str, tuple[float, float, str | None]]:
    found = limits_evaluate(
        limits=[STALENESS], figures={}, stale_sources=sources, thresholds=THRESHOLDS
    )
    return {r.scope: (r.current, r.utilization, r.severity) for r in found}


def _at(ago: timedelta) -> str:
    return (AS_OF - ago).isoformat()


def test_it_reads_a_fresh_hourly_source_as_not_overdue_at_all() -> None:
    sources = source_ages(
        AS_OF, {"source:custodian-1:fund-1:settlements": _at(timedelta(minutes=59))}
    )

    assert _readings(sources) == {"source:custodian-1:fund-1:settlements": (0.0, 0.0, None)}


def test_it_reads_a_judged_stale_source_by_how_overdue_it_is() -> None:
    stale = [
        {
            "source": "source:custodian-1:fund-1:settlements",
            "age_seconds": 3960.0,
            "refresh_interval_seconds": 3600.0,
            "overdue_seconds": 360.0,
            "reason": "overdue",
        }
    ]
    inputs = {"source:custodian-1:fund-1:settlements": _at(timedelta(minutes=66)),
              "account:exchange-1:spot": _at(timedelta(seconds=3))}  # fmt: skip

    readings = _readings(source_ages(AS_OF, inputs, stale))

    assert readings == {
        "source:custodian-1:fund-1:settlements": (360.0, 1.2, "critical"),
        "account:exchange-1:spot": (0.0, 0.0, None),
    }


def test_it_reads_a_failed_pull_as_stale_at_once() -> None:
    stale = [
        {"source": "source:exchange-1:spot:balances", "age_seconds": 2.0, "overdue_seconds": 0.0,
         "reason": "last_pull_failed"},
        {"source": "source:exchange-2:spot:balances", "age_seconds": None,
         "overdue_seconds": None, "reason": "never_succeeded"},
    ]  # fmt: skip
    inputs = {"source:exchange-1:spot:balances": _at(timedelta(seconds=2)),
              "source:exchange-2:spot:balances": None}  # fmt: skip

    readings = _readings(source_ages(AS_OF, inputs, stale))

    assert readings == {
        "source:exchange-1:spot:balances": (300.0, 1.0, "critical"),
        "source:exchange-2:spot:balances": (300.0, 1.0, "critical"),
    }


def test_it_lets_the_age_stand_in_for_a_source_not_judged_against_a_schedule() -> None:
    assert _readings([StaleSource("exchange-1:balances", 450.0)]) == {
        "exchange-1:balances": (450.0, 1.5, "critical")
    }


def test_it_names_the_data_quality_breach_types() -> None:
    assert DATA_QUALITY_BREACH_TYPES == ("data_staleness",)
    assert is_data_quality(KINDS["pnl_frequency"].breach_type)
    assert not is_data_quality(KINDS["daily_loss"].breach_type)
