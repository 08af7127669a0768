"""Writes of the breaker app, one use case per function (each in its own module)."""

from apps.breaker.services.common import breakers_ensure
from apps.breaker.services.evaluate import Evaluation, breaker_evaluate, breaker_recover_due
from apps.breaker.services.execute import PlanReport, plan_execute
from apps.breaker.services.manual import breaker_reset, breaker_trip
from apps.breaker.services.plans import plan_approve

__all__ = [
    "Evaluation",
    "PlanReport",
    "breaker_evaluate",
    "breaker_recover_due",
    "breaker_reset",
    "breaker_trip",
    "breakers_ensure",
    "plan_approve",
    "plan_execute",
]
