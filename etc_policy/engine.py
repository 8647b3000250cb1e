"""evaluate(workspace, rules, classifier) -> Report: the one place findings are built.

For each rule the engine selects sources (the rule's `select.sources`, else the kind's
default) in the selected environments, selects entries (keys / key_pattern / pointer,
then `secrets`), calls the check kind once per entry, per source or per run according to
its SCOPE, and turns every hit into one frozen `Finding` (id, severity, place, redacted
hint, fingerprint, suppression: an inline comment in any dialect of suppress.py, or an
imported peer ignore file, ignores.py). A check that raises does not stop the run: the
engine records a notice naming the rule and the file (the exception's type only: its text
could carry a value) and goes on.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import PurePosixPath
from types import ModuleType
from typing import TYPE_CHECKING

from etc_policy.checks.base import CheckContext, Hit
from etc_policy.discovery import is_template_name, path_ignored
from etc_policy.encryption import DOTENVX_PUBLIC_KEY, SOPS, is_encryption_metadata, \
    is_key_store_name, private_key_name
from etc_policy.paths import key_of
from etc_policy.findings import Finding, Location, Report, fingerprint
from etc_policy.model import Entry, Source, SourceKind, Workspace
from etc_policy.policy import Rule
from etc_policy.record import record
from etc_policy.secrets.classify import SecretClassifier
from etc_policy.sources.formats import DEPLOY_CONFIG_KINDS, VARIABLE_KINDS, holds_variables
from etc_policy.suppress import LineMarkers, markers_of_text

if TYPE_CHECKING:
    from etc_policy.ignores import ImportedIgnores


def evaluate(workspace: Workspace, rules: Sequence[Rule], classifier: SecretClassifier, *,
             ignore_paths: Sequence[str] = (), now: datetime | None = None,
             registry: Mapping[str, ModuleType] | None = None,
             imported: ImportedIgnores | None = None) -> Report:
    """Run every rule over the workspace. `now` is the clock date-dependent kinds read
    (`--as-of`); `registry` defaults to checks.REGISTRY (tests pass their own kinds);
    `imported` are the peers' ignore files (ignores.py), applied to each finding as built."""
    kinds = registry if registry is not None else _default_registry()
    sources = tuple(s for s in workspace.sources if not path_ignored(s.path, ignore_paths))
    scoped = Workspace(root=workspace.root, sources=sources)
    is_secret = _Memo(classifier)
    suppressions = {s.path: markers_of_text(s.text) for s in sources
                    if s.kind is SourceKind.DOTENV}
    findings: list[Finding] = []
    notices: list[str] = (_parse_notices(sources) + _no_environment_notices(sources, rules, kinds)
                          + encryption_notices(sources))
    for rule in rules:
        module = kinds.get(rule.kind)
        if module is None or rule.params is None:
            continue  # reserved kinds (rotation_age, …) are accepted but not run yet
        for run in _runs(rule, module, scoped, is_secret, now):
            try:
                hits = list(module.check(rule.params, run.ctx))
            except Exception as exc:  # noqa: BLE001 - one broken check must not stop the run
                where = run.ctx.source.path if run.ctx.source else "the workspace"
                notices.append(f"{rule.id}: check '{rule.kind}' failed on {where} "
                               f"({type(exc).__name__}); its findings are missing")
                continue
            findings.extend(_finding(rule, hit, run.ctx.source, suppressions, imported)
                            for hit in hits)
    findings.sort(key=Finding.sort_key)
    if imported is not None:
        notices += imported.notices + imported.unmapped_notices()
    # railway.ts gives one source per service: each file is listed once.
    return Report(findings=tuple(findings), files=tuple(dict.fromkeys(s.path for s in sources)),
                  notices=tuple(notices))


def _parse_notices(sources: Sequence[Source]) -> list[str]:
    """A file that could not be parsed at all is also a tool notice (SARIF notification):
    its values were not checked. Diagnostic messages carry places, never values."""
    return [f"{s.path}:{d.line}:{d.column}: could not be parsed ({d.message}); "
            "its values were not checked"
            for s in sources for d in s.diagnostics if d.is_syntax]


