"""not_one_of: the value must not be any of the listed texts.

Params:
  values: the forbidden texts (at least one); they are named in the message, so list
          only non-secret texts (flags, levels), never secrets
  case_sensitive: default true
  allow_reference, skip_templates: see ValueParams

PASS: NODE_TLS_REJECT_UNAUTHORIZED=1     (values: ['0'])
FAIL: NODE_TLS_REJECT_UNAUTHORIZED=0
"""

from __future__ import annotations

from typing import Iterator

from etc_policy.checks._common import ValueParams, checked_value
from etc_policy.checks.base import CheckContext, Hit
from etc_policy.checks.equals import same
from etc_policy.schema import Field

KIND = "not_one_of"
SCOPE = "entry"


class Params(ValueParams):
    values: tuple[str, ...] = Field(min_length=1)
    case_sensitive: bool = True


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    value = checked_value(params, ctx)
    if value is None:
        return
    for forbidden in params.values:
        if same(value, forbidden, case_sensitive=params.case_sensitive):
            # The forbidden text comes from the pack, not from the user's file.
            yield Hit(message=f"{ctx.entry.key} must not be '{forbidden}'", entry=ctx.entry)
            return
