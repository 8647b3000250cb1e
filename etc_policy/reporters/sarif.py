"""SARIF 2.1.0 for GitHub code scanning (requirements: tests/data/sarif/GITHUB.md).

One run per category. Every rule given is described (GitHub wants a rule for each ruleId),
each result points at its rule by `ruleId` and `ruleIndex`, and carries GitHub's
`primaryLocationLineHash` (codeql-action's algorithm, see fingerprints.py) plus our own
line-independent `etcPolicyFingerprint/v1`.

No secret reaches the log: messages are value-free by the Finding contract, and the redacted
`hint` is left out on purpose. A SARIF file is uploaded to GitHub and kept as a build
artifact, GitHub shows nothing of `properties`, and even four leading characters narrow down
a short secret; the text and JSON reports carry the hint for the people who need it.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Protocol
from urllib.parse import quote

from etc_policy.findings import Finding, Location, Report, Severity
from etc_policy.paths import directory_uri, relative
from etc_policy.record import record
from etc_policy.reporters.fingerprints import file_line_hashes

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL_NAME = "etc-policy"
INFORMATION_URI = "https://pypi.org/project/etc-policy/"
SRCROOT = "%SRCROOT%"
MAX_RESULTS = 25_000              # GitHub rejects a run with more results
MAX_TAGS = 20                     # GitHub rejects a rule with more tags
MAX_DESCRIPTION = 1024            # GitHub's limit for short/full descriptions
MAX_NAME = 255
OWN_FINGERPRINT = "etcPolicyFingerprint/v1"
# GitHub's security-severity when a security rule sets none (high / medium / low bands).
DERIVED_SECURITY_SEVERITY = {Severity.ERROR: 8.0, Severity.WARNING: 5.0, Severity.NOTE: 2.0}
SECURITY_TAGS = frozenset({"security", "secret", "secrets"})
PROBLEM_SEVERITY = {Severity.ERROR: "error", Severity.WARNING: "warning",
                    Severity.NOTE: "recommendation"}
SUPPRESSION_KIND = {"inline": "inSource", "baseline": "external", "imported": "external"}
_SEMVER = re.compile(r"^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class RuleDocsLike(Protocol):
    @property
    def what(self) -> str: ...
    @property
    def why(self) -> str: ...
    @property
    def example(self) -> str: ...
    @property
    def fix(self) -> str: ...


class RuleLike(Protocol):
    """What this reporter reads of a resolved `policy.Rule`."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def severity(self) -> str: ...
    @property
    def pack(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def docs(self) -> RuleDocsLike: ...
    @property
    def tags(self) -> Sequence[str]: ...
    @property
    def security_severity(self) -> float | None: ...


def render_sarif(report: Report, rules: Sequence[RuleLike], *, root: Path,
                 category: str = "etc-policy", tool_version: str,
                 max_results: int = MAX_RESULTS, base: Path | None = None,
                 provenance: RunProvenance | None = None) -> str:
    """The SARIF log of one analysis, as JSON text ending in a newline."""
    import io

    text = io.StringIO()
    write_sarif(report, rules, text, root=root, category=category, tool_version=tool_version,
                max_results=max_results, base=base, provenance=provenance)
    return text.getvalue()


def write_sarif(report: Report, rules: Sequence[RuleLike], stream: IO[str], *, root: Path,
                category: str = "etc-policy", tool_version: str,
                max_results: int = MAX_RESULTS, base: Path | None = None,
                provenance: RunProvenance | None = None) -> None:
    """The SARIF log, written as it is encoded: each result is made when its turn comes (a
    scan's thousands of results are never all held as dicts plus the text). Artifact URIs are
    relative to `root` (%SRCROOT%: the repository root, for the commands); a relative finding
    path is relative to `base` (the commands: the cwd, as the path rule names files), else to
    `root`."""
    from etc_policy.reporters.json import write_document

    write_document(sarif_log(report, rules, root=root, category=category,
                             tool_version=tool_version, max_results=max_results, base=base,
                             provenance=provenance), stream)


@record
class RunProvenance:
    """What the audit ties its run to: the commit (versionControlProvenance), when the log
    was made (the invocation's endTimeUtc) and the rest as run properties."""

    commit: str | None
    generated_at: str                       # ISO 8601 UTC, "2026-12-04T21:02:24Z"
    properties: dict[str, object]


def sarif_log(report: Report, rules: Sequence[RuleLike], *, root: Path, category: str,
              tool_version: str, max_results: int = MAX_RESULTS,
              base: Path | None = None,
              provenance: RunProvenance | None = None) -> dict[str, object]:
    """The log as JSON-ready objects; its results are made as they are encoded."""
    from etc_policy.reporters.json import MadeList

    root = root.resolve()
    kept, dropped = _limit(report.findings, max_results=max_results)
    descriptors, index_of = _descriptors(rules, kept)
    sources = _SourceFiles(root, base=base)
    for path in dict.fromkeys(f.path for f in kept):     # which files get no line hashes
        relative = sources.relative(path)
        if relative is not None:
            sources.readable(relative)
    results = MadeList(kept, lambda f: _result(f, index_of[f.rule_id], sources))
    notices = list(report.notices)
    if dropped:
        notices.append(f"{dropped} of {len(report.findings)} results were left out: GitHub "
                       f"accepts at most {max_results} per run (the most severe were kept).")
    if sources.too_big:
        shown = ", ".join(sources.too_big[:3]) + (", …" if len(sources.too_big) > 3 else "")
        notices.append(f"primaryLocationLineHash left out for {len(sources.too_big)} file(s) "
                       f"over {LINE_HASH_MAX_BYTES >> 20} MiB or compressed ({shown}): it "
                       "hashes every line of the file; upload-sarif computes it where it can "
                       "read the file.")
    run: dict[str, object] = {
        "tool": {"driver": _driver(descriptors, tool_version=tool_version)},
        "automationDetails": {"id": category.rstrip("/") + "/"},
        "columnKind": "unicodeCodePoints",
        "originalUriBaseIds": {SRCROOT: {"uri": directory_uri(root)}},
        "invocations": [_invocation(notices, root=root)],
        "results": results,
    }
    if provenance is not None:
        _add_provenance(run, provenance, root=root)
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _add_provenance(run: dict[str, object], provenance: RunProvenance, *, root: Path) -> None:
    if provenance.commit:
        run["versionControlProvenance"] = [{
            # The work tree itself: a remote's URL can carry credentials, and GitHub knows
            # its own repository.
            "repositoryUri": directory_uri(root),
            "revisionId": provenance.commit, "mappedTo": {"uriBaseId": SRCROOT}}]
    invocations = run["invocations"]
    assert isinstance(invocations, list)
    invocations[0]["endTimeUtc"] = provenance.generated_at
    run["properties"] = provenance.properties


# --- rules -------------------------------------------------------------------------------

@record
class _Docs:
    what: str
    why: str
    example: str
    fix: str


@record
class _AdHocRule:
    """A rule a finding names but the caller did not pass (e.g. a built-in diagnostic)."""

    id: str
    name: str
    severity: str
    pack: str
    kind: str
    docs: _Docs
    tags: tuple[str, ...] = ()
    security_severity: float | None = None


def _descriptors(rules: Sequence[RuleLike], findings: Iterable[Finding]
                 ) -> tuple[list[dict[str, object]], dict[str, int]]:
    described: list[RuleLike] = []
    index_of: dict[str, int] = {}
    for rule in [*rules, *(_ad_hoc(f) for f in findings)]:
        if rule.id not in index_of:
            index_of[rule.id] = len(described)
            described.append(rule)
    return [_descriptor(rule) for rule in described], index_of


def _ad_hoc(finding: Finding) -> _AdHocRule:
    text = finding.rule_name or finding.rule_id
    return _AdHocRule(id=finding.rule_id, name=finding.rule_name or finding.rule_id,
                      severity=finding.severity.value, pack=finding.pack or "",
                      kind="", docs=_Docs(what=text, why="", example="", fix=""))


def _descriptor(rule: RuleLike) -> dict[str, object]:
    severity = _severity(rule.severity)
    what = (rule.docs.what or "").strip() or rule.name
    properties: dict[str, object] = {
        "tags": _tags(rule),
        "precision": "high",
        "problem.severity": PROBLEM_SEVERITY[severity],
    }
    if _is_security(rule):
        properties["security-severity"] = _security_severity(rule, severity)
    descriptor: dict[str, object] = {
        "id": rule.id,
        "name": _clip(rule.name, MAX_NAME),
        "shortDescription": {"text": _clip(_first_sentence(what), MAX_DESCRIPTION)},
        "fullDescription": {"text": _clip(what, MAX_DESCRIPTION)},
        "help": {"text": _help_text(rule.docs, what), "markdown": _help_markdown(rule.docs, what)},
        "defaultConfiguration": {"level": severity.value},
        "properties": properties,
    }
    help_uri = getattr(rule, "help_uri", None)
    if help_uri:
        descriptor["helpUri"] = help_uri
    return descriptor


def _severity(value: object) -> Severity:
    return Severity(getattr(value, "value", value))


def _is_security(rule: RuleLike) -> bool:
    return rule.security_severity is not None or any(
        tag.lower() in SECURITY_TAGS for tag in rule.tags)


def _tags(rule: RuleLike) -> list[str]:
    tags = ["security"] if _is_security(rule) else []
    tags += [tag for tag in rule.tags if tag]
    if rule.pack:
        tags.append(f"pack/{rule.pack}")
    return list(dict.fromkeys(tags))[:MAX_TAGS]


def _security_severity(rule: RuleLike, severity: Severity) -> str:
    score = rule.security_severity
    if score is None:
        score = DERIVED_SECURITY_SEVERITY[severity]
    text = f"{score:.1f}"
    if not 0.0 < float(text) <= 10.0:
        # policy.py validates 0 < x <= 10; a value rounding to 0.0 would drop the alert.
        raise ValueError(f"rule {rule.id}: security_severity must be in (0, 10]")
    return text


def _first_sentence(text: str) -> str:
    match = re.match(r"(.+?[.!?])(?:\s|$)", " ".join(text.split()))
    return match.group(1) if match else " ".join(text.split())


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _help_text(docs: RuleDocsLike, what: str) -> str:
    parts = [what]
    for label, body in (("Why", docs.why), ("Example", docs.example), ("Fix", docs.fix)):
        if body and body.strip():
            parts.append(f"{label}:\n{body.strip()}")
    return "\n\n".join(parts)


def _help_markdown(docs: RuleDocsLike, what: str) -> str:
    parts = [what]
    if docs.why and docs.why.strip():
        parts.append(f"**Why**\n\n{docs.why.strip()}")
    if docs.example and docs.example.strip():
        fence = "`" * max(3, _longest_backtick_run(docs.example) + 1)
        parts.append(f"**Example**\n\n{fence}\n{docs.example.strip()}\n{fence}")
    if docs.fix and docs.fix.strip():
        parts.append(f"**Fix**\n\n{docs.fix.strip()}")
    return "\n\n".join(parts)


def _longest_backtick_run(text: str) -> int:
    return max((len(run) for run in re.findall(r"`+", text)), default=0)


def _driver(descriptors: list[dict[str, object]], *, tool_version: str) -> dict[str, object]:
    driver: dict[str, object] = {"name": TOOL_NAME, "version": tool_version}
    if _SEMVER.match(tool_version):
        driver["semanticVersion"] = tool_version
    driver["informationUri"] = INFORMATION_URI
    driver["rules"] = descriptors
    return driver


# --- results -----------------------------------------------------------------------------

def _limit(findings: Sequence[Finding], *, max_results: int) -> tuple[list[Finding], int]:
    """Keep the `max_results` most severe findings (active before suppressed), in order."""
    if len(findings) <= max_results:
        return list(findings), 0
    ranked = sorted(range(len(findings)),
                    key=lambda i: (findings[i].suppressed, -findings[i].severity.rank, i))
    keep = sorted(ranked[:max_results])
    return [findings[i] for i in keep], len(findings) - max_results


def _result(finding: Finding, rule_index: int, sources: _SourceFiles) -> dict[str, object]:
    location, line_hash = _location(finding, sources)
    fingerprints: dict[str, str] = {}
    if line_hash:
        fingerprints["primaryLocationLineHash"] = line_hash
    if finding.fingerprint:
        fingerprints[OWN_FINGERPRINT] = finding.fingerprint
    result: dict[str, object] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": finding.severity.value,
        "message": {"text": _message(finding)},
        "locations": [location],
    }
    if finding.related:
        result["relatedLocations"] = [_related(i, place, sources)
                                      for i, place in enumerate(finding.related, start=1)]
    if fingerprints:
        result["partialFingerprints"] = fingerprints
    if finding.suppressed:
        result["suppressions"] = [_suppression(finding)]
    properties = {name: value for name, value in (("key", finding.key),
                                                  ("environment", finding.environment),
                                                  ("pack", finding.pack)) if value}
    if properties:
        result["properties"] = properties
    return result


