"""template_sync: `.env.example` (or `.env.sample`, any template) lists the keys the environment has.

dotenv-linter's `compare`, between a template and an environment: for each template file
(`.env.example`, `.env.sample`, `.env.template`…: `_common.TEMPLATE_GLOBS`) and the
sources of `environment` (`.env.production`, the Railway variables exports of production):

  direction: missing_in_template     a key the environment sets but the template does not
                                     document (finding at the environment's line)
  direction: missing_in_environment  a key the template documents but no source of the
                                     environment sets (finding at the template's line)

Only keys are compared: the template's values are examples and are never read, nor are the
environment's. Keys Railway injects itself (`RAILWAY_*`, `ignore_pattern`) and
`ignore_keys` are left out. Nothing is reported when the project has no template or no
source for the environment. Sealed variables are absent from Railway's variables exports but
listed with `isSealed` in `railway environment config --json`, which counts as setting them.

FAIL: .env.production sets SENTRY_DSN; .env.example does not mention it (missing_in_template)
PASS: both list NODE_ENV, DATABASE_URL, SENTRY_DSN (values differ: never compared)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Literal

from etc_policy.checks._common import Frozen, is_template
from etc_policy.checks.base import CheckContext, Hit
from etc_policy.model import SourceKind
from etc_policy.patterns import compile_pack_regex
from etc_policy.schema import Field, field_validator

KIND = "template_sync"
SCOPE = "workspace"
DEFAULT_SOURCES = (SourceKind.DOTENV, SourceKind.RAILWAY_VARIABLES,
                   SourceKind.RAILWAY_VARIABLES_KV, SourceKind.RAILWAY_ENVIRONMENT)


class Params(Frozen):
    direction: Literal["missing_in_template", "missing_in_environment"]
    environment: str = Field(default="production", min_length=1)
    ignore_keys: tuple[str, ...] = ()
    ignore_pattern: str | None = "RAILWAY_[A-Z0-9_]*"   # fullmatch; Railway sets these itself

    @field_validator("ignore_pattern")
    @classmethod
    def _valid(cls, value: str | None) -> str | None:
        if value is not None:
            compile_pack_regex(value)
        return value


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    sources = ctx.workspace.sources
    templates = [s for s in sources if s.kind is SourceKind.DOTENV and is_template(s)]
    # .env files first: a key set in several sources is reported once, where people edit it.
    environment = sorted((s for s in sources if s.environment == params.environment
                          and not is_template(s)), key=lambda s: s.kind is not SourceKind.DOTENV)
    if not templates or not environment:
        return
    ignored = _ignored(params)
    if params.direction == "missing_in_template":
        for template in templates:
            seen = set(template.effective())
            for source in environment:
                for key, entry in source.effective().items():
                    if key not in seen and not ignored(key):
                        seen.add(key)
                        yield Hit(message=f"{key} is set in {source.path} but not documented "
                                          f"in {template.path}", entry=entry, source=source)
        return
    present = {key for source in environment for key in source.effective()}
    names = ", ".join(s.path for s in environment)
    for template in templates:
        for key, entry in template.effective().items():
            if key not in present and not ignored(key):
                yield Hit(message=f"{key} is documented in {template.path} but not set in "
                                  f"{params.environment} ({names})", entry=entry,
                          source=template)


def _ignored(params: Params) -> Callable[[str], bool]:
    keys = frozenset(params.ignore_keys)
    pattern = compile_pack_regex(params.ignore_pattern) if params.ignore_pattern else None
    return lambda key: key in keys or (pattern is not None and pattern.fullmatch(key) is not None)
