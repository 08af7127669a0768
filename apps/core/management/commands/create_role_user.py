"""``manage.py create_role_user NAME --role ROLE [--password P] [--token]``."""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.core.roles import ROLES
from apps.core.services import api_token_issue, role_user_create


class Command(BaseCommand):
    help = "Create a user in one role; --token prints an API token for it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("--role", required=True, choices=ROLES)
        parser.add_argument("--password", help="prompted for when omitted")
        parser.add_argument("--email", default="")
        parser.add_argument("--token", action="store_true", help="print an API token")

    def handle(self, *args: Any, **options: Any) -> None:
        password = options["password"] or _prompt_password()
        try:
            user = role_user_create(
                username=options["name"],
                role=options["role"],
                password=password,
                email=options["email"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"created {user.username} with role {options['role']}")
        if options["token"]:
            self.stdout.write(f"token: {api_token_issue(user=user)}")


def _prompt_password() -> str:
    if not sys.stdin.isatty():
        raise CommandError("password: give --password or run in a terminal to be prompted")
    first = getpass.getpass("Password: ")
    if not first or first != getpass.getpass("Password (again): "):
        raise CommandError("password: the two entries are empty or differ")
    return first
