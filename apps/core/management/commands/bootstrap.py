"""``manage.py bootstrap``: load the YAML configuration into the database (idempotent) and, on a
development run, make sure someone can log in. Prints the URL and how to log in."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from apps.core.bootstrap import bootstrap_loaders
from apps.core.firstrun import addresses_line, login_line, login_save
from apps.core.roles import RISK_OFFICER
from apps.core.services import role_user_create

DEMO_USER = "officer"


class Command(BaseCommand):
    help = "Load configuration into the database and print how to log in."

    def handle(self, *args: Any, **options: Any) -> None:
        for loader in bootstrap_loaders().values():
            self.stdout.write(loader())
        _first_login_create()
        self.stdout.write(f"\n{addresses_line()}")
        self.stdout.write(login_line())


def _first_login_create() -> None:
    """On a development run with no user at all, a risk officer with a fresh password."""
    if settings.DEBUG and not get_user_model().objects.exists():
        password = secrets.token_urlsafe(12)
        role_user_create(username=DEMO_USER, role=RISK_OFFICER, password=password)
        login_save(DEMO_USER, password)
