"""RISK_MONITOR_SCENARIO picks the scenario the simulators start with (run_embedded, Procfile)."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulators.harness import DEFAULT_SCENARIO, SCENARIOS_DIR, scenario_from_env
from simulators.scenario import load_scenario


def test_it_starts_the_default_scenario_when_the_variable_is_unset_or_empty() -> None:
    assert scenario_from_env({}) == DEFAULT_SCENARIO
    assert scenario_from_env({"RISK_MONITOR_SCENARIO": " "}) == DEFAULT_SCENARIO


def test_it_names_a_shipped_scenario_by_its_stem() -> None:
    path = scenario_from_env({"RISK_MONITOR_SCENARIO": "stressed"})
    assert path == SCENARIOS_DIR / "stressed.yaml"
    assert load_scenario(path).exchange("exchange-1").accounts


def test_it_takes_a_path_to_a_yaml_file(tmp_path: Path) -> None:
    own = tmp_path / "mine.yaml"
    own.write_text(DEFAULT_SCENARIO.read_text())
    assert scenario_from_env({"RISK_MONITOR_SCENARIO": str(own)}) == own


def test_it_refuses_an_unknown_scenario_naming_the_variable() -> None:
    with pytest.raises(ValueError, match=r"RISK_MONITOR_SCENARIO: no scenario 'calm'.*stressed"):
        scenario_from_env({"RISK_MONITOR_SCENARIO": "calm"})
