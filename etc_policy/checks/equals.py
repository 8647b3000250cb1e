"""equals: the value must be exactly the given text.

Params:
  value: the required text
  case_sensitive: compare exactly (default true); false compares case-folded
  allow_reference, skip_templates: see ValueParams (a `${{ … }}` reference passes by default)

PASS: NODE_ENV=production        (value: production)
FAIL: NODE_ENV=development

The message names the key and the expected text, never the actual value.
"""

from __future__ import annotations

from typing import Iterator

from etc_policy.checks._common import ValueParams, checked_value, hint
from etc_policy.checks.base import CheckContext, Hit

KIND = "equals"
SCOPE = "entry"


class Params(ValueParams):
    value: str
    case_sensitive: bool = True


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    value = checked_value(params, ctx)
    if value is None:
        return
    if same(value, params.value, case_sensitive=params.case_sensitive):
        return
    yield Hit(message=f"{ctx.entry.key} must be '{params.value}'", entry=ctx.entry,
              hint=hint(value))


def same(left: str, right: str, *, case_sensitive: bool) -> bool:
    if case_sensitive:
        return left == right
    return left.casefold() == right.casefold()
