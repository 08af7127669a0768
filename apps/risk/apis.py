"""HTTP doors of the risk app: parse, call one selector or service, render. Every figure
comes from the stored snapshot (what-if is a door of the monitoring app)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.errors import error_responses
from apps.core.params import PortfolioQuery
from apps.core.permissions import HasPermission
from apps.positions.models import Portfolio
from apps.risk.evaluation.config import risk_settings
from apps.risk.models import RiskSnapshot
from apps.risk.selectors.snapshots import (
    PortfolioNotFound,
    calculation_trace_report,
    latest_snapshot,
    pnl_summary,
    portfolio_resolve,
    positions_summary,
    snapshot_headline,
    snapshot_history,
)

# 1h to 744h (31 days) or 1d to 31d, digits without leading zeros: the schema's pattern is the
# whole rule, so a value it allows is never refused.
HISTORY_PATTERN = (
    r"^(?:(?:[1-9]|[1-9][0-9]|[1-6][0-9][0-9]|7[0-3][0-9]|74[0-4])h|(?:[1-9]|[12][0-9]|3[01])d)$"
)


def _portfolio(request: Request) -> Portfolio:
    """The ``?portfolio=`` of the request (PortfolioQuery); an unknown one is a 404."""
    query = PortfolioQuery(data=request.query_params)
    query.is_valid(raise_exception=True)
    try:
        return portfolio_resolve(query.validated_data.get("portfolio"))
    except PortfolioNotFound as error:
        raise NotFound(str(error)) from error


def _latest(portfolio: Portfolio) -> RiskSnapshot:
    snapshot = latest_snapshot(portfolio_id=portfolio.pk)
    if snapshot is None:
        raise NotFound(f"no risk snapshot yet for portfolio {portfolio.name!r}")
    return snapshot


# An unknown portfolio, or none with a snapshot yet.
NOT_FOUND = error_responses(404)

ZONES = ["green", "yellow", "red"]  # the Basel traffic light


class DeltaOutput(serializers.Serializer[dict[str, Any]]):
    units = serializers.FloatField(allow_null=True)
    usd = serializers.FloatField(allow_null=True)
    usd_complete = serializers.BooleanField()


class BacktestOutput(serializers.Serializer[dict[str, Any]]):
    window_days = serializers.IntegerField()
    observations = serializers.IntegerField()
    exceptions = serializers.IntegerField()
    expected_exceptions = serializers.FloatField()
    exception_rate = serializers.FloatField(allow_null=True)
    kupiec_lr = serializers.FloatField(allow_null=True)
    kupiec_p_value = serializers.FloatField(allow_null=True)
    zone = serializers.ChoiceField(choices=ZONES)


class HypotheticalBacktestOutput(BacktestOutput):
    """The actual backtest's figures, plus how much history today's exposures were run over."""

    lookback_days = serializers.IntegerField()
    history_days = serializers.IntegerField()
    estimation_days = serializers.IntegerField()
    short_history = serializers.BooleanField()


class VarBacktestOutput(serializers.Serializer[dict[str, Any]]):
    """Both backtests: today's exposures over past returns (there from the first cycle) and the
    stored daily P&L against the VaR of the day before (as the records accumulate)."""

    hypothetical = HypotheticalBacktestOutput(allow_null=True)
    actual = BacktestOutput(allow_null=True)


class StaleSourceOutput(serializers.Serializer[dict[str, Any]]):
    source = serializers.CharField()  # type: ignore[assignment]  # a declared field, not Field.source
    as_of = serializers.DateTimeField(allow_null=True)
    age_seconds = serializers.FloatField(allow_null=True)
    refresh_interval_seconds = serializers.FloatField(allow_null=True)
    overdue_seconds = serializers.FloatField(allow_null=True)
    reason = serializers.CharField(allow_null=True)


START_OF_DAY_SOURCES = ["stored", "reconstructed"]


class HeadlinePnlOutput(serializers.Serializer[dict[str, Any]]):
    total_pnl = serializers.FloatField()
    unrealized_pnl = serializers.FloatField()
    realized_today = serializers.FloatField()
    daily_pnl = serializers.FloatField(allow_null=True)
    # How the 00:00 UTC equity behind daily_pnl was obtained (null: it could not be).
    start_of_day_source = serializers.ChoiceField(choices=START_OF_DAY_SOURCES, allow_null=True)


class HeadlineExposureOutput(serializers.Serializer[dict[str, Any]]):
    gross_notional = serializers.FloatField()
    net_notional = serializers.FloatField()
    total_notional = serializers.FloatField()
    leverage = serializers.FloatField(allow_null=True)
    deltas = serializers.DictField(child=DeltaOutput())


class HeadlineVarOutput(serializers.Serializer[dict[str, Any]]):
    historical_var_99 = serializers.FloatField(allow_null=True)
    parametric_var_99 = serializers.FloatField(allow_null=True)
    expected_shortfall_99 = serializers.FloatField(allow_null=True)


class HeadlineDrawdownOutput(serializers.Serializer[dict[str, Any]]):
    drawdown = serializers.FloatField(allow_null=True)
    high_water_mark = serializers.FloatField(allow_null=True)


class _ViewRisk(APIView):
    permission_classes = [HasPermission.of("core.view_risk")]


class RiskStatusApi(_ViewRisk):
    """The latest snapshot's headline figures (also what the WebSocket pushes)."""

    @extend_schema_serializer(component_name="RiskStatus")
    class OutputSerializer(serializers.Serializer[dict[str, Any]]):
        portfolio = serializers.CharField()
        snapshot_id = serializers.IntegerField()
        cycle_start = serializers.DateTimeField()
        as_of = serializers.DateTimeField()
        age_seconds = serializers.FloatField()
        engine_version = serializers.CharField()
        equity = serializers.FloatField()
        equity_complete = serializers.BooleanField()
        pnl = HeadlinePnlOutput()
        exposure = HeadlineExposureOutput()
        var = HeadlineVarOutput()
        drawdown = HeadlineDrawdownOutput()
        var_backtest = VarBacktestOutput()
        stale_sources = StaleSourceOutput(many=True)
        missing_marks = serializers.ListField(child=serializers.CharField())
        stale_marks = serializers.ListField(child=serializers.CharField())
        flags = serializers.ListField(child=serializers.CharField())

    @extend_schema(parameters=[PortfolioQuery], responses={200: OutputSerializer, **NOT_FOUND})
    def get(self, request: Request) -> Response:
        headline = snapshot_headline(_latest(_portfolio(request)))
        return Response(self.OutputSerializer(headline).data)


