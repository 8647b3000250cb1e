"""boolean: the value must be a boolean spelling, optionally a required one.

Spellings (case-insensitive): true, 1, yes, on / false, 0, no, off. Many Node apps test
`process.env.FLAG === 'true'`, so `True` or `1` may not mean what it looks like: set
`strict: true` to accept only the lowercase words `true` and `false`.

Params:
  required: true or false: the value must mean this; omitted: any boolean spelling passes
  strict: accept only `true` / `false` (default false)
  true_values / false_values: override the accepted spellings
  allow_reference, skip_templates: see ValueParams

PASS: USE_MOCK_OPENAI=false        (required: false)
FAIL: USE_MOCK_OPENAI=true         USE_MOCK_OPENAI=maybe
"""

from __future__ import annotations

from typing import Iterator

from etc_policy.checks._common import ValueParams, checked_value
from etc_policy.checks.base import CheckContext, Hit
from etc_policy.schema import Field

KIND = "boolean"
SCOPE = "entry"


class Params(ValueParams):
    required: bool | None = None
    strict: bool = False
    true_values: tuple[str, ...] = Field(default=("true", "1", "yes", "on"), min_length=1)
    false_values: tuple[str, ...] = Field(default=("false", "0", "no", "off"), min_length=1)


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    value = checked_value(params, ctx)
    if value is None:
        return
    meaning = parse_bool(value, params)
    key = ctx.entry.key
    if meaning is None:
        spellings = "true/false" if params.strict else "/".join(params.true_values + params.false_values)
        yield Hit(message=f"{key} is not a boolean ({spellings})", entry=ctx.entry)
    elif params.required is not None and meaning != params.required:
        yield Hit(message=f"{key} must be {'true' if params.required else 'false'}", entry=ctx.entry)


def parse_bool(value: str, params: Params) -> bool | None:
    if params.strict:
        return {"true": True, "false": False}.get(value.strip())
    text = value.strip().casefold()
    if text in {v.casefold() for v in params.true_values}:
        return True
    if text in {v.casefold() for v in params.false_values}:
        return False
    return None
