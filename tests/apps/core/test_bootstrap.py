"""``manage.py bootstrap``: every app's registered loader, in INSTALLED_APPS order."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from apps.core.bootstrap import bootstrap_loader_register, bootstrap_loaders

pytestmark = pytest.mark.django_db


def test_it_registers_each_apps_loader_in_installed_apps_order() -> None:
    assert list(bootstrap_loaders()) == ["roles", "venues", "limits", "breakers"]


def test_it_prints_one_line_per_loader_in_order() -> None:
    out = StringIO()

    call_command("bootstrap", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == "roles: risk_officer, trader, auditor, integration"
    assert lines[1].startswith("venues: ")
    assert lines[2].startswith("limits: 30 created")


def test_it_replaces_a_loader_registered_again_in_its_place() -> None:
    original = bootstrap_loaders()["venues"]
    try:
        bootstrap_loader_register("venues", lambda: "venues: replaced")

        assert list(bootstrap_loaders()) == ["roles", "venues", "limits", "breakers"]
        assert bootstrap_loaders()["venues"]() == "venues: replaced"
    finally:
        bootstrap_loader_register("venues", original)
