from __future__ import annotations

import subprocess
import sys

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.core.roles import ROLES

pytestmark = pytest.mark.django_db


def test_it_creates_the_four_role_groups_with_their_permissions():
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES)
    officer = set(
        Group.objects.get(name="risk_officer").permissions.values_list("codename", flat=True)
    )
    trader = set(Group.objects.get(name="trader").permissions.values_list("codename", flat=True))
    auditor = set(Group.objects.get(name="auditor").permissions.values_list("codename", flat=True))
    assert {"operate_circuit_breaker", "approve_limit_change", "acknowledge_alert"} <= officer
    assert trader == {"view_risk"}
    assert {"export_reports", "view_audit"} <= auditor
    assert "operate_circuit_breaker" not in auditor
    assert "view_auditevent" in auditor  # model view permissions of the product's apps


def test_it_creates_a_role_user_and_prints_a_working_token(client, capsys):
    call_command("create_role_user", "bob", role="trader", password="Long-enough-pw-1", token=True)
    out = capsys.readouterr().out
    assert "created bob with role trader" in out
    token = out.split("token: ")[1].strip()
    response = client.get("/api/v1/system/status", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200


def test_it_refuses_a_duplicate_name():
    call_command("create_role_user", "carol", role="auditor", password="Long-enough-pw-1")
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_role_user", "carol", role="auditor", password="Long-enough-pw-1")


def test_it_refuses_an_unknown_role_on_the_command_line():
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "create_role_user",
            "dave",
            "--role",
            "ceo",
            "--password",
            "x",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "invalid choice: 'ceo'" in result.stderr


def test_it_needs_a_password_when_not_in_a_terminal():
    result = subprocess.run(
        [sys.executable, "manage.py", "create_role_user", "erin", "--role", "trader"],
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode != 0
    assert "password: give --password" in result.stderr


def test_it_locks_the_admin_login_after_repeated_failures(client, role_user):
    role_user("risk_officer", username="frank")
    for _ in range(5):
        client.post("/admin/login/", {"username": "frank", "password": "wrong"})
    response = client.post("/admin/login/", {"username": "frank", "password": "Long-enough-pw-1"})
    assert response.status_code == 429  # django-axes refuses even the right password now
