"""Issue acceptance, end to end with the real processes (web, worker, beat) and simulators:
a position breach raises exactly one critical alert that reaches a webhook, is audited,
acknowledged and resolved; notifications survive a webhook outage and arrive once."""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter

import psycopg
import pytest

from tests.e2e.simcontrol import futures_btc, futures_btc_set
from tests.e2e.stack import free_port, running_stack, wait_until
from tests.e2e.webhook import WebhookReceiver

pytestmark = pytest.mark.e2e

DB = "riskmonitor_e2e_alerting"


@pytest.fixture(scope="module")
def receiver():
    hook = WebhookReceiver(free_port())
    hook.start()
    yield hook
    hook.stop()


@pytest.fixture(scope="module")
def stack(tmp_path_factory, receiver):
    tmp = tmp_path_factory.mktemp("alerting")
    webhook_off = "    - type: webhook\n      enabled: false"
    with running_stack(
        tmp,
        database=DB,
        redis_db=11,
        env={"RISK_CHECK_INTERVAL_SECONDS": "2", "ALERT_WEBHOOK_URL": receiver.url},
        config_replace={webhook_off: "    - type: webhook\n      enabled: true"},
    ) as running:
        yield running


@pytest.fixture(scope="module")
def officer(stack):
    return stack.api(stack.token_for("olivia", "risk_officer"))


def _net_btc(officer, stack) -> float:
    body = officer.get(f"{stack.web_url}/api/v1/positions/summary", timeout=10).json()
    return float(next(r for r in body["positions"] if r["symbol"] == "BTC-USD")["net_size"])


def _active(officer, stack, breach_type: str) -> list[dict]:
    body = officer.get(
        f"{stack.web_url}/api/v1/alerts/active", params={"breach_type": breach_type}, timeout=10
    ).json()
    return [a for a in body["alerts"] if a["scope"] == "BTC-USD"]


def _audit_events(stack) -> list[str]:
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{DB}") as conn:
        return [
            row[0]
            for row in conn.execute("SELECT event_type FROM audit_auditevent ORDER BY sequence")
        ]


def test_it_raises_notifies_audits_acknowledges_and_resolves_a_position_breach(
    stack, officer, receiver
):
    wait_until(
        lambda: officer.get(f"{stack.web_url}/api/v1/risk/status", timeout=10).status_code == 200,
        90,
        what="a first risk snapshot",
    )
    original = futures_btc(stack)
    net = _net_btc(officer, stack)
    assert net < 10  # the default fund is inside its BTC limit
    futures_btc_set(stack, original + (15.0 - net))  # the brief's case: 15 against max_long 10

    alerts = wait_until(
        lambda: _active(officer, stack, "position_limit_long"),
        30,
        what="a position_limit_long alert",
    )
    assert len(alerts) == 1
    alert = alerts[0]
    assert alert["severity"] == "critical"
    assert float(alert["utilization"]) == pytest.approx(1.5, rel=1e-3)

    wait_until(
        lambda: [b for b in receiver.bodies() if "position_limit_long" in str(b["body"])],
        30,
        what="the webhook notification",
    )
    events = _audit_events(stack)
    for needed in ("risk_limit_breach", "notification_delivered"):
        assert needed in events

    response = officer.post(
        f"{stack.web_url}/api/v1/alerts/acknowledge",
        json={"alert_id": alert["id"], "comment": "desk is reducing"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    assert "alert_acknowledged" in _audit_events(stack)

    futures_btc_set(stack, original)
    wait_until(
        lambda: not _active(officer, stack, "position_limit_long"), 30, what="the alert to resolve"
    )
    assert "alert_resolved" in _audit_events(stack)


def test_it_delivers_every_notification_once_after_a_webhook_outage(stack, officer, receiver):
    receiver.stop()
    seen_before = len(receiver.bodies())
    original = futures_btc(stack)
    net = _net_btc(officer, stack)
    futures_btc_set(stack, original + (15.0 - net))
    wait_until(lambda: _active(officer, stack, "position_limit_long"), 30, what="a new alert")
    futures_btc_set(stack, original)
    wait_until(
        lambda: not _active(officer, stack, "position_limit_long"), 30, what="the alert to resolve"
    )

    receiver.start()
    fresh = wait_until(
        lambda: receiver.bodies()[seen_before:] or None,
        90,
        what="notifications after the webhook came back",
    )
    keys = Counter(entry["key"] for entry in fresh)
    assert all(count == 1 for count in keys.values()), keys
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{DB}") as conn:
        wait_until(
            lambda: (
                conn.execute(
                    "SELECT count(*) FROM alerts_notification WHERE channel = 'webhook' "
                    "AND status <> 'delivered'"
                ).fetchone()[0]
                == 0
            ),
            120,
            what="every webhook notification delivered",
        )
        delivered = conn.execute(
            "SELECT count(*) FROM alerts_notification WHERE channel = 'webhook'"
        ).fetchone()[0]
    assert len({e["key"] for e in receiver.bodies()}) == len(receiver.bodies()) == delivered


def test_it_serves_metrics_of_every_process_in_one_valid_exposition(stack, officer):
    """The worker sets the risk gauges and counts alerts; the web process serves /metrics."""
    text = officer.get(f"{stack.web_url}/metrics", timeout=10).text
    assert 'risk_portfolio_pnl{currency="USD"}' in text
    assert "risk_alert_generated_total{" in text
    assert "risk_monitor_latency_seconds_bucket{" in text
    assert "django_http_requests_total_by_method_total" in text
    promtool = shutil.which("promtool")
    assert promtool, "promtool (Debian package prometheus) is needed; .ci/run installs it"
    result = subprocess.run(
        [promtool, "check", "metrics"], input=text, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
