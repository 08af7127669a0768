"""What a first run prints: the addresses and the development login, again once it is live."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings

from apps.core.firstrun import live_banner, login_file, login_line

pytestmark = pytest.mark.django_db


@pytest.fixture
def var_dir(tmp_path: Path):  # type: ignore[no-untyped-def]
    with override_settings(VAR_DIR=tmp_path):
        yield tmp_path


def test_a_development_bootstrap_makes_the_first_login_and_prints_it(var_dir: Path) -> None:
    out = StringIO()
    with override_settings(DEBUG=True):
        call_command("bootstrap", stdout=out)
    username, password = login_file().read_text().split()
    assert get_user_model().objects.get(username=username).check_password(password)
    assert f"Log in as {username} / {password}" in out.getvalue()
    assert oct(login_file().stat().st_mode & 0o777) == "0o600"


def test_the_live_banner_repeats_the_saved_login_and_the_addresses(var_dir: Path) -> None:
    (var_dir / "first-run-login.txt").write_text("officer s3cret-pw\n")
    banner = live_banner("14:14:28")
    assert "first risk snapshot stored at 14:14:28 UTC" in banner
    assert "Log in as officer / s3cret-pw" in banner
    assert "Dashboard: http://127.0.0.1:" in banner and "/admin/" in banner


def test_without_a_saved_login_it_says_how_to_make_a_user(var_dir: Path) -> None:
    assert "create_role_user NAME --role risk_officer" in login_line()


def test_a_production_bootstrap_creates_no_user(var_dir: Path) -> None:
    with override_settings(DEBUG=False):
        call_command("bootstrap", stdout=StringIO())
    assert not get_user_model().objects.exists()
    assert not login_file().exists()
