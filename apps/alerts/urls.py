from django.urls import path

from apps.alerts import apis

urlpatterns = [
    path("api/v1/alerts/active", apis.AlertActiveApi.as_view(), name="alerts-active"),
    path(
        "api/v1/alerts/acknowledge", apis.AlertAcknowledgeApi.as_view(), name="alerts-acknowledge"
    ),
]
