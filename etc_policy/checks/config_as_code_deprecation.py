"""config_as_code_deprecation: railway.json / railway.toml stops working on the cutoff date.

Railway deprecated Config as Code: existing `railway.json` / `railway.toml` files keep
working for services that already use them only until 2026-12-01 (hard cutoff); new
services cannot opt in. The successor is Infrastructure as Code in `.railway/railway.ts`,
and `railway config migrate` converts the file. One finding per config file, at its first
line; the message says "will stop" before the cutoff and "stopped" from the cutoff on,
by the run's clock (`CheckContext.now`, injectable for `--as-of` and tests).

`state` splits the two stages so that each can carry its own severity:
  any       every config file (the message follows the clock)
  pending   before the cutoff, or when a railway.ts exists (the migration is under way; the
            comparison rule shows what it still lacks): the file still has to go
  stopped   from the cutoff on, with no railway.ts: the file's health check, restart policy
            and start command no longer apply to the service at all
A railway.ts counts when the run read one (any `railway-iac` source) or when
`.railway/railway.ts` (or .js/.mjs…) exists beside the config file or above it, as the
Railway CLI finds `.railway/` by walking up — a hook given only railway.json still knows.

Params:
  cutoff: the date (default 2026-12-01)
  state: any | pending | stopped (default any)

FAIL: any railway.json or railway.toml (state any)
"""

from __future__ import annotations

from datetime import date
from pathlib import Path, PurePosixPath
from typing import Iterator, Literal

from etc_policy.checks._common import Frozen, now
from etc_policy.checks.base import CheckContext, Hit
from etc_policy.model import Source, SourceKind

KIND = "config_as_code_deprecation"
SCOPE = "source"
DEFAULT_SOURCES = (SourceKind.RAILWAY_CONFIG,)
READS_UNPARSED = True  # judges that the file exists, not what it holds

SUCCESSOR = ".railway/railway.ts"
MIGRATE = "railway config migrate"
_IAC_FILES = ("railway.ts", "railway.mts", "railway.cts", "railway.js", "railway.mjs", "railway.cjs")


class Params(Frozen):
    cutoff: date = date(2026, 12, 1)
    state: Literal["any", "pending", "stopped"] = "any"


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    if ctx.source is None or ctx.source.kind is not SourceKind.RAILWAY_CONFIG:
        return
    name = PurePosixPath(ctx.source.path).name
    past = now(ctx).date() >= params.cutoff
    migrated = params.state != "any" and has_iac(ctx, ctx.source)
    if params.state == "pending" and past and not migrated:
        return
    if params.state == "stopped" and (not past or migrated):
        return
    cutoff = params.cutoff.isoformat()
    if params.state == "stopped":
        yield Hit(message=f"{name} stopped applying to existing services on {cutoff} and no "
                          f"{SUCCESSOR} replaces it: its health check, restart policy and "
                          f"start command no longer apply; run `{MIGRATE}`", line=1, column=1)
        return
    state = (f"stopped working for existing services on {cutoff}" if past
             else f"will stop working for existing services on {cutoff}")
    then = (f"{SUCCESSOR} exists: remove {name} once railway.ts holds all its settings" if migrated
            else f"migrate to {SUCCESSOR} with `{MIGRATE}`")
    yield Hit(message=f"Config as Code ({name}) is deprecated and {state}; {then}",
              line=1, column=1)


def has_iac(ctx: CheckContext, config: Source) -> bool:
    return bool(iac_sources(ctx, config)) or _iac_on_disk(ctx, config)


def iac_sources(ctx: CheckContext, config: Source) -> list[Source]:
    """The railway.ts sources (one per service) that govern this config file's folder: their
    `.railway/` sits in that folder or above it."""
    folder = PurePosixPath(config.path).parent
    return [s for s in ctx.workspace.sources if s.kind is SourceKind.RAILWAY_IAC
            and _covers(PurePosixPath(s.path).parent.parent, folder)]


def _covers(top: PurePosixPath, folder: PurePosixPath) -> bool:
    return top == PurePosixPath(".") or folder == top or top in folder.parents


def _iac_on_disk(ctx: CheckContext, config: Source) -> bool:
    folder = (Path(ctx.workspace.root) / config.path).resolve().parent
    for candidate in (folder, *folder.parents):
        if any((candidate / ".railway" / f).is_file() for f in _IAC_FILES):
            return True
        if (candidate / ".git").exists():
            return False   # the repository's top: Railway's walk up would not go further
    return False
