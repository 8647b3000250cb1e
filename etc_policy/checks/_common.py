"""Helpers shared by the value, source and workspace check kinds (not a kind itself).

Value kinds share two switches (`ValueParams`): `allow_reference` (a `${{ … }}` Railway
reference is rendered at deploy time, so its literal text is not the value the app sees)
and `skip_templates` (placeholders are expected in `.env.example`). Entries whose value
is None (sealed: Railway never shows the value) are never checked by a value kind.
"""

from __future__ import annotations

import fnmatch
import functools
import math
from collections import Counter
from datetime import UTC, datetime
from pathlib import PurePosixPath

from etc_policy.checks.base import CheckContext
from etc_policy.model import Entry, Source
from etc_policy.patterns import PackRegex, compile_pack_regex
from etc_policy.schema import ConfigDict, Model
from etc_policy.secrets.redact import hint  # noqa: F401  (re-exported for the kinds)

# Committed example/template files: placeholders are expected there, real secrets are not.
TEMPLATE_GLOBS: tuple[str, ...] = (
    "*.example", "*.sample", "*.template", "*.tpl", "*.dist", "*.defaults",
    "*.example.*", "*.sample.*", "*.template.*", "example.env", "sample.env", "template.env",
)


class Frozen(Model):
    # defer_build: packs read from the cache are rebuilt with model_construct, so `check`
    # never builds these validators; a pack being validated builds them on first use.
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class ValueParams(Frozen):
    allow_reference: bool = True
    skip_templates: bool = False


def is_template(source: Source | None, globs: tuple[str, ...] = TEMPLATE_GLOBS) -> bool:
    if source is None:
        return False
    return _template_name(PurePosixPath(source.path).name.lower(), globs)


@functools.lru_cache(maxsize=256)
def _template_name(name: str, globs: tuple[str, ...]) -> bool:
    # Asked for every entry by every value rule: once per file name is enough.
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in globs)


def value_text(value: object) -> str | None:
    """A config or variable value as the text a check compares; None for objects/arrays/null."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):          # before int: bool is an int subclass
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return None


def checked_value(params: ValueParams, ctx: CheckContext) -> str | None:
    """The value a value kind should check, or None when the entry is out of its reach."""
    entry = ctx.entry
    if entry is None or entry.value is None:
        return None
    if params.allow_reference and entry.is_reference:
        return None
    if params.skip_templates and is_template(ctx.source):
        return None
    return value_text(entry.value)


def shannon_bits(value: str) -> float:
    """Shannon entropy of the character distribution, in bits per character."""
    if not value:
        return 0.0
    counts = Counter(value)
    total = len(value)
    return max(0.0, -sum(n / total * math.log2(n / total) for n in counts.values()))  # no -0.0


def compile_pattern(pattern: str, *, ignore_case: bool = False) -> PackRegex:
    """Compile a pack-supplied regex on RE2 (linear time); a bad one becomes a pydantic
    validation error (PatternError is a ValueError) naming the field."""
    return compile_pack_regex(pattern, ignore_case=ignore_case)


def now(ctx: CheckContext) -> datetime:
    """The run's clock: `ctx.now` when the engine injects one (--as-of, tests), else UTC now."""
    injected = getattr(ctx, "now", None)
    return injected if injected is not None else datetime.now(UTC)


def present(entry: Entry | None) -> bool:
    """Set as the app sees it: an empty string is falsy in `process.env.X || …`; sealed counts."""
    if entry is None:
        return False
    return entry.value is None or entry.value != ""
