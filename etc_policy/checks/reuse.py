"""reuse: the same secret value must not be used in two environments.

Each environment needs its own keys: a staging leak must not open production, and keys
must be rotatable one environment at a time. Every secret (as the packs classify it) in a
source with a known environment is digested with HMAC-SHA256 under a random per-run key;
digests shared by two environments give a finding at each place, naming the other
environment, file and key, never the value. Values shorter than `min_length`, empty values,
Railway references (`${{ shared.X }}` is sharing by design), placeholders and well-known
weak values are skipped: the `placeholder` and `known_weak` kinds report those.
The same value in two sources of one environment (`.env.production` and its Railway
export) is not reuse.

Params:
  min_length: shortest value considered (default 8)

FAIL: .env.production JWT_SECRET=<v>  and  .env.staging JWT_SECRET=<same v>
"""

from __future__ import annotations

from typing import Iterator

from etc_policy.checks._common import Frozen
from etc_policy.checks.base import CheckContext, Hit
from etc_policy.checks.known_weak import is_known_weak
from etc_policy.checks.placeholder import is_placeholder
from etc_policy.model import Entry, Source
from etc_policy.record import record
from etc_policy.schema import Field
from etc_policy.secrets.keyed import KeyedHasher

KIND = "reuse"
SCOPE = "workspace"


class Params(Frozen):
    min_length: int = Field(default=8, ge=1)


@record
class Use:
    environment: str
    source: Source
    entry: Entry


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    hasher = KeyedHasher()  # random key per run: digests cannot be compared across runs
    groups: dict[bytes, list[Use]] = {}
    for source in ctx.workspace.sources:
        if source.environment is None:
            continue
        for entry in source.effective().values():
            if _candidate(entry, params) and ctx.is_secret(entry):
                digest = hasher.digest(entry.text)
                groups.setdefault(digest, []).append(Use(source.environment, source, entry))
    for uses in groups.values():
        if len({u.environment for u in uses}) > 1:
            yield from _report(uses)


def _candidate(entry: Entry, params: Params) -> bool:
    value = entry.text
    if value is None or entry.is_reference or entry.ciphertext is not None or len(value.strip()) < params.min_length:
        return False
    return not is_placeholder(value) and not is_known_weak(value)


def _report(uses: list[Use]) -> Iterator[Hit]:
    ordered = sorted(uses, key=lambda u: (u.environment, u.source.path, u.entry.line))
    for use in ordered:
        other = next(u for u in ordered if u.environment != use.environment)
        yield Hit(message=f"{use.entry.key} has the same value as {other.entry.key} in environment "
                          f"'{other.environment}' ({other.source.path}:{other.entry.line})",
                  entry=use.entry, source=use.source)