def _suppression(finding: Finding) -> dict[str, object]:
    """SARIF's suppression object: inSource for a comment, external for a file; the
    justification and the dialect (gitleaks, detect-secrets…) say who accepted it."""
    suppression: dict[str, object] = {"kind": SUPPRESSION_KIND.get(finding.suppression or "",
                                                                   "external")}
    by = finding.suppressed_by
    if by is not None:
        suppression["justification"] = by.justification
        suppression["properties"] = {"dialect": by.dialect}
    return suppression


def _message(finding: Finding) -> str:
    text = " ".join(finding.message.split()) or finding.rule_name or finding.rule_id
    # GitHub shows the first sentence as the alert title; SARIF asks for a final period.
    return text if text.endswith((".", "!", "?")) else text + "."


def _location(finding: Finding, sources: _SourceFiles) -> tuple[dict[str, object], str | None]:
    relative = sources.relative(finding.path)
    artifact: dict[str, object]
    if relative is not None:
        artifact = {"uri": quote(relative, safe="/"), "uriBaseId": SRCROOT}
    else:
        artifact = {"uri": sources.absolute_uri(finding.path)}
    region = _region(finding, sources, relative)
    location = {"physicalLocation": {"artifactLocation": artifact, "region": region}}
    line_hash = sources.line_hash(relative, region["startLine"]) if relative else None
    return location, line_hash


