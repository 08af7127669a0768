"""The one schedule table: Celery beat (stack mode) and the in-process scheduler (embedded mode)
both read it, so the two modes run the same periodic jobs at the same rates."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings


@dataclass(frozen=True)
class ScheduleEntry:
    name: str
    task: str
    every_seconds: float
    kwargs: dict[str, Any] = field(default_factory=dict)
    queue: str = "default"

    @property
    def expires_seconds(self) -> float:
        # A run that waited past its next firing is superseded by that firing: drop it.
        return max(self.every_seconds * 0.9, 1.0)


def schedule_table() -> list[ScheduleEntry]:
    """Every periodic job, at the rates the environment and risk_monitor_config.yaml set."""
    interval = float(settings.RISK_MONITOR["CHECK_INTERVAL_SECONDS"])
    return [
        ScheduleEntry("scheduler-heartbeat", "core.heartbeat", interval),
        # One entry fans out to a task per enabled venue (apps.venues.ingest.cycle).
        ScheduleEntry("ingest-cycle", "venues.ingest_cycle", interval, queue="ingest"),
        # Thins the risk snapshot history (apps.risk.retention); cheap, so every 10 minutes.
        ScheduleEntry("risk-history-downsample", "risk.history_downsample", 600.0),
        # Four-eyes proposals lapse after 24 h; a minute's lateness is harmless.
        ScheduleEntry("limit-requests-expire", "limits.requests_expire", 60.0),
        # Alerts left unacknowledged past their policy's delay escalate; open ones re-notify.
        ScheduleEntry("alerts-escalate", "alerts.escalate", 60.0, queue="alerts"),
        # The outbox is also kicked after each commit that queues; this catches retries.
        ScheduleEntry("alerts-deliver", "alerts.notifications_deliver", 5.0, queue="alerts"),
        # Open circuit breakers close once conditions stayed clear for recovery_time_minutes.
        ScheduleEntry("breaker-recover", "breaker.recover", 30.0),
    ]


def beat_schedule() -> dict[str, dict[str, Any]]:
    """The table in Celery beat's format."""
    return {
        entry.name: {
            "task": entry.task,
            "schedule": entry.every_seconds,
            "kwargs": entry.kwargs,
            "options": {"expires": entry.expires_seconds, "queue": entry.queue},
        }
        for entry in schedule_table()
    }
