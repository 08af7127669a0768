from django.urls import path

from apps.monitoring import apis, compliance_apis

urlpatterns = [
    # Under /risk/ as before the view moved here: the path is the product contract.
    path("api/v1/risk/what-if", apis.WhatIfApi.as_view(), name="risk-what-if"),
    path(
        "api/v1/compliance/status",
        compliance_apis.ComplianceStatusApi.as_view(),
        name="compliance-status",
    ),
]
