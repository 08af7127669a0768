"""Reads of account state: the default portfolio, and a portfolio's latest snapshots with their
lines in four queries."""

from __future__ import annotations

from django.db.models import F, OuterRef, QuerySet, Subquery

from apps.positions.models import AccountSnapshot, Portfolio
from apps.positions.services import DEFAULT_PORTFOLIO


def portfolio_default_get() -> Portfolio | None:
    return Portfolio.objects.filter(name=DEFAULT_PORTFOLIO).first()


def latest_account_snapshots(portfolio: Portfolio) -> QuerySet[AccountSnapshot]:
    """The newest snapshot of every enabled account of the portfolio, with balances, positions
    and orders prefetched (four queries in all). ``as_of`` says how old each one is."""
    newest = AccountSnapshot.objects.filter(account=OuterRef("account")).order_by("-as_of")
    return (
        AccountSnapshot.objects.filter(
            account__portfolio=portfolio, account__enabled=True, account__venue__enabled=True
        )
        .annotate(newest=Subquery(newest.values("pk")[:1]))
        .filter(pk=F("newest"))
        .select_related("account", "account__venue")
        .prefetch_related("balances", "positions", "orders")
        .order_by("account__venue__name", "account__label")
    )
