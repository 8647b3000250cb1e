"""dotenv_unordered_key: keys are in alphabetical order within each group.

dotenv-linter's UnorderedKey. A group is a run of entries not separated by a blank line or
a comment line, so files organised in commented sections are fine. Sorted keys make
duplicates and missing keys visible in review.

Params:
  ignore_case: compare keys case-insensitively (default false)

PASS: `A=1\\nB=2\\n\\n# mail\\nMAIL_FROM=x\\nMAIL_HOST=y\\n`
FAIL: `B=2\\nA=1\\n`
"""

from __future__ import annotations

from typing import Iterator

from etc_policy.checks.base import CheckContext, Hit
from etc_policy.checks.dotenv_common import DEFAULT_SOURCES, Frozen, entries, is_blank, is_comment, lines  # noqa: F401
from etc_policy.model import Entry

KIND = "dotenv_unordered_key"
SCOPE = "source"


class Params(Frozen):
    ignore_case: bool = False


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    text = lines(ctx)
    previous: Entry | None = None
    for entry in entries(ctx):
        if previous is not None and _separated(text, previous.end_line, entry.line):
            previous = None
        if previous is not None and _order(entry.key, params) < _order(previous.key, params):
            yield Hit(message=f"key {entry.key} should come before {previous.key}", entry=entry)
            continue
        previous = entry


def _separated(text: list[str], after: int, before: int) -> bool:
    return any(is_blank(line) or is_comment(line) for line in text[after:before - 1])


def _order(key: str, params: Params) -> str:
    return key.lower() if params.ignore_case else key
