"""required: keys that must be set in the source.

An empty value counts as missing (`process.env.X || default` treats "" as unset); a sealed
variable (value hidden by Railway) counts as set. `any_of` lists groups of alternatives:
each group is satisfied when at least one of its keys is set, so apps that spell the same
setting differently (RATE_LIMIT_MAX / RATE_LIMIT_MAX_REQUESTS) are all accepted.
One finding per missing key or unsatisfied group, at the top of the file. A source that
does not say which variables exist (a railway.ts service without `env`, or with a spread
only the program knows: formats.declares_variables) is not judged.

Params:
  keys: every one of these must be set
  any_of: list of groups; from each group at least one key must be set
  allow_empty: count an empty value as set (default false)

PASS: .env.production with NODE_ENV, DATABASE_URL, JWT_SECRET   (keys: [NODE_ENV, DATABASE_URL, JWT_SECRET])
FAIL: .env.production without JWT_SECRET
"""

from __future__ import annotations

from typing import Iterator

from etc_policy.checks._common import Frozen, present
from etc_policy.checks.base import CheckContext, Hit
from etc_policy.model import Entry
from etc_policy.sources.formats import declares_variables
from etc_policy.schema import Field, model_validator

KIND = "required"
SCOPE = "source"


class Params(Frozen):
    keys: tuple[str, ...] = ()
    any_of: tuple[tuple[str, ...], ...] = ()
    allow_empty: bool = False

    @model_validator(mode="after")
    def _something(self) -> Params:
        if not self.keys and not self.any_of:
            raise ValueError("required needs keys or any_of")
        if any(not group for group in self.any_of):
            raise ValueError("an any_of group is empty")
        return self


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    if ctx.source is None or not declares_variables(ctx.source):
        return
    entries = ctx.source.effective()
    for key in params.keys:
        if not _is_set(entries.get(key), allow_empty=params.allow_empty):
            yield Hit(message=f"{key} is required but {_state(entries.get(key))}", key=key)
    for group in params.any_of:
        if not any(_is_set(entries.get(k), allow_empty=params.allow_empty) for k in group):
            yield Hit(message=f"one of {', '.join(group)} is required but none is set", key=group[0])


def _is_set(entry: Entry | None, *, allow_empty: bool) -> bool:
    return entry is not None and (allow_empty or present(entry))


def _state(entry: Entry | None) -> str:
    return "missing" if entry is None else "empty"
