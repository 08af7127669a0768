"""Load, expand and validate the three configuration files, reporting every problem at once.

Pure Python (no Django) so that settings, Celery and management commands can all call it.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from pydantic import BaseModel, ValidationError

from riskmonitor.conf.checks import (
    Shown,
    check_across,
    check_dashboard,
    check_limits,
    check_monitor,
)
from riskmonitor.conf.errors import ConfigError, Problem
from riskmonitor.conf.exchange_keys import exchange_keys_from_environ
from riskmonitor.conf.expand import Expansion
from riskmonitor.conf.schemas import DashboardFile, LimitsFile, MonitorFile
from riskmonitor.conf.translate import translate
from riskmonitor.conf.yamlfile import read_yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CONFIG_DIR = REPO_ROOT / "config"
CONFIG_DIR_VARIABLE = "RISK_MONITOR_CONFIG_DIR"
LIMITS_FILE = "risk_limits.yaml"
MONITOR_FILE = "risk_monitor_config.yaml"
DASHBOARD_FILE = "dashboard_config.yaml"


@dataclass(frozen=True)
class ConfigSources:
    """Where each part of the configuration was read from."""

    limits: Path
    monitor: Path
    dashboard: Path

    def all(self) -> list[Path]:
        return [self.limits, self.monitor, self.dashboard]

    def shown(self) -> Shown:
        return Shown(
            display_path(self.limits), display_path(self.monitor), display_path(self.dashboard)
        )


@dataclass(frozen=True)
class RiskMonitorConfig:
    limits: LimitsFile  # risk_limits.yaml
    monitor: MonitorFile  # risk_monitor_config.yaml
    dashboard: DashboardFile  # dashboard_config.yaml
    sources: ConfigSources


def display_path(path: Path) -> str:
    """A path relative to the repository when it lies inside it, else as given."""
    try:
        return path.resolve().relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return str(path)


def config_dir_from(environ: Mapping[str, str]) -> Path:
    configured = environ.get(CONFIG_DIR_VARIABLE, "").strip()
    return Path(configured) if configured else DEFAULT_CONFIG_DIR


def load_config(
    config_dir: Path | None = None, environ: Mapping[str, str] | None = None
) -> RiskMonitorConfig:
    """Read the three files from ``config_dir`` (default: ``$RISK_MONITOR_CONFIG_DIR``, else the
    repository's ``config/``), expanding ``${VAR}`` from ``environ`` (default: the process
    environment). Raises ConfigError listing every problem found in all files."""
    env = os.environ if environ is None else environ
    directory = Path(config_dir) if config_dir is not None else config_dir_from(env)
    sources = ConfigSources(
        directory / LIMITS_FILE, directory / MONITOR_FILE, directory / DASHBOARD_FILE
    )
    shown = sources.shown()
    problems: list[Problem] = []
    limits = _load(sources.limits, LimitsFile, check_limits, env, problems)
    monitor = _load(sources.monitor, MonitorFile, check_monitor, env, problems)
    dashboard = _load(sources.dashboard, DashboardFile, check_dashboard, env, problems)
    if monitor is not None:
        # At start, with the files: a key for a venue the file does not have is a typo.
        problems.extend(exchange_keys_from_environ(env, monitor).problems)
    if limits is not None and monitor is not None and dashboard is not None:
        problems.extend(check_across(limits, monitor, dashboard, shown))
    if problems or limits is None or monitor is None or dashboard is None:
        raise ConfigError([str(problem) for problem in problems])
    return RiskMonitorConfig(limits, monitor, dashboard, sources)


def _load[M: BaseModel](
    path: Path,
    model: type[M],
    check: Callable[[M, str], list[Problem]],
    environ: Mapping[str, str],
    problems: list[Problem],
) -> M | None:
    shown = display_path(path)
    data, found = read_yaml(path, shown)
    problems.extend(found)
    if data is None:
        return None
    expansion = Expansion(shown, environ)
    expanded = expansion.run(data)
    problems.extend(expansion.problems)
    try:
        parsed = model.model_validate(expanded)
    except ValidationError as exc:
        problems.extend(translate(exc, model, expansion))
        return None
    problems.extend(check(parsed, shown))
    return parsed


@functools.lru_cache(maxsize=1)
def get_config() -> RiskMonitorConfig:
    """The process-wide configuration, loaded on first use from the default place."""
    return load_config()


def reset_config_cache() -> None:
    get_config.cache_clear()


def load_config_or_exit(
    config_dir: Path | None = None,
    environ: Mapping[str, str] | None = None,
    stderr: TextIO | None = None,
) -> RiskMonitorConfig:
    """For entry points: one line per problem on stderr and exit status 2, not a traceback."""
    try:
        return load_config(config_dir, environ)
    except ConfigError as exc:
        print("\n".join(exc.problems), file=stderr or sys.stderr)
        raise SystemExit(2) from None