def _no_environment_notices(sources: Sequence[Source], rules: Sequence[Rule],
                            kinds: Mapping[str, ModuleType]) -> list[str]:
    """A variables file whose environment nobody named (`.env`, `vars.json`) is skipped by
    every rule meant for one (the runbook's production rules): say so, or a `.env` full of
    production mistakes would pass in silence. Templates are meant to have none."""
    for_environments = [r for r in rules if r.kind in kinds and r.params is not None
                        and r.select.environments and None not in r.select.environments]
    notices = []
    for source in sources:
        if (source.environment is not None or not holds_variables(source.kind) or source.unparsed
                or is_template_name(PurePosixPath(source.path).name)
                or is_key_store_name(PurePosixPath(source.path).name)):
            continue
        skipped = [r for r in for_environments if source.kind in _source_kinds(r, kinds[r.kind])]
        if skipped:
            named = sorted({str(e) for r in skipped for e in r.select.environments or ()})
            notices.append(f"{source.path}: its environment is not named (by the file name, "
                           f"--environment or the config), so {len(skipped)} rules for "
                           f"{', '.join(named)} skipped it")
    return notices


def encryption_notices(sources: Sequence[Source]) -> list[str]:
    """One notice per file whose encrypted values stayed ciphertext (no key, or a wrong one):
    how many values no rule could check, and how to provide the key; or, where a decryption
    was tried, its own notes instead (what failed, with which key's variable name), which
    never hold a value, a key or ciphertext. `scan` adds them to its report too."""
    notices = []
    for source in sources:
        locked = [e for e in source.effective().values()
                  if e.ciphertext is not None and not is_encryption_metadata(e.key)]
        if locked and not source.notices:
            formats = sorted({str(e.ciphertext) for e in locked})
            how = " ".join(_key_howto(f, source) for f in formats)
            notices.append(f"{source.path}: {len(locked)} encrypted values "
                           f"({', '.join(formats)}) could not be checked: {how}")
        notices.extend(source.notices)
    return notices


def _key_howto(fmt: str, source: Source) -> str:
    if fmt == SOPS:
        return ("to check them, put sops on PATH with its key (SOPS_AGE_KEY_FILE, SOPS_AGE_KEY, "
                "a PGP or cloud KMS key) available.")
    # The file's DOTENV_PUBLIC_KEY_<ENV> header names the private key dotenvx paired with it.
    named = [private_key_name(k) for k in source.effective() if k.startswith(DOTENVX_PUBLIC_KEY)]
    env = (source.environment or "<ENVIRONMENT>").upper()
    wanted = " or ".join(named) or f"DOTENV_PRIVATE_KEY_{env} (or DOTENV_PRIVATE_KEY)"
    return (f"to check them, set {wanted} in the environment or pass --keys FILE (a .env.keys "
            "kept outside the repository).")


def _default_registry() -> Mapping[str, ModuleType]:
    from etc_policy.checks import REGISTRY

    return REGISTRY


class _Memo:
    """The classifier, memoised per entry for one run (detectors are not free)."""

    def __init__(self, classifier: SecretClassifier) -> None:
        self._classifier = classifier
        self._cache: dict[int, tuple[Entry, bool]] = {}

    def __call__(self, entry: Entry) -> bool:
        cached = self._cache.get(id(entry))
        if cached is None or cached[0] is not entry:
            cached = (entry, self._classifier(entry))
            self._cache[id(entry)] = cached
        return cached[1]


# --- selection -------------------------------------------------------------------------------

@record
class _Run:
    ctx: CheckContext


def _runs(rule: Rule, module: ModuleType, workspace: Workspace, is_secret: _Memo,
          now: datetime | None) -> Iterator[_Run]:
    sources = _select_sources(rule, module, workspace)
    if module.SCOPE == "workspace":
        entries = tuple(e for s in sources for e in _select_entries(rule, s, is_secret, module))
        selected = Workspace(root=workspace.root, sources=sources)
        yield _Run(CheckContext(workspace=selected, source=None, entry=None, entries=entries,
                                is_secret=is_secret, now=now))
        return
    for source in sources:
        entries = _select_entries(rule, source, is_secret, module)
        if module.SCOPE == "source":
            yield _Run(CheckContext(workspace=workspace, source=source, entry=None,
                                    entries=entries, is_secret=is_secret, now=now))
            continue
        for entry in entries:
            yield _Run(CheckContext(workspace=workspace, source=source, entry=entry,
                                    entries=entries, is_secret=is_secret, now=now))


def _select_sources(rule: Rule, module: ModuleType, workspace: Workspace) -> tuple[Source, ...]:
    """A file that did not parse reaches only the kinds that declare READS_UNPARSED (the
    loader's own diagnostics): any other finding on it ("health check not set", "a key
    Railway lacks") would judge an empty or partial reading, not the file."""
    kinds = _source_kinds(rule, module)
    environments = rule.select.environments
    reads_unparsed = getattr(module, "READS_UNPARSED", False)
    return tuple(s for s in workspace.sources
                 if s.kind in kinds and (environments is None or s.environment in environments)
                 and (reads_unparsed or not s.unparsed))


