"""dotenv_quote_character: quotes only where they change the value.

dotenv-linter's QuoteCharacter, adapted to Node: quotes are needed for a `#`, leading or
trailing spaces, a newline or `\\n` escapes, so those are accepted; quotes around a plain
token (`PORT="3000"`) are noise that other loaders (Docker `--env-file`) keep as part of the
value. With `mode: any`, every quoted value is reported, as dotenv-linter does.

Params:
  mode: `unnecessary` (default) or `any`

PASS: `GREETING="hello # world"`, `PORT=3000`
FAIL: `PORT="3000"`
"""

from __future__ import annotations

from typing import Iterator, Literal

from etc_policy.checks.base import CheckContext, Hit
from etc_policy.checks.dotenv_common import DEFAULT_SOURCES, Frozen, QUOTES, entries, raw_value  # noqa: F401
from etc_policy.sources.dotenv import JS_WHITESPACE

KIND = "dotenv_quote_character"
SCOPE = "source"
_NEEDS_QUOTES = set("#\n\r\\'\"`") | set(JS_WHITESPACE)


class Params(Frozen):
    mode: Literal["unnecessary", "any"] = "unnecessary"


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    for entry in entries(ctx):
        if entry.quote is None:
            continue
        value = raw_value(ctx, entry)[1:-1] if entry.end_line == entry.value_line else "\n"
        if params.mode == "any" or not (set(value) & _NEEDS_QUOTES or value == ""):
            yield Hit(message=f"value of {entry.key} is quoted with {entry.quote} "
                              "but needs no quotes", entry=entry)
