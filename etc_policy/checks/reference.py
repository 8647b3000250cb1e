"""reference: the value must (or must not) be a Railway reference `${{ … }}`.

Railway renders `${{ Postgres.DATABASE_URL }}` at deploy time from the Postgres service, so
rotating the database password needs no edit; a pasted literal goes stale and spreads the
password. `mode: forbidden` is the reverse, for values that must be literal.

Params:
  mode: required | forbidden
  namespace: with mode required, the reference must point into this namespace
             (service name such as `Postgres`, or `shared`), compared case-insensitively
  skip_templates: see ValueParams (allow_reference is ignored: references are the point)

PASS: DATABASE_URL=${{ Postgres.DATABASE_URL }}     (mode: required, namespace: Postgres)
FAIL: DATABASE_URL=postgresql://postgres:…@postgres.railway.internal:5432/railway
"""

from __future__ import annotations

import re
from typing import Iterator, Literal

from etc_policy.checks._common import ValueParams, checked_value
from etc_policy.checks.base import CheckContext, Hit

KIND = "reference"
SCOPE = "entry"

REFERENCE = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")


class Params(ValueParams):
    mode: Literal["required", "forbidden"]
    namespace: str | None = None


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    # References are what this kind inspects, so it never lets them pass unchecked.
    value = checked_value(params.model_copy(update={"allow_reference": False}), ctx)
    if value is None:
        return
    targets = [m.group(1) for m in REFERENCE.finditer(value)]
    key = ctx.entry.key
    if params.mode == "forbidden":
        if targets:
            yield Hit(message=f"{key} must be a literal value, not a Railway reference",
                      entry=ctx.entry)
        return
    if not targets:
        example = f"${{{{ {params.namespace}.{key} }}}}" if params.namespace else "${{ Service.VAR }}"
        yield Hit(message=f"{key} must be a Railway reference such as {example}, not a literal",
                  entry=ctx.entry)
    elif params.namespace and not any(in_namespace(t, params.namespace) for t in targets):
        yield Hit(message=f"{key} must reference the {params.namespace} service", entry=ctx.entry)


def in_namespace(target: str, namespace: str) -> bool:
    name, dot, _ = target.rpartition(".")
    return bool(dot) and name.strip().casefold() == namespace.casefold()
