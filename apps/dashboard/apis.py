"""REST doors of the live dashboard: headline metrics, the position heatmap, P&L attribution
over a window, limit utilization (each from the portfolio's latest risk snapshot); and the
compliance engine's state (debug)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Final

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.alerts.models import AlertStatus, Severity
from apps.breaker.models import BreakerState, TripReason
from apps.core.errors import error_responses
from apps.core.permissions import HasPermission
from apps.dashboard.selectors.attribution import pnl_attribution
from apps.dashboard.selectors.engine_state import compliance_engine_state
from apps.dashboard.selectors.headline import risk_metrics
from apps.dashboard.selectors.heatmap import position_heatmap
from apps.dashboard.selectors.limits import limit_utilization
from apps.limits.states import STATES
from apps.monitoring.compliance_apis import PortfolioQuerySerializer
from apps.positions.models import Portfolio
from apps.risk.selectors.snapshots import PortfolioNotFound, portfolio_resolve
from riskmonitor.conf.schemas.dashboard import PositionHeatmap

MAX_WINDOW_MINUTES: Final = 7 * 24 * 60
DEFAULT_WINDOW_MINUTES: Final = 24 * 60


def _portfolio(request: Request) -> Portfolio:
    """The named portfolio, else the default; a well-formed name of none is a 404."""
    query = PortfolioQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    try:
        return portfolio_resolve(query.validated_data.get("portfolio"))
    except PortfolioNotFound as error:
        raise NotFound(str(error)) from error


def _found[T](body: T | None, portfolio: Portfolio) -> T:
    if body is None:
        raise NotFound(f"no risk snapshot yet for portfolio {portfolio.name!r}")
    return body


class _DashboardApi(APIView):
    permission_classes = [IsAuthenticated, HasPermission.of("core.view_risk")]


class _PnlOutput(serializers.Serializer[dict[str, Any]]):
    daily_pnl = serializers.FloatField(allow_null=True)
    total_pnl = serializers.FloatField()
    unrealized_pnl = serializers.FloatField()
    realized_today = serializers.FloatField()


class _VarOutput(serializers.Serializer[dict[str, Any]]):
    historical_var_99 = serializers.FloatField(allow_null=True)
    parametric_var_99 = serializers.FloatField(allow_null=True)
    expected_shortfall_99 = serializers.FloatField(allow_null=True)


class _DrawdownOutput(serializers.Serializer[dict[str, Any]]):
    drawdown = serializers.FloatField(allow_null=True, help_text="negative fraction of the HWM")
    high_water_mark = serializers.FloatField(allow_null=True)


class _BreakerOutput(serializers.Serializer[dict[str, Any]]):
    state = serializers.ChoiceField(choices=BreakerState.choices)
    reason = serializers.ChoiceField(choices=TripReason.choices, allow_null=True)
    tripped_at = serializers.DateTimeField(allow_null=True)
    recovery_due_at = serializers.DateTimeField(allow_null=True)


class _FreshnessOutput(serializers.Serializer[dict[str, Any]]):
    snapshot_age_seconds = serializers.FloatField()
    oldest_input_age_seconds = serializers.FloatField(allow_null=True)
    stale_sources = serializers.ListField(child=serializers.CharField())
    stale = serializers.BooleanField()


class RiskMetricsApi(_DashboardApi):
    """The latest snapshot's headline figures, the breaker's state and the data's freshness."""

    @extend_schema_serializer(component_name="DashboardRiskMetrics")
    class OutputSerializer(serializers.Serializer[dict[str, Any]]):
        portfolio = serializers.CharField()
        snapshot_id = serializers.IntegerField()
        as_of = serializers.DateTimeField()
        currency = serializers.CharField()
        equity = serializers.FloatField()
        pnl = _PnlOutput()
        var = _VarOutput()
        leverage = serializers.FloatField(allow_null=True)
        gross_notional = serializers.FloatField()
        drawdown = _DrawdownOutput()
        breaker = _BreakerOutput()
        data_freshness = _FreshnessOutput()

    @extend_schema(
        parameters=[PortfolioQuerySerializer],
        responses={200: OutputSerializer, **error_responses(400, 404)},
    )
    def get(self, request: Request) -> Response:
        portfolio = _portfolio(request)
        body = _found(risk_metrics(portfolio=portfolio, now=timezone.now()), portfolio)
        return Response(self.OutputSerializer(body).data)


def _literal_choices(field: str) -> list[str]:
    annotation = PositionHeatmap.model_fields[field].annotation
    return list(getattr(annotation, "__args__", ()))


