"""one_of: the value must be one of the listed texts.

Params:
  values: the allowed texts (at least one)
  case_sensitive: default true
  allow_reference, skip_templates: see ValueParams

PASS: restartPolicyType = "ON_FAILURE"   (values: [ON_FAILURE, ALWAYS])
FAIL: restartPolicyType = "NEVER"
"""

from __future__ import annotations

from typing import Iterator

from etc_policy.checks._common import ValueParams, checked_value, hint
from etc_policy.checks.base import CheckContext, Hit
from etc_policy.checks.equals import same
from etc_policy.schema import Field

KIND = "one_of"
SCOPE = "entry"


class Params(ValueParams):
    values: tuple[str, ...] = Field(min_length=1)
    case_sensitive: bool = True


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    value = checked_value(params, ctx)
    if value is None:
        return
    if any(same(value, allowed, case_sensitive=params.case_sensitive) for allowed in params.values):
        return
    allowed = ", ".join(params.values)
    yield Hit(message=f"{ctx.entry.key} must be one of: {allowed}", entry=ctx.entry,
              hint=hint(value))
