"""dotenv_hash_in_value: an unquoted `#` cuts the value, even without a space before it.

Node dotenv ends an unquoted value at the first `#`: `PASSWORD=abc#123` gives `abc`, while
python-dotenv, Docker and shells keep `abc#123`. A value that looks right in the file is
silently truncated in the app. Quote values that contain `#`.

PASS: `PASSWORD="abc#123"`, `PORT=3000 # comment`
FAIL: `PASSWORD=abc#123`
"""

from __future__ import annotations

from typing import Iterator

from etc_policy.checks.base import CheckContext, Hit
from etc_policy.checks.dotenv_common import DEFAULT_SOURCES, Frozen, entries, lines  # noqa: F401

KIND = "dotenv_hash_in_value"
SCOPE = "source"


class Params(Frozen):
    pass


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    text = lines(ctx)
    for entry in entries(ctx):
        if entry.quote is not None or entry.end_line > len(text) or entry.end_line != entry.line:
            continue
        line = text[entry.end_line - 1]
        at = entry.end_column - 1
        if entry.value and line[at:at + 1] == "#":
            yield Hit(message=f"value of {entry.key} is cut at '#' (Node reads the rest as a "
                              "comment); quote the value or put a space before the comment",
                      entry=entry, line=entry.line, column=at + 1)
