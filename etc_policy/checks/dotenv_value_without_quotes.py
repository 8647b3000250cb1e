"""dotenv_value_without_quotes: a value with inner whitespace is quoted.

dotenv-linter's ValueWithoutQuotes. Node keeps `Hello World` whole, but `source .env` in a
shell runs `World` as a command and other loaders split or truncate it.

PASS: `GREETING="Hello World"`
FAIL: `GREETING=Hello World`
"""

from __future__ import annotations

from typing import Iterator

from etc_policy.checks.base import CheckContext, Hit
from etc_policy.checks.dotenv_common import DEFAULT_SOURCES, Frozen, entries  # noqa: F401
from etc_policy.sources.dotenv import JS_WHITESPACE

KIND = "dotenv_value_without_quotes"
SCOPE = "source"


class Params(Frozen):
    pass


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    for entry in entries(ctx):
        if entry.quote is None and isinstance(entry.value, str) and _has_whitespace(entry.value):
            yield Hit(message=f"value of {entry.key} contains whitespace but is not quoted",
                      entry=entry, line=entry.value_line, column=entry.value_column)


_WHITESPACE = frozenset(JS_WHITESPACE)


def _has_whitespace(value: str) -> bool:
    # set intersection runs in C: a per-character generator took seconds on a 50 MB value
    return not _WHITESPACE.isdisjoint(value)
