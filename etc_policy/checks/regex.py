"""regex: the value must (or must not) match a regular expression.

Params:
  pattern: a Python regular expression, searched (use ^…$ to anchor)
  must_match: true (default) = a value that does not match is a finding;
              false = a value that matches is a finding
  ignore_case: default false
  description: what the pattern stands for, used in the message
               ("an OpenAI API key (sk-proj-…, sk-svcacct-…, sk-admin-… or legacy sk-…)")
  allow_reference, skip_templates: see ValueParams

PASS: OPENAI_API_KEY=sk-proj-…T3BlbkFJ…   (pattern: '^sk-(proj|svcacct|admin)-…$')
FAIL: OPENAI_API_KEY=sk-your-key-here
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Iterator

from etc_policy.checks._common import ValueParams, checked_value, compile_pattern, hint
from etc_policy.checks.base import CheckContext, Hit
from etc_policy.schema import field_validator

KIND = "regex"
SCOPE = "entry"


class Params(ValueParams):
    pattern: str
    must_match: bool = True
    ignore_case: bool = False
    description: str | None = None

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, pattern: str) -> str:
        compile_pattern(pattern)
        return pattern

    @cached_property
    def compiled(self) -> re.Pattern[str]:
        return compile_pattern(self.pattern, ignore_case=self.ignore_case)


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    value = checked_value(params, ctx)
    if value is None:
        return
    matched = params.compiled.search(value) is not None
    if matched == params.must_match:
        return
    what = params.description or "the required pattern"
    verb = "does not match" if params.must_match else "matches"
    yield Hit(message=f"{ctx.entry.key} {verb} {what}", entry=ctx.entry, hint=hint(value))
