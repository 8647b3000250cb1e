"""literal_secret: a secret written as a literal in committed code (.railway/railway.ts).

railway.ts is a program committed with the application: a secret typed into it as a string
is in the repository, its history and every clone, whatever Railway does with it later. The
kind reads the `origin` railway_ts.py gives each value: `literal` and `environment` (a
literal chosen by `ctx.isEnvironment(...)`) are written in the file; `preserve()`,
references, generated and unresolvable values are not. Empty strings hold no secret.
Select the secrets with `select.secrets: true`, or name the keys (registry credentials).

Params:
  origins: the origins that count as written in the file (default [literal, environment])

PASS: JWT_SECRET: preserve(),     DATABASE_URL: db.env.DATABASE_URL
FAIL: JWT_SECRET: "4f9c2e…",      deploy: {registryCredentials: {password: "…"}}
"""

from __future__ import annotations

from typing import Iterator

from etc_policy.checks._common import Frozen, hint
from etc_policy.checks.base import CheckContext, Hit
from etc_policy.model import SourceKind

KIND = "literal_secret"
SCOPE = "entry"
DEFAULT_SOURCES = (SourceKind.RAILWAY_IAC,)

class Params(Frozen):
    origins: tuple[str, ...] = ("literal", "environment")


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    entry = ctx.entry
    if entry is None or entry.origin not in params.origins or not entry.text or entry.is_reference:
        return
    branch = " (in the branch for this environment)" if entry.origin == "environment" else ""
    if entry.key.startswith("/"):      # a setting such as /deploy/registryCredentials/password
        fix = "remove it and set it in the service's settings in Railway"
    else:
        fix = "use preserve() and set the value in Railway (sealed)"
    yield Hit(message=f"{entry.key} is written as a literal in the committed code{branch}: {fix}",
              entry=entry, hint=hint(entry.text))
