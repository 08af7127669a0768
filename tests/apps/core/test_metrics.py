from __future__ import annotations

import shutil
import subprocess

import pytest

pytestmark = pytest.mark.django_db


def test_it_refuses_metrics_without_a_token(client):
    assert client.get("/metrics").status_code in (401, 403)


def test_it_serves_prometheus_text_that_promtool_accepts(api_client_for):
    response = api_client_for("integration").get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "django_http_requests_total_by_method_total" in text
    promtool = shutil.which("promtool")
    assert promtool, "promtool (Debian package prometheus) is needed; .ci/run installs it"
    result = subprocess.run(
        [promtool, "check", "metrics"], input=text, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
