from django.urls import path

from apps.risk import apis

urlpatterns = [
    path("api/v1/risk/status", apis.RiskStatusApi.as_view(), name="risk-status"),
    path("api/v1/positions/summary", apis.PositionsSummaryApi.as_view(), name="positions-summary"),
    path("api/v1/portfolio/pnl", apis.PortfolioPnlApi.as_view(), name="portfolio-pnl"),
    path(
        "debug/risk-calculations",
        apis.RiskCalculationsDebugApi.as_view(),
        name="debug-risk-calculations",
    ),
]
