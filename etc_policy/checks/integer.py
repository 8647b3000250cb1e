"""integer: the value must be a whole number, optionally within bounds.

Accepts decimal text with an optional sign (`10`, `-1`, `+5`) and, in railway config,
JSON/TOML numbers with no fractional part (`10`, `10.0`). Booleans are not integers.

Params:
  min / max: inclusive bounds, optional
  allow_reference, skip_templates: see ValueParams

PASS: restartPolicyMaxRetries = 5     (min: 1)
FAIL: RATE_LIMIT_MAX=lots             restartPolicyMaxRetries = 0
"""

from __future__ import annotations

import re
from typing import Iterator

from etc_policy.checks._common import ValueParams, checked_value
from etc_policy.checks.base import CheckContext, Hit
from etc_policy.schema import model_validator

KIND = "integer"
SCOPE = "entry"

_INTEGER = re.compile(r"[+-]?[0-9]+")


class Params(ValueParams):
    min: int | None = None
    max: int | None = None

    @model_validator(mode="after")
    def _bounds(self) -> Params:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min is greater than max")
        return self


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    if checked_value(params, ctx) is None:
        return
    number = as_int(ctx.entry.value)
    key = ctx.entry.key
    if number is None:
        yield Hit(message=f"{key} is not an integer", entry=ctx.entry)
    elif params.min is not None and number < params.min:
        yield Hit(message=f"{key} is below the minimum {params.min}", entry=ctx.entry)
    elif params.max is not None and number > params.max:
        yield Hit(message=f"{key} is above the maximum {params.max}", entry=ctx.entry)


def as_int(value: object) -> int | None:
    if isinstance(value, bool):      # a bool is an int subclass, but not a count
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        return int(value.strip())
    return None