class _CellOutput(serializers.Serializer[dict[str, Any]]):
    venue = serializers.CharField()
    symbol = serializers.CharField()
    group = serializers.CharField()
    size = serializers.FloatField(help_text="net base units at the venue")
    mark_usd = serializers.FloatField(allow_null=True)
    notional = serializers.FloatField(allow_null=True, help_text="|size| x mark_usd")
    exposure = serializers.FloatField(allow_null=True, help_text="size x mark_usd, signed")
    unrealized_pnl = serializers.FloatField(allow_null=True)
    realized_today = serializers.FloatField(allow_null=True)
    total_pnl = serializers.FloatField(allow_null=True)
    pnl_complete = serializers.BooleanField()
    size_value = serializers.FloatField(allow_null=True, help_text="the tile size (size_metric)")


class _HeatmapGroupOutput(serializers.Serializer[dict[str, Any]]):
    name = serializers.CharField()
    cells = serializers.IntegerField()
    notional = serializers.FloatField()
    total_pnl = serializers.FloatField()
    complete = serializers.BooleanField()


class PositionHeatmapApi(_DashboardApi):
    """Venue x symbol cells with notional and P&L, grouped as ``dashboard_config.yaml`` says."""

    @extend_schema_serializer(component_name="DashboardPositionHeatmap")
    class OutputSerializer(serializers.Serializer[dict[str, Any]]):
        portfolio = serializers.CharField()
        snapshot_id = serializers.IntegerField()
        as_of = serializers.DateTimeField()
        grouping = serializers.ChoiceField(choices=_literal_choices("grouping"))
        color_scheme = serializers.ChoiceField(choices=_literal_choices("color_scheme"))
        size_metric = serializers.ChoiceField(choices=_literal_choices("size_metric"))
        venues = serializers.ListField(child=serializers.CharField())
        symbols = serializers.ListField(child=serializers.CharField())
        cells = _CellOutput(many=True)
        groups = _HeatmapGroupOutput(many=True)

    @extend_schema(
        parameters=[PortfolioQuerySerializer],
        responses={200: OutputSerializer, **error_responses(400, 404)},
    )
    def get(self, request: Request) -> Response:
        portfolio = _portfolio(request)
        body = _found(position_heatmap(portfolio=portfolio), portfolio)
        return Response(self.OutputSerializer(body).data)


class _WindowPnlOutput(serializers.Serializer[dict[str, Any]]):
    pnl = serializers.FloatField(help_text="unrealized_change + realized")
    unrealized_change = serializers.FloatField()
    realized = serializers.FloatField(help_text="realized P&L booked in the window")
    complete = serializers.BooleanField(help_text="false: a row had no mark at an end")


class _SnapshotRefOutput(serializers.Serializer[dict[str, Any]]):
    id = serializers.IntegerField()
    as_of = serializers.DateTimeField()


class PnlAttributionApi(_DashboardApi):
    """P&L by strategy, venue and symbol over the last ``window_minutes``."""

    class QuerySerializer(PortfolioQuerySerializer):
        window_minutes = serializers.IntegerField(
            min_value=1,
            max_value=MAX_WINDOW_MINUTES,
            default=DEFAULT_WINDOW_MINUTES,
            help_text="the window, ending now (1 minute to 7 days)",
        )

    @extend_schema_serializer(component_name="DashboardPnlAttribution")
    class OutputSerializer(serializers.Serializer[dict[str, Any]]):
        portfolio = serializers.CharField()
        window_start = serializers.DateTimeField()
        window_end = serializers.DateTimeField()
        first_snapshot = _SnapshotRefOutput()
        last_snapshot = _SnapshotRefOutput()
        by_strategy = serializers.DictField(child=_WindowPnlOutput())
        by_venue = serializers.DictField(child=_WindowPnlOutput())
        by_symbol = serializers.DictField(child=_WindowPnlOutput())
        total = _WindowPnlOutput()

    @extend_schema(
        parameters=[QuerySerializer],
        responses={200: OutputSerializer, **error_responses(400, 404)},
    )
    def get(self, request: Request) -> Response:
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        portfolio = _portfolio(request)
        window = timedelta(minutes=query.validated_data["window_minutes"])
        body = pnl_attribution(portfolio=portfolio, window=window, now=timezone.now())
        if body is None:
            raise NotFound(f"no risk snapshot of {portfolio.name!r} in the window")
        return Response(self.OutputSerializer(body).data)


class _DisplayOutput(serializers.Serializer[dict[str, Any]]):
    show_utilization_percentage = serializers.BooleanField()
    warn_at_utilization = serializers.FloatField(help_text="amber band from")
    alert_at_utilization = serializers.FloatField(help_text="red band from")


class _ScopeUtilizationOutput(serializers.Serializer[dict[str, Any]]):
    scope = serializers.CharField()
    current = serializers.FloatField()
    limit = serializers.FloatField()
    utilization = serializers.FloatField()


