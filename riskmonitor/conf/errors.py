"""Configuration problems and how they read.

Every message has the shape ``<file>: <key path>: <reason>, got <value>`` so that an operator can
find the line to fix without knowing anything about the code that parsed it. ``, got ...`` is left
out only when there is no value to show (a missing key, a missing file).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import yaml

_MAX_SHOWN = 60


class _Nothing:
    """Marks a problem that has no offending value (a missing key or file)."""

    def __repr__(self) -> str:
        return "NOTHING"


NOTHING = _Nothing()


class Hidden(str):
    """A value shown verbatim, unquoted: descriptions such as ``a literal secret (not shown)``."""


@dataclass(frozen=True)
class Problem:
    file: str
    path: str
    reason: str
    value: object = NOTHING

    def __str__(self) -> str:
        parts = [self.file, self.path, self.reason] if self.path else [self.file, self.reason]
        text = ": ".join(parts)
        return text if self.value is NOTHING else f"{text}, got {show(self.value)}"


class ConfigError(Exception):
    """The configuration is invalid; ``problems`` holds one readable message per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def join_path(parts: tuple[str | int, ...] | list[str | int]) -> str:
    """``("external_apis", "exchanges", 0, "name")`` -> ``external_apis.exchanges[0].name``."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(top level)"


def show(value: object) -> str:
    """Render a YAML value the way it would be written, short enough for one log line."""
    if isinstance(value, Hidden):
        return str(value)
    if isinstance(value, dict | list):
        return _flow(value)
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif value is None:
        text = "null (empty)"
    else:
        text = repr(value)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."


def _flow(value: dict[object, object] | list[object]) -> str:
    """Small containers as YAML flow (``{price: -1}``); large ones by kind only."""
    try:
        text = yaml.safe_dump(value, default_flow_style=True, width=1_000).strip()
    except yaml.YAMLError:
        text = ""
    if text and len(text) <= _MAX_SHOWN:
        return text
    return "a mapping" if isinstance(value, dict) else "a list"
