from django.urls import path

from apps.alerts import apis

urlpatterns = [
    path("debug/alert-processing-queue", apis.AlertQueueDebugApi.as_view(), name="alerts-queue"),
    path("api/v1/alerts", apis.AlertListApi.as_view(), name="alerts-list"),
    path(
        "api/v1/alerts/<int:alert_id>/history",
        apis.AlertHistoryApi.as_view(),
        name="alerts-history",
    ),
    path("api/v1/alerts/active", apis.AlertActiveApi.as_view(), name="alerts-active"),
    path(
        "api/v1/alerts/acknowledge", apis.AlertAcknowledgeApi.as_view(), name="alerts-acknowledge"
    ),
]
