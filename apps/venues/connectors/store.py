"""Where state shared between worker processes lives: Redis in stack mode, memory in embedded."""

from __future__ import annotations

import functools

import redis
from django.conf import settings


def uses_redis() -> bool:
    return settings.MODE == "stack"


# A cycle runs a few hundred venue calls at once, each with a rate-budget and a breaker round
# trip: they wait briefly for a free connection rather than fail with "too many connections".
MAX_CONNECTIONS = 64
CONNECTION_WAIT_SECONDS = 5


@functools.cache
def redis_client() -> redis.Redis:
    # The broker URL is REDIS_URL in stack mode (riskmonitor/settings.py).
    pool = redis.BlockingConnectionPool.from_url(
        str(settings.CELERY_BROKER_URL),
        max_connections=MAX_CONNECTIONS,
        timeout=CONNECTION_WAIT_SECONDS,
        socket_timeout=5,
    )
    return redis.Redis(connection_pool=pool)
