"""Embedded mode's stand-in for Celery beat: one thread that fires the schedule table's jobs
in-process (tasks run eagerly), at the same rates beat would."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from django.db import close_old_connections

from riskmonitor.schedule import ScheduleEntry, schedule_table

log = logging.getLogger(__name__)


@dataclass
class _Due:
    entry: ScheduleEntry
    next_at: float


class InProcessScheduler:
    def __init__(self, entries: list[ScheduleEntry] | None = None) -> None:
        now = time.monotonic()
        self._due = [_Due(e, now) for e in (entries if entries is not None else schedule_table())]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="scheduler", daemon=True)

    def start(self) -> None:
        from riskmonitor.celery import app

        # A Celery worker imports every app's tasks module at start-up (autodiscovery is lazy);
        # this scheduler stands in for the worker, so it must do the same or no task is known.
        app.loader.import_default_modules()
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread.ident is not None:  # joining a thread never started raises
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            for due in self._due:
                if time.monotonic() >= due.next_at:
                    self._fire(due.entry)
                    due.next_at = time.monotonic() + due.entry.every_seconds
            self._stop.wait(self._seconds_to_next())

    def _seconds_to_next(self) -> float:
        soonest = min((d.next_at for d in self._due), default=time.monotonic() + 1.0)
        return max(0.05, soonest - time.monotonic())

    def _fire(self, entry: ScheduleEntry) -> None:
        from riskmonitor.celery import app

        close_old_connections()
        try:
            app.tasks[entry.task].apply(kwargs=entry.kwargs, throw=True)
        except Exception:
            # One failing job must not stop the others; the failure is logged with its trace.
            log.exception("scheduled job failed", extra={"job": entry.name, "task": entry.task})
        finally:
            close_old_connections()
