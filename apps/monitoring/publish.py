"""The live push of a stored snapshot: its headline as a ``risk.update`` event of its portfolio
(DESIGN §4, step 5; docs/websocket.md), and the snapshots part of the state a client gets on
connect."""

from __future__ import annotations

from typing import Any

from apps.core.live import live_publish
from apps.positions.models import Portfolio
from apps.risk.models import RiskSnapshot
from apps.risk.selectors.snapshots import latest_snapshot, snapshot_headline


def risk_update_push(snapshot: RiskSnapshot) -> int | None:
    """Publish the snapshot's headline (call after commit); returns its sequence number."""
    return live_publish(
        event="risk.update", portfolio_id=snapshot.portfolio_id, data=snapshot_headline(snapshot)
    )


def snapshots_live_state() -> list[dict[str, Any]]:
    """The latest snapshot's headline of every portfolio that has one, by portfolio name."""
    headlines = []
    for portfolio_id in Portfolio.objects.order_by("name").values_list("pk", flat=True):
        snapshot = latest_snapshot(portfolio_id=portfolio_id)
        if snapshot is not None:
            headlines.append({"portfolio_id": portfolio_id, **snapshot_headline(snapshot)})
    return headlines
