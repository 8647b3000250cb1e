"""dotenv_extra_blank_line: no run of blank lines longer than `max_consecutive`.

dotenv-linter's ExtraBlankLine, exactly: a blank (or whitespace-only) line right after another
blank line is extra, wherever it stands. A single blank line at the start or at the end of the
file is fine; the empty line after a file's last newline counts as a line (dotenv-linter's
reader appends it), so `A=1\n\n` ends in an extra blank line (line 3) and `A=1\n` does not.
One blank line separates groups; more is noise that hides structure (and the group boundaries
`dotenv_unordered_key` uses). Blank lines inside a multi-line quoted value are part of the
value and are not counted.

Params:
  max_consecutive: blank lines allowed in a row (default 1)

PASS: `A=1\n\nB=2\n`, `\n# comment\n\nA=1\n`
FAIL: `A=1\n\n\nB=2\n` (line 3), `\n\nA=1\n` (line 2), `A=1\n\n` (line 3)
"""

from __future__ import annotations

from typing import Iterator

from etc_policy.checks.base import CheckContext, Hit
from etc_policy.checks.dotenv_common import DEFAULT_SOURCES, Frozen, is_blank, lines, value_lines  # noqa: F401
from etc_policy.schema import Field

KIND = "dotenv_extra_blank_line"
SCOPE = "source"


class Params(Frozen):
    max_consecutive: int = Field(default=1, ge=0)


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    inside = value_lines(ctx)
    found = lines(ctx)
    numbered = list(enumerate(found, start=1))
    if ctx.source is not None and ctx.source.text.endswith(("\n", "\r")):
        numbered.append((len(found) + 1, ""))  # the line after the last newline
    run = 0
    for number, line in numbered:
        if not is_blank(line) or number - 1 in inside:
            run = 0
            continue
        run += 1
        if run > params.max_consecutive:
            where = "at the end of the file" if number > len(found) else \
                f"(more than {params.max_consecutive} in a row)"
            yield Hit(message=f"extra blank line {where}", line=number)
