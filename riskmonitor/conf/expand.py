"""``${VAR}`` expansion and the credential rule, applied to parsed YAML before validation.

- ``${NAME}`` takes the variable's value; ``${NAME:-default}`` falls back to ``default`` when the
  variable is unset or empty (shell semantics). An unset variable without a default is a problem.
- A value that is one reference only (``timeout_seconds: ${TIMEOUT:-10}``) is typed like a YAML
  scalar after expansion (10 is a number); a reference inside a longer string stays text.
- Inside a mapping with ``enabled: false`` (an alert channel that is off) an unset variable is
  not a problem and expands to "": the brief's ``url: "${ALERT_WEBHOOK_URL}"`` on a disabled
  webhook must not stop the system from starting.
- Credential fields (``api_key``, ``api_secret``) are never expanded: ``api_key: "${NAME}"`` becomes
  ``api_key_env: NAME``, so the loader records where the secret lives without ever reading it.
  ``*_env`` fields hold variable names and are not expanded either.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from riskmonitor.conf.errors import Hidden, Problem, join_path

CREDENTIAL_KEYS = frozenset({"api_key", "api_secret"})
_REFERENCE = re.compile(r"\$\{([^}]*)\}")
_INNER = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$", re.DOTALL)
_ONLY_NAME = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$")
_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)(?:[eE][-+]?[0-9]+)?$")
_SECRET_SHOWN = Hidden("a literal value (not shown)")

Path = tuple[str | int, ...]


@dataclass
class Expansion:
    """Expands one file; afterwards ``problems``, ``templates`` and ``failed`` describe it."""

    file: str
    environ: Mapping[str, str]
    problems: list[Problem] = field(default_factory=list)
    templates: dict[str, str] = field(default_factory=dict)  # key path -> text as written
    failed: set[str] = field(default_factory=set)  # key paths already reported here

    def run(self, data: dict[str, Any]) -> dict[str, Any]:
        return self._mapping(data, (), disabled=False)

    def _walk(self, value: Any, path: Path, disabled: bool) -> Any:
        if isinstance(value, dict):
            return self._mapping(value, path, disabled)
        if isinstance(value, list):
            return [self._walk(item, (*path, i), disabled) for i, item in enumerate(value)]
        if isinstance(value, str) and "${" in value:
            return self._string(value, path, disabled)
        return value

    def _mapping(self, mapping: dict[Any, Any], path: Path, disabled: bool) -> dict[Any, Any]:
        disabled = disabled or mapping.get("enabled") is False
        result: dict[Any, Any] = {}
        for key, value in mapping.items():
            if key in CREDENTIAL_KEYS:
                self._credential(mapping, result, key, value, (*path, key))
            elif isinstance(key, str) and key.endswith("_env"):
                result[key] = _variable_name(value)
            else:
                result[key] = self._walk(value, (*path, key), disabled)
        return result

    def _credential(
        self, mapping: dict[Any, Any], result: dict[Any, Any], key: str, value: Any, path: Path
    ) -> None:
        target = f"{key}_env"
        match = _ONLY_NAME.match(value) if isinstance(value, str) else None
        # Whatever happens here, "api_key_env is required" would only repeat this problem.
        self.failed.add(join_path((*path[:-1], target)))
        if target in mapping:
            self._fail(path, f"give {key} or {target}, not both", _SECRET_SHOWN)
        elif match is None:
            reason = (
                f'must name an environment variable as "${{NAME}}" (or use {target}: NAME); '
                "secrets are never written in configuration files"
            )
            self._fail(path, reason, _SECRET_SHOWN)
        else:
            result[target] = match.group(1)

    def _string(self, text: str, path: Path, disabled: bool) -> Any:
        shown = join_path(path)
        self.templates[shown] = text
        expanded = _REFERENCE.sub(lambda m: self._substitute(m, text, path, disabled), text)
        if shown in self.failed or _REFERENCE.fullmatch(text) is None:
            return expanded
        return _typed(expanded)

    def _substitute(self, match: re.Match[str], text: str, path: Path, disabled: bool) -> str:
        inner = _INNER.match(match.group(1))
        if inner is None:
            reason = 'has a malformed reference: use "${NAME}" or "${NAME:-default}"'
            self._fail(path, reason, text)
            return match.group(0)
        name, default = inner.group(1), inner.group(2)
        value = self.environ.get(name)
        if default is not None and not value:
            return default
        if value is None and disabled:
            return ""
        if value is None:
            self._fail(path, f"environment variable {name} is not set", text)
            return match.group(0)
        return value

    def _fail(self, path: Path, reason: str, value: object) -> None:
        self.failed.add(join_path(path))
        self.problems.append(Problem(self.file, join_path(path), reason, value))


def _variable_name(value: Any) -> Any:
    """``api_key_env: "${NAME}"`` reads as ``NAME``: the intent is clear and it is no secret."""
    match = _ONLY_NAME.match(value) if isinstance(value, str) else None
    return match.group(1) if match else value


def _typed(text: str) -> Any:
    """Type a whole-value expansion as YAML would have typed the literal (numbers, booleans)."""
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    return text
