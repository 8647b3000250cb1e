"""jwt_secret: an HS256 signing key must be long, random and not a known sample.

RFC 7518 §3.2: an HMAC-SHA256 key must be at least as long as the hash output, 256 bits
(32 bytes). A short, low-entropy or sample key (jwt.io's `your-256-bit-secret`) lets
anyone who guesses it forge session tokens. All problems of one value are reported in
one finding.

Params:
  min_bytes: minimum length in UTF-8 bytes (default 32)
  min_bits: Shannon entropy floor in bits per character (default 3.0)
  allow_reference, skip_templates: see ValueParams

PASS: JWT_SECRET=<64 random hex digits>
FAIL: JWT_SECRET=your-256-bit-secret     JWT_SECRET=mysecret     JWT_SECRET=aaaa…(40 a)
"""

from __future__ import annotations

from typing import Iterator

from etc_policy.checks._common import ValueParams, checked_value, shannon_bits
from etc_policy.checks.base import CheckContext, Hit
from etc_policy.checks.known_weak import is_known_weak
from etc_policy.checks.placeholder import is_placeholder
from etc_policy.schema import Field

KIND = "jwt_secret"
SCOPE = "entry"


class Params(ValueParams):
    min_bytes: int = Field(default=32, ge=1)
    min_bits: float = Field(default=3.0, gt=0, le=8)


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    value = checked_value(params, ctx)
    if value is None:
        return
    problems = weaknesses(value, params)
    if problems:
        # No hint: a weak key's first characters give too much of it away.
        yield Hit(message=f"{ctx.entry.key} is not a strong HS256 key: {'; '.join(problems)}",
                  entry=ctx.entry)


def weaknesses(value: str, params: Params) -> list[str]:
    problems: list[str] = []
    if is_known_weak(value):
        problems.append("a well-known sample or weak secret")
    elif is_placeholder(value):
        problems.append("a placeholder")
    size = len(value.encode("utf-8"))
    if size < params.min_bytes:
        problems.append(f"{size} bytes, at least {params.min_bytes} needed")
    bits = shannon_bits(value)
    if value and bits < params.min_bits:
        problems.append(f"low entropy ({bits:.2f} bits/char; floor {params.min_bits:g})")
    return problems
