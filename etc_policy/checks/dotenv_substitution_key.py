"""dotenv_substitution_key: `${VAR}` and `$VAR` are not expanded by Node dotenv.

dotenv-linter's SubstitutionKey, plus Node's semantics: `dotenv` (without `dotenv-expand`)
keeps `${HOME}/data` literally, so the app receives the dollar sign and braces. Also reports
a malformed `${VAR` (no closing brace). Railway references `${{ Service.VAR }}` are rendered
by Railway, not by dotenv, and are not reported; single-quoted values are taken as meant
literally unless `include_single_quoted` is set.

Params:
  include_single_quoted: also check '…' values (default false)

PASS: `DATA_DIR=/srv/data`, `DATABASE_URL=${{ Postgres.DATABASE_URL }}`
FAIL: `DATA_DIR=${HOME}/data`
"""

from __future__ import annotations

import re
from typing import Iterator

from etc_policy.checks.base import CheckContext, Hit
from etc_policy.checks.dotenv_common import DEFAULT_SOURCES, Frozen, entries  # noqa: F401

KIND = "dotenv_substitution_key"
SCOPE = "source"
_SUBSTITUTION = re.compile(r"\$(?:\{(?!\{)([A-Za-z_][A-Za-z0-9_]*)?(\}|:?[-=?+][^}]*\})?|([A-Za-z_][A-Za-z0-9_]*))")


class Params(Frozen):
    include_single_quoted: bool = False


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    for entry in entries(ctx):
        if not isinstance(entry.value, str) or (entry.quote == "'" and not params.include_single_quoted):
            continue
        for match in _SUBSTITUTION.finditer(entry.value):
            name = match.group(1) or match.group(3)
            if match.group(3) is None and (name is None or match.group(2) is None):
                yield Hit(message=f"value of {entry.key} has an unclosed or empty '${{'", entry=entry)
            else:
                yield Hit(message=f"value of {entry.key} refers to ${name}, which Node dotenv does "
                                  "not expand (the app gets the text literally)", entry=entry)
            break
