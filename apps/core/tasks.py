from celery import shared_task

from apps.core.services import scheduler_tick_record


@shared_task(name="core.heartbeat", ignore_result=True)
def heartbeat() -> float:
    return scheduler_tick_record()
