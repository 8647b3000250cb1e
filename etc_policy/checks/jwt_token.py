"""jwt_token: a JWT stored in a variable must not be expired or too old.

Only JWT-shaped values (`eyJ….eyJ….signature`) are looked at; others pass. Claims are read
without verifying the signature (python-jose `jwt.get_unverified_claims`): this is about the
token's dates, not its authenticity. A token whose payload cannot be decoded is skipped.
The token itself is never shown.

Params:
  max_age_days: optional; a token issued (`iat`) longer ago than this is a finding
  leeway_seconds: tolerance on `exp` for clock skew (default 0)
  allow_reference, skip_templates: see ValueParams

PASS: SUPABASE_SERVICE_ROLE_KEY=<JWT with exp in 2035>
FAIL: API_TOKEN=<JWT with exp 2020-01-01>
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Iterator

from etc_policy.checks._common import ValueParams, checked_value, now
from etc_policy.checks.base import CheckContext, Hit
from etc_policy.schema import Field
from etc_policy.secrets.jwt_claims import timestamp

KIND = "jwt_token"
SCOPE = "entry"

JWT_SHAPE = re.compile(r"eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")


class Params(ValueParams):
    max_age_days: int | None = Field(default=None, ge=1)
    leeway_seconds: int = Field(default=0, ge=0)


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    value = checked_value(params, ctx)
    if value is None or not JWT_SHAPE.fullmatch(value.strip()):
        return
    claims = unverified_claims(value.strip())
    if claims is None:
        return
    clock = now(ctx)
    key = ctx.entry.key
    expires = timestamp(claims.get("exp"))
    if expires is not None and expires + timedelta(seconds=params.leeway_seconds) < clock:
        yield Hit(message=f"{key} holds a JWT that expired on {expires:%Y-%m-%d}", entry=ctx.entry)
        return
    issued = timestamp(claims.get("iat"))
    if params.max_age_days is not None and issued is not None:
        age = (clock - issued).days
        if age > params.max_age_days:
            yield Hit(message=f"{key} holds a JWT issued {age} days ago "
                              f"(on {issued:%Y-%m-%d}; at most {params.max_age_days} days)",
                      entry=ctx.entry)


def unverified_claims(token: str) -> dict | None:
    from jose import jwt  # lazily: jose is slow to import and only needed for JWT values
    from jose.exceptions import JOSEError

    try:
        claims = jwt.get_unverified_claims(token)
    except (JOSEError, ValueError, TypeError):
        return None
    return claims if isinstance(claims, dict) else None
