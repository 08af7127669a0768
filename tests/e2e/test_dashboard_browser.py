"""The live dashboard in a real browser (headless Chromium) against the running system: a
trader logs in and sees the REST API's figures, live changes without a reload, a breach's
alert without an acknowledge control; a risk officer acknowledges and a second open page sees
it; with the exchange simulators stopped the page says stale. Screenshots go to the test's
temporary directory (1280 px and a 390 px phone width)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, Page, sync_playwright

from tests.e2e.simcontrol import futures_btc, futures_btc_set, prices_crash
from tests.e2e.stack import Stack, running_stack, wait_until

pytestmark = pytest.mark.e2e

DB = "riskmonitor_e2e_dashboard"
PASSWORD = "Long-enough-pw-1"
# The system's Chromium (Debian's chromium package, on PATH), not a browser Playwright downloads.
CHROMIUM = shutil.which("chromium") or "chromium"
# The overview's figure -> where /api/v1/risk/status has it.
HEADLINE = {
    "equity": ("equity",),
    "daily_pnl": ("pnl", "daily_pnl"),
    "total_pnl": ("pnl", "total_pnl"),
    "historical_var_99": ("var", "historical_var_99"),
    "parametric_var_99": ("var", "parametric_var_99"),
    "expected_shortfall_99": ("var", "expected_shortfall_99"),
    "leverage": ("exposure", "leverage"),
    "drawdown": ("drawdown", "drawdown"),
}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp("dashboard")
    env = {"RISK_CHECK_INTERVAL_SECONDS": "2"}
    with running_stack(tmp, database=DB, redis_db=4, env=env) as running:
        for name, role in (("tess", "trader"), ("otto", "risk_officer")):
            running.manage("create_role_user", name, "--role", role, "--password", PASSWORD)
        yield running


@pytest.fixture(scope="module")
def api(stack: Stack) -> requests.Session:
    session = stack.api(stack.token_for("rita", "risk_officer"))
    wait_until(
        lambda: session.get(f"{stack.web_url}/api/v1/risk/status", timeout=10).status_code == 200,
        90,
        what="a first risk snapshot",
    )
    return session


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


def _open_dashboard(browser: Browser, stack: Stack, user: str, width: int = 1280) -> Page:
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(f"{stack.web_url}/")
    assert "/login/" in page.url  # no session yet: the root asks for one
    page.fill("#id_username", user)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{stack.web_url}/dashboard/")
    page.wait_for_selector("#connection[data-state=live]", timeout=30_000)
    page.wait_for_function("document.querySelector('#overview').dataset.snapshotId !== ''")
    return page


@pytest.fixture(scope="module")
def trader_page(browser: Browser, stack: Stack, api: requests.Session) -> Iterator[Page]:
    page = _open_dashboard(browser, stack, "tess")
    page.evaluate("window.__loadedOnce = true")  # gone if the page ever reloads
    yield page
    page.context.close()


def _shown(page: Page) -> dict[str, Any]:
    return dict(
        page.evaluate(
            """() => {
              const overview = document.querySelector('#overview');
              const figures = {};
              for (const node of overview.querySelectorAll('[data-field]')) {
                figures[node.dataset.field] = {value: node.dataset.value, text: node.textContent};
              }
              return {snapshot: Number(overview.dataset.snapshotId), figures};
            }"""
        )
    )


def _dig(body: dict[str, Any], path: tuple[str, ...]) -> Any:
    for key in path:
        body = body[key]
    return body


def _same_snapshot(page: Page, stack: Stack, api: requests.Session) -> tuple[Any, Any]:
    def pair() -> tuple[Any, Any] | None:
        shown = _shown(page)
        body = api.get(f"{stack.web_url}/api/v1/risk/status", timeout=10).json()
        return (shown, body) if shown["snapshot"] == body["snapshot_id"] else None

    return wait_until(pair, 30, interval=0.2, what="the page and the API on one snapshot")


def _net_btc(api: requests.Session, stack: Stack) -> float:
    summary = api.get(f"{stack.web_url}/api/v1/positions/summary", timeout=10).json()
    return float(next(r for r in summary["positions"] if r["symbol"] == "BTC-USD")["net_size"])


def _no_reload(page: Page) -> bool:
    return bool(page.evaluate("window.__loadedOnce === true"))


def test_it_shows_the_rest_apis_headline_figures_for_the_same_snapshot(
    trader_page: Page, stack: Stack, api: requests.Session, shots: Path
) -> None:
    shown, body = _same_snapshot(trader_page, stack, api)
    for field, path in HEADLINE.items():
        expected = _dig(body, path)
        value = shown["figures"][field]["value"]
        assert (None if value == "" else float(value)) == expected, field
    assert shown["figures"]["equity"]["text"].startswith("$")
    assert shown["figures"]["drawdown"]["text"].endswith("%")
    assert shown["figures"]["breaker"]["text"] == "CLOSED"
    assert "UTC" in trader_page.inner_text("#snapshot-as-of")
    assert trader_page.get_attribute("#stale-marker", "data-stale") == "false"
    trader_page.wait_for_selector("#positions-body tr[data-symbol='BTC-USD']")
    trader_page.wait_for_selector("#limits-chart .main-svg")
    trader_page.wait_for_selector("#sources-body tr[data-stale]")
    for asset, delta in body["exposure"]["deltas"].items():
        row = trader_page.get_attribute(f"#deltas-body tr[data-asset='{asset}']", "data-usd")
        assert (None if row == "" else float(row or "nan")) == delta["usd"], asset
    trader_page.wait_for_selector("#pnl-chart .main-svg")
    assert int(trader_page.get_attribute("#pnl-chart", "data-points") or 0) >= 1
    trader_page.click(".interval[data-interval='1h']")
    assert trader_page.get_attribute(".interval[data-interval='1h']", "aria-pressed") == "true"
    trader_page.screenshot(path=str(shots / "dashboard-1280.png"), full_page=True)


def test_it_is_usable_at_phone_width(browser: Browser, stack: Stack, shots: Path) -> None:
    page = _open_dashboard(browser, stack, "tess", width=390)
    page.wait_for_selector("#limits-chart .main-svg")
    page.screenshot(path=str(shots / "dashboard-390.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0  # nothing wider than the screen
    page.context.close()


def test_it_changes_the_displayed_pnl_after_a_price_jump_without_reload(
    trader_page: Page, stack: Stack, api: requests.Session
) -> None:
    before, _ = _same_snapshot(trader_page, stack, api)
    prices_crash(stack, ["XRPUSDT"], factor=1.1)  # a long perpetual: moves P&L, breaches nothing
    wait_until(
        lambda: (
            _shown(trader_page)["figures"]["total_pnl"]["value"]
            != before["figures"]["total_pnl"]["value"]
        ),
        4 * 2 + 10,  # two cycles at 2 s, with room for a loaded machine
        interval=0.2,
        what="the displayed total P&L to change",
    )
    assert _no_reload(trader_page)
    after, body = _same_snapshot(trader_page, stack, api)
    assert float(after["figures"]["total_pnl"]["value"]) == body["pnl"]["total_pnl"]


def test_it_shows_a_breach_and_lets_only_a_risk_officer_acknowledge_it(
    trader_page: Page, browser: Browser, stack: Stack, api: requests.Session, shots: Path
) -> None:
    original = futures_btc(stack)
    futures_btc_set(stack, original + (15.0 - _net_btc(api, stack)))  # 15 BTC against max_long 10
    try:
        selector = "#alerts li[data-breach-type=position_limit_long][data-scope=BTC-USD]"
        alert = trader_page.wait_for_selector(selector, timeout=30_000)
        assert alert is not None
        alert_id = alert.get_attribute("data-alert-id")
        assert alert.get_attribute("data-status") == "open"
        assert "position_limits.BTC-USD.max_long" in alert.inner_text()
        assert trader_page.query_selector("#alerts form.ack, #alerts button") is None

        officer = _open_dashboard(browser, stack, "otto")
        mine = f"#alerts li[data-alert-id='{alert_id}']"
        officer.wait_for_selector(f"{mine} form.ack")
        officer.fill(f"{mine} input[name=comment]", "desk is reducing")
        officer.screenshot(path=str(shots / "dashboard-officer-1280.png"), full_page=True)
        officer.click(f"{mine} button")
        officer.wait_for_selector(f"{mine}[data-status=acknowledged]")

        trader_page.wait_for_selector(f"{mine}[data-status=acknowledged]", timeout=15_000)
        assert "acknowledged by otto: desk is reducing" in trader_page.inner_text(mine)
        assert _no_reload(trader_page)
        trader_page.screenshot(path=str(shots / "dashboard-alert-1280.png"), full_page=True)
        officer.context.close()
    finally:
        futures_btc_set(stack, original)


def test_it_shows_the_changed_utilization_of_a_what_if_trade(
    trader_page: Page, stack: Stack, api: requests.Session, shots: Path
) -> None:
    # The breach test before this one put the BTC position back: wait until a snapshot shows it,
    # so that the page and the API below assess the same book.
    wait_until(lambda: _net_btc(api, stack) < 10, 60, what="the BTC position back inside its limit")
    page = trader_page
    page.fill("#whatif-form input[name=size]", "3")
    page.click("#whatif-form button[type=submit]")
    key = "position_limits.BTC-USD.max_long"
    changed = page.wait_for_selector(f"#whatif-result tr[data-limit-key='{key}']")
    assert changed is not None
    trade = {"venue": "exchange-1", "account": "futures", "symbol": "BTC-USD", "side": "buy",
             "size": 3, "kind": "perpetual"}  # fmt: skip
    body = api.post(f"{stack.web_url}/api/v1/risk/what-if", json={"trades": [trade]}, timeout=30)
    after = next(r for r in body.json()["limit_utilization"]["after"] if r["limit_key"] == key)
    # The book moves between the two calls (prices tick), so the page's figure and this one
    # are two assessments of nearly the same book.
    shown = float(changed.get_attribute("data-after") or "nan")
    assert shown == pytest.approx(after["utilization"], rel=0.05)
    page.fill("#whatif-form input[name=symbol]", "NOPE-USD")
    page.click("#whatif-form button[type=submit]")
    page.wait_for_selector("#whatif-error:has-text('trades.0')")
    page.screenshot(path=str(shots / "dashboard-whatif-1280.png"), full_page=True)
    page.fill("#whatif-form input[name=symbol]", "BTC-USD")


def test_it_shows_stale_within_two_intervals_once_the_exchanges_stop(
    trader_page: Page, stack: Stack, shots: Path
) -> None:
    # Last: the exchanges stay down for the rest of the module. Some inputs may already be
    # stale on a loaded machine; the exchanges' prices are not, until they stop.
    assert "exchange-1:prices" not in trader_page.inner_text("#stale-sources")
    for name in ("exchange-1", "exchange-2"):
        stack.sims[name].stop()
    refresh = 5  # dashboard_config.yaml refresh_interval_seconds
    trader_page.wait_for_function(
        """() => {
          const marker = document.querySelector('#stale-marker');
          const sources = document.querySelector('#stale-sources').textContent;
          return marker.dataset.stale === 'true'
            && (sources.includes('exchange-1:prices') || !marker.textContent.includes('inputs'));
        }""",
        timeout=(2 * refresh + 10) * 1000,
    )
    assert trader_page.inner_text("#stale-marker").startswith("STALE")
    assert _no_reload(trader_page)
    trader_page.screenshot(path=str(shots / "dashboard-stale-1280.png"), full_page=True)
