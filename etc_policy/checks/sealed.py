"""sealed: a secret in Railway's environment config must be a sealed variable.

Sealed variables are write-only: Railway injects them at deploy time but never shows them
again (not in the dashboard, `railway variables`, `railway run`), so a leaked dashboard
session or CLI token cannot read them. The rule reads `railway environment config --json`
exports, whose entries carry `isSealed`; select the secrets with `select.secrets: true`.
Entries whose sealed state is unknown (other sources) pass; so do Railway references,
which hold no secret themselves (unless `allow_reference: false`).

Params:
  allow_reference: default true (a `${{ Postgres.DATABASE_URL }}` reference needs no sealing)

PASS: "JWT_SECRET": {"isSealed": true}
FAIL: "JWT_SECRET": {"value": "…", "isSealed": false}
"""

from __future__ import annotations

from typing import Iterator

from etc_policy.checks._common import Frozen
from etc_policy.checks.base import CheckContext, Hit
from etc_policy.model import SourceKind

KIND = "sealed"
SCOPE = "entry"
DEFAULT_SOURCES = (SourceKind.RAILWAY_ENVIRONMENT,)


class Params(Frozen):
    allow_reference: bool = True


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    entry = ctx.entry
    if entry is None or entry.sealed is not False:
        return
    if params.allow_reference and entry.is_reference:
        return
    where = f" (service {entry.service})" if entry.service else " (shared variable)"
    yield Hit(message=f"{entry.key} is a secret but not sealed in Railway{where}", entry=entry)
