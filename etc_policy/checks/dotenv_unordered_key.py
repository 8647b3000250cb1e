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

from collections.abc import Sequence
from typing import Iterator

from etc_policy.checks.base import CheckContext, Hit
from etc_policy.checks.dotenv_common import DEFAULT_SOURCES, Frozen, entries, is_blank, is_comment, lines  # noqa: F401
from etc_policy.model import Entry

KIND = "dotenv_unordered_key"
SCOPE = "source"


class Params(Frozen):
    ignore_case: bool = False


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    breaks = _break_counts(lines(ctx))
    previous: Entry | None = None
    for entry in entries(ctx):
        # A blank or comment line between the two entries starts a new group. Counted with
        # prefix sums: an out-of-order run keeps `previous` far behind, and rescanning the
        # lines in between each time would be quadratic (100,000 keys took minutes).
        if previous is not None and breaks[entry.line - 1] > breaks[previous.end_line]:
            previous = None
        if previous is not None and _order(entry.key, params) < _order(previous.key, params):
            yield Hit(message=f"key {entry.key} should come before {previous.key}", entry=entry)
            continue
        previous = entry


def _break_counts(text: Sequence[str]) -> list[int]:
    """counts[n] = how many of the first n lines are blank or comments."""
    counts = [0]
    for line in text:
        counts.append(counts[-1] + (is_blank(line) or is_comment(line)))
    return counts


def _order(key: str, params: Params) -> str:
    return key.lower() if params.ignore_case else key
