"""Decimal formatting as venues print numbers: fixed decimals, strings, never floats."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def places(step: Decimal) -> int:
    exponent = step.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 8


def to_step(value: float | Decimal, step: Decimal) -> Decimal:
    """Round to the nearest multiple of `step` (a tick or lot size)."""
    units = (Decimal(str(value)) / step).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return (units * step).quantize(step)


def fixed(value: Decimal | float, digits: int = 8) -> str:
    return f"{Decimal(str(value)) if isinstance(value, float) else value:.{digits}f}"


def price_text(value: float, tick: Decimal, digits: int | None = None) -> str:
    """A float price rounded to the tick, printed with the tick's decimals (or `digits`)."""
    shown = places(tick) if digits is None else digits
    return f"{round(value / float(tick)) * float(tick):.{shown}f}"
