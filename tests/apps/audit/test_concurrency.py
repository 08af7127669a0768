"""Two processes append at the same time: the chain stays one, gapless and unforked."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

from apps.audit.models import AuditEvent
from apps.audit.selectors import audit_chain_verify

EVENTS_PER_WRITER = 500

# Each writer says it is ready, then waits for the other, so that both append at once rather
# than one after the other because one interpreter started faster.
WRITER = """
import os, pathlib, time
from apps.audit.services import audit_record
barrier = pathlib.Path(os.environ["AUDIT_BARRIER"])
(barrier / os.environ["AUDIT_ACTOR"]).touch()
deadline = time.monotonic() + 60
while len(list(barrier.iterdir())) < 2 and time.monotonic() < deadline:
    time.sleep(0.005)
for n in range(int(os.environ["AUDIT_EVENTS"])):
    audit_record(event_type="concurrency_probe", actor=os.environ["AUDIT_ACTOR"], payload={"n": n})
"""


@pytest.mark.django_db(transaction=True)
def test_it_keeps_one_chain_when_two_processes_append_at_once(
    manage_py: Any, tmp_path: Path
) -> None:
    writers = [
        manage_py.start(
            "shell", "-c", WRITER,
            AUDIT_BARRIER=str(tmp_path), AUDIT_ACTOR=actor, AUDIT_EVENTS=str(EVENTS_PER_WRITER),
        )
        for actor in ("system:writer-a", "system:writer-b")
    ]  # fmt: skip
    outcomes = [(writer.wait(timeout=240), writer.stderr.read()) for writer in writers]

    assert [code for code, _ in outcomes] == [0, 0], outcomes
    verdict = audit_chain_verify()
    assert (verdict.intact, verdict.events) == (True, 2 * EVENTS_PER_WRITER)
    actors = list(AuditEvent.objects.order_by("sequence").values_list("actor", flat=True))
    assert actors.count("system:writer-a") == EVENTS_PER_WRITER
    # The writers really overlapped: the chain switches between them more than once.
    assert len(list(itertools.groupby(actors))) > 2
