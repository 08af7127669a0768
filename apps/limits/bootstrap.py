"""The limits app's ``manage.py bootstrap`` loader: limits from ``config/risk_limits.yaml``."""

from __future__ import annotations

from apps.limits.services import limits_load_from_config


def limits_bootstrap() -> str:
    return limits_load_from_config().summary()
