"""The monitoring files of deploy/ as the tests read them: paths, the metric names their
expressions use, the metric names a scrape exposes, and promtool."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
PROMETHEUS_DIR = REPO / "deploy" / "prometheus"
GRAFANA_DIR = REPO / "deploy" / "grafana"
DASHBOARD = GRAFANA_DIR / "risk-monitor.json"
_OWN_METRIC = re.compile(r"\brisk_[a-z0-9_]+\b")
_SUFFIXES = {"counter": ("_total", "_created"), "histogram": ("_bucket", "_count", "_sum")}


def promtool() -> str:
    """promtool's path; a missing promtool fails the test that needs it rather than skipping."""
    found = shutil.which("promtool")
    assert found, "promtool is needed (Debian package prometheus; .ci/run installs it)"
    return found


def rule_expressions() -> list[str]:
    rules = yaml.safe_load((PROMETHEUS_DIR / "alerts.yml").read_text())
    return [rule["expr"] for group in rules["groups"] for rule in group["rules"]]


def dashboard() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DASHBOARD.read_text())
    return loaded


def panel_expressions() -> list[str]:
    return [t["expr"] for panel in dashboard()["panels"] for t in panel["targets"]]


def own_metrics_used(expressions: list[str]) -> set[str]:
    return {name for expr in expressions for name in _OWN_METRIC.findall(expr)}


def exposed_names(scrape: str) -> set[str]:
    """Every sample name a scrape can carry, from its TYPE lines (a family without samples
    yet still has one), with the suffixes of counters and histograms."""
    names = set()
    for line in scrape.splitlines():
        if line.startswith("# TYPE "):
            _, _, family, kind = line.split(" ", 3)
            base = family.removesuffix("_total") if kind == "counter" else family
            names |= {base, *(base + suffix for suffix in _SUFFIXES.get(kind, ()))}
        elif line and not line.startswith("#"):
            names.add(re.split(r"[{ ]", line, maxsplit=1)[0])
    return names
