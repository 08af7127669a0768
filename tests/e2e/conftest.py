"""The end-to-end modules run side by side (``make test``: pytest-xdist, ``--dist loadgroup``).
Each module's tests stay on one worker, so its one running system starts once; the modules that
start ``make run`` share fixed ports (8080, the simulators' 9101, 9102, 9201) and take turns."""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).parent
FIXED_PORT_MODULES = frozenset({"test_make_run", "test_embedded_cycle"})


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.parent != HERE:
            continue
        module = item.path.stem
        group = "fixed-ports" if module in FIXED_PORT_MODULES else module
        item.add_marker(pytest.mark.xdist_group(group))
