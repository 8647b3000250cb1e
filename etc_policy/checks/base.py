"""What every check kind shares: the context it reads and the hits it yields.

A check kind is one small module in this package with:
  KIND    the name packs use (`check: {kind: regex, ...}`)
  SCOPE   "entry" (called once per selected entry), "source" (once per selected source)
          or "workspace" (once per run, for cross-source checks such as drift)
  Params  a frozen pydantic model (extra fields forbidden) of its parameters
  check(params, ctx) -> Iterator[Hit]   its docstring is its manual
and optionally:
  DEFAULT_SOURCES  the source kinds it reads when a rule does not say
  READS_UNPARSED   True if it may run on a file that did not parse (a `.syntax`
                   diagnostic); every other kind skips such a file (engine._select_sources)

Checks yield hits; the engine builds findings from them once (rule id, severity,
fingerprint, suppression). A hit's message must never contain a secret value; use
`secrets.redact.hint()` for evidence.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Iterator, Literal, Protocol

from etc_policy.model import Entry, Source, Workspace
from etc_policy.record import record

if TYPE_CHECKING:
    from etc_policy.schema import Model

Scope = Literal["entry", "source", "workspace"]


@record
class Hit:
    message: str
    entry: Entry | None = None      # where and which key; None for whole-source hits
    source: Source | None = None    # defaults to the source being checked
    line: int | None = None         # overrides the entry's position
    column: int | None = None
    end_column: int | None = None
    key: str | None = None          # overrides entry.key
    hint: str | None = None         # redacted evidence
    # The other places of the same problem: (source, entry) pairs, in the order to show.
    related: tuple[tuple[Source, Entry], ...] = ()


@record
class CheckContext:
    workspace: Workspace
    source: Source | None           # None for workspace-scope checks
    entry: Entry | None             # set for entry-scope checks
    entries: tuple[Entry, ...]      # the selected entries of `source` (effective: last wins)
    is_secret: "SecretTest"         # the packs' secret classification
    # The run's clock (timezone-aware UTC). None = the real clock. Injected so that `--as-of`
    # and snapshot tests of date-dependent kinds (deprecation cutoff, JWT exp/iat) are stable.
    now: datetime | None = None


class SecretTest(Protocol):
    def __call__(self, entry: Entry) -> bool: ...


class CheckKind(Protocol):
    KIND: str
    SCOPE: Scope
    Params: type["Model"]

    def check(self, params: "Model", ctx: CheckContext) -> Iterator[Hit]: ...
