"""reuse: the same secret value must not be used in two environments.

Each environment needs its own keys: a staging leak must not open production, and keys
must be rotatable one environment at a time. Every secret (as the packs classify it) in a
source with a known environment is digested with HMAC-SHA256 under a random per-run key;
a digest shared by two environments is one problem, so one finding: at the first place
(by environment, file, line), naming every environment and file that holds the value, with
each other place as a related location. Never the value. Values shorter than `min_length`,
empty values, Railway references (`${{ shared.X }}` is sharing by design), placeholders and
well-known weak values are skipped: the `placeholder` and `known_weak` kinds report those.
The same value in two sources of one environment (`.env.production` and its Railway
export) alone is not reuse; once it is reused, both places are listed.

Params:
  min_length: shortest value considered (default 8)

FAIL: .env.production JWT_SECRET=<v>  and  .env.staging JWT_SECRET=<same v>
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

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
    for uses in reused(ctx.workspace.sources, is_secret=ctx.is_secret,
                       min_length=params.min_length):
        yield _report(uses)


def reused(sources: Iterable[Source], *, is_secret: Callable[[Entry], bool],
           min_length: int = 8) -> list[list[Use]]:
    """Groups of places holding one value, for each value held in two or more environments,
    ordered by environment, file and line (the audit's reuse table reads the same groups)."""
    hasher = KeyedHasher()  # random key per run: digests cannot be compared across runs
    groups: dict[bytes, list[Use]] = {}
    for source in sources:
        if source.environment is None:
            continue
        for entry in source.effective().values():
            if candidate(entry, min_length) and is_secret(entry):
                digest = hasher.digest(entry.text)
                groups.setdefault(digest, []).append(Use(source.environment, source, entry))
    return [sorted(uses, key=lambda u: (u.environment, u.source.path, u.entry.line))
            for uses in groups.values() if len({u.environment for u in uses}) > 1]


def candidate(entry: Entry, min_length: int = 8) -> bool:
    value = entry.text
    if value is None or entry.is_reference or entry.ciphertext is not None \
            or len(value.strip()) < min_length:
        return False
    return not is_placeholder(value) and not is_known_weak(value)


def _report(uses: list[Use]) -> Hit:
    first, others = uses[0], uses[1:]
    environments = sorted({u.environment for u in uses})
    places = "; ".join(
        f"{env}: " + ", ".join(f"{u.source.path}:{u.entry.line}" + _as(u, first)
                               for u in uses if u.environment == env)
        for env in environments)
    return Hit(message=f"{first.entry.key} has the same value in {len(environments)} "
                       f"environments ({places})",
               entry=first.entry, source=first.source,
               related=tuple((u.source, u.entry) for u in others))


def _as(use: Use, first: Use) -> str:
    """A place whose key differs from the finding's names its own key."""
    return "" if use.entry.key == first.entry.key else f" as {use.entry.key}"
