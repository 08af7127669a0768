"""Where state shared between worker processes lives: Redis in stack mode, memory in embedded."""

from __future__ import annotations

import functools

import redis
from django.conf import settings


def uses_redis() -> bool:
    return settings.MODE == "stack"


@functools.cache
def redis_client() -> redis.Redis:
    # The broker URL is REDIS_URL in stack mode (riskmonitor/settings.py).
    return redis.Redis.from_url(str(settings.CELERY_BROKER_URL), socket_timeout=5)
