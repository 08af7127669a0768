"""The venues app's ``manage.py bootstrap`` loader: venues and accounts from the config."""

from __future__ import annotations

from apps.venues.services import venues_sync_from_config
from riskmonitor.conf import get_config


def venues_bootstrap() -> str:
    created = venues_sync_from_config(apis=get_config().monitor.external_apis)
    return f"venues: {len(created)} created" + (f" ({', '.join(created)})" if created else "")
