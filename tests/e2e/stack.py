"""The whole system as real processes for end-to-end tests: simulators, web (daphne), a Celery
worker and beat, on a fresh PostgreSQL database and a Redis database of their own."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import requests

from simulators.harness import DEFAULT_SCENARIO, SimProcess, start_custodian, start_exchange
from tests.e2e.processes import REPO, wait_for_health

DEV_ENV = dict(
    line.split("=", 1)
    for line in (REPO / "config" / "dev.env").read_text().splitlines()
    if re.match(r"^[A-Z0-9_]+=", line)
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def recreate_database(name: str) -> None:
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


@dataclass
class Stack:
    """Handles to a running system."""

    env: dict[str, str]
    web_url: str
    sims: dict[str, SimProcess]
    config_dir: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    logs: dict[str, Path] = field(default_factory=dict)
    grpc_target: str | None = None  # host:port of `manage.py rungrpc` when started

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            check=check,
        )

    def token_for(self, name: str, role: str) -> str:
        out = self.manage(
            "create_role_user", name, "--role", role, "--password", "Long-enough-pw-1", "--token"
        ).stdout
        return out.split("token: ")[1].strip()

    def api(self, token: str) -> requests.Session:
        session = requests.Session()
        session.headers["Authorization"] = f"Token {token}"
        return session

    def log_tail(self, name: str, chars: int = 4000) -> str:
        path = self.logs.get(name)
        return path.read_text(errors="replace")[-chars:] if path and path.exists() else ""


def _config_dir(tmp: Path, extra: dict[str, str]) -> Path:
    """A copy of config/ with this test's edits (venue URLs come from the environment)."""
    target = tmp / "config"
    shutil.copytree(REPO / "config", target)
    monitor = target / "risk_monitor_config.yaml"
    text = monitor.read_text()
    for old, new in extra.items():
        text = text.replace(old, new)
    monitor.write_text(text)
    return target


def _fresh_dir(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def _spawn(stack: Stack, name: str, args: list[str], tmp: Path) -> None:
    log = tmp / f"{name}.log"
    stack.logs[name] = log
    stack.processes[name] = subprocess.Popen(
        args,
        cwd=REPO,
        env=stack.env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _stop(processes: dict[str, subprocess.Popen[bytes]]) -> None:
    for proc in processes.values():
        if proc.poll() is None:
            proc.terminate()
    for proc in processes.values():
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def running_stack(
    tmp: Path,
    *,
    database: str,
    redis_db: int,
    env: dict[str, str] | None = None,
    config_replace: dict[str, str] | None = None,
    worker: bool = True,
    beat: bool = True,
    grpc: bool = False,
) -> Iterator[Stack]:
    recreate_database(database)
    with ExitStack() as stack_exit:
        sims = {
            "exchange-1": stack_exit.enter_context(start_exchange("exchange-1", DEFAULT_SCENARIO)),
            "exchange-2": stack_exit.enter_context(start_exchange("exchange-2", DEFAULT_SCENARIO)),
            "custodian-1": stack_exit.enter_context(start_custodian(DEFAULT_SCENARIO)),
        }
        config_dir = _config_dir(tmp, config_replace or {})
        port = free_port()
        full_env = (
            {k: v for k, v in os.environ.items()}
            | DEV_ENV
            | {
                "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
                "REDIS_URL": f"redis://127.0.0.1:6379/{redis_db}",
                "DJANGO_DEBUG": "false",
                "SECRET_KEY": "e2e-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
                "SECURE_SSL_REDIRECT": "false",
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "RISK_MONITOR_CONFIG_DIR": str(config_dir),
                "RISK_MONITOR_VAR_DIR": str(tmp / "var"),
                "RISK_MONITOR_PORT": str(port),
                "PYTHONUNBUFFERED": "1",
                # Web and worker processes write metrics here; /metrics aggregates them.
                "PROMETHEUS_MULTIPROC_DIR": str(_fresh_dir(tmp / "prometheus")),
                "EXCHANGE_1_URL": sims["exchange-1"].base_url,
                "EXCHANGE_2_URL": sims["exchange-2"].base_url,
                "CUSTODIAN_URL": sims["custodian-1"].base_url,
            }
            | (env or {})
        )
        subprocess.run(
            ["redis-cli", "-n", str(redis_db), "FLUSHDB"], check=True, capture_output=True
        )
        stack = Stack(
            env=full_env, web_url=f"http://127.0.0.1:{port}", sims=sims, config_dir=config_dir
        )
        stack.manage("migrate", "--no-input", "-v", "0")
        stack.manage("bootstrap")
        stack_exit.callback(_stop, stack.processes)
        bin_dir = Path(sys.executable).parent
        _spawn(
            stack,
            "web",
            [
                str(bin_dir / "daphne"),
                "-b",
                "127.0.0.1",
                "-p",
                str(port),
                "riskmonitor.asgi:application",
            ],
            tmp,
        )
        if worker:
            _spawn(
                stack,
                "worker",
                [
                    str(bin_dir / "celery"),
                    "-A",
                    "riskmonitor",
                    "worker",
                    "-Q",
                    "default,ingest,risk,alerts",
                    "--concurrency",
                    "2",
                    "--loglevel",
                    "INFO",
                ],
                tmp,
            )
        if beat:
            _spawn(
                stack,
                "beat",
                [
                    str(bin_dir / "celery"),
                    "-A",
                    "riskmonitor",
                    "beat",
                    "--loglevel",
                    "INFO",
                    "--schedule",
                    str(tmp / "celerybeat-schedule"),
                ],
                tmp,
            )
        if grpc:
            grpc_port = free_port()
            stack.grpc_target = f"127.0.0.1:{grpc_port}"
            rungrpc = [sys.executable, "manage.py", "rungrpc", "--port", str(grpc_port)]
            _spawn(stack, "grpc", rungrpc, tmp)
        try:
            wait_for_health(f"{stack.web_url}/health", deadline_s=90)
            if stack.grpc_target:
                wait_for_grpc_serving(stack.grpc_target, deadline_s=60)
        except AssertionError as exc:
            logs = "\n".join(f"{name} log:\n{stack.log_tail(name)}" for name in ("web", "grpc"))
            raise AssertionError(f"{exc}\n{logs}") from None
        yield stack


def wait_for_grpc_serving(target: str, deadline_s: float) -> None:
    """Polls the standard gRPC health check of ``target`` until the server says SERVING."""
    import grpc
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    deadline = time.monotonic() + deadline_s
    with grpc.insecure_channel(target) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        while time.monotonic() < deadline:
            try:
                reply = stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=2)
                if reply.status == health_pb2.HealthCheckResponse.SERVING:
                    return
            except grpc.RpcError:
                pass
            time.sleep(0.3)
    raise AssertionError(f"gRPC server at {target} not SERVING within {deadline_s}s")


def wait_until(predicate: Any, timeout: float, interval: float = 0.5, what: str = "") -> Any:
    """Polls ``predicate`` until it returns something truthy; real processes need real time."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}; last: {last!r}")
