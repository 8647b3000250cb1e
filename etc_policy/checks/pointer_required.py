"""pointer_required: railway config (railway.json / railway.toml) must set these fields.

Each pointer is a JSON pointer (`/deploy/healthcheckPath`); TOML files use the same
pointers (`[deploy] healthcheckPath = …`). A `null` value counts as unset (the schema allows
null for "use the service setting"). With `environment: production`, a value under
`/environments/production/…` also satisfies the pointer, because Railway applies it over
the base config in that environment.

Params:
  pointers: the required JSON pointers (at least one)
  environment: optional environment whose override also counts

PASS: {"deploy": {"healthcheckPath": "/api/health"}}    (pointers: [/deploy/healthcheckPath])
FAIL: {"deploy": {"startCommand": "node server.js"}}
"""

from __future__ import annotations

from typing import Iterator

from etc_policy.checks._common import Frozen
from etc_policy.checks.base import CheckContext, Hit
from etc_policy.model import Source, SourceKind
from etc_policy.schema import Field, field_validator

KIND = "pointer_required"
SCOPE = "source"
DEFAULT_SOURCES = (SourceKind.RAILWAY_CONFIG,)

_MISSING = object()


class Params(Frozen):
    pointers: tuple[str, ...] = Field(min_length=1)
    environment: str | None = None

    @field_validator("pointers")
    @classmethod
    def _pointers(cls, pointers: tuple[str, ...]) -> tuple[str, ...]:
        for pointer in pointers:
            if not pointer.startswith("/"):
                raise ValueError(f"not a JSON pointer (must start with /): {pointer}")
        return pointers


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    source = ctx.source
    if source is None:
        return
    for pointer in params.pointers:
        candidates = [pointer]
        if params.environment:
            candidates.append(f"/environments/{escape(params.environment)}{pointer}")
        if not any(lookup(source, c) not in (None, _MISSING) for c in candidates):
            yield Hit(message=f"{pointer} is not set", key=pointer)


def lookup(source: Source, pointer: str) -> object:
    """The value at `pointer`, from the entries or else the parsed document; _MISSING if absent."""
    entry = source.effective().get(pointer)
    if entry is not None:
        return entry.value
    node = source.document
    for token in pointer.split("/")[1:]:
        name = token.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and name in node:
            node = node[name]
        elif isinstance(node, list) and name.isdigit() and int(name) < len(node):
            node = node[int(name)]
        else:
            return _MISSING
    return node


def escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")
