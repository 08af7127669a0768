"""The Celery app. Loaded by apps.core.apps.CoreConfig.ready(), never by riskmonitor/__init__.py,
so the pure engine stays importable without Celery."""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import beat_init, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riskmonitor.settings")

app = Celery("riskmonitor")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _install_beat_schedule(sender: Celery, **_: object) -> None:
    from riskmonitor.schedule import beat_schedule

    sender.conf.beat_schedule = beat_schedule()


@beat_init.connect
@worker_init.connect
def _validate_config_on_start(**_: object) -> None:
    from riskmonitor.conf import load_config_or_exit

    load_config_or_exit()


@worker_init.connect
def _serve_worker_metrics(**_: object) -> None:
    from apps.core.metrics import worker_metrics_serve

    worker_metrics_serve()
