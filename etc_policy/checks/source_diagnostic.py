"""source_diagnostic: report the problems a source loader found while reading.

Loaders never decide severity: they attach `model.Diagnostic`s with a stable code
(`dotenv.duplicate-key`, `railway-config.syntax`, … see docs/ARCHITECTURE.md). A rule of
this kind claims some codes, so each problem becomes a finding with the rule's ID and
severity, and can be disabled, re-graded or suppressed like any other rule.

Params:
  codes: diagnostic codes to report; a code ending in `.*` claims a whole family
         (`railway-config.*`).

Example:
  check: {kind: source_diagnostic, codes: [railway-config.syntax]}
"""

from __future__ import annotations

from typing import Iterator

from etc_policy.checks.base import CheckContext, Hit
from etc_policy.schema import ConfigDict, Field, Model

KIND = "source_diagnostic"
SCOPE = "source"
READS_UNPARSED = True  # its job is to report why a file did not parse


class Params(Model):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)  # see _common.Frozen

    codes: tuple[str, ...] = Field(min_length=1)

    def claims(self, code: str) -> bool:
        return any(code == c or (c.endswith(".*") and code.startswith(c[:-1])) for c in self.codes)


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    if ctx.source is None:
        return
    for diagnostic in ctx.source.diagnostics:
        if params.claims(diagnostic.code):
            yield Hit(message=diagnostic.message, line=diagnostic.line,
                      column=diagnostic.column, key=diagnostic.key)
