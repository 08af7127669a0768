"""What a first run prints so that a new user can open the system and log in: the addresses and
the development login. ``bootstrap`` prints it before the processes start, ``run_embedded``
again once the first risk snapshot is stored, when the start-up lines have scrolled away."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

LOGIN_FILE_NAME = "first-run-login.txt"


def base_url() -> str:
    return f"http://127.0.0.1:{settings.RISK_MONITOR['PORT']}"


def login_file() -> Path:
    return Path(settings.VAR_DIR) / LOGIN_FILE_NAME


def login_save(username: str, password: str) -> None:
    path = login_file()
    path.write_text(f"{username} {password}\n")
    path.chmod(0o600)


def login_line() -> str:
    """The development login if ``bootstrap`` made one, else how to make a user."""
    path = login_file()
    saved = path.read_text().split() if path.exists() else []
    if len(saved) == 2:
        username, password = saved
        return f"Log in as {username} / {password} (a risk officer; saved in var/{LOGIN_FILE_NAME})"
    return (
        "Log in with your user; create one with: .venv/bin/python manage.py "
        "create_role_user NAME --role risk_officer"
    )


def addresses_line() -> str:
    url = base_url()
    return f"Risk Monitor ({settings.MODE} mode): {url}  (admin: {url}/admin/)"


def live_banner(first_snapshot_at: str) -> str:
    """Printed once the first snapshot exists: the figures are there to look at."""
    url = base_url()
    lines = [
        "",
        f"Risk Monitor is live: first risk snapshot stored at {first_snapshot_at} UTC.",
        f"  Dashboard: {url}/  (admin: {url}/admin/)",
        f"  {login_line()}",
    ]
    if settings.MODE == "embedded":
        lines.append(f"  Full JSON log: var/{Path(settings.LOG_FILE).name}")
    return "\n".join([*lines, ""])
