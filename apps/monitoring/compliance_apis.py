"""REST door of mandate compliance: ``GET /api/v1/compliance/status``."""

from __future__ import annotations

from typing import Any, Final

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.alerts.models import Severity
from apps.core.errors import error_responses
from apps.core.pagination import StrictQuerySerializer
from apps.core.permissions import HasPermission
from apps.limits.states import STATES
from apps.monitoring.compliance import LimitCompliance, PortfolioCompliance, compliance_status
from apps.positions.models import Portfolio

# Portfolio names are slugs (apps.positions.models.Portfolio.name).
PORTFOLIO_PATTERN: Final = r"^[-a-zA-Z0-9_]{1,64}$"


class PortfolioQuerySerializer(StrictQuerySerializer):
    portfolio = serializers.RegexField(
        PORTFOLIO_PATTERN, max_length=64, required=False, help_text="a portfolio's name"
    )


def portfolio_named(name: str) -> Portfolio:
    """The portfolio of that name; a well-formed name of none is a 404, not bad input."""
    found = Portfolio.objects.filter(name=name).first()
    if found is None:
        raise NotFound(f"no portfolio named {name!r}")
    return found


class ScopeComplianceOutput(serializers.Serializer[Any]):
    scope = serializers.CharField()
    current = serializers.FloatField()
    limit = serializers.FloatField()
    utilization = serializers.FloatField()
    severity = serializers.ChoiceField(choices=Severity.choices, allow_null=True)
    state = serializers.ChoiceField(choices=STATES)


class LimitComplianceOutput(serializers.Serializer[LimitCompliance]):
    limit_id = serializers.IntegerField()
    limit_key = serializers.CharField()
    breach_type = serializers.CharField()
    scope_kind = serializers.CharField()
    scope = serializers.CharField()
    unit = serializers.CharField()
    enabled = serializers.BooleanField()
    state = serializers.ChoiceField(
        choices=STATES, allow_null=True, help_text="null: no reading (disabled, figure unknown)"
    )
    utilization = serializers.FloatField(allow_null=True, help_text="highest over its scopes")
    warn_at = serializers.FloatField(allow_null=True, help_text="utilization where warn starts")
    breach_seconds_today = serializers.FloatField(help_text="in breach since 00:00 UTC")
    readings = ScopeComplianceOutput(many=True)


class PortfolioComplianceOutput(serializers.Serializer[PortfolioCompliance]):
    portfolio_id = serializers.IntegerField()
    portfolio = serializers.CharField()
    snapshot_id = serializers.IntegerField(allow_null=True)
    as_of = serializers.DateTimeField(allow_null=True)
    status = serializers.ChoiceField(
        choices=STATES, allow_null=True, help_text="the worst state of its limits"
    )
    breach_seconds_today = serializers.FloatField(
        help_text="time any of its limits was in breach since 00:00 UTC"
    )
    limits = LimitComplianceOutput(many=True)


class ComplianceStatusApi(APIView):
    """Per portfolio: each limit's state (ok, warn, breach) with utilization against the latest
    risk snapshot, the overall status and the time in breach today."""

    permission_classes = [IsAuthenticated, HasPermission.of("core.view_risk")]

    @extend_schema_serializer(component_name="ComplianceStatus")
    class OutputSerializer(serializers.Serializer[dict[str, Any]]):
        checked_at = serializers.DateTimeField()
        portfolios = PortfolioComplianceOutput(many=True)

    @extend_schema(
        parameters=[PortfolioQuerySerializer],
        responses={200: OutputSerializer, **error_responses(400, 404)},
    )
    def get(self, request: Request) -> Response:
        query = PortfolioQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        name = query.validated_data.get("portfolio")
        portfolio_id = portfolio_named(name).pk if name else None
        now = timezone.now()
        portfolios = compliance_status(portfolio_id=portfolio_id, now=now)
        return Response(self.OutputSerializer({"checked_at": now, "portfolios": portfolios}).data)
