"""entropy: the value must carry enough randomness (Shannon bits per character).

Shannon entropy of the character distribution: 64 random hex digits score about 3.8,
random base64 about 5, `aaaaaaaa` 0, `password1` about 3.2. The score of a string of n
characters can never exceed log2(n), so short values fail a 3.0 floor by construction.

Params:
  min_bits: the floor in bits per character (default 3.0)
  min_length: optional; a value shorter than this is a finding too ("too short")
  skip_placeholders: default true; placeholders are the `placeholder` kind's business,
                     so one value is not reported twice
  allow_reference, skip_templates: see ValueParams

PASS: SESSION_SECRET=<48 random base64 characters>
FAIL: SESSION_SECRET=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
"""

from __future__ import annotations

from typing import Iterator

from etc_policy.checks._common import ValueParams, checked_value, hint, shannon_bits
from etc_policy.checks.base import CheckContext, Hit
from etc_policy.checks.placeholder import is_placeholder
from etc_policy.schema import Field

KIND = "entropy"
SCOPE = "entry"


class Params(ValueParams):
    min_bits: float = Field(default=3.0, gt=0, le=8)
    min_length: int | None = Field(default=None, ge=1)
    skip_placeholders: bool = True


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    value = checked_value(params, ctx)
    if not value or (params.skip_placeholders and is_placeholder(value)):
        return
    key = ctx.entry.key
    if params.min_length is not None and len(value) < params.min_length:
        yield Hit(message=f"{key} is too short to be a strong secret "
                          f"({len(value)} characters; at least {params.min_length})",
                  entry=ctx.entry, hint=hint(value))
        return
    bits = shannon_bits(value)
    if bits < params.min_bits:
        yield Hit(message=f"{key} has low entropy ({bits:.2f} bits/char; floor {params.min_bits:g})",
                  entry=ctx.entry, hint=hint(value))
