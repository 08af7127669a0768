from __future__ import annotations

import os
import subprocess
import sys


def test_it_passes_the_deployment_check_under_production_settings():
    env = os.environ | {
        "DJANGO_DEBUG": "false",
        "SECRET_KEY": "a-long-random-looking-production-key-9f8e7d6c5b4a3210-zyxwvu-QPONML",
        "ALLOWED_HOSTS": "risk.example.com",
    }
    env.pop("SECURE_SSL_REDIRECT", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
