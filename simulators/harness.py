"""Start simulators as real subprocesses, for tests and benches.

with start_exchange("exchange-1", "simulators/scenarios/minimal.yaml") as sim:
    exchange = ccxt.binance({"urls": {"api": ccxt_urls(sim.base_url)}, ...})
    sim.control("POST", "/_sim/prices", {"symbol": "BTCUSDT", "price": 50000})
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import requests

from simulators.control import TOKEN_HEADER, control_token

_LISTENING = re.compile(r"listening on (http://\S+)")
_START_TIMEOUT_S = 30.0
_ROOT = Path(__file__).resolve().parent.parent
SCENARIOS_DIR = Path(__file__).resolve().parent / "scenarios"
DEFAULT_SCENARIO = SCENARIOS_DIR / "default.yaml"
MINIMAL_SCENARIO = SCENARIOS_DIR / "minimal.yaml"
SCENARIO_ENV = "RISK_MONITOR_SCENARIO"


def scenario_from_env(env: Mapping[str, str] | None = None) -> Path:
    """The scenario `RISK_MONITOR_SCENARIO` names: a file in simulators/scenarios by its stem
    (`default`, `stressed`, `minimal`) or a path to a YAML file; unset or empty: default.
    ValueError naming the variable when there is no such file."""
    value = (os.environ if env is None else env).get(SCENARIO_ENV, "").strip() or "default"
    looks_like_path = "/" in value or value.endswith((".yaml", ".yml"))
    path = Path(value) if looks_like_path else SCENARIOS_DIR / f"{value}.yaml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in SCENARIOS_DIR.glob("*.yaml")))
        raise ValueError(f"{SCENARIO_ENV}: no scenario {value!r} (known: {known}, or a path)")
    return path


class SimProcess:
    """A running simulator; `.stop()` (or leaving the `with` block) kills it and waits."""

    def __init__(self, args: list[str], env: dict[str, str] | None = None) -> None:
        merged = {**os.environ, **(env or {})}
        self.token = merged.get("SIM_CONTROL_TOKEN") or control_token()
        self.process = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
            [sys.executable, "-m", "simulators", *args],
            cwd=_ROOT,
            env=merged,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._stderr_tail: list[str] = []
        threading.Thread(target=self._drain_stderr, daemon=True).start()
        self.base_url = self._wait_listening()
        self.session = requests.Session()

    def _drain_stderr(self) -> None:
        """Keep reading stderr so a chatty process never blocks on a full pipe."""
        assert self.process.stderr is not None  # we asked for a pipe
        for line in self.process.stderr:
            self._stderr_tail = [*self._stderr_tail[-50:], line]

    def _wait_listening(self) -> str:
        found: list[str] = []
        ready = threading.Event()

        def read() -> None:
            assert self.process.stdout is not None  # we asked for a pipe
            for line in self.process.stdout:
                match = _LISTENING.search(line)
                if match and not found:
                    found.append(match.group(1))
                    ready.set()
            ready.set()  # stdout closed: the process ended

        threading.Thread(target=read, daemon=True).start()
        if not ready.wait(_START_TIMEOUT_S) or not found:
            self.stop()
            raise RuntimeError(f"simulator did not start: {''.join(self._stderr_tail)[-2000:]}")
        return found[0]

    def control(
        self, method: str, path: str, json: Any = None, timeout: float = 10.0
    ) -> requests.Response:
        """Call the `/_sim/` control API with the control token."""
        return self.session.request(
            method,
            self.base_url + path,
            json=json,
            headers={TOKEN_HEADER: self.token},
            timeout=timeout,
        )

    def state(self) -> dict[str, Any]:
        response = self.control("GET", "/_sim/state")
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()
        if hasattr(self, "session"):
            self.session.close()

    def __enter__(self) -> SimProcess:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _common(scenario: str | Path, seed: int, port: int | None, host: str) -> list[str]:
    return [
        "--scenario",
        str(scenario),
        "--seed",
        str(seed),
        "--port",
        str(port or 0),
        "--host",
        host,
    ]


def start_exchange(
    name: str,
    scenario: str | Path,
    seed: int = 42,
    port: int | None = None,
    env: dict[str, str] | None = None,
    host: str = "127.0.0.1",
) -> SimProcess:
    return SimProcess(["exchange", "--name", name, *_common(scenario, seed, port, host)], env)


def start_custodian(
    scenario: str | Path,
    seed: int = 42,
    port: int | None = None,
    env: dict[str, str] | None = None,
    host: str = "127.0.0.1",
) -> SimProcess:
    return SimProcess(["custodian", *_common(scenario, seed, port, host)], env)
