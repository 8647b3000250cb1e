"""The frozen types every later stage reads: sources, their entries, their diagnostics.

Data flows one way: `sources/*` build `Source` objects, the engine evaluates pack rules
against them and yields `findings.Finding`s, reporters render those.

Secret values travel inside `Entry.value` and `Source.text`/`Source.document`. Those
fields are excluded from `repr()` so that a traceback, a debugger or a log line built
with `{entry!r}` never shows them. Nothing outside the engine's checks should read them.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType

from etc_policy.encryption import encryption_of, is_encryption_metadata
from etc_policy.record import field, record


class SourceKind(StrEnum):
    DOTENV = "dotenv"                          # .env, .env.production, … (Node dotenv semantics)
    RAILWAY_CONFIG = "railway-config"          # railway.json / railway.toml (config as code)
    RAILWAY_VARIABLES = "railway-variables"    # `railway variables --json` (flat, resolved)
    RAILWAY_VARIABLES_KV = "railway-variables-kv"  # `railway variables --kv` (lossy)
    RAILWAY_ENVIRONMENT = "railway-environment-config"  # `railway environment config --json`
    RAILWAY_IAC = "railway-iac"                # .railway/railway.ts (infrastructure as code)
    RAILWAY_IAC_GRAPH = "railway-iac-graph"    # the SDK's compiled graph of it (JSON, opt-in)
    # What each kind holds (deploy config, variables, both): sources/formats.py, the one registry.


REFERENCE_MARK = "${{"


@record
class Entry:
    """One value of a source, with where it stands.

    `key` is the variable name, or for railway config a JSON pointer (`/deploy/healthcheckPath`).
    Positions are 1-based; columns count Unicode code points. `line`/`column` locate the key,
    `value_line`/`value_column` the first character of the value (after an opening quote),
    `end_line`/`end_column` the end of the whole entry (exclusive column).
    """

    key: str
    value: object = field(repr=False)
    line: int
    column: int = 1
    value_line: int = 0
    value_column: int = 0
    end_line: int = 0
    end_column: int = 0
    service: str | None = None   # railway environment config: the service id; None = shared/only
    sealed: bool | None = None   # railway environment config: isSealed; None = unknown
    quote: str | None = None     # dotenv: the quote that wrapped the value ('"', "'", '`') or None
    # "dotenvx" / "sops" when `value` is the plaintext decrypted in memory from that format
    # (sources/decrypt.py); None for a value read as written.
    decrypted_from: str | None = None
    # railway.ts: how the value is given (literal, preserve, reference, generated, environment,
    # unresolvable; sources/railway_ts.py); None for the formats where every value is a literal.
    origin: str | None = None

    @property
    def text(self) -> str | None:
        """The value as a string, or None for non-string config values (numbers, objects…)."""
        return self.value if isinstance(self.value, str) else None

    @property
    def ciphertext(self) -> str | None:
        """"dotenvx" / "sops" while the value is still ciphertext (no key was given): no rule
        judges it, and it is neither a secret nor a drift."""
        return encryption_of(self.value)

    @property
    def is_reference(self) -> bool:
        """A Railway reference such as `${{ Postgres.DATABASE_URL }}` (rendered at deploy time)."""
        return isinstance(self.value, str) and REFERENCE_MARK in self.value


@record
class Diagnostic:
    """A problem a source loader found while reading: syntax, schema, duplicate, lossy format.

    The engine turns each into a finding of the pack rule that claims its `code`
    (check kind `source-diagnostic`), so severities and suppressions work as for any rule.
    `message` must not contain a secret value.
    """

    code: str
    message: str
    line: int
    column: int = 1
    key: str | None = None

    @property
    def is_syntax(self) -> bool:
        """The file could not be parsed at all (`railway-config.syntax`, …)."""
        return self.code.endswith(".syntax")


@record
class Source:
    """Everything one input contributes. `path` is as displayed: POSIX, relative to the root."""

    path: str
    kind: SourceKind
    environment: str | None
    entries: tuple[Entry, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    # Tool notices about this source that are no finding (decryption: which key is missing,
    # which values could not be decrypted). Never a value, a key or ciphertext.
    notices: tuple[str, ...] = ()
    text: str = field(default="", repr=False)          # raw text (dotenv lint rules read lines)
    document: object = field(default=None, repr=False)  # railway config: the parsed document
    service: str | None = None    # railway.ts: the service this source describes (one per service)
    origin_line: int = 1          # where a whole-source finding points (railway.ts: the service)
    # effective(), built once: every rule asks (with 200,000 keys, 48 rebuilds took 1.4 s).
    _effective: Mapping[str, Entry] | None = field(default=None, init=False, repr=False,
                                                  compare=False, hash=False)
    _opaque: frozenset[str] | None = field(default=None, init=False, repr=False,
                                           compare=False, hash=False)

    def effective(self) -> Mapping[str, Entry]:
        """Key -> entry as the app sees it: the last definition of a duplicated key wins."""
        cached = self._effective
        if cached is None:
            cached = MappingProxyType({entry.key: entry for entry in self.entries})
            object.__setattr__(self, "_effective", cached)
        return cached

    def opaque_keys(self) -> frozenset[str]:
        """Keys whose effective value no value rule may judge: still ciphertext (no key was
        given), or encryption metadata (`DOTENV_PUBLIC_KEY*`, `sops_*`). Built once, as
        every rule asks; empty for a plain file."""
        cached = self._opaque
        if cached is None:
            cached = frozenset(k for k, e in self.effective().items()
                               if e.ciphertext is not None or is_encryption_metadata(k))
            object.__setattr__(self, "_opaque", cached)
        return cached

    def get(self, key: str) -> Entry | None:
        return self.effective().get(key)

    @property
    def unparsed(self) -> bool:
        """The loader could not parse the file: its entries (none, or a fragment) say
        nothing about what the file holds, so rules judging them must skip it."""
        return any(d.is_syntax for d in self.diagnostics)


@record
class Workspace:
    """All sources of one run, with the folder paths are relative to."""

    root: Path
    sources: tuple[Source, ...]

    def environments(self) -> dict[str | None, tuple[Source, ...]]:
        grouped: dict[str | None, list[Source]] = {}
        for source in self.sources:
            grouped.setdefault(source.environment, []).append(source)
        return {env: tuple(items) for env, items in grouped.items()}
