"""The periodic expiry task and the bootstrap step, run the way beat and bootstrap run them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from apps.core.bootstrap import bootstrap_loaders
from apps.limits.models import Limit, LimitChangeRequest, RequestStatus
from apps.limits.services import limit_change_propose
from apps.limits.tasks import requests_expire
from riskmonitor.schedule import schedule_table

pytestmark = pytest.mark.django_db


def test_it_expires_requests_from_the_scheduled_task(shipped_limits: None, role_user) -> None:
    entry = next(e for e in schedule_table() if e.task == "limits.requests_expire")
    request = limit_change_propose(
        proposer=role_user("risk_officer"), reason="more room",
        limit_key="portfolio_limits.max_var_99", value=Decimal("800000"),
    )  # fmt: skip

    with time_machine.travel(timezone.now() + timedelta(hours=24, seconds=1)):
        expired = requests_expire.apply(kwargs=entry.kwargs, throw=True).get()

    assert expired == 1
    assert LimitChangeRequest.objects.get(pk=request.pk).status == RequestStatus.EXPIRED
    assert (requests_expire.name, entry.every_seconds) == (entry.task, 60.0)


def test_it_loads_the_shipped_limits_in_bootstrap_idempotently() -> None:
    step = bootstrap_loaders()["limits"]

    first, second = step(), step()

    assert first.startswith("limits: 30 created")
    assert second.startswith("limits: 0 created, 0 updated, 0 disabled")
    assert Limit.objects.count() == 30
