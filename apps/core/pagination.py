"""Strict page-number pagination for list doors: ``page`` and ``page_size`` are validated (a bad
one is a 400 naming it, never silently replaced), and a page past the last one is a 404."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from django.db.models import QuerySet
from rest_framework import serializers
from rest_framework.exceptions import NotFound

from apps.core.params import QueryParams

MAX_PAGE: Final = 1_000_000
MAX_PAGE_SIZE: Final = 500
DEFAULT_PAGE_SIZE: Final = 50


class StrictQuerySerializer(QueryParams):
    """Query parameters where a given parameter must have a value (``?severity=`` is a 400
    naming it; DRF would treat it as absent) and is given once: apps.core.params.QueryParams."""


class PageQuerySerializer(StrictQuerySerializer):
    """The query parameters of a paginated list; list doors inherit their filters from it."""

    page = serializers.IntegerField(min_value=1, max_value=MAX_PAGE, default=1)
    page_size = serializers.IntegerField(
        min_value=1, max_value=MAX_PAGE_SIZE, default=DEFAULT_PAGE_SIZE
    )


@dataclass(frozen=True)
class Page[T]:
    count: int  # items over every page
    page: int
    page_size: int
    pages: int  # at least 1: an empty list has one empty page
    items: Sequence[T]


def page_of[T](items: QuerySet[Any] | Sequence[T], *, page: int, page_size: int) -> Page[T]:
    """Page ``page`` (from 1) of ``items``; raises ``NotFound`` past the last page."""
    count = items.count() if isinstance(items, QuerySet) else len(items)
    pages = max(math.ceil(count / page_size), 1)
    if page > pages:
        raise NotFound(f"page {page} is past the last page ({pages})")
    start = (page - 1) * page_size
    return Page(count, page, page_size, pages, list(items[start : start + page_size]))


class PageOutputSerializer(serializers.Serializer[Page[Any]]):
    """The paging fields of a list body; a list door adds its items field."""

    count = serializers.IntegerField()
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    pages = serializers.IntegerField()
