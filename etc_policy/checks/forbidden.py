"""forbidden: keys that must not be set in the source.

Works on variables and on railway config pointers alike (`/deploy/registryCredentials/password`).
An empty value counts as not set. One finding per offending entry, at its line.

Params:
  keys: exact keys
  key_pattern: regex, full match on the key
  because: optional reason appended to the message

PASS: no DATABASE_PUBLIC_URL in the app's variables
FAIL: DATABASE_PUBLIC_URL=postgresql://…@…proxy.rlwy.net:…
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Iterator

from etc_policy.checks._common import Frozen, compile_pattern, present
from etc_policy.checks.base import CheckContext, Hit
from etc_policy.schema import field_validator, model_validator

KIND = "forbidden"
SCOPE = "source"


class Params(Frozen):
    keys: tuple[str, ...] = ()
    key_pattern: str | None = None
    because: str | None = None

    @field_validator("key_pattern")
    @classmethod
    def _compiles(cls, pattern: str | None) -> str | None:
        if pattern is not None:
            compile_pattern(pattern)
        return pattern

    @model_validator(mode="after")
    def _something(self) -> Params:
        if not self.keys and self.key_pattern is None:
            raise ValueError("forbidden needs keys or key_pattern")
        return self

    @cached_property
    def key_re(self) -> re.Pattern[str] | None:
        return compile_pattern(self.key_pattern) if self.key_pattern else None

    def matches(self, key: str) -> bool:
        return key in self.keys or (self.key_re is not None and self.key_re.fullmatch(key) is not None)


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    if ctx.source is None:
        return
    reason = f": {params.because}" if params.because else ""
    for entry in ctx.source.effective().values():
        if params.matches(entry.key) and present(entry):
            yield Hit(message=f"{entry.key} must not be set{reason}", entry=entry)
