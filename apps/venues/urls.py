from django.urls import path

from apps.venues import apis

urlpatterns = [
    path(
        "api/v1/data-sources/connectivity",
        apis.data_sources_connectivity,
        name="data-sources-connectivity",
    ),
    path("debug/data-sources/status", apis.data_sources_debug, name="data-sources-debug"),
]
