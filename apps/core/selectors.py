"""Reads of the core app: health of the parts the system depends on, and a status summary."""

from __future__ import annotations

import platform
import time
from dataclasses import asdict, dataclass
from importlib.metadata import version
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from apps.core.services import SCHEDULER_TICK_KEY

PROCESS_STARTED = time.time()
# Before the scheduler's first tick the system is starting, not down.
STARTUP_GRACE_SECONDS = 60.0


@dataclass(frozen=True)
class Check:
    status: str  # "up" or "down"
    detail: str
    latency_ms: float


def _timed(probe: Any) -> Check:
    started = time.perf_counter()
    try:
        detail = probe()
    except Exception as exc:  # any failure of a dependency means "down", with the reason shown
        return Check("down", f"{type(exc).__name__}: {exc}"[:300], _ms_since(started))
    return Check("up", detail, _ms_since(started))


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def _redis() -> str:
    import redis

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=2)
    client.ping()
    return "ping ok"


def _channel_layer() -> str:
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")
    return type(layer).__name__


def _broker() -> str:
    from riskmonitor.celery import app

    with app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
        return f"{conn.transport_cls} connected"


def _scheduler() -> str:
    last_tick = cache.get(SCHEDULER_TICK_KEY)
    interval = float(settings.RISK_MONITOR["CHECK_INTERVAL_SECONDS"])
    if last_tick is None:
        if time.time() - PROCESS_STARTED < STARTUP_GRACE_SECONDS:
            return "starting: no tick yet"
        raise RuntimeError("the scheduler has never ticked")
    age = time.time() - float(last_tick)
    if age > 3 * interval + 10:
        raise RuntimeError(f"last tick {age:.0f}s ago (interval {interval:.0f}s)")
    return f"last tick {age:.1f}s ago"


def health_get() -> dict[str, Any]:
    probes = {"database": _database, "scheduler": _scheduler}
    if settings.MODE == "stack":
        probes |= {"redis": _redis, "broker": _broker}
    else:
        probes |= {"channel_layer": _channel_layer}
    checks = {name: _timed(probe) for name, probe in probes.items()}
    down = sorted(name for name, check in checks.items() if check.status == "down")
    return {
        "status": "down" if down else "ok",
        "mode": settings.MODE,
        "down": down,
        "checks": {name: asdict(check) for name, check in checks.items()},
    }


def system_status_get() -> dict[str, Any]:
    """Versions, uptime and a configuration summary; settings.RISK_MONITOR holds no secret."""
    summary: dict[str, Any] = {
        key.lower(): (str(value) if not isinstance(value, (int, bool, dict)) else value)
        for key, value in settings.RISK_MONITOR.items()
        if key != "EXCHANGE_API_KEYS" and key != "ALERT_WEBHOOK_URL"
    }
    summary["exchange_api_keys_configured"] = sorted(settings.RISK_MONITOR["EXCHANGE_API_KEYS"])
    summary["alert_webhook_configured"] = bool(settings.RISK_MONITOR["ALERT_WEBHOOK_URL"])
    return {
        "service": "risk-monitor",
        "mode": settings.MODE,
        "debug": settings.DEBUG,
        "uptime_seconds": round(time.time() - PROCESS_STARTED, 1),
        "versions": _versions(),
        "configuration": summary,
    }


def _versions() -> dict[str, str]:
    packages = (
        "risk-monitor",
        "django",
        "djangorestframework",
        "channels",
        "celery",
        "ccxt",
        "numpy",
        "grpcio",
    )
    found = {name: _version_or_none(name) for name in packages}
    found["python"] = platform.python_version()
    return {name: v for name, v in found.items() if v}


def _version_or_none(name: str) -> str | None:
    try:
        return version(name)
    except Exception:
        return None
