"""``manage.py rungrpc``: the gRPC server on RISK_MONITOR_GRPC_PORT until SIGTERM or Ctrl-C."""

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

    def handle(self, *args: Any, **options: Any) -> None:
        load_config_or_exit()
        server = build_server(options["port"], host=options["host"])
        server.start()
        self.stdout.write(f"gRPC listening on {options['host']}:{options['port']}")
        stopped = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stopped.set())
        stopped.wait()
        server.stop(grace=5).wait()
