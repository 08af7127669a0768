"""HTTP doors of the monitoring app: what-if (the cycle's risk and limit steps run on
hypothetical trades, nothing stored)."""

from __future__ import annotations

from typing import Any, ClassVar

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.errors import Conflict, error_responses
from apps.core.params import BodyInput, PortfolioQuery
from apps.core.permissions import HasPermission
from apps.monitoring.whatif import TradeSpec, WhatIfRejected, what_if_assess
from apps.positions.models import Portfolio
from apps.risk.selectors.snapshots import PortfolioNotFound, portfolio_resolve


def _portfolio(request: Request) -> Portfolio:
    """The ``?portfolio=`` of the request (PortfolioQuery); an unknown one is a 404."""
    query = PortfolioQuery(data=request.query_params)
    query.is_valid(raise_exception=True)
    try:
        return portfolio_resolve(query.validated_data.get("portfolio"))
    except PortfolioNotFound as error:
        raise NotFound(str(error)) from error


# Bounds that keep every figure finite; far beyond any real book (a trillion units or USD).
MAX_AMOUNT = 1e12
MAX_MULTIPLIER = 1e6


@extend_schema_serializer(component_name="WhatIfChange")
class _ChangeOutput(serializers.Serializer[dict[str, Any]]):
    """One nullable number per headline figure (``HEADLINE_NUMBERS`` of
    ``apps.risk.evaluation.figures``)."""

    equity = serializers.FloatField(allow_null=True)
    total_pnl = serializers.FloatField(allow_null=True)
    unrealized_pnl = serializers.FloatField(allow_null=True)
    realized_today = serializers.FloatField(allow_null=True)
    daily_pnl = serializers.FloatField(allow_null=True)
    gross_notional = serializers.FloatField(allow_null=True)
    net_notional = serializers.FloatField(allow_null=True)
    total_notional = serializers.FloatField(allow_null=True)
    leverage = serializers.FloatField(allow_null=True)
    var_hist_99 = serializers.FloatField(allow_null=True)
    var_param_99 = serializers.FloatField(allow_null=True)
    es_99 = serializers.FloatField(allow_null=True)
    drawdown = serializers.FloatField(allow_null=True)
    hwm = serializers.FloatField(allow_null=True)


@extend_schema_serializer(component_name="WhatIfHeadline")
class _HeadlineOutput(_ChangeOutput):
    equity_complete = serializers.BooleanField()


@extend_schema_serializer(component_name="WhatIfTradeInput")
class TradeInputSerializer(BodyInput):
    # What validate() checks, for the schema: size not 0, and > 0 when side is given;
    # price and multiplier > 0.
    openapi_constraints: ClassVar[dict[str, Any]] = {
        "allOf": [
            {
                "properties": {
                    "size": {"not": {"enum": [0]}},
                    "price": {"minimum": 0, "exclusiveMinimum": True},
                    "multiplier": {"minimum": 0, "exclusiveMinimum": True},
                }
            },
            {
                "anyOf": [
                    {"not": {"required": ["side"]}},
                    {"properties": {"size": {"minimum": 0, "exclusiveMinimum": True}}},
                ]
            },
        ]
    }
    venue = serializers.CharField(max_length=64, trim_whitespace=False)
    account = serializers.CharField(max_length=64, trim_whitespace=False)
    symbol = serializers.CharField(max_length=32, trim_whitespace=False)
    side = serializers.ChoiceField(choices=["buy", "sell"], required=False)
    size = serializers.FloatField(min_value=-MAX_AMOUNT, max_value=MAX_AMOUNT)
    price = serializers.FloatField(required=False, max_value=MAX_AMOUNT)
    kind = serializers.ChoiceField(choices=["spot", "perpetual"])
    multiplier = serializers.FloatField(required=False, default=1.0, max_value=MAX_MULTIPLIER)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        errors: dict[str, str] = {}
        if attrs["size"] == 0:
            errors["size"] = "must not be 0"
        elif "side" in attrs and attrs["size"] < 0:
            errors["size"] = "must be > 0 when side is given (side carries the sign)"
        if attrs.get("price") is not None and attrs["price"] <= 0:
            errors["price"] = "must be > 0"
        if attrs["multiplier"] <= 0:
            errors["multiplier"] = "must be > 0"
        if errors:
            raise serializers.ValidationError(errors)
        if attrs.pop("side", None) == "sell":
            attrs["size"] = -attrs["size"]
        return attrs


class WhatIfApi(APIView):
    permission_classes = [HasPermission.of("core.view_risk")]

    TradeSerializer = TradeInputSerializer

    @extend_schema_serializer(component_name="WhatIfInput")
    class InputSerializer(BodyInput):
        # Each item validated by TradeSerializer; an error names trades.<i>.<field>.
        trades = serializers.ListField(child=TradeInputSerializer(), min_length=1, max_length=100)

    @extend_schema_serializer(component_name="WhatIfOutput")
    class OutputSerializer(serializers.Serializer[dict[str, Any]]):
        @extend_schema_serializer(component_name="WhatIfTrade")
        class TradeOutput(serializers.Serializer[dict[str, Any]]):
            venue = serializers.CharField()
            account = serializers.CharField()
            symbol = serializers.CharField()
            kind = serializers.ChoiceField(choices=["spot", "perpetual"])
            size = serializers.FloatField()  # signed: buy > 0
            price = serializers.FloatField()  # the mark when the request gave none
            multiplier = serializers.FloatField()

        @extend_schema_serializer(component_name="WhatIfLimitUtilization")
        class LimitUtilizationOutput(serializers.Serializer[dict[str, Any]]):
            # "limits": readings of the enabled limits (lists); "config": the config's delta
            # and notional limits (objects), when the limits app has none enabled.
            # The serializer metaclass takes declared fields out of the class, so this field
            # does not shadow Field.source at run time; the stubs cannot know that.
            source = serializers.ChoiceField(choices=["limits", "config"])  # type: ignore[assignment]
            before = serializers.JSONField()
            after = serializers.JSONField()

        @extend_schema_serializer(component_name="WhatIfStaleSource")
        class StaleSourceOutput(serializers.Serializer[dict[str, Any]]):
            source = serializers.CharField()  # type: ignore[assignment]  # as above
            as_of = serializers.CharField(allow_null=True)
            age_seconds = serializers.FloatField(allow_null=True)

        portfolio = serializers.CharField()
        as_of = serializers.CharField()  # ISO 8601, UTC
        trades = TradeOutput(many=True)
        before = _HeadlineOutput()
        after = _HeadlineOutput()
        change = _ChangeOutput()  # after - before; None where either side is None
        figures = serializers.DictField()  # the full assessment after the trades
        limit_utilization = LimitUtilizationOutput()
        stale_sources = StaleSourceOutput(many=True)

    @extend_schema(
        parameters=[PortfolioQuery],
        request=InputSerializer,
        responses={200: OutputSerializer, **error_responses(404, 409)},
    )
    def post(self, request: Request) -> Response:
        body = self.InputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        portfolio = _portfolio(request)
        trades = [TradeSpec(**t) for t in body.validated_data["trades"]]
        try:
            result = what_if_assess(portfolio_id=portfolio.pk, trades=trades)
        except WhatIfRejected as error:
            # The trades are well formed but do not fit the book (a symbol it does not hold,
            # no mark to price at): a conflict with the current state, naming the field.
            raise Conflict(str(error), fields={error.field: [error.reason]}) from error
        return Response(self.OutputSerializer({"portfolio": portfolio.name, **result}).data)
