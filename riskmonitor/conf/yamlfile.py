"""Reading one YAML file into plain data, turning every way it can fail into a Problem."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode

from riskmonitor.conf.errors import Problem


class _Loader(yaml.SafeLoader):
    """Safe loader that records duplicate keys: plain YAML keeps the last one silently, which
    would let a second ``BTC-USD:`` entry quietly replace the first limit."""

    duplicates: list[tuple[object, int, int]]

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, str | int | float | bool) and key in seen:
                mark = key_node.start_mark
                self.duplicates.append((key, mark.line + 1, mark.column + 1))
            if isinstance(key, str | int | float | bool):
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


def read_yaml(path: Path, shown: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Parse ``path``; ``shown`` is how the file is named in messages."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [Problem(shown, "", "file not found")]
    except IsADirectoryError:
        return None, [Problem(shown, "", "is a directory, not a file")]
    except UnicodeDecodeError:
        return None, [Problem(shown, "", "is not UTF-8 text")]
    except OSError as exc:
        return None, [Problem(shown, "", f"cannot be read ({exc.strerror})")]
    return _parse(text, shown)


def _parse(text: str, shown: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    loader = _Loader(text)
    loader.duplicates = []
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_problem(exc, shown)]
    except yaml.YAMLError as exc:
        return None, [Problem(shown, "", f"invalid YAML: {exc}")]
    finally:
        loader.dispose()
    problems = [_duplicate_problem(d, shown) for d in loader.duplicates]
    if data is None:
        return None, [*problems, Problem(shown, "", "file is empty")]
    if not isinstance(data, dict):
        reason = "must be a mapping of sections (key: value) at the top level"
        return None, [*problems, Problem(shown, "(top level)", reason, data)]
    return data, problems


def _syntax_problem(exc: yaml.MarkedYAMLError, shown: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(unknown position)"
    detail = exc.problem or exc.context or "syntax error"
    return Problem(shown, where, f"invalid YAML: {detail}")


def _duplicate_problem(duplicate: tuple[object, int, int], shown: str) -> Problem:
    key, line, column = duplicate
    reason = "duplicate key (YAML would silently keep only the last one)"
    return Problem(shown, f"line {line}, column {column}", reason, key)
