"""template_secret: a committed template (`.env.example`…) must not hold a real-looking secret.

Template files are committed on purpose and copied by every new developer, so a real key
pasted into one is published with the repository. A value counts as real-looking when the
packs classify the entry as a secret and the value is not empty, not a placeholder, not a
well-known sample, not a Railway reference, at least `min_length` characters long and at
least `min_bits` bits/char of entropy (random keys score 3.5–6; `your-key-here` is caught
as a placeholder first). Only sources whose file name matches `templates` are looked at.

Params:
  templates: file-name globs (default `*.example`, `*.sample`, `*.template`, `*.tpl`,
             `*.dist`, `*.defaults`, `*.example.*`, …)
  min_length: default 16
  min_bits: default 3.0

PASS: .env.example  OPENAI_API_KEY=sk-your-key-here
FAIL: .env.example  OPENAI_API_KEY=sk-proj-<74 random>T3BlbkFJ<74 random>
"""

from __future__ import annotations

from typing import Iterator

from etc_policy.checks._common import TEMPLATE_GLOBS, Frozen, hint, is_template, shannon_bits
from etc_policy.checks.base import CheckContext, Hit
from etc_policy.checks.known_weak import is_known_weak
from etc_policy.checks.placeholder import is_placeholder
from etc_policy.schema import Field

KIND = "template_secret"
SCOPE = "entry"


class Params(Frozen):
    templates: tuple[str, ...] = Field(default=TEMPLATE_GLOBS, min_length=1)
    min_length: int = Field(default=16, ge=1)
    min_bits: float = Field(default=3.0, gt=0, le=8)


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    entry = ctx.entry
    if entry is None or not is_template(ctx.source, params.templates):
        return
    value = entry.text
    if value is None or entry.is_reference or not ctx.is_secret(entry):
        return
    if real_looking(value.strip(), params):
        yield Hit(message=f"{entry.key} in a committed template holds a real-looking secret",
                  entry=entry, hint=hint(value))


def real_looking(value: str, params: Params) -> bool:
    if len(value) < params.min_length or is_placeholder(value) or is_known_weak(value):
        return False
    return shannon_bits(value) >= params.min_bits
