"""Typed parsing of the environment.

Every problem is collected, not just the first, so an operator fixes a bad deployment in one pass.
Messages follow the config loader's format: ``environment: NAME: reason, got "value"``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
LOG_LEVELS = ("debug", "info", "warning", "warn", "error", "critical")


class EnvironmentProblems(Exception):
    """Raised with one message per bad environment variable."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Env:
    """Reads variables from a mapping and records every problem it meets."""

    source: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    problems: list[str] = field(default_factory=list)

    def _raw(self, name: str) -> str | None:
        value = self.source.get(name)
        return None if value is None or value.strip() == "" else value.strip()

    def _fail(self, name: str, reason: str, value: str) -> None:
        self.problems.append(f'environment: {name}: {reason}, got "{value}"')

    def text(self, name: str, default: str = "") -> str:
        raw = self._raw(name)
        return default if raw is None else raw

    def optional_str(self, name: str) -> str | None:
        return self._raw(name)

    def file_or_name(self, name: str, default: str, directory: Path, suffix: str) -> Path:
        """A file of ``directory`` by its stem (``stressed`` -> ``stressed.yaml``) or a path to
        one; the default when unset. A problem naming the known stems when there is none."""
        raw = self._raw(name) or default
        is_path = "/" in raw or raw.endswith(suffix)
        path = Path(raw) if is_path else directory / f"{raw}{suffix}"
        if not path.is_file():
            known = ", ".join(sorted(p.stem for p in directory.glob(f"*{suffix}")))
            self._fail(name, f"must name a file of {directory.name}/ ({known}) or a path", raw)
        return path

    def flag(self, name: str, default: bool) -> bool:
        raw = self._raw(name)
        if raw is None:
            return default
        if raw.lower() in _TRUE:
            return True
        if raw.lower() in _FALSE:
            return False
        self._fail(name, "must be true or false", raw)
        return default

    def integer(self, name: str, default: int, minimum: int = 1, maximum: int | None = None) -> int:
        raw = self._raw(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            self._fail(name, "must be an integer", raw)
            return default
        if value < minimum or (maximum is not None and value > maximum):
            bound = f"between {minimum} and {maximum}" if maximum is not None else f">= {minimum}"
            self._fail(name, f"must be an integer {bound}", raw)
            return default
        return value

    def port(self, name: str, default: int) -> int:
        return self.integer(name, default, minimum=1, maximum=65535)

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        raw = self._raw(name)
        if raw is None:
            return default
        if raw.lower() not in choices:
            self._fail(name, f"must be one of {', '.join(choices)}", raw)
            return default
        return raw.lower()

    def url(self, name: str, schemes: tuple[str, ...]) -> str | None:
        raw = self._raw(name)
        if raw is None:
            return None
        parsed = urlparse(raw)
        if parsed.scheme not in schemes or not (parsed.hostname or parsed.path):
            self._fail(name, f"must be a URL with scheme {' or '.join(schemes)}", _redact(raw))
            return None
        return raw

    def csv(self, name: str, default: list[str]) -> list[str]:
        raw = self._raw(name)
        if raw is None:
            return default
        return [item.strip() for item in raw.split(",") if item.strip()]

    def json_object(self, name: str) -> dict[str, Any]:
        """A JSON object; what its values mean is checked where they are used."""
        raw = self._raw(name)
        if raw is None:
            return {}
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            self._fail(name, "must be a JSON object", "<not JSON>")
            return {}
        if not isinstance(value, dict):
            self._fail(name, "must be a JSON object", "<not an object>")
            return {}
        return value

    def raise_if_problems(self) -> None:
        if self.problems:
            raise EnvironmentProblems(self.problems)


def _redact(url: str) -> str:
    """Hide a password in a URL before it reaches an error message."""
    parsed = urlparse(url)
    if parsed.password:
        return url.replace(f":{parsed.password}@", ":***@")
    return url
