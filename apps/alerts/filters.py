"""The alert list's filters (django-filter), shared by the REST list and the gRPC door.

Strict on purpose: a parameter that is given must be valid and not empty, so a typo in a
filter is a 400 naming it rather than a silently unfiltered list."""

from __future__ import annotations

from typing import Any, Final

import django_filters
from django import forms
from django.core.validators import RegexValidator

from apps.alerts.models import Alert, AlertStatus, Severity
from apps.limits.kinds import BREACH_TYPES

SCOPE_KINDS: Final = ("portfolio", "symbol", "asset", "source")
# Symbols, assets, "portfolio", data sources ("exchange-1:balances"): nothing else occurs.
SCOPE_PATTERN: Final = r"^[A-Za-z0-9_.:*/\-]{1,128}$"
MAX_ID: Final = 2**63 - 1  # bigint primary keys


class _StrictForm(forms.Form):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in self.fields:
            if name in self.data and self.data.get(name) == "":
                self.add_error(name, "must not be empty: leave the parameter out instead")
        return cleaned


class _IntegerFilter(django_filters.Filter):  # type: ignore[misc]  # untyped library
    field_class = forms.IntegerField


class AlertFilter(django_filters.FilterSet):  # type: ignore[misc]  # untyped library
    severity = django_filters.ChoiceFilter(choices=Severity.choices)
    status = django_filters.ChoiceFilter(choices=AlertStatus.choices)
    breach_type = django_filters.ChoiceFilter(choices=[(b, b) for b in BREACH_TYPES])
    scope_kind = django_filters.ChoiceFilter(choices=[(k, k) for k in SCOPE_KINDS])
    scope = django_filters.CharFilter(
        validators=[RegexValidator(SCOPE_PATTERN, "must be a symbol, asset or source name")]
    )
    portfolio_id = _IntegerFilter(min_value=0, max_value=MAX_ID)
    opened_after = django_filters.IsoDateTimeFilter(field_name="opened_at", lookup_expr="gte")
    opened_before = django_filters.IsoDateTimeFilter(field_name="opened_at", lookup_expr="lt")

    class Meta:
        model = Alert
        fields: list[str] = []
        form = _StrictForm
