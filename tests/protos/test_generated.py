"""The checked-in gRPC code is what ``make protos`` generates from protos/ today."""

from __future__ import annotations

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CHECKED_IN = REPO / "riskmonitor" / "v1"


def _generated(directory: Path) -> dict[str, str]:
    return {path.name: path.read_text() for path in sorted(directory.glob("*_pb2*"))}


def test_it_finds_the_checked_in_code_identical_to_a_fresh_generation(tmp_path: Path) -> None:
    subprocess.run(
        ["make", "--no-print-directory", "protos", f"PROTO_OUT={tmp_path}"],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    fresh = _generated(tmp_path / "riskmonitor" / "v1")

    assert set(fresh) == set(_generated(CHECKED_IN)), "run `make protos` and commit the result"
    for name, text in fresh.items():
        assert (CHECKED_IN / name).read_text() == text, f"{name} is stale: run `make protos`"


def test_it_generates_one_module_set_per_proto_file() -> None:
    protos = sorted(p.stem for p in (REPO / "protos" / "riskmonitor" / "v1").glob("*.proto"))
    modules = sorted({name.split("_pb2")[0] for name in _generated(CHECKED_IN)})
    assert modules == protos
