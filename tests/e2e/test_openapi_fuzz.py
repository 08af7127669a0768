"""The OpenAPI schema tells the truth: Schemathesis fuzzes every operation the live server's
schema lists (an operation added later is fuzzed without touching this file), authenticated as a
risk officer (a user who may call every operation), with a fixed seed and every check on.

Its bound (MAX_EXAMPLES per operation and phase) keeps the run to a few minutes on two cores;
raise it locally to dig deeper: ``SCHEMA_FUZZ_EXAMPLES=200 pytest tests/e2e/test_openapi_fuzz.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.e2e.stack import Stack, running_stack, wait_until

pytestmark = pytest.mark.e2e

DB = "riskmonitor_e2e_schema"
REDIS_DB = 7
SEED = 20261202
SCHEMA_PATH = "/api/v1/schema"
MAX_EXAMPLES = int(os.environ.get("SCHEMA_FUZZ_EXAMPLES", "20"))


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    tmp: Path = tmp_path_factory.mktemp("openapi-fuzz")
    with running_stack(
        tmp, database=DB, redis_db=REDIS_DB, env={"RISK_CHECK_INTERVAL_SECONDS": "2"}
    ) as running:
        yield running


@pytest.fixture(scope="module")
def officer_token(stack: Stack) -> str:
    token = stack.token_for("fuzz-officer", "risk_officer")
    api = stack.api(token)
    # With a snapshot stored, the risk reads answer their 200 bodies, not only 404.
    wait_until(
        lambda: api.get(f"{stack.web_url}/api/v1/risk/status", timeout=10).status_code == 200,
        timeout=120,
        what="a first risk snapshot",
    )
    _pending_proposal(stack)
    return token


def _pending_proposal(stack: Stack) -> None:
    """A proposal by another officer, so approve and reject meet a real request too."""
    proposer = stack.api(stack.token_for("fuzz-proposer", "risk_officer"))
    limits = proposer.get(f"{stack.web_url}/api/v1/limits/current", timeout=10).json()["limits"]
    body = {"limit_id": limits[0]["id"], "enabled": not limits[0]["enabled"], "reason": "fuzz"}
    created = proposer.post(f"{stack.web_url}/api/v1/limits/update", json=body, timeout=10)
    assert created.status_code == 201, created.text


def test_it_conforms_to_its_schema(stack: Stack, officer_token: str, tmp_path: Path) -> None:
    """Every phase (examples, coverage, fuzzing, stateful) and every check, through the
    Schemathesis runner (its pytest plugin's lazy schema loader does not run on pytest 9.2),
    over the live schema saved to a file (the lying-schema test edits that file)."""
    raw = _live_schema(stack, officer_token)
    run, report = _fuzz(stack, officer_token, raw, tmp_path)
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-4000:]
    methods = {"get", "post", "put", "patch", "delete"}
    listed = sum(len(methods & set(item)) for item in raw["paths"].values())
    operations = report["operations"]
    assert operations["tested"] == operations["total"] == listed


def test_it_fails_on_a_schema_that_lies(stack: Stack, officer_token: str, tmp_path: Path) -> None:
    """The fuzz test is not green by construction: the same run over a schema that promises a
    field the server never sends (in the positions summary) fails, naming the operation."""
    raw = _live_schema(stack, officer_token)
    component = raw["components"]["schemas"]["PositionsSummary"]
    component["required"].append("not_a_field")
    component["properties"]["not_a_field"] = {"type": "string"}
    only = ("--include-path", "/api/v1/positions/summary")
    run, report = _fuzz(stack, officer_token, raw, tmp_path, *only)
    assert run.returncode != 0
    assert "not_a_field" in run.stdout
    assert report["operations"]["tested"] == 1


def _fuzz(
    stack: Stack, token: str, raw: dict[str, Any], tmp_path: Path, *options: str
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    (tmp_path / "schema.json").write_text(json.dumps(raw))
    report = tmp_path / "report.json"
    run = subprocess.run(
        [
            str(Path(sys.executable).parent / "schemathesis"), "run", "schema.json",
            "--url", stack.web_url,
            "--header", f"Authorization: Token {token}",
            "--checks", "all",
            "--seed", str(SEED),
            "--max-examples", str(MAX_EXAMPLES),
            "--workers", "1",
            "--report", "json", "--report-json-path", str(report),
            *options,
        ],
        cwd=tmp_path, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    summary: dict[str, Any] = json.loads(report.read_text())
    return run, summary


def _live_schema(stack: Stack, token: str) -> dict[str, Any]:
    response = requests.get(
        f"{stack.web_url}{SCHEMA_PATH}?format=json",
        headers={"Authorization": f"Token {token}"},
        timeout=30,
    )
    response.raise_for_status()
    schema: dict[str, Any] = response.json()
    return schema
