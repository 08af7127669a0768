from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_counters() -> Iterator[None]:
    """Portfolio ids restart with each test database; their live counters (in Redis) must too."""
    cache.clear()
    yield
    cache.clear()
