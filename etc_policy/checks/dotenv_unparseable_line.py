"""dotenv_unparseable_line: a line Node dotenv cannot read is silently dropped.

A non-blank, non-comment line that is not `KEY=VALUE` (for example `this is not valid`,
`MY KEY=1`, a key with non-ASCII letters, or `__proto__=…`) never reaches the app. Node gives
no error, so a typo silently unsets a variable. A bare `KEY` (no `=`) is left to
`dotenv_key_without_value` unless `include_bare_keys` is set.

Params:
  include_bare_keys: also report lines that are a key alone (default false)

PASS: `DATABASE_URL=postgres://user:pass@host/db`
FAIL: `DATABASE URL=postgres://user:pass@host/db`
"""

from __future__ import annotations

from typing import Iterator

from etc_policy.checks.base import CheckContext, Hit
from etc_policy.checks.dotenv_common import DEFAULT_SOURCES, Frozen, lines  # noqa: F401
from etc_policy.checks.dotenv_key_without_value import bare_key

KIND = "dotenv_unparseable_line"
SCOPE = "source"


class Params(Frozen):
    include_bare_keys: bool = False


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    if ctx.source is None:
        return
    text = lines(ctx)
    for diagnostic in ctx.source.diagnostics:
        if diagnostic.code != "dotenv.unparseable-line":
            continue
        line = text[diagnostic.line - 1] if diagnostic.line <= len(text) else ""
        if not params.include_bare_keys and bare_key().fullmatch(line):
            continue
        yield Hit(message=diagnostic.message, line=diagnostic.line, column=diagnostic.column,
                  key=diagnostic.key)
