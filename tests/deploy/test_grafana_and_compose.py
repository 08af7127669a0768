"""deploy/grafana and the monitoring profile of docker-compose.yml, checked without Docker."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.deploy.monitoring import GRAFANA_DIR, PROMETHEUS_DIR, REPO, dashboard

COMPOSE = REPO / "docker-compose.yml"


def _compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def _datasource_uid() -> str:
    provisioned = yaml.safe_load(
        (GRAFANA_DIR / "provisioning" / "datasources" / "prometheus.yml").read_text()
    )
    (source,) = provisioned["datasources"]
    assert source["url"] == "http://prometheus:9090"
    return str(source["uid"])


def test_it_has_a_dashboard_every_panel_of_which_queries_the_provisioned_prometheus():
    board = dashboard()
    uid = _datasource_uid()
    ids = [panel["id"] for panel in board["panels"]]

    assert board["uid"] == "risk-monitor"
    assert len(ids) == len(set(ids)) >= 10
    for panel in board["panels"]:
        assert panel["datasource"]["uid"] == uid, panel["title"]
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            assert target["expr"].strip(), panel["title"]


def test_it_provisions_the_dashboard_from_where_compose_mounts_it():
    provider = yaml.safe_load(
        (GRAFANA_DIR / "provisioning" / "dashboards" / "risk-monitor.yml").read_text()
    )
    path = provider["providers"][0]["options"]["path"]
    mounts = _compose()["services"]["grafana"]["volumes"]

    assert f"./deploy/grafana/risk-monitor.json:{path}/risk-monitor.json:ro" in mounts


def test_it_runs_prometheus_and_grafana_only_under_the_monitoring_profile():
    services = _compose()["services"]

    assert services["prometheus"]["profiles"] == ["monitoring"]
    assert services["grafana"]["profiles"] == ["monitoring"]
    assert all("profiles" not in services[name] for name in ("web", "worker", "beat", "postgres"))


def test_it_mounts_only_files_that_exist():
    for service in _compose()["services"].values():
        for mount in service.get("volumes", []):
            source = mount.split(":", 1)[0]
            if source.startswith("./"):
                assert (REPO / source).exists(), source


def test_it_scrapes_the_worker_on_the_port_the_worker_serves():
    services = _compose()["services"]
    port = services["worker"]["environment"]["RISK_MONITOR_WORKER_METRICS_PORT"]
    scrape = yaml.safe_load((PROMETHEUS_DIR / "prometheus.yml").read_text())
    targets = {
        target
        for job in scrape["scrape_configs"]
        for static in job["static_configs"]
        for target in static["targets"]
    }

    assert targets == {"web:8080", f"worker:{port}"}
    assert Path(PROMETHEUS_DIR / scrape["rule_files"][0]).is_file()
    # Every app container keeps its metrics files on a fresh tmpfs of its own.
    assert "/app/var/prometheus:mode=1777" in services["web"]["tmpfs"]
    assert services["web"]["environment"]["PROMETHEUS_MULTIPROC_DIR"] == "/app/var/prometheus"
