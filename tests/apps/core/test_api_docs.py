"""The API docs page: for logged-in people, its assets from our own static files (nothing from a
CDN), served by WhiteNoise as in production (the suite runs with DJANGO_DEBUG=false)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from whitenoise.middleware import WhiteNoiseMiddleware

pytestmark = pytest.mark.django_db

DOCS = "/api/docs/"


def assets(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', html)


def test_it_sends_people_without_a_session_to_log_in(client: Client) -> None:
    response = client.get(DOCS)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={DOCS}"


def test_it_shows_swagger_ui_from_local_static_files(
    client: Client, role_user: Callable[..., Any]
) -> None:
    client.force_login(role_user("trader"))
    response = client.get(DOCS)
    html = response.content.decode()
    assert response.status_code == 200
    assert "SwaggerUIBundle" in html
    assert "/api/v1/schema" in html
    found = assets(html)
    assert len(found) >= 3  # the stylesheet, the bundle, the preset
    assert [url for url in found if not url.startswith("/static/")] == []
    assert "cdn" not in html.lower()


def test_it_has_whitenoise_serve_the_page_assets(
    client: Client, role_user: Callable[..., Any], tmp_path: Path
) -> None:
    client.force_login(role_user("trader"))
    found = assets(client.get(DOCS).content.decode())
    with override_settings(STATIC_ROOT=tmp_path):
        call_command("collectstatic", "--no-input", "-v", "0")
        served = WhiteNoiseMiddleware(lambda request: HttpResponse(status=404))
        statuses = {url: served(RequestFactory().get(url)).status_code for url in found}
    assert set(statuses.values()) == {200}, statuses
