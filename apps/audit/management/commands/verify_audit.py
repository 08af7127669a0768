"""``manage.py verify_audit``: exit 0 only when the whole chain and its guard are intact."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apps.audit.selectors import audit_chain_verify, audit_guard_problem


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain and name the first broken link."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--chunk-size", type=int, default=5000, help="rows fetched per batch")

    def handle(self, *args: Any, **options: Any) -> None:
        verdict = audit_chain_verify(chunk_size=options["chunk_size"])
        if not verdict.intact:
            raise CommandError(
                f"audit chain broken at sequence {verdict.broken_at}: {verdict.reason}",
                returncode=1,
            )
        guard = audit_guard_problem()
        if guard is not None:
            raise CommandError(f"audit trail unguarded: {guard}", returncode=1)
        head = verdict.head_hash[:16] if verdict.head_hash else "none"
        self.stdout.write(f"audit chain intact: {verdict.events} events, head {head}")
