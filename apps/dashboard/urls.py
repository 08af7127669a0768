from django.contrib.auth.views import LogoutView
from django.urls import path

from apps.dashboard import apis, views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("login/", views.DashboardLoginView.as_view(), name="dashboard-login"),
    path("logout/", LogoutView.as_view(next_page="dashboard-login"), name="dashboard-logout"),
    path(
        "api/v1/dashboard/risk-metrics",
        apis.RiskMetricsApi.as_view(),
        name="dashboard-risk-metrics",
    ),
    path(
        "api/v1/dashboard/position-heatmap",
        apis.PositionHeatmapApi.as_view(),
        name="dashboard-position-heatmap",
    ),
    path(
        "api/v1/dashboard/pnl-attribution",
        apis.PnlAttributionApi.as_view(),
        name="dashboard-pnl-attribution",
    ),
    path(
        "api/v1/dashboard/limit-utilization",
        apis.LimitUtilizationApi.as_view(),
        name="dashboard-limit-utilization",
    ),
    path(
        "debug/compliance-engine-state",
        apis.ComplianceEngineStateApi.as_view(),
        name="debug-compliance-engine-state",
    ),
]
