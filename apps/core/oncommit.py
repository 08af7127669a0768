"""The one way to queue a Celery task after the current transaction commits (DESIGN §4, step 5).

Tasks are named, not imported: a lower layer can queue a higher layer's task without importing
it, and a web process sends to the broker without loading the workers' task modules (ccxt,
numpy) on a request. In autocommit the task is sent at once; in embedded mode
(``task_always_eager``) it runs in this process.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Task, current_app
from django.db import transaction

log = logging.getLogger(__name__)


def task_send_on_commit(
    name: str,
    *,
    kwargs: dict[str, Any] | None = None,
    queue: str = "default",
    expires: float | None = None,
    once: bool = False,
) -> None:
    """Send task ``name`` with ``kwargs`` once this transaction commits; nothing if it rolls
    back. ``once``: at most one send of this (name, kwargs) per transaction, for kicks that
    several writes of one transaction would otherwise each send."""
    send = _Send(name, kwargs or {}, queue, expires)
    if once and any(hook == send for _, hook, _ in transaction.get_connection().run_on_commit):
        return
    transaction.on_commit(send, robust=True)


class _Send:
    """A queued send; equal to another of the same task and arguments (for ``once``)."""

    def __init__(self, name: str, kwargs: dict[str, Any], queue: str, expires: float | None):
        self.name, self.kwargs, self.queue, self.expires = name, kwargs, queue, expires
        # Django names a robust hook that failed by its __qualname__ when it logs the error.
        self.__qualname__ = f"task_send_on_commit({name!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Send) and (self.name, self.kwargs) == (other.name, other.kwargs)

    def __hash__(self) -> int:
        return hash(self.name)

    def __call__(self) -> None:
        options: dict[str, Any] = {"queue": self.queue, "expires": self.expires}
        if current_app.conf.task_always_eager:
            # send_task ignores eager mode: run the registered task here instead.
            _task(self.name).apply_async(kwargs=self.kwargs, **options)
        else:
            current_app.send_task(self.name, kwargs=self.kwargs, **options)


def _task(name: str) -> Task[..., Any]:
    if name not in current_app.tasks:
        # Only a worker imports the apps' task modules at start; an eager process (embedded
        # mode, a test) has them discovered on its first send.
        current_app.loader.import_default_modules()
    return current_app.tasks[name]
