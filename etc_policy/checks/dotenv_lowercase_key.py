"""dotenv_lowercase_key: keys are UPPER_SNAKE_CASE.

dotenv-linter's LowercaseKey. Environment variable names are case-sensitive on Linux:
`port=3000` does not set `PORT`, which is what the app reads.

Params:
  allow: keys accepted as they are (e.g. `npm_config_cache`)

PASS: `PORT=3000`
FAIL: `port=3000`
"""

from __future__ import annotations

from typing import Iterator

from etc_policy.checks.base import CheckContext, Hit
from etc_policy.checks.dotenv_common import DEFAULT_SOURCES, Frozen, entries  # noqa: F401

KIND = "dotenv_lowercase_key"
SCOPE = "source"


class Params(Frozen):
    allow: tuple[str, ...] = ()


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    for entry in entries(ctx):
        if entry.key != entry.key.upper() and entry.key not in params.allow:
            yield Hit(message=f"key {entry.key} has lowercase letters; use {entry.key.upper()}",
                      entry=entry)
