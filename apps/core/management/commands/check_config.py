"""``manage.py check_config``: validate the YAML configuration without starting anything."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from riskmonitor.conf import ConfigError, display_path, load_config


class Command(BaseCommand):
    help = (
        "Validate config/*.yaml (or RISK_MONITOR_CONFIG_DIR): prints every problem and exits "
        "with status 2, or prints the files checked."
    )
    # Validating the YAML needs neither the database nor Django's system checks.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--config-dir", type=Path, default=None, help="directory holding the three YAML files"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            config = load_config(options["config_dir"])
        except ConfigError as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            raise SystemExit(2) from None
        files = ", ".join(display_path(path) for path in config.sources.all())
        self.stdout.write(f"configuration OK: {files}")
