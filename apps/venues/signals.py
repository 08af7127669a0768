"""The after-ingest hook: risk evaluation chains on ``ingest_cycle_completed``.

Receivers get ``period_start`` (aware UTC datetime): every venue's pull for that period has been
stored (or has failed and left its last good data in place). Sent outside any transaction.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.dispatch import Signal

log = logging.getLogger(__name__)

ingest_cycle_completed = Signal()


def ingest_cycle_completed_send(period_start: datetime) -> None:
    # A failing receiver must not fail the ingest that already committed.
    for receiver, result in ingest_cycle_completed.send_robust(
        sender=None, period_start=period_start
    ):
        if isinstance(result, Exception):
            log.error(
                "ingest hook failed", extra={"receiver": repr(receiver), "error": repr(result)}
            )
