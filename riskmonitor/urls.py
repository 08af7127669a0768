from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerView

from apps.core import apis as core
from apps.dashboard import views as dashboard_views

urlpatterns = [
    # Readers of risk land on the live dashboard, others on the back office.
    path("", dashboard_views.home, name="home"),
    path("health", core.health, name="health"),
    path("metrics", core.metrics, name="metrics"),
    path("api/v1/system/status", core.system_status, name="system-status"),
    path("api/v1/schema", core.SchemaApi.as_view(), name="schema"),
    # A browser page: without a session it sends people to log in rather than answer 401.
    path(
        "api/docs/",
        login_required(SpectacularSwaggerView.as_view(url_name="schema"), login_url="admin:login"),
        name="api-docs",
    ),
    path("api/v1/limits/", include("apps.limits.urls")),
    path("admin/", admin.site.urls),
    path("", include("apps.risk.urls")),
    path("", include("apps.monitoring.urls")),
    path("", include("apps.alerts.urls")),
    path("", include("apps.venues.urls")),
    path("", include("apps.breaker.urls")),
    path("", include("apps.dashboard.urls")),
]

handler404 = "apps.core.apis.not_found"
