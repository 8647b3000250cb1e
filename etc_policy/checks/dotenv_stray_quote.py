"""dotenv_stray_quote: a value that starts with a quote Node does not strip.

`KEY="abc` (unterminated) and `KEY="abc" tail` (text after the closing quote) are read by
Node as the literal text, quote character included, so the app gets `"abc`. Usually a
missing closing quote, or a comment without a space before `#` after the quote.
(Unterminated quotes that swallow later lines are `dotenv.multiline-quote` diagnostics.)

PASS: `NAME="abc"`
FAIL: `NAME="abc`, `NAME="abc" tail`
"""

from __future__ import annotations

from typing import Iterator

from etc_policy.checks.base import CheckContext, Hit
from etc_policy.checks.dotenv_common import DEFAULT_SOURCES, QUOTES, Frozen, entries  # noqa: F401

KIND = "dotenv_stray_quote"
SCOPE = "source"


class Params(Frozen):
    pass


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    for entry in entries(ctx):
        text = entry.value if isinstance(entry.value, str) else ""
        if entry.quote is None and text[:1] in QUOTES and text:
            yield Hit(message=f"value of {entry.key} starts with a {text[0]} quote that is not "
                              "closed at the end of the value; Node keeps the quote character",
                      entry=entry, line=entry.value_line, column=entry.value_column)
