"""dotenv_trailing_whitespace: no spaces or tabs at the end of a line.

dotenv-linter's TrailingWhitespace. Node trims them from unquoted values, but other loaders
(Docker `--env-file`, Railway's raw editor paste) keep them in the value, and diffs hide
them. Whitespace inside a multi-line quoted value is value text and is not reported.

PASS: `PORT=3000`
FAIL: `PORT=3000   `
"""

from __future__ import annotations

from typing import Iterator

from etc_policy.checks.base import CheckContext, Hit
from etc_policy.checks.dotenv_common import DEFAULT_SOURCES, Frozen, lines, value_lines  # noqa: F401

KIND = "dotenv_trailing_whitespace"
SCOPE = "source"
_TRAILING = " \t\x0b\x0c\xa0\u3000"


class Params(Frozen):
    pass


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    inside = value_lines(ctx)
    for number, line in enumerate(lines(ctx), start=1):
        kept = line.rstrip(_TRAILING)
        if kept != line and number not in inside:
            yield Hit(message="trailing whitespace", line=number, column=len(kept) + 1,
                      end_column=len(line) + 1)
