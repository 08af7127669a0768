from __future__ import annotations

from collections.abc import Callable, Sequence
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from apps.audit.services import audit_record

Tamper = Callable[[str, Sequence[Any]], None]


def _chain(length: int) -> list[str]:
    return [
        audit_record(event_type="risk_evaluated", actor="system:test", payload={"n": n}).hash
        for n in range(length)
    ]


@pytest.mark.django_db
def test_it_prints_the_event_count_and_head_when_intact() -> None:
    hashes = _chain(3)
    out = StringIO()

    call_command("verify_audit", stdout=out)

    assert out.getvalue().strip() == f"audit chain intact: 3 events, head {hashes[-1][:16]}"


@pytest.mark.django_db
def test_it_fails_naming_the_first_broken_sequence(tamper: Tamper) -> None:
    _chain(5)
    tamper("UPDATE audit_auditevent SET actor = 'mallory' WHERE sequence = 4", [])

    with pytest.raises(CommandError) as failure:
        call_command("verify_audit")

    assert str(failure.value) == (
        "audit chain broken at sequence 4: hash mismatch (row content changed)"
    )
    assert failure.value.returncode == 1


@pytest.mark.django_db(transaction=True)
def test_it_exits_0_when_intact_and_1_naming_the_sequence_once_tampered(
    tamper: Tamper, manage_py: Any
) -> None:
    _chain(3)
    intact = manage_py.run("verify_audit")
    tamper("UPDATE audit_auditevent SET level = 'info', actor = 'x' WHERE sequence = 2", [])
    broken = manage_py.run("verify_audit")

    assert intact.returncode == 0, intact.stderr
    assert intact.stdout.startswith("audit chain intact: 3 events, head ")
    assert broken.returncode == 1
    assert "audit chain broken at sequence 2: hash mismatch (row content changed)" in broken.stderr
