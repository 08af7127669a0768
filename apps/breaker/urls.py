from django.urls import path

from apps.breaker import apis

urlpatterns = [
    path(
        "api/v1/emergency/circuit-breaker",
        apis.CircuitBreakerApi.as_view(),
        name="emergency-circuit-breaker",
    ),
    path(
        "api/v1/emergency/liquidation-plans/<int:plan_id>/approve",
        apis.PlanApproveApi.as_view(),
        name="emergency-liquidation-plan-approve",
    ),
]
