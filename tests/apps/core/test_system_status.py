from __future__ import annotations

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_it_requires_authentication(client):
    assert client.get("/api/v1/system/status").status_code in (401, 403)


def test_it_reports_versions_uptime_and_configuration_without_secrets(api_client_for, settings):
    settings.RISK_MONITOR = {
        **settings.RISK_MONITOR,
        "EXCHANGE_API_KEYS": {"exchange-1": "very-secret-key"},
        "ALERT_WEBHOOK_URL": "https://hooks.example.com/T0/secret-path",
    }
    with override_settings(CUSTODIAN_API_KEY="custodian-secret"):
        response = api_client_for("trader").get("/api/v1/system/status")
    assert response.status_code == 200
    body = response.json()
    assert body["mode"] == "stack"
    assert body["versions"]["django"].startswith("6.0")
    assert body["uptime_seconds"] >= 0
    assert body["configuration"]["check_interval_seconds"] == 5
    assert body["configuration"]["exchange_api_keys_configured"] == ["exchange-1"]
    text = response.content.decode()
    for secret in ("very-secret-key", "secret-path", "custodian-secret"):
        assert secret not in text
