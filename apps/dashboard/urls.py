from django.urls import path

from apps.dashboard import apis

urlpatterns = [
    path("risk-metrics", apis.RiskMetricsApi.as_view(), name="dashboard-risk-metrics"),
    path("position-heatmap", apis.PositionHeatmapApi.as_view(), name="dashboard-position-heatmap"),
    path("pnl-attribution", apis.PnlAttributionApi.as_view(), name="dashboard-pnl-attribution"),
    path(
        "limit-utilization", apis.LimitUtilizationApi.as_view(), name="dashboard-limit-utilization"
    ),
]
