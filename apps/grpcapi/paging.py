"""Page-number paging of a list RPC, with REST's bounds: page from 1, page_size 1 to 500
(proto3's 0 means "not given": the first page, 50 a page). A page past the last is NOT_FOUND."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Final

from django.db.models import QuerySet
from rest_framework.exceptions import NotFound, ValidationError

MAX_PAGE_SIZE: Final = 500
DEFAULT_PAGE_SIZE: Final = 50


@dataclass(frozen=True)
class Page:
    count: int
    page: int
    page_size: int
    pages: int
    items: list[Any]


def page_of(items: QuerySet[Any], *, page: int, page_size: int) -> Page:
    page, page_size = page or 1, page_size or DEFAULT_PAGE_SIZE
    if page < 1:
        raise ValidationError({"page": ["must be at least 1"]})
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValidationError({"page_size": [f"must be between 1 and {MAX_PAGE_SIZE}"]})
    count = items.count()
    pages = max(math.ceil(count / page_size), 1)
    if page > pages:
        raise NotFound(f"page {page} is past the last page ({pages})")
    start = (page - 1) * page_size
    return Page(count, page, page_size, pages, list(items[start : start + page_size]))
