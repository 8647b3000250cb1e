"""iac_migration: what railway.json / railway.toml sets that .railway/railway.ts lacks or sets
differently — a half-finished migration made visible.

`railway config migrate` keeps the start and build commands, the health check and replicas,
writes the builder, dockerfile path, pre-deploy command and watch patterns only as comments,
and drops the restart policy (IAC.md, migrate.rs): a migrated service silently loses its
restart policy. From the cutoff Railway applies only railway.ts, so every such field is a
setting production no longer has. The config file is matched with the railway.ts of its
folder or above (config_as_code_deprecation.iac_sources); with several services, with the one
that agrees on most fields (named in the message). A field railway.ts lacks is reported at its
line in railway.json; one it sets differently at its line in railway.ts. Values are never
shown (a start command can carry a token).

Params:
  pointers: the fields compared (default: health check path and timeout, restart policy
            type and retries, start, build and pre-deploy commands, replicas, cron schedule)
  environment: the environment whose `/environments/<name>/…` override in railway.json
               counts (default production, the environment railway.ts is read for)

FAIL: railway.json {"deploy": {"restartPolicyType": "ON_FAILURE"}}; railway.ts without it
"""

from __future__ import annotations

from typing import Iterator

from etc_policy.checks._common import Frozen
from etc_policy.checks.base import CheckContext, Hit
from etc_policy.checks.config_as_code_deprecation import iac_sources
from etc_policy.checks.pointer_required import _MISSING, escape, lookup
from etc_policy.model import Entry, Source, SourceKind
from etc_policy.schema import Field

KIND = "iac_migration"
SCOPE = "workspace"
DEFAULT_SOURCES = (SourceKind.RAILWAY_CONFIG, SourceKind.RAILWAY_IAC)

FIELDS = ("/deploy/healthcheckPath", "/deploy/healthcheckTimeout", "/deploy/restartPolicyType",
          "/deploy/restartPolicyMaxRetries", "/deploy/startCommand", "/build/buildCommand",
          "/deploy/preDeployCommand", "/deploy/numReplicas", "/deploy/cronSchedule")


class Params(Frozen):
    pointers: tuple[str, ...] = Field(default=FIELDS, min_length=1)
    environment: str | None = "production"


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    for config in ctx.workspace.sources:
        if config.kind is not SourceKind.RAILWAY_CONFIG or config.document is None:
            continue
        services = iac_sources(ctx, config)
        wanted = {p: v for p in params.pointers
                  if (v := _config_value(config, p, params.environment)) is not _MISSING}
        if not services or not wanted:
            continue
        service = max(services, key=lambda s: sum(_same(s.get(p), v) for p, v in wanted.items()))
        yield from _compare(config, service, wanted, several=len(services) > 1,
                            environment=params.environment)


def _compare(config: Source, service: Source, wanted: dict[str, object], *,
             several: bool, environment: str | None) -> Iterator[Hit]:
    override = f"/environments/{escape(environment)}" if environment else None
    # The engine names the railway.ts service on its own findings; a railway.json finding
    # says which service it was compared with when there was a choice.
    which = f" (compared with service {service.service})" if several else ""
    for pointer, value in wanted.items():
        entry = service.get(pointer)
        if entry is None:
            yield Hit(message=f"{pointer} is set in {_name(config)} but not in {service.path}"
                              f"{which}: from the cutoff the service runs without it",
                      source=config, key=pointer,
                      entry=(override and config.get(override + pointer)) or config.get(pointer))
        elif entry.origin != "unresolvable" and not _same(entry, value):
            yield Hit(message=f"{pointer} differs between {_name(config)} and {service.path}; "
                              "railway.ts is what Railway applies", source=service,
                      entry=entry, key=pointer)


def _config_value(config: Source, pointer: str, environment: str | None) -> object:
    if environment:
        override = lookup(config, f"/environments/{escape(environment)}{pointer}")
        if override not in (None, _MISSING):
            return override
    value = lookup(config, pointer)
    return _MISSING if value is None else value


def _same(entry: Entry | None, value: object) -> bool:
    if entry is None:
        return False
    mine = entry.value
    if isinstance(value, list) and isinstance(mine, str):
        return value == [mine]          # preDeploy: "cmd" is ["cmd"]
    return mine == value


def _name(source: Source) -> str:
    return source.path.rpartition("/")[2]