class _LimitUtilizationOutput(serializers.Serializer[dict[str, Any]]):
    limit_id = serializers.IntegerField()
    limit_key = serializers.CharField()
    breach_type = serializers.CharField()
    scope = serializers.CharField()
    unit = serializers.CharField()
    value = serializers.FloatField()
    enabled = serializers.BooleanField()
    utilization = serializers.FloatField(allow_null=True)
    severity = serializers.ChoiceField(choices=Severity.choices, allow_null=True)
    state = serializers.ChoiceField(choices=STATES, allow_null=True)
    warn_line = serializers.FloatField(help_text="utilization where its alert opens")
    alert_line = serializers.FloatField(help_text="utilization where it is in breach")
    scopes = _ScopeUtilizationOutput(many=True)


class LimitUtilizationApi(_DashboardApi):
    """Every limit with its utilization and its warn and alert lines."""

    @extend_schema_serializer(component_name="DashboardLimitUtilization")
    class OutputSerializer(serializers.Serializer[dict[str, Any]]):
        portfolio = serializers.CharField()
        snapshot_id = serializers.IntegerField(allow_null=True)
        as_of = serializers.DateTimeField(allow_null=True)
        display = _DisplayOutput()
        limits = _LimitUtilizationOutput(many=True)

    @extend_schema(
        parameters=[PortfolioQuerySerializer],
        responses={200: OutputSerializer, **error_responses(400, 404)},
    )
    def get(self, request: Request) -> Response:
        body = limit_utilization(portfolio=_portfolio(request))
        return Response(self.OutputSerializer(body).data)


class _LimitsLoadedOutput(serializers.Serializer[dict[str, Any]]):
    total = serializers.IntegerField()
    enabled = serializers.IntegerField()
    by_kind = serializers.DictField(child=serializers.IntegerField())
    by_source = serializers.DictField(child=serializers.IntegerField())
    last_changed_at = serializers.DateTimeField(allow_null=True)


class _LimitEvaluationOutput(serializers.Serializer[dict[str, Any]]):
    limit_id = serializers.IntegerField()
    limit_key = serializers.CharField()
    state = serializers.ChoiceField(choices=STATES, allow_null=True)
    utilization = serializers.FloatField(allow_null=True)
    readings = serializers.IntegerField()


class _EvaluationOutput(serializers.Serializer[dict[str, Any]]):
    portfolio = serializers.CharField()
    snapshot_id = serializers.IntegerField(allow_null=True)
    evaluated_at = serializers.DateTimeField(allow_null=True)
    limits = _LimitEvaluationOutput(many=True)


class _PendingRequestOutput(serializers.Serializer[dict[str, Any]]):
    id = serializers.IntegerField()
    limit_key = serializers.CharField()
    before_value = serializers.FloatField()
    after_value = serializers.FloatField()
    before_enabled = serializers.BooleanField()
    after_enabled = serializers.BooleanField()
    proposed_by = serializers.CharField()
    proposed_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    reason = serializers.CharField()


class _PortfolioBreakerOutput(_BreakerOutput):
    portfolio = serializers.CharField()


class _PolicyOutput(serializers.Serializer[dict[str, Any]]):
    severity = serializers.ChoiceField(choices=Severity.choices)
    initial = serializers.ListField(child=serializers.CharField())
    delay_minutes = serializers.IntegerField()
    escalate_to = serializers.ListField(child=serializers.CharField())


class _DueOutput(serializers.Serializer[dict[str, Any]]):
    alert_id = serializers.CharField()
    severity = serializers.ChoiceField(choices=Severity.choices)
    status = serializers.ChoiceField(choices=AlertStatus.choices)
    escalation_tier = serializers.IntegerField()
    next_escalation_at = serializers.DateTimeField()


class _EscalationOutput(serializers.Serializer[dict[str, Any]]):
    policies = _PolicyOutput(many=True)
    renotify_minutes = serializers.IntegerField()
    due = _DueOutput(many=True)


@extend_schema_serializer(component_name="ComplianceEngineState")
class ComplianceEngineStateOutput(serializers.Serializer[dict[str, Any]]):
    checked_at = serializers.DateTimeField()
    limits = _LimitsLoadedOutput()
    evaluations = _EvaluationOutput(many=True)
    pending_requests = _PendingRequestOutput(many=True)
    breakers = _PortfolioBreakerOutput(many=True)
    escalation = _EscalationOutput()


class ComplianceEngineStateApi(APIView):
    """Limits loaded, each limit's last evaluation, pending four-eyes requests, the breakers
    and the escalation schedule (staff: the debug permission)."""

    permission_classes = [IsAuthenticated, HasPermission.of("core.view_debug")]

    @extend_schema(responses={200: ComplianceEngineStateOutput, **error_responses()})
    def get(self, request: Request) -> Response:
        state = compliance_engine_state(now=timezone.now())
        return Response(ComplianceEngineStateOutput(state).data)
