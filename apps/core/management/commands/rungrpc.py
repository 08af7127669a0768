"""``manage.py rungrpc``: the gRPC server on RISK_MONITOR_GRPC_PORT until SIGTERM or Ctrl-C.

On either signal the server shuts down gracefully: health reports NOT_SERVING, new calls are
refused, calls in flight get ``--grace`` seconds to finish, and the command exits 0."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from apps.core.grpc_server import build_server
from riskmonitor.conf import load_config_or_exit


class Command(BaseCommand):
    help = "Serve the gRPC API."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=settings.RISK_MONITOR["GRPC_PORT"])
        parser.add_argument("--workers", type=int, default=8, help="calls served at once")
        parser.add_argument(
            "--grace", type=float, default=10.0, help="seconds calls in flight get at shutdown"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        load_config_or_exit()
        server = build_server(options["port"], host=options["host"], workers=options["workers"])
        stopped = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stopped.set())
        server.start()
        names = ", ".join(server.services) or "no product service"
        self.stdout.write(f"gRPC listening on {options['host']}:{options['port']} ({names})")
        stopped.wait()
        self.stdout.write(f"gRPC stopping: {options['grace']:g}s for calls in flight")
        server.stop(grace=options["grace"])
        self.stdout.write("gRPC stopped")