class PositionOutput(serializers.Serializer[dict[str, Any]]):
    symbol = serializers.CharField()
    net_size = serializers.FloatField()
    by_venue = serializers.DictField(child=serializers.FloatField())
    mark = serializers.FloatField(allow_null=True)
    mark_usd = serializers.FloatField(allow_null=True)
    mark_status = serializers.ChoiceField(choices=("fresh", "stale", "missing"))
    mark_source = serializers.CharField(allow_null=True)
    mark_age_seconds = serializers.FloatField(allow_null=True)
    notional = serializers.FloatField(allow_null=True)
    gross_notional = serializers.FloatField(allow_null=True)
    net_exposure = serializers.FloatField(allow_null=True)
    concentration = serializers.FloatField(allow_null=True)
    unrealized_pnl = serializers.FloatField(allow_null=True)
    realized_today = serializers.FloatField(allow_null=True)


class PositionsSummaryApi(_ViewRisk):
    """Net position per canonical symbol, by venue, with its mark."""

    @extend_schema_serializer(component_name="PositionsSummary")
    class OutputSerializer(serializers.Serializer[dict[str, Any]]):
        portfolio = serializers.CharField()
        snapshot_id = serializers.IntegerField()
        as_of = serializers.DateTimeField()
        positions = PositionOutput(many=True)
        stale_sources = serializers.ListField(child=serializers.CharField())

    @extend_schema(parameters=[PortfolioQuery], responses={200: OutputSerializer, **NOT_FOUND})
    def get(self, request: Request) -> Response:
        summary = positions_summary(_latest(_portfolio(request)))
        return Response(self.OutputSerializer(summary).data)


class PnlRowOutput(serializers.Serializer[dict[str, Any]]):
    unrealized_pnl = serializers.FloatField(allow_null=True)
    realized_today = serializers.FloatField(allow_null=True)
    total_pnl = serializers.FloatField(allow_null=True)
    complete = serializers.BooleanField()


class AttributionOutput(serializers.Serializer[dict[str, Any]]):
    by_strategy = serializers.DictField(child=PnlRowOutput())
    by_venue = serializers.DictField(child=PnlRowOutput())
    by_symbol = serializers.DictField(child=PnlRowOutput())


class HistoryPointOutput(serializers.Serializer[dict[str, Any]]):
    as_of = serializers.DateTimeField()
    equity = serializers.FloatField()
    total_pnl = serializers.FloatField()
    unrealized_pnl = serializers.FloatField()
    realized_today = serializers.FloatField()
    daily_pnl = serializers.FloatField(allow_null=True)
    gross_notional = serializers.FloatField()
    net_notional = serializers.FloatField()
    leverage = serializers.FloatField(allow_null=True)
    var_hist_99 = serializers.FloatField(allow_null=True)
    drawdown = serializers.FloatField(allow_null=True)


