"""length: the value's length (in characters) must lie within bounds.

Params:
  min: minimum number of characters (inclusive), optional
  max: maximum number of characters (inclusive), optional
  allow_reference, skip_templates: see ValueParams

PASS: SESSION_SECRET with 48 characters   (min: 32)
FAIL: SESSION_SECRET=abc123
"""

from __future__ import annotations

from typing import Iterator

from etc_policy.checks._common import ValueParams, checked_value, hint
from etc_policy.checks.base import CheckContext, Hit
from etc_policy.schema import Field, model_validator

KIND = "length"
SCOPE = "entry"


class Params(ValueParams):
    min: int | None = Field(default=None, ge=0)
    max: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _bounds(self) -> Params:
        if self.min is None and self.max is None:
            raise ValueError("length needs min or max")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min is greater than max")
        return self


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    value = checked_value(params, ctx)
    if value is None:
        return
    size = len(value)
    if params.min is not None and size < params.min:
        yield Hit(message=f"{ctx.entry.key} is {size} characters long; at least {params.min} required",
                  entry=ctx.entry, hint=hint(value))
    elif params.max is not None and size > params.max:
        yield Hit(message=f"{ctx.entry.key} is {size} characters long; at most {params.max} allowed",
                  entry=ctx.entry, hint=hint(value))
