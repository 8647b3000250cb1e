"""dotenv_space_character: no whitespace around the `=` delimiter.

dotenv-linter's SpaceCharacter. Node dotenv trims it, but `source .env` in a shell, Docker's
`--env-file` and Railway's raw editor do not: `KEY = value` becomes a command or a key
with a trailing space there. Also reports the `KEY: value` form, which only Node accepts.

PASS: `PORT=3000`
FAIL: `PORT = 3000`, `PORT: 3000`
"""

from __future__ import annotations

from typing import Iterator

from etc_policy.checks.base import CheckContext, Hit
from etc_policy.checks.dotenv_common import DEFAULT_SOURCES, Frozen, delimiter, entries  # noqa: F401
from etc_policy.sources.dotenv import JS_WHITESPACE

KIND = "dotenv_space_character"
SCOPE = "source"


class Params(Frozen):
    pass


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    for entry in entries(ctx):
        found = delimiter(ctx, entry)
        if found is None:
            continue
        start, text = found
        core = text.strip(JS_WHITESPACE)
        if core == ":":
            yield Hit(message=f"key {entry.key} uses ':' as the delimiter; use '='", entry=entry,
                      line=entry.line, column=start + 1 + text.index(":"))
        elif core == "=" and text != "=" and entry.value_line == entry.line:
            yield Hit(message=f"whitespace around '=' after key {entry.key}", entry=entry,
                      line=entry.line, column=start + 1)
