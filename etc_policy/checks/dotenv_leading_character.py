"""dotenv_leading_character: a line starts with its key, and a key starts with a letter or `_`.

dotenv-linter's LeadingCharacter. Node accepts `  KEY=1`, `1KEY=1`, `.KEY=1` and `-KEY=1`,
but shells and most other loaders do not, and indented keys usually mean a broken paste.

PASS: `PORT=3000`
FAIL: `  PORT=3000`, `1PORT=3000`, `.PORT=3000`
"""

from __future__ import annotations

from typing import Iterator

from etc_policy.checks.base import CheckContext, Hit
from etc_policy.checks.dotenv_common import DEFAULT_SOURCES, Frozen, entries, lines  # noqa: F401
from etc_policy.sources.dotenv import JS_WHITESPACE

KIND = "dotenv_leading_character"
SCOPE = "source"


class Params(Frozen):
    pass


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    text = lines(ctx)
    for entry in entries(ctx):
        first = entry.key[0]
        if not (first.isascii() and (first.isalpha() or first == "_")):
            yield Hit(message=f"key {entry.key} starts with '{first}'; start keys with a letter or '_'",
                      entry=entry)
        elif entry.line <= len(text) and text[entry.line - 1][:1] in JS_WHITESPACE:
            yield Hit(message=f"key {entry.key} is indented; start the line with the key",
                      entry=entry, line=entry.line, column=1)