class PortfolioPnlApi(_ViewRisk):
    @extend_schema_serializer(component_name="PortfolioPnlQuery")
    class InputSerializer(PortfolioQuery):
        history = serializers.RegexField(
            HISTORY_PATTERN,
            required=False,
            trim_whitespace=False,
            help_text="the snapshots of this window too: <n>h up to 744h or <n>d up to 31d",
            error_messages={"invalid": "expected <n>h (1 to 744) or <n>d (1 to 31), e.g. 24h"},
        )

        def validate_history(self, value: str) -> timedelta:
            # The validator's search lets "24h\n" through: "$" also matches before a newline.
            if re.fullmatch(HISTORY_PATTERN, value) is None:
                raise serializers.ValidationError("expected <n>h (1 to 744) or <n>d (1 to 31)")
            amount = int(value[:-1])
            return timedelta(hours=amount) if value.endswith("h") else timedelta(days=amount)

    @extend_schema_serializer(component_name="PortfolioPnl")
    class OutputSerializer(serializers.Serializer[dict[str, Any]]):
        portfolio = serializers.CharField()
        snapshot_id = serializers.IntegerField()
        as_of = serializers.DateTimeField()
        currency = serializers.CharField()
        unrealized_pnl = serializers.FloatField()
        realized_today = serializers.FloatField()
        total_pnl = serializers.FloatField()
        equity = serializers.FloatField()
        equity_complete = serializers.BooleanField()
        equity_start_of_day = serializers.FloatField(allow_null=True)
        start_of_day_timestamp = serializers.FloatField(allow_null=True)
        transfers_today = serializers.FloatField()
        daily_pnl = serializers.FloatField(allow_null=True)
        daily_loss = serializers.FloatField(allow_null=True)
        start_of_day_source = serializers.ChoiceField(
            choices=START_OF_DAY_SOURCES, allow_null=True, required=False
        )
        attribution = AttributionOutput()
        history = HistoryPointOutput(many=True, required=False)

    @extend_schema(
        parameters=[InputSerializer],
        responses={200: OutputSerializer, **NOT_FOUND},
    )
    def get(self, request: Request) -> Response:
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        portfolio = _portfolio(request)
        body: dict[str, Any] = pnl_summary(_latest(portfolio))
        span = params.validated_data.get("history")
        if span is not None:
            since = timezone.now() - span
            body["history"] = snapshot_history(portfolio_id=portfolio.pk, since=since)
        return Response(self.OutputSerializer(body).data)


@extend_schema_serializer(component_name="RiskCalculationTrace")
class TraceOutputSerializer(serializers.Serializer[dict[str, Any]]):
    """For the schema only: the response is the stored trace as it is (see the view)."""

    portfolio = serializers.CharField()
    snapshot_id = serializers.IntegerField()
    snapshot_as_of = serializers.DateTimeField(allow_null=True)
    snapshot_cycle_start = serializers.DateTimeField(allow_null=True)
    age_seconds = serializers.FloatField(allow_null=True)
    latest_snapshot_id = serializers.IntegerField(allow_null=True)
    latest_snapshot_as_of = serializers.DateTimeField(allow_null=True)
    is_latest_snapshot = serializers.BooleanField()
    updated_at = serializers.DateTimeField()
    rewrite_interval_seconds = serializers.FloatField()
    as_of = serializers.FloatField()
    day_start = serializers.FloatField()
    custodians = serializers.ListField(child=serializers.CharField())
    symbols = serializers.ListField(child=serializers.CharField())
    exposures = serializers.ListField(child=serializers.FloatField(allow_null=True))
    scenario_pnl = serializers.ListField(child=serializers.FloatField(allow_null=True))
    scenario_pnl_quantile = serializers.DictField(child=serializers.FloatField(allow_null=True))
    equity_samples = serializers.IntegerField()
    equity_path = serializers.ListField(child=serializers.ListField(child=serializers.FloatField()))
    transfers = serializers.ListField(child=serializers.ListField(child=serializers.FloatField()))
    # The engine's inputs as the loaders saw them: free-form sections of a debug document.
    positions = serializers.JSONField()
    balances = serializers.JSONField()
    quotes = serializers.JSONField()
    marks_chosen = serializers.JSONField()
    history = serializers.JSONField()
    market = serializers.JSONField()
    params = serializers.JSONField()
    notes = serializers.JSONField()
    equity_state = serializers.JSONField(allow_null=True)
    backtest_record = serializers.JSONField()


class RiskCalculationsDebugApi(APIView):
    permission_classes = [HasPermission.of("core.view_debug")]

    @extend_schema(parameters=[PortfolioQuery], responses={200: TraceOutputSerializer, **NOT_FOUND})
    def get(self, request: Request) -> Response:
        portfolio = _portfolio(request)
        interval = risk_settings().trace_interval_seconds
        report = calculation_trace_report(portfolio_id=portfolio.pk, interval_seconds=interval)
        if report is None:
            raise NotFound(f"no risk calculation yet for portfolio {portfolio.name!r}")
        # Sent as stored, not through the serializer: a debug trace shows every section the
        # engine wrote, including ones added after this schema.
        return Response({"portfolio": portfolio.name, **report})