def _source_kinds(rule: Rule, module: ModuleType) -> tuple[SourceKind, ...]:
    return rule.select.sources or _default_sources(rule, module)


def _default_sources(rule: Rule, module: ModuleType) -> tuple[SourceKind, ...]:
    """A kind may declare DEFAULT_SOURCES; else pointers read railway config, entry checks
    read variables, source/workspace checks read everything."""
    declared = getattr(module, "DEFAULT_SOURCES", None)
    if declared is not None:
        return tuple(declared)
    if rule.select.pointer is not None:
        return DEPLOY_CONFIG_KINDS
    if module.SCOPE == "entry":
        return VARIABLE_KINDS
    return tuple(SourceKind)


def _select_entries(rule: Rule, source: Source, is_secret: _Memo,
                    module: ModuleType) -> tuple[Entry, ...]:
    """The rule's entries. Ciphertext and encryption metadata (`DOTENV_PUBLIC_KEY*`,
    `sops_*`) are left out unless the kind declares READS_CIPHERTEXT (the at-rest kinds): no
    value rule judges ciphertext, no lint rule judges what dotenvx and sops write."""
    select = rule.select
    entries = select.pick(source.effective().values())
    opaque = source.opaque_keys()
    if opaque and not getattr(module, "READS_CIPHERTEXT", False):
        entries = (e for e in entries if e.key not in opaque)
    if select.secrets:
        entries = (e for e in entries if is_secret(e))
    return tuple(entries)


# --- findings --------------------------------------------------------------------------------

def finding_of(rule: Rule, hit: Hit) -> Finding:
    """The finding of a hit found outside evaluate() (the audit's cross-service reuse), built
    the same way, inline suppressions of its `.env` line included."""
    source = hit.source
    suppressions = {source.path: markers_of_text(source.text)} \
        if source is not None and source.kind is SourceKind.DOTENV else {}
    return _finding(rule, hit, source, suppressions, None)


def _finding(rule: Rule, hit: Hit, checked: Source | None,
             suppressions: Mapping[str, LineMarkers],
             imported: ImportedIgnores | None) -> Finding:
    source = hit.source or checked
    entry = hit.entry
    path = source.path if source is not None else "."
    line = hit.line or (entry.line if entry else 0) or (source.origin_line if source else 1)
    column = hit.column or (entry.column if entry else 0) or 1
    end_line, end_column = _end(hit, entry)
    key = hit.key if hit.key is not None else (entry.key if entry else None)
    markers = suppressions.get(path)
    suppression = markers.suppression(rule, line) if markers else None
    if suppression is None and imported:
        digests = imported.digests(value=entry.value if isinstance(entry.value, str) else None,
                                   line=_line_text(source, line)) \
            if imported.wants_digests and entry is not None else ()
        suppression = imported.suppression(rule, path=path, line=line, digests=digests)
    message = hit.message
    if source is not None and source.service is not None and (entry is not None or hit.line is None):
        # railway.ts: services share the file's lines (a factory makes several from one call),
        # so a finding about a service's value or setting names it; a loader diagnostic is
        # about the file at its line and belongs to no one service.
        message = f"{message} (service {source.service})"
    return Finding(
        rule_id=rule.id, rule_name=rule.name, severity=rule.severity, message=message,
        path=path, line=line, column=column, end_line=end_line, end_column=end_column, key=key,
        environment=source.environment if source is not None else None, pack=rule.pack,
        hint=hit.hint,
        related=tuple(Location(path=s.path, line=e.line or 1, column=e.column or 1, key=e.key,
                               environment=s.environment) for s, e in hit.related),
        fingerprint=fingerprint(rule_id=rule.id, path=key_of(path), key=key,
                                extra=_identity_extra(hit, key, source)),
        suppressed=suppression is not None,
        suppression=suppression.kind if suppression is not None else None,
        suppressed_by=suppression)


def _line_text(source: Source | None, line: int) -> str:
    lines = source.text.splitlines() if source is not None else []
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _identity_extra(hit: Hit, key: str | None, source: Source | None) -> str:
    """What tells findings of one rule, file and key apart: the message when there is no key;
    the service for railway.ts, whose services share the file (NODE_ENV of web and of worker)."""
    extra = hit.message if key is None else ""
    if source is not None and source.service is not None:
        extra = f"service={source.service}" + (f"\n{extra}" if extra else "")
    return extra


def _end(hit: Hit, entry: Entry | None) -> tuple[int | None, int | None]:
    if hit.line is not None and hit.end_column is not None:
        return hit.line, hit.end_column
    if hit.line is None and entry is not None and entry.end_line:
        return entry.end_line, hit.end_column or entry.end_column or None
    return None, None
