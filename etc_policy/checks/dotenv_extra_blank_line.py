"""dotenv_extra_blank_line: no run of blank lines longer than `max_consecutive`, none at the start.

dotenv-linter's ExtraBlankLine. One blank line separates groups; more is noise that hides
structure (and the group boundaries `dotenv_unordered_key` uses). Blank lines inside a
multi-line quoted value are part of the value and are not counted.

Params:
  max_consecutive: blank lines allowed in a row (default 1)

PASS: `A=1\\n\\nB=2\\n`
FAIL: `A=1\\n\\n\\nB=2\\n` (the second blank line)
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
    run = 0
    seen_content = False
    for number, line in enumerate(lines(ctx), start=1):
        if not is_blank(line) or number - 1 in inside:
            run, seen_content = 0, True
            continue
        run += 1
        if not seen_content:
            yield Hit(message="blank line at the start of the file", line=number)
        elif run > params.max_consecutive:
            yield Hit(message=f"extra blank line (more than {params.max_consecutive} in a row)",
                      line=number)
