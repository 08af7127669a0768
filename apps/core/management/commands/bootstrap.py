"""``manage.py bootstrap``: load the YAML configuration into the database (idempotent) and, on a
development run, make sure someone can log in. Prints the URL and how to log in."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from apps.core.bootstrap import bootstrap_loaders
from apps.core.roles import RISK_OFFICER
from apps.core.services import role_user_create

DEMO_USER = "officer"


class Command(BaseCommand):
    help = "Load configuration into the database and print how to log in."

    def handle(self, *args: Any, **options: Any) -> None:
        for loader in bootstrap_loaders().values():
            self.stdout.write(loader())
        url = f"http://127.0.0.1:{settings.RISK_MONITOR['PORT']}"
        self.stdout.write(f"\nRisk Monitor ({settings.MODE} mode): {url}  (admin: {url}/admin/)")
        self.stdout.write(self._login_hint())

    def _login_hint(self) -> str:
        users = get_user_model().objects
        if settings.DEBUG and not users.exists():
            password = secrets.token_urlsafe(12)
            role_user_create(username=DEMO_USER, role=RISK_OFFICER, password=password)
            credentials = settings.VAR_DIR / "first-run-login.txt"
            credentials.write_text(f"{DEMO_USER} {password}\n")
            credentials.chmod(0o600)
            return (
                f"Log in as {DEMO_USER} / {password} (a risk officer; also saved in "
                f"var/first-run-login.txt)"
            )
        return (
            "Log in with your user; create one with: .venv/bin/python manage.py "
            "create_role_user NAME --role risk_officer"
        )