def _related(index: int, place: Location, sources: _SourceFiles) -> dict[str, object]:
    """Another place of the same problem: the whole line of that key."""
    relative = sources.relative(place.path)
    artifact: dict[str, object] = ({"uri": quote(relative, safe="/"), "uriBaseId": SRCROOT}
                                   if relative is not None
                                   else {"uri": sources.absolute_uri(place.path)})
    shown = Finding(rule_id="", rule_name="", severity=Severity.NOTE, message="",
                    path=place.path, line=place.line, column=place.column)
    text = " ".join(part for part in (place.environment, place.key) if part) or place.path
    return {"id": index, "message": {"text": text + "."},
            "physicalLocation": {"artifactLocation": artifact,
                                 "region": _region(shown, sources, relative)}}


def _region(finding: Finding, sources: _SourceFiles, relative: str | None) -> dict[str, int]:
    """1-based, end column exclusive; never empty, never ending before it starts."""
    start_line, start_column = max(finding.line, 1), max(finding.column, 1)
    end_line = max(finding.end_line or start_line, start_line)
    if finding.end_column is not None:
        end_column = max(finding.end_column, 1)
    else:
        # SARIF's default end is the end of the line; we state it, as GitHub asks for it.
        length = sources.line_length(relative, end_line) if relative else None
        end_column = length + 1 if length is not None else start_column + 1
        if end_line == start_line:
            end_column = max(end_column, start_column + 1)
    if end_line == start_line:
        end_column = max(end_column, start_column)
    return {"startLine": start_line, "startColumn": start_column,
            "endLine": end_line, "endColumn": end_column}


