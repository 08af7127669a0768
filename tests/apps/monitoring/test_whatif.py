"""POST /api/v1/risk/what-if (a door of the monitoring app): changed figures, nothing stored,
bad input named."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps

from apps.monitoring.cycle import portfolio_cycle_run
from tests.apps.risk.conftest import NOW, Book

pytestmark = pytest.mark.django_db
URL = "/api/v1/risk/what-if"
Client = Callable[[str], Any]


def _counts() -> dict[str, int]:
    labels = ("risk", "audit", "positions", "marketdata", "venues", "limits", "alerts")
    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.app_label in labels
    }


def test_it_returns_changed_figures_and_stores_nothing(book: Book, api_client_for: Client) -> None:
    portfolio_cycle_run(portfolio_id=book.portfolio.pk, cycle_start=NOW)
    client = api_client_for("trader")
    before = _counts()
    trade = {"venue": "exchange-1", "account": "spot", "symbol": "BTC-USDT", "side": "buy",
             "size": 1.0, "kind": "spot"}  # fmt: skip
    response = client.post(URL, {"trades": [trade]}, format="json")
    assert response.status_code == 200, response.json()
    assert _counts() == before
    body = response.json()
    assert body["trades"][0]["price"] == 62000.0  # defaulted to the mark
    assert body["change"]["gross_notional"] == pytest.approx(62000.0)
    assert body["change"]["equity"] == pytest.approx(0.0)  # bought at the mark
    assert body["after"]["var_hist_99"] > body["before"]["var_hist_99"]
    btc = body["figures"]["symbols"]["BTC-USD"]
    assert btc["net_size"] == pytest.approx(3.5)
    assert "delta" in body["limit_utilization"]["after"] or body["limit_utilization"]["after"]


def test_it_takes_a_signed_perpetual_trade_with_a_price(book: Book, api_client_for: Client) -> None:
    trade = {"venue": "exchange-2", "account": "futures", "symbol": "BTC-USD", "size": 2.5,
             "price": 61000.0, "kind": "perpetual"}  # fmt: skip
    body = api_client_for("trader").post(URL, {"trades": [trade]}, format="json").json()
    assert body["figures"]["symbols"]["BTC-USD"]["net_size"] == pytest.approx(5.0)
    assert body["change"]["unrealized_pnl"] == pytest.approx((62000.0 - 61000.0) * 2.5)


@pytest.mark.parametrize(
    ("trade", "field"),
    [
        ({"venue": "exchange-1", "account": "spot", "symbol": "BTC-USD", "size": 0, "kind": "spot"},
         "size"),
        ({"venue": "exchange-1", "account": "spot", "symbol": "BTC-USD", "size": 1,
          "kind": "option"}, "kind"),
        ({"venue": "exchange-1", "account": "spot", "symbol": "BTC-USD", "size": 1,
          "price": -5, "kind": "spot"}, "price"),
        ({"venue": "exchange-1", "account": "spot", "symbol": "BTC-USD", "side": "buy",
          "size": -1, "kind": "spot"}, "size"),
    ],
)  # fmt: skip
def test_it_names_the_bad_field(
    book: Book, api_client_for: Client, trade: dict[str, Any], field: str
) -> None:
    response = api_client_for("trader").post(URL, {"trades": [trade]}, format="json")
    assert response.status_code == 400
    assert f"trades.0.{field}" in response.json()["error"]["fields"]


def test_it_refuses_a_symbol_not_in_the_book(book: Book, api_client_for: Client) -> None:
    trade = {"venue": "exchange-1", "account": "spot", "symbol": "DOGE-USD", "size": 1,
             "kind": "spot"}  # fmt: skip
    response = api_client_for("trader").post(URL, {"trades": [trade]}, format="json")
    # Well formed, but the book does not hold it: a conflict with the current state.
    assert response.status_code == 409
    assert "trades.0.symbol" in response.json()["error"]["fields"]


def test_it_refuses_an_empty_body(book: Book, api_client_for: Client) -> None:
    response = api_client_for("trader").post(URL, {}, format="json")
    assert response.status_code == 400
    assert "trades" in response.json()["error"]["fields"]


def test_it_refuses_anonymous_requests(book: Book) -> None:
    from rest_framework.test import APIClient

    assert APIClient().post(URL, {"trades": []}, format="json").status_code in (401, 403)


def test_it_describes_its_request_and_response_in_the_schema() -> None:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    post = schema["paths"]["/api/v1/risk/what-if"]["post"]
    response = post["responses"]["200"]["content"]["application/json"]["schema"]
    request = post["requestBody"]["content"]["application/json"]["schema"]
    components = schema["components"]["schemas"]
    assert response == {"$ref": "#/components/schemas/WhatIfOutput"}
    assert request == {"$ref": "#/components/schemas/WhatIfInputRequest"}
    output = components["WhatIfOutput"]["properties"]
    assert {"before", "after", "change", "figures", "limit_utilization"} <= set(output)
    assert "var_hist_99" in components["WhatIfHeadline"]["properties"]
