"""The end-to-end modules run side by side (``make test``: pytest-xdist, ``--dist loadfile``):
each module stays on one worker, so its one running system starts once. The modules that start
``make run`` use fixed ports (8080, the simulators' 9101, 9102, 9201), so they take turns."""

from __future__ import annotations

import fcntl
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

FIXED_PORT_MODULES = frozenset({"test_make_run", "test_embedded_cycle"})
FIXED_PORTS_LOCK = Path(tempfile.gettempdir()) / "riskmonitor-e2e-fixed-ports.lock"


@pytest.fixture(scope="module", autouse=True)
def _fixed_ports_in_turn(request: pytest.FixtureRequest) -> Iterator[None]:
    """Holds an exclusive lock while a fixed-port module runs; the other one waits for it."""
    if request.path.stem not in FIXED_PORT_MODULES:
        yield
        return
    with FIXED_PORTS_LOCK.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield
