"""limits_load_from_config: both brief versions of risk_limits.yaml, idempotent and audited."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from apps.audit.models import AuditEvent
from apps.limits.models import Limit, LimitSource
from apps.limits.services import limits_load_from_config
from riskmonitor.conf.schemas.limits import LimitsFile
from tests.apps.limits.conftest import NOTIONAL_FORM, SIZE_FORM, shipped_limits_file

pytestmark = pytest.mark.django_db


def _table(text: str) -> dict[str, tuple[str | None, ...]]:
    """key -> (breach_type, scope_kind, scope, value, unit, warn_at); "-" is None."""
    rows = (line.split() for line in text.strip().splitlines())
    return {key: tuple(None if x == "-" else x for x in rest) for key, *rest in rows}


COMMON = _table("""
drawdown_limits.daily_loss          daily_loss_limit     portfolio portfolio -500000  usd      -
drawdown_limits.max_drawdown        drawdown_limit       portfolio portfolio -0.15    fraction -
drawdown_limits.trailing_stop_pct   trailing_stop        portfolio portfolio 0.1      fraction -
notional_limits.total_portfolio     notional_limit_total portfolio portfolio 10000000 usd      0.75
notional_limits.per_symbol          notional_limit_symbol symbol   *         2000000  usd      0.75
delta_limits.BTC.max_net_exposure   delta_limit          asset     BTC       15       units    -
delta_limits.ETH.max_net_exposure   delta_limit          asset     ETH       250      units    -
delta_limits.USD.max_net_exposure   delta_limit          asset     USD       5000000  units    -
operational_limits.position_staleness_minutes data_staleness source * 5 minutes -
operational_limits.pnl_calculation_frequency data_staleness source pnl_calculation 30 seconds -
""")
NOTIONAL_ONLY = _table("""
position_limits.BTC-USD.max_long_notional   position_limit_long  symbol BTC-USD 5000000 usd      0.8
position_limits.BTC-USD.max_short_notional  position_limit_short symbol BTC-USD 2500000 usd      0.8
position_limits.BTC-USD.concentration_limit concentration_limit  symbol BTC-USD 0.3     fraction 0.8
position_limits.ETH-USD.max_long_notional   position_limit_long  symbol ETH-USD 3000000 usd      0.8
position_limits.ETH-USD.max_short_notional  position_limit_short symbol ETH-USD 1500000 usd      0.8
position_limits.ETH-USD.concentration_limit concentration_limit  symbol ETH-USD 0.25    fraction 0.8
portfolio_limits.max_total_notional  notional_limit_total portfolio portfolio 10000000 usd   -
portfolio_limits.max_var_99          var_limit            portfolio portfolio 750000   usd   -
portfolio_limits.max_leverage_ratio  leverage_limit       portfolio portfolio 3        ratio -
""")
SIZE_ONLY = _table("""
position_limits.BTC-USD.max_long  position_limit_long  symbol BTC-USD 10   units 0.8
position_limits.BTC-USD.max_short position_limit_short symbol BTC-USD -5   units 0.8
position_limits.ETH-USD.max_long  position_limit_long  symbol ETH-USD 200  units 0.8
position_limits.ETH-USD.max_short position_limit_short symbol ETH-USD -100 units 0.8
""")


def _stored() -> dict[str, tuple[object, ...]]:
    def dec(value: Decimal | None) -> str | None:
        return None if value is None else format(value.normalize(), "f")

    return {
        limit.key: (limit.breach_type, limit.scope_kind, limit.scope, dec(limit.value),
                    limit.unit, dec(limit.warn_at_utilization))
        for limit in Limit.objects.filter(enabled=True)
    }  # fmt: skip


@pytest.mark.parametrize(
    ("form", "expected"),
    [(NOTIONAL_FORM, COMMON | NOTIONAL_ONLY), (SIZE_FORM, COMMON | SIZE_ONLY)],
)
def test_it_loads_every_limit_of_each_brief_version(
    brief_limits: Callable[[str], LimitsFile], form: str, expected: dict
) -> None:
    report = limits_load_from_config(limits_file=brief_limits(form))
    assert _stored() == expected
    assert sorted(report.created) == sorted(expected)
    assert set(Limit.objects.values_list("source", flat=True)) == {LimitSource.YAML}


def test_it_is_idempotent_and_audits_only_what_it_changes(
    brief_limits: Callable[[str], LimitsFile],
) -> None:
    limits_file = brief_limits(NOTIONAL_FORM)
    limits_load_from_config(limits_file=limits_file)
    events = AuditEvent.objects.filter(event_type="limit_loaded")
    assert events.count() == len(COMMON | NOTIONAL_ONLY)
    created = events.get(payload__limit_key="position_limits.BTC-USD.max_long_notional").payload
    assert created["action"] == "created"
    assert created["before"] is None
    assert created["after"] == {"value": "5000000", "warn_at_utilization": "0.8", "enabled": True}

    again = limits_load_from_config(limits_file=limits_file)

    assert (again.created, again.updated, again.disabled) == ([], [], [])
    assert events.count() == len(COMMON | NOTIONAL_ONLY)
    assert Limit.objects.count() == len(COMMON | NOTIONAL_ONLY)


def test_it_merges_the_daily_loss_and_drawdown_stated_twice_into_one_limit() -> None:
    limits_load_from_config(limits_file=shipped_limits_file())
    daily = Limit.objects.filter(breach_type="daily_loss_limit")
    drawdown = Limit.objects.filter(breach_type="drawdown_limit")
    assert [(x.key, x.value, x.warn_at_utilization) for x in daily] == [
        ("drawdown_limits.daily_loss", Decimal("-500000"), Decimal("0.8"))
    ]
    assert [x.key for x in drawdown] == ["drawdown_limits.max_drawdown"]
    assert not Limit.objects.filter(key__startswith="portfolio_limits.max_daily_loss").exists()


def test_it_switches_versions_by_creating_new_and_disabling_dropped_limits(
    brief_limits: Callable[[str], LimitsFile],
) -> None:
    limits_load_from_config(limits_file=brief_limits(NOTIONAL_FORM))

    report = limits_load_from_config(limits_file=brief_limits(SIZE_FORM))

    assert sorted(report.created) == sorted(SIZE_ONLY)
    assert sorted(report.disabled) == sorted(NOTIONAL_ONLY)
    assert _stored() == COMMON | SIZE_ONLY
    disabled = AuditEvent.objects.get(
        event_type="limit_loaded", payload__action="disabled",
        payload__limit_key="portfolio_limits.max_var_99",
    ).payload  # fmt: skip
    assert disabled["before"]["enabled"] is True
    assert disabled["after"]["enabled"] is False


def test_it_updates_a_file_owned_limit_whose_value_changed_in_the_file(
    brief_limits: Callable[[str], LimitsFile],
) -> None:
    limits_file = brief_limits(SIZE_FORM)
    limits_load_from_config(limits_file=limits_file)
    positions = limits_file.risk_limits.position_limits
    btc = positions["BTC-USD"].model_copy(update={"max_long": 12.0})
    risk_limits = limits_file.risk_limits.model_copy(
        update={"position_limits": {**positions, "BTC-USD": btc}}
    )
    changed = limits_file.model_copy(update={"risk_limits": risk_limits})

    report = limits_load_from_config(limits_file=changed)

    assert report.updated == ["position_limits.BTC-USD.max_long"]
    assert Limit.objects.get(key="position_limits.BTC-USD.max_long").value == Decimal("12")
    event = AuditEvent.objects.get(event_type="limit_loaded", payload__action="updated")
    assert (event.payload["before"]["value"], event.payload["after"]["value"]) == ("10", "12")
    assert event.actor == "system:limits-loader"
