"""Reading the back office writes nothing: every admin changelist and change page, opened by a
superuser over a stored book, a tripped breaker and loaded limits, sends no INSERT, UPDATE or
DELETE to the database."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Model
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.breaker.services import breaker_trip, breakers_ensure
from apps.limits.services import limits_load_from_config
from apps.positions.models import Portfolio
from tests.apps.risk.conftest import Book, book, frozen  # noqa: F401  (fixtures)

WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
def back_office(book: Book, role_user: Callable[..., Any]) -> Client:  # noqa: F811
    limits_load_from_config()
    breakers_ensure()
    breaker_trip(portfolio_id=book.portfolio.pk, user=role_user("risk_officer"), reason="drill")
    Portfolio.objects.create(name="added-in-the-admin")  # no breaker row until evaluated
    client = Client()
    client.force_login(User.objects.create_superuser("root", "root@example.com", "Long-enough-1"))
    return client


def admin_pages() -> list[tuple[type[Model], str]]:
    return [
        (model, f"admin:{model._meta.app_label}_{model._meta.model_name}")
        for model in admin.site._registry
    ]


def writes_of(client: Client, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, secure=True)
    return response.status_code, [
        q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)
    ]


@pytest.mark.django_db
def test_it_writes_nothing_when_a_changelist_is_read(back_office: Client) -> None:
    for _, name in admin_pages():
        status, writes = writes_of(back_office, reverse(f"{name}_changelist"))
        assert (name, status, writes) == (name, 200, [])


@pytest.mark.django_db
def test_it_writes_nothing_when_a_change_page_is_read(back_office: Client) -> None:
    read = []
    for model, name in admin_pages():
        row = model._default_manager.order_by("pk").first()
        if row is None:
            continue
        status, writes = writes_of(back_office, reverse(f"{name}_change", args=[row.pk]))
        assert (name, status, writes) == (name, 200, [])
        read.append(model._meta.label)
    # The fixture stores enough that the pages with inlines and actions are among those read.
    assert {
        "breaker.CircuitBreaker",
        "breaker.LiquidationPlan",
        "limits.Limit",
        "positions.AccountSnapshot",
        "venues.Venue",
        "audit.AuditEvent",
    } <= set(read)


@pytest.mark.django_db
def test_it_lists_a_portfolios_breaker_that_never_tripped_after_bootstrap(
    book: Book,  # noqa: F811
) -> None:
    from apps.core.bootstrap import bootstrap_loaders

    breakers = bootstrap_loaders()["breakers"]

    assert breakers() == "circuit breakers: 1 created"
    assert breakers() == "circuit breakers: 0 created"
    assert book.portfolio.circuit_breaker.state == "closed"
