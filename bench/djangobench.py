"""What the database benchmarks share: Django set up on a database of the bench's own (never
the working one), and a throwaway test database for the run."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse


def setup_django(
    bench_database: str, quiet_loggers: tuple[str, ...] = ("riskmonitor.audit",)
) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    url = os.environ.get("DATABASE_URL")
    if url:
        # Never the working database: the same server, a database of the bench's own.
        os.environ["DATABASE_URL"] = urlparse(url)._replace(path=f"/{bench_database}").geturl()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riskmonitor.settings")
    os.environ.setdefault("RISK_MONITOR_LOG_LEVEL", "warning")
    import django

    django.setup()
    for name in quiet_loggers:
        # A log line per event would measure the console, not the code.
        logger = logging.getLogger(name)
        logger.handlers = [logging.NullHandler()]
        logger.propagate = False


@contextmanager
def throwaway_database() -> Iterator[None]:
    from django.test.utils import setup_databases, teardown_databases

    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        yield
    finally:
        from django.db import connections

        # Threads' connections would keep the throwaway database from being dropped.
        connections.close_all()
        teardown_databases(old_config, verbosity=0)
