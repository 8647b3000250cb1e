"""dotenv_ending_blank_line: the file must end with a newline.

dotenv-linter's EndingBlankLine. A last line without a newline is easy to break when another
file or a shell `echo >>` appends to it (the next key lands on the same line).

PASS: `PORT=3000\\n`
FAIL: `PORT=3000` (no final newline)
"""

from __future__ import annotations

from typing import Iterator

from etc_policy.checks.base import CheckContext, Hit
from etc_policy.checks.dotenv_common import DEFAULT_SOURCES, Frozen, lines  # noqa: F401

KIND = "dotenv_ending_blank_line"
SCOPE = "source"


class Params(Frozen):
    pass


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    text = ctx.source.text if ctx.source is not None else ""
    if text and not text.endswith(("\n", "\r")):
        found = lines(ctx)
        yield Hit(message="file does not end with a newline", line=len(found),
                  column=len(found[-1]) + 1)
