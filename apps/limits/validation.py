"""Input checks of a proposed limit value: the same sign rules as the config validation
(docs/configuration.md). Pure; raises LimitInputError naming the field."""

from __future__ import annotations

from decimal import Decimal

from apps.limits.errors import LimitInputError
from apps.limits.kinds import KINDS, SIGN_REASONS, SignRule


def _fits(sign: SignRule, value: Decimal) -> bool:
    match sign:
        case "positive":
            return value > 0
        case "negative":
            return value < 0
        case "fraction":
            return 0 < value <= 1
        case "negative_fraction":
            return -1 <= value < 0
        case "positive_int":
            return value > 0 and value == value.to_integral_value()


def value_check(*, kind: str, value: Decimal) -> None:
    if not value.is_finite():
        raise LimitInputError("value", "must be a finite number")
    sign = KINDS[kind].sign
    if not _fits(sign, value):
        raise LimitInputError("value", f"{SIGN_REASONS[sign]}, got {decimal_text(value)}")


def warn_at_check(warn_at: Decimal | None) -> None:
    if warn_at is not None and not (warn_at.is_finite() and 0 < warn_at <= 1):
        raise LimitInputError(
            "warn_at_utilization", f"must be a fraction (0 < x <= 1), got {decimal_text(warn_at)}"
        )


def decimal_text(value: Decimal) -> str:
    """A Decimal as plain text without trailing zeros: 5000000, 0.1, -0.15."""
    if not value.is_finite():
        return str(value)
    text = format(value.normalize(), "f")
    return "0" if text in {"-0", "0"} else text
