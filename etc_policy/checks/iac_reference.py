"""iac_reference: in railway.ts, a variable is a reference to a resource of the project.

`DATABASE_URL: db.env.DATABASE_URL` (or `ref(db, "DATABASE_URL")`) makes Railway render the
URL of the project's own database at deploy time: the password is never in the file and a
rotation needs no edit. A literal URL is a copy that goes stale and commits the password.
`preserve()` passes (the value is kept in Railway, set by hand), unless `allow_preserve` is
false; generated and unresolvable values are not judged. A `${{ Name.VAR }}` template string
counts when Name is a resource of the kind asked for.

Params:
  resource_kinds: the SDK resources the reference must point to (default [postgres])
  allow_preserve: default true

PASS: DATABASE_URL: db.env.DATABASE_URL      (const db = postgres("db"))
FAIL: DATABASE_URL: "postgresql://postgres:…@postgres.railway.internal:5432/railway"
"""

from __future__ import annotations

from typing import Iterator

from etc_policy.checks._common import Frozen
from etc_policy.checks.base import CheckContext, Hit
from etc_policy.checks.reference import REFERENCE
from etc_policy.model import SourceKind

KIND = "iac_reference"
SCOPE = "entry"
DEFAULT_SOURCES = (SourceKind.RAILWAY_IAC,)


class Params(Frozen):
    resource_kinds: tuple[str, ...] = ("postgres",)
    allow_preserve: bool = True


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    entry, source = ctx.entry, ctx.source
    if entry is None or source is None or entry.origin in {"generated", "unresolvable", None}:
        return
    kinds = " or ".join(params.resource_kinds)
    if entry.origin == "preserve":
        if not params.allow_preserve:
            yield Hit(message=f"{entry.key} is preserve(): reference the project's {kinds} "
                              "instead", entry=entry)
        return
    resources = (source.document or {}).get("resources", {}) if isinstance(source.document, dict) else {}
    targets = [m.group(1).rpartition(".")[0].strip() for m in REFERENCE.finditer(entry.text or "")]
    if any(resources.get(name) in params.resource_kinds for name in targets):
        return
    if targets:
        yield Hit(message=f"{entry.key} references no {kinds} resource of this project",
                  entry=entry)
        return
    yield Hit(message=f"{entry.key} is a literal, not a reference to the project's {kinds} "
                      f"(e.g. db.env.{entry.key})", entry=entry)
