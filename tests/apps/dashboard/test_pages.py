"""The dashboard's pages: who lands where, who may acknowledge, DASHBOARD_ENABLED, the settings
the configuration drives, no external URL anywhere, and plotly.js served from our own files."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.test import Client

from apps.dashboard.vendorfiles import PLOTLY_STATIC_PATH
from riskmonitor.conf import reset_config_cache
from riskmonitor.conf.loader import DEFAULT_CONFIG_DIR
from tests.apps.risk import factories as f

OWN_ASSETS = ("dashboard.js", "live.js", "format.js", "dashboard.css")
STATIC_DIR = Path(__file__).resolve().parents[3] / "apps" / "dashboard" / "static" / "dashboard"
EXTERNAL_URL = re.compile(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", re.IGNORECASE)


@pytest.fixture
def main_portfolio(db: None) -> Any:
    return f.PortfolioFactory(name="main")


@pytest.fixture
def logged_in(role_user: Callable[..., Any]) -> Callable[[str], Client]:
    def make(role: str) -> Client:
        client = Client()
        client.force_login(role_user(role))
        return client

    return make


@pytest.fixture
def monitor_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., None]]:
    """``monitor_config(title="Desk", layout={...})`` edits risk_monitor_config.yaml's dashboard."""

    def configure(**dashboard: Any) -> None:
        directory = tmp_path / "config"
        shutil.copytree(DEFAULT_CONFIG_DIR, directory, dirs_exist_ok=True)
        path = directory / "risk_monitor_config.yaml"
        document = yaml.safe_load(path.read_text())
        for key, value in dashboard.items():
            current = document["dashboard"].get(key)
            document["dashboard"][key] = {**current, **value} if isinstance(value, dict) else value
        path.write_text(yaml.safe_dump(document, sort_keys=False))
        monkeypatch.setenv("RISK_MONITOR_CONFIG_DIR", str(directory))
        reset_config_cache()

    yield configure
    reset_config_cache()


def _page_settings(html: str) -> dict[str, Any]:
    found = re.search(
        r'<script id="dashboard-settings" type="application/json">(.*?)</script>', html
    )
    assert found, "the page carries its settings"
    return dict(json.loads(found.group(1)))


def _disable(settings: Any) -> None:
    settings.RISK_MONITOR = {**settings.RISK_MONITOR, "DASHBOARD_ENABLED": False}


def test_it_sends_a_visitor_without_a_session_to_log_in(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/dashboard/"
    assert client.get("/dashboard/")["Location"].startswith("/login/?next=/dashboard/")


@pytest.mark.parametrize("role", ["trader", "risk_officer"])
def test_it_lands_readers_of_risk_on_the_dashboard(
    logged_in: Callable[[str], Client], role: str
) -> None:
    response = logged_in(role).get("/")
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"


def test_it_lands_a_user_without_a_role_in_the_back_office(db: None) -> None:
    client = Client()
    client.force_login(get_user_model().objects.create_user("nobody", password="Long-enough-pw-1"))
    assert client.get("/")["Location"] == "/admin/"
    assert client.get("/dashboard/").status_code == 403


def test_it_logs_a_trader_in_with_a_session(role_user: Callable[..., Any], client: Client) -> None:
    role_user("trader", username="tara")
    page = client.get("/login/")
    assert page.status_code == 200
    response = client.post(
        "/login/", {"username": "tara", "password": "Long-enough-pw-1", "next": "/dashboard/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200


def test_it_refuses_a_wrong_password_on_the_login_page(
    role_user: Callable[..., Any], client: Client
) -> None:
    role_user("trader", username="tara")
    response = client.post("/login/", {"username": "tara", "password": "wrong-password-1"})
    assert response.status_code == 200
    assert b"didn't match" in response.content
    assert client.get("/dashboard/").status_code == 302


def test_it_gives_a_trader_no_acknowledge_control(
    logged_in: Callable[[str], Client], main_portfolio: Any
) -> None:
    page = _page_settings(logged_in("trader").get("/dashboard/").content.decode())
    assert page["can_acknowledge"] is False
    assert page["portfolio"] == {"id": main_portfolio.pk, "name": "main"}


def test_it_lets_a_risk_officer_acknowledge(
    logged_in: Callable[[str], Client], main_portfolio: Any
) -> None:
    page = _page_settings(logged_in("risk_officer").get("/dashboard/").content.decode())
    assert page["can_acknowledge"] is True


def test_it_answers_404_for_an_unknown_portfolio(
    logged_in: Callable[[str], Client], main_portfolio: Any
) -> None:
    assert logged_in("trader").get("/dashboard/?portfolio=nope").status_code == 404


def test_it_turns_the_pages_off_with_dashboard_enabled_false(
    settings: Any, logged_in: Callable[[str], Client], client: Client
) -> None:
    _disable(settings)
    trader = logged_in("trader")
    assert trader.get("/dashboard/").status_code == 404
    assert client.get("/login/").status_code == 404
    assert trader.get("/")["Location"] == "/admin/"
    assert client.get("/admin/login/").status_code == 200  # the back office stays


def test_it_takes_title_refresh_colours_and_panels_from_the_configuration(
    logged_in: Callable[[str], Client], monitor_config: Callable[..., None], main_portfolio: Any
) -> None:
    monitor_config(title="Night Desk", layout={"show_position_details": False})
    html = logged_in("trader").get("/dashboard/").content.decode()
    page = _page_settings(html)
    assert "<title>Night Desk</title>" in html
    assert page["refresh_interval_seconds"] == 5
    assert page["severity_colors"]["critical"] == "#ff0000"
    assert page["limits_display"]["warn_at_utilization"] == 0.75
    assert 'id="panel-positions"' not in html
    assert 'id="panel-overview"' in html and 'id="panel-alerts"' in html


def test_it_puts_no_external_url_in_the_page_or_its_own_assets(
    logged_in: Callable[[str], Client], main_portfolio: Any
) -> None:
    html = logged_in("risk_officer").get("/dashboard/").content.decode()
    assert EXTERNAL_URL.findall(html) == []
    assert re.findall(r'(?:src|href)="([^"]+)"', html)
    for link in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert link.startswith("/"), link
    for name in OWN_ASSETS:
        assert EXTERNAL_URL.findall((STATIC_DIR / name).read_text()) == [], name


def test_it_serves_plotly_from_the_projects_own_static_files(client: Client) -> None:
    found = finders.find(PLOTLY_STATIC_PATH)
    assert isinstance(found, str) and found.endswith("plotly.min.js")
    response = client.get(f"/static/{PLOTLY_STATIC_PATH}")
    assert response.status_code == 200
    assert "javascript" in response["Content-Type"]
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert b"plotly" in body[:2000].lower()


@pytest.mark.parametrize("name", OWN_ASSETS)
def test_it_serves_the_dashboards_own_scripts(client: Client, name: str) -> None:
    assert client.get(f"/static/dashboard/{name}").status_code == 200
