"""The OpenAPI schema describes every response body: no operation answers a free-form object,
except the JSON documents that are free-form by nature (listed in FREE_FORM, with why)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator

SKIPPED_OPERATIONS: set[tuple[str, str]] = set()
# drf-spectacular's own view: its body is the OpenAPI document, free-form to this schema.
SCHEMA_DOCUMENT = ("/api/v1/schema", "get")
# Open to load balancers by design: it answers 200 or 503, never a 4xx.
PUBLIC_OPERATIONS = {("/health", "get")}
FREE_FORM = {
    # An alert history event's details are its audit event's payload, whatever the event type.
    "AlertHistoryEventOutput.details",
    # The configuration summary mirrors settings.RISK_MONITOR: a value per setting, of its type.
    "SystemStatus.configuration",
    # What-if's full assessment after the trades: the engine's whole output document, as the
    # calculation trace holds it (its headline figures are typed in before/after/change).
    "WhatIfOutput.figures",
    # The calculation trace's sections are the engine's inputs as it saw them (debug only).
    *(f"RiskCalculationTrace.{section}" for section in (
        "positions", "balances", "quotes", "marks_chosen", "history", "market", "params",
        "notes", "equity_state", "backtest_record",
    )),
}  # fmt: skip


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if (path, method) not in SKIPPED_OPERATIONS:
                yield path, method, operation


def free_form(node: Any, schema: dict[str, Any], where: str, seen: set[str]) -> Iterator[str]:
    """Dotted names of the objects under ``node`` that say nothing of their content."""
    if not isinstance(node, dict):
        return
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        if name not in seen:
            seen.add(name)
            yield from free_form(schema["components"]["schemas"][name], schema, name, seen)
        return
    for key in ("allOf", "oneOf", "anyOf"):
        for part in node.get(key, []):
            yield from free_form(part, schema, where, seen)
    if "items" in node:
        yield from free_form(node["items"], schema, where, seen)
    extra = node.get("additionalProperties")
    if isinstance(extra, dict) and extra:
        yield from free_form(extra, schema, where, seen)
    if node.get("type") == "object" and not node.get("properties") and not extra:
        yield where
    for name, prop in node.get("properties", {}).items():
        yield from free_form(prop, schema, f"{where}.{name}", seen)


def test_it_describes_every_response_body(schema: dict[str, Any]) -> None:
    untyped = []
    for path, method, operation in operations(schema):
        if (path, method) == SCHEMA_DOCUMENT:
            continue
        for status, response in operation["responses"].items():
            for media in response.get("content", {}).values():
                where = f"{method.upper()} {path} {status}"
                untyped += [
                    name for name in free_form(media["schema"], schema, where, set())
                    if name not in FREE_FORM
                ]  # fmt: skip
    assert untyped == []


def test_it_declares_the_error_body_of_every_refusal(schema: dict[str, Any]) -> None:
    missing = [
        f"{method.upper()} {path}"
        for path, method, operation in operations(schema)
        if (path, method) not in {SCHEMA_DOCUMENT, *PUBLIC_OPERATIONS}
        and not any(status.startswith("4") for status in operation["responses"])
    ]
    assert missing == []


def test_it_describes_refusals_with_the_one_error_body(schema: dict[str, Any]) -> None:
    bodies = {
        json.dumps(media["schema"])
        for _, _, operation in operations(schema)
        for status, response in operation["responses"].items()
        if status.startswith("4")
        for media in response.get("content", {}).values()
    }
    assert bodies == {json.dumps({"$ref": "#/components/schemas/Error"})}
    error = schema["components"]["schemas"]["ErrorDetail"]
    assert set(error["properties"]) == {"code", "message", "fields"}


def test_it_declares_401_with_its_scheme_and_403_wherever_authentication_is_needed(
    schema: dict[str, Any],
) -> None:
    missing = []
    for path, method, operation in operations(schema):
        if (path, method) in PUBLIC_OPERATIONS:
            assert not {"401", "403"} & set(operation["responses"])
            continue
        responses = operation["responses"]
        if not {"401", "403"} <= set(responses):
            missing.append(f"{method.upper()} {path}")
            continue
        header = responses["401"]["headers"]["WWW-Authenticate"]
        assert header["required"] is True
        assert header["schema"]["enum"] == ["Token"]
    assert missing == []


def test_it_declares_400_wherever_there_is_input_to_validate(schema: dict[str, Any]) -> None:
    missing = [
        f"{method.upper()} {path}"
        for path, method, operation in operations(schema)
        if _has_input(operation) and "400" not in operation["responses"]
    ]  # fmt: skip
    assert missing == []


def test_it_states_the_cross_field_rules_of_a_body(schema: dict[str, Any]) -> None:
    proposal = schema["components"]["schemas"]["LimitChangeProposalRequest"]
    assert proposal["oneOf"] == [{"required": ["limit_key"]}, {"required": ["limit_id"]}]
    assert proposal["properties"]["warn_at_utilization"]["pattern"].startswith("^")


def _has_input(operation: dict[str, Any]) -> bool:
    query = any(p["in"] == "query" for p in operation.get("parameters", []))
    return query or "requestBody" in operation


def test_it_declares_415_wherever_there_is_a_body(schema: dict[str, Any]) -> None:
    missing = [
        f"{method.upper()} {path}"
        for path, method, operation in operations(schema)
        if "requestBody" in operation and "415" not in operation["responses"]
    ]
    assert missing == []
