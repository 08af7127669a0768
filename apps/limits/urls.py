from django.urls import path

from apps.limits import apis

urlpatterns = [
    path("current", apis.LimitsCurrentApi.as_view(), name="limits-current"),
    path("update", apis.LimitChangeProposeApi.as_view(), name="limits-update"),
    path(
        "requests/<int:request_id>/approve",
        apis.LimitChangeApproveApi.as_view(),
        name="limits-request-approve",
    ),
    path(
        "requests/<int:request_id>/reject",
        apis.LimitChangeRejectApi.as_view(),
        name="limits-request-reject",
    ),
]