def _invocation(notices: list[str], *, root: Path) -> dict[str, object]:
    invocation: dict[str, object] = {
        "executionSuccessful": True,
        # Lets GitHub place any absolute file: URI (a file outside the root) [GH1006].
        "workingDirectory": {"uri": directory_uri(root)},
    }
    if notices:
        invocation["toolExecutionNotifications"] = [
            {"level": "warning", "message": {"text": " ".join(n.split()) or "notice"}}
            for n in notices]
    return invocation


# Files up to this size get line hashes and end-of-line columns (both read the whole file;
# the hash runs in Python at ~0.4 s per MB). Bigger ones (logs `scan` read) get neither.
LINE_HASH_MAX_BYTES = 8 << 20


class _SourceFiles:
    """Reads each source file at most once, for end-of-line columns and line hashes."""

    def __init__(self, root: Path, *, base: Path | None = None) -> None:
        self._root = root
        self._base = base
        self._lines: dict[str, list[str] | None] = {}
        self._hashes: dict[str, dict[int, str] | None] = {}
        self.too_big: list[str] = []     # files left without line hashes, in order seen

    def readable(self, relative: str) -> Path | None:
        """The file, if it is a plain file small enough to read whole (noted if not)."""
        path = self._root / relative
        try:
            if not path.is_file():
                return None
            size = path.stat().st_size
        except OSError:
            return None
        if size > LINE_HASH_MAX_BYTES or relative.endswith(".gz"):
            if relative not in self.too_big:
                self.too_big.append(relative)
            return None
        return path

    def relative(self, path: str) -> str | None:
        """The root-relative POSIX path of a finding's path (relative paths are taken as
        relative to the root), or None for a path outside the root."""
        candidate = Path(path)
        if not candidate.is_absolute() and self._base is not None:
            candidate = self._base / candidate
        if candidate.is_absolute():
            path = relative(candidate, self._root)
        normal = posixpath.normpath(path)
        if normal in (".", "..") or normal.startswith("../"):
            return None
        return normal

    def absolute_uri(self, path: str) -> str:
        return ((self._base or self._root) / path).resolve().as_uri()

    def line_length(self, relative: str, line: int) -> int | None:
        lines = self._read_lines(relative)
        if lines is None or not 1 <= line <= len(lines):
            return None
        return len(lines[line - 1])

    def line_hash(self, relative: str, line: int) -> str | None:
        if relative not in self._hashes:
            path = self.readable(relative)
            self._hashes[relative] = file_line_hashes(path) if path is not None else None
        hashes = self._hashes[relative]
        return hashes.get(line) if hashes else None

    def _read_lines(self, relative: str) -> list[str] | None:
        if relative not in self._lines:
            path = self.readable(relative)
            try:
                text = path.read_bytes().decode("utf-8", errors="replace") if path else None
            except OSError:
                text = None
            self._lines[relative] = _LINE_BREAK.split(text) if text is not None else None
        return self._lines[relative]
