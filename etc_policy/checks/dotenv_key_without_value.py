"""dotenv_key_without_value: a key alone on its line (no `=`) defines nothing.

dotenv-linter's KeyWithoutValue. Node dotenv silently ignores `KEY` without `=`, so the
app sees the variable unset. With `allow_empty: false`, `KEY=` (an explicit empty value)
is reported too.

Params:
  allow_empty: accept `KEY=` (default true)

PASS: `DEBUG=` (allow_empty) or `DEBUG=false`
FAIL: `DEBUG`
"""

from __future__ import annotations

import functools
import re
from typing import Iterator

from etc_policy.checks.base import CheckContext, Hit
from etc_policy.checks.dotenv_common import DEFAULT_SOURCES, Frozen, entries, lines, name_like  # noqa: F401
from etc_policy.sources.dotenv import JS_WHITESPACE

KIND = "dotenv_key_without_value"
SCOPE = "source"


@functools.cache
def bare_key() -> re.Pattern[str]:
    """Compiled on first use (an unparseable line): its Unicode space classes cost ~0.5 ms."""
    return re.compile(
        f"[{JS_WHITESPACE}]*(?:export[{JS_WHITESPACE}]+)?([A-Za-z0-9_.-]+)[{JS_WHITESPACE}]*")


class Params(Frozen):
    allow_empty: bool = True


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    if ctx.source is None:
        return
    text = lines(ctx)
    for diagnostic in ctx.source.diagnostics:
        if diagnostic.code != "dotenv.unparseable-line" or diagnostic.line > len(text):
            continue
        bare = bare_key().fullmatch(text[diagnostic.line - 1])
        if bare is None:
            continue
        token = bare.group(1)
        if name_like(token):
            yield Hit(message=f"key {token} has no '=' and no value; Node dotenv ignores it",
                      line=diagnostic.line, column=bare.start(1) + 1, key=token)
        else:  # a pasted value, perhaps a secret: describe it, never show it
            yield Hit(message=f"a value-like token ({len(token)} chars) stands alone on the "
                      "line with no key and no '='; Node dotenv ignores it",
                      line=diagnostic.line, column=bare.start(1) + 1)
    if not params.allow_empty:
        for entry in entries(ctx):
            if entry.value == "" and entry.quote is None:
                yield Hit(message=f"key {entry.key} has an empty value", entry=entry)
