"""Value types for the configuration schemas.

Each type checks its value itself (a pydantic ``PlainValidator``) and fails with the project's own
reason phrase, so that a message reads "must be a positive number" rather than pydantic's wording.
Checks are strict on purpose: ``"10"`` (a quoted number) and ``true`` are not numbers, because in a
risk limit file a quoted or boolean value is far more often a typo than an intention.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, PlainValidator
from pydantic_core import PydanticCustomError

_BAD: Any = object()

ENV_VAR_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SYMBOL = re.compile(r"^[A-Z0-9]{1,20}-[A-Z0-9]{1,20}$")
_ASSET = re.compile(r"^[A-Z0-9]{1,20}$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
_DURATION = re.compile(r"^[1-9][0-9]*[smhd]$")
_HEX_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_URL = re.compile(r"^https?://[^\s/:?#]+(?::[0-9]{1,5})?(?:[/?#]\S*)?$")


class ConfigModel(BaseModel):
    """Base of every section: unknown keys are errors (typos must not pass silently)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


def invalid(reason: str) -> PydanticCustomError:
    """An error whose message is exactly ``reason`` (kept out of the template: braces stay)."""
    return PydanticCustomError("config", "{reason}", {"reason": reason})


def rule(reason: str, accept: Callable[[Any], Any], *, optional: bool = False) -> PlainValidator:
    def validate(value: Any) -> Any:
        if optional and value is None:
            return None
        result = accept(value)
        if result is _BAD:
            raise invalid(reason)
        return result

    return PlainValidator(validate)


def _number(value: Any) -> float | Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return _BAD
    return float(value) if math.isfinite(value) else _BAD


def _whole(value: Any) -> int | Any:
    return value if isinstance(value, int) and not isinstance(value, bool) else _BAD


def _when(check: Callable[[Any], bool], parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def accept(value: Any) -> Any:
        parsed = parse(value)
        return parsed if parsed is not _BAD and check(parsed) else _BAD

    return accept


def matching(pattern: re.Pattern[str]) -> Callable[[Any], Any]:
    return lambda value: value if isinstance(value, str) and pattern.match(value) else _BAD


def _positive(x: float) -> bool:
    return x > 0


def _fraction(x: float) -> bool:
    return 0 < x <= 1


POSITIVE = "must be a positive number"
NEGATIVE = "must be a negative number"
FRACTION = "must be a fraction between 0 and 1"

PositiveNumber = Annotated[float, rule(POSITIVE, _when(_positive, _number))]
OptionalPositiveNumber = Annotated[
    float | None, rule(POSITIVE, _when(_positive, _number), optional=True)
]
NegativeNumber = Annotated[float, rule(NEGATIVE, _when(lambda x: x < 0, _number))]
# max_short in the size form is a signed size (-5.0 = at most 5 short); see docs/configuration.md.
OptionalShortSize = Annotated[
    float | None,
    rule(
        "must be a negative number (a short limit is a signed size, e.g. -5.0)",
        _when(lambda x: x < 0, _number),
        optional=True,
    ),
]
Fraction = Annotated[float, rule(FRACTION, _when(_fraction, _number))]
OptionalFraction = Annotated[float | None, rule(FRACTION, _when(_fraction, _number), optional=True)]
NegativeFraction = Annotated[
    float,
    rule("must be a negative fraction between -1 and 0", _when(lambda x: -1 <= x < 0, _number)),
]
PositiveInt = Annotated[int, rule("must be a positive whole number", _when(_positive, _whole))]
NonNegativeInt = Annotated[
    int, rule("must be a whole number, 0 or more", _when(lambda x: x >= 0, _whole))
]
Decimals = Annotated[
    int, rule("must be a whole number from 0 to 18", _when(lambda x: 0 <= x <= 18, _whole))
]
Flag = Annotated[bool, rule("must be true or false", lambda v: v if isinstance(v, bool) else _BAD)]
Text = Annotated[
    str,
    rule(
        "must be a non-empty string",
        lambda v: v.strip() if isinstance(v, str) and v.strip() else _BAD,
    ),
]
OptionalText = Annotated[
    str | None,
    rule(
        "must be a non-empty string",
        lambda v: v.strip() if isinstance(v, str) and v.strip() else _BAD,
        optional=True,
    ),
]
Url = Annotated[str, rule("must be an http or https URL", matching(_URL))]
# An empty string counts as "no URL": `${ALERT_WEBHOOK_URL:-}` must load when the channel is off.
OptionalUrl = Annotated[
    str | None,
    rule(
        "must be an http or https URL",
        lambda v: None if v == "" else matching(_URL)(v),
        optional=True,
    ),
]
EnvVarName = Annotated[
    str,
    rule(
        "must be an environment variable name (letters, digits and _, not starting with a digit)",
        matching(ENV_VAR_NAME),
    ),
]
OptionalEnvVarName = Annotated[
    str | None,
    rule(
        "must be an environment variable name (letters, digits and _, not starting with a digit)",
        matching(ENV_VAR_NAME),
        optional=True,
    ),
]
Symbol = Annotated[
    str, rule("must be a canonical symbol BASE-QUOTE such as BTC-USD", matching(_SYMBOL))
]
Asset = Annotated[str, rule("must be an upper-case asset code such as BTC", matching(_ASSET))]
Slug = Annotated[
    str, rule("must be a lower-case name of letters, digits, - and _", matching(_SLUG))
]
Duration = Annotated[str, rule("must be a duration such as 30s, 5m, 1h or 7d", matching(_DURATION))]
HexColor = Annotated[str, rule("must be a colour such as #ff8800", matching(_HEX_COLOR))]
