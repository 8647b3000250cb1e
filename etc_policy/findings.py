"""Finding, Severity and Report: what the engine produces and every reporter reads.

A finding is built once, frozen, by the engine. It carries no secret value: at most a
redacted `hint` (a few leading characters and the length) and a `fingerprint` that is
derived from the rule, the file and the key, never from the value.
"""

from __future__ import annotations

from collections import Counter
from enum import StrEnum

from etc_policy.digest import sha256
from etc_policy.record import field, record, replace

JSON_SCHEMA_VERSION = "1.1"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"

    @property
    def rank(self) -> int:
        return {"note": 1, "warning": 2, "error": 3}[self.value]


class FailOn(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"
    NEVER = "never"

    def fails(self, severity: Severity) -> bool:
        if self is FailOn.NEVER:
            return False
        return severity.rank >= Severity(self.value).rank


@record
class Suppression:
    """Who accepted a finding: `kind` "inline" (a comment in the file), "baseline" (a
    baseline file) or "imported" (a peer's ignore file); `dialect` whose syntax it was
    (etc-policy, gitleaks, trufflehog, detect-secrets, dotenv-linter, gitleaksignore,
    secrets-baseline, baseline); `justification` a line written by etc-policy (never text
    copied from the input, which could hold a value)."""

    kind: str
    dialect: str
    justification: str


@record
class Location:
    """Another place the same problem occurs (SARIF relatedLocations, JSON related_locations)."""

    path: str
    line: int
    column: int = 1
    key: str | None = None
    environment: str | None = None


@record
class Finding:
    rule_id: str
    rule_name: str
    severity: Severity
    message: str
    path: str
    line: int
    column: int = 1
    end_line: int | None = None
    end_column: int | None = None
    key: str | None = None
    environment: str | None = None
    pack: str | None = None
    hint: str | None = None          # redacted evidence, e.g. "sk-p…, 164 chars"
    fingerprint: str = ""
    suppressed: bool = False
    suppression: str | None = None   # "inline", "baseline" or "imported" (= suppressed_by.kind)
    suppressed_by: Suppression | None = None
    encoding: str | None = None      # scan: how the leaked value appeared (raw, base64, json…)
    # Every other place of this one problem (a secret reused across environments: each
    # file holding it), so that one problem is one finding, counted once.
    related: tuple[Location, ...] = ()

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.rule_id, self.key or "")


def suppressed(finding: Finding, by: Suppression) -> Finding:
    """The finding accepted by `by` (a finding already suppressed keeps its first reason)."""
    if finding.suppressed:
        return finding
    return replace(finding, suppressed=True, suppression=by.kind, suppressed_by=by)


def fingerprint(*, rule_id: str, path: str, key: str | None, extra: str = "") -> str:
    """A stable identity for a finding that survives line moves and never sees the value.

    `extra` disambiguates findings without a key (e.g. the message of a parse problem).
    """
    material = "\x1f".join((rule_id, path, key or "", extra))
    return sha256(material.encode("utf-8")).hexdigest()[:32]


@record
class Report:
    findings: tuple[Finding, ...]
    files: tuple[str, ...] = ()          # every source path that was read
    notices: tuple[str, ...] = field(default=())  # non-fatal problems to show (one line each)

    def active(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if not f.suppressed)

    def failing(self, fail_on: FailOn) -> tuple[Finding, ...]:
        return tuple(f for f in self.active() if fail_on.fails(f.severity))

    def summary(self) -> dict[str, object]:
        counts = Counter(f.severity.value for f in self.active())
        return {
            "files": len(self.files),
            "findings": len(self.active()),
            "suppressed": sum(1 for f in self.findings if f.suppressed),
            "by_severity": {s.value: counts.get(s.value, 0) for s in Severity},
        }
