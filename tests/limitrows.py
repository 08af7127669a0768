"""Rows that alerts point at: an alert's portfolio and limit are foreign keys, so tests that
write alerts for made-up ids first make those ids exist."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.core.management.color import no_style
from django.db import connection

from apps.limits.models import Limit
from apps.positions.models import Portfolio


def limit_row(pk: int | None = None, key: str | None = None) -> Limit:
    """A BTC-USD max_long limit of 10 units (the alerts tests' reading), under id ``pk``."""
    defaults = {
        "key": key or f"test.limit.{pk}", "kind": "position_max_long",
        "breach_type": "position_limit_long", "scope_kind": "symbol", "scope": "BTC-USD",
        "value": Decimal(10), "unit": "units",
    }  # fmt: skip
    if pk is None:
        return Limit.objects.create(**defaults)
    return Limit.objects.get_or_create(pk=pk, defaults=defaults)[0]


def referenced_rows(*, portfolios: Iterable[int], limits: Iterable[int]) -> None:
    """Portfolios and limits under exactly these ids; the id sequences move past them."""
    for pk in portfolios:
        Portfolio.objects.get_or_create(pk=pk, defaults={"name": f"portfolio-{pk}"})
    for pk in limits:
        limit_row(pk)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Portfolio, Limit]):
            cursor.execute(sql)
