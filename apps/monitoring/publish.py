"""The live push of a stored snapshot: its headline to the ``risk.updates`` channel group, which
the dashboard's WebSocket consumer joins (DESIGN §4, step 5)."""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from apps.risk.models import RiskSnapshot
from apps.risk.selectors.snapshots import snapshot_headline

log = logging.getLogger(__name__)
RISK_UPDATES_GROUP = "risk.updates"


def risk_update_push(snapshot: RiskSnapshot) -> None:
    """Send `{"type": "risk.update", "seq": id, "data": headline}` to the group."""
    layer = get_channel_layer()
    if layer is None:
        return
    message: dict[str, Any] = {
        "type": "risk.update", "seq": snapshot.pk, "data": snapshot_headline(snapshot),
    }  # fmt: skip
    try:
        async_to_sync(layer.group_send)(RISK_UPDATES_GROUP, message)
    except Exception:
        # Clients reload over REST on a sequence gap; a lost push must not fail the cycle.
        log.exception("risk update push failed", extra={"snapshot": snapshot.pk})
