"""dotenv_incorrect_delimiter: keys use only letters, digits and `_` as word delimiters.

dotenv-linter's IncorrectDelimiter. Node dotenv accepts `.` and `-` in keys, but a shell
cannot `export` them, Railway's and Docker's tooling treat them inconsistently, and
`process.env.MY-KEY` is not valid JavaScript. Use `_`. As in dotenv-linter, a delimiter
stands between characters: the characters before the key's first letter or `_` (`-BAR`,
`1FOO`) are dotenv_leading_character's finding, not this one's.

PASS: `API_BASE_URL=https://api.example.com`
FAIL: `API-BASE.URL=https://api.example.com`, `***F-OO=1` (the `-`), `FOO*=1`
"""

from __future__ import annotations

import re
from typing import Iterator

from etc_policy.checks.base import CheckContext, Hit
from etc_policy.checks.dotenv_common import DEFAULT_SOURCES, Frozen, entries  # noqa: F401

KIND = "dotenv_incorrect_delimiter"
SCOPE = "source"
_LEADING = re.compile(r"[^A-Za-z_]*")
_BAD = re.compile(r"[^A-Za-z0-9_]")


class Params(Frozen):
    pass


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    for entry in entries(ctx):
        bad = _BAD.search(entry.key, _LEADING.match(entry.key).end())
        if bad is not None:
            yield Hit(message=f"key {entry.key} uses '{bad.group()}' as a delimiter; use '_'",
                      entry=entry, line=entry.line, column=entry.column + bad.start())
