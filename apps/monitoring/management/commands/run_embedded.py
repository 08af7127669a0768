"""``manage.py run_embedded``: the whole system in one process, for a first run with nothing but
Python: web (daphne), the in-process scheduler, the gRPC server and the venue simulators.

It lives in the monitoring app because, once the first risk snapshot is stored, it prints the
addresses and the login again: by then the start-up lines have scrolled away."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from datetime import UTC
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.core.firstrun import live_banner
from apps.core.scheduler import InProcessScheduler
from apps.risk.selectors.snapshots import latest_snapshot

# (command, --name for exchanges: the custodian serves the scenario's one custodian, port)
SIMULATORS = (
    ("exchange", "exchange-1", 9101),
    ("exchange", "exchange-2", 9102),
    ("custodian", None, 9201),
)
FIRST_SNAPSHOT_POLL_SECONDS = 1.0


class Command(BaseCommand):
    help = "Run web, scheduler, gRPC and simulators in one process (embedded mode)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=settings.RISK_MONITOR["PORT"])
        parser.add_argument("--no-simulators", action="store_true")
        # unset: the scenario RISK_MONITOR_SCENARIO names (default: simulators' default.yaml)
        parser.add_argument("--scenario", default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.MODE != "embedded":
            raise CommandError(
                "run_embedded: unset DATABASE_URL and REDIS_URL (stack mode uses "
                "the Procfile: make run)"
            )
        children = [] if options["no_simulators"] else _start_simulators(_scenario(options))
        scheduler = InProcessScheduler()
        grpc_server = None
        stopping = threading.Event()
        try:
            grpc_server = _start_grpc()
            scheduler.start()
            _announce_when_live(stopping, self.stdout.write)
            _serve_web(options["host"], options["port"])
        finally:
            stopping.set()
            scheduler.stop()
            if grpc_server is not None:
                grpc_server.stop(grace=2)
            _stop_all(children)


def _scenario(options: dict[str, Any]) -> str:
    """--scenario, else RISK_MONITOR_SCENARIO (checked with the other variables at start)."""
    return str(options["scenario"] or settings.RISK_MONITOR["SCENARIO"])


def _start_simulators(scenario: str) -> list[subprocess.Popen[bytes]]:
    if not Path(scenario).exists():
        raise CommandError(f"--scenario: no such file {scenario!r}")
    children: list[subprocess.Popen[bytes]] = []
    try:
        for kind, name, port in SIMULATORS:
            children.append(_start_simulator(kind, name, port, scenario))
    except BaseException:
        # A half-started set would outlive this process: stop what did start.
        _stop_all(children)
        raise
    return children


def _start_simulator(
    kind: str, name: str | None, port: int, scenario: str
) -> subprocess.Popen[bytes]:
    named = ["--name", name] if name is not None else []
    argv = [*named, "--port", str(port), "--scenario", scenario, "--seed", "42"]
    return subprocess.Popen(  # noqa: S603 - our own interpreter and module, fixed arguments
        [sys.executable, "-m", "simulators", kind, *argv], env=os.environ.copy()
    )


def _start_grpc() -> Any:
    try:
        from apps.core.grpc_server import build_server
    except ImportError:
        return None
    server = build_server(settings.RISK_MONITOR["GRPC_PORT"])
    server.start()
    return server


def _announce_when_live(stopping: threading.Event, write: Any) -> None:
    """Prints the banner once, when the first snapshot exists (now, if one already does)."""

    def wait_and_print() -> None:
        from django.db import connection

        try:
            while not stopping.wait(FIRST_SNAPSHOT_POLL_SECONDS):
                snapshot = latest_snapshot()
                if snapshot is not None:
                    write(live_banner(snapshot.as_of.astimezone(UTC).strftime("%H:%M:%S")))
                    return
        finally:
            connection.close()

    threading.Thread(target=wait_and_print, name="first-snapshot-banner", daemon=True).start()


def _serve_web(host: str, port: int) -> None:
    from daphne.cli import CommandLineInterface

    # Daphne owns the main thread and its signal handling; Ctrl-C returns here.
    CommandLineInterface().run(["-b", host, "-p", str(port), "riskmonitor.asgi:application"])


def _stop_all(children: list[subprocess.Popen[bytes]]) -> None:
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    for child in children:
        try:
            child.wait(timeout=5)
        except subprocess.TimeoutExpired:
            child.kill()
