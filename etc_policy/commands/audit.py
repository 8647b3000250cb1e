"""`etc-policy audit`: the security officer's periodic review of every environment.

For each environment of the config (else those the sources name): the check's findings,
the rotation state of its secrets, a scan of its configured logs (`environments.<name>.logs`,
through `commands.scan.scan_report`), cross-environment reuse (found by comparing keyed
scrypt fingerprints under the ledger's salt, or a per-run HMAC key without a ledger; never
by comparing values) and drift between `.env.<env>` and the Railway export (the drift
rule's findings). One report: text, Markdown, JSON, SARIF or a self-contained HTML page.
Exit codes as for check (findings of check and scan at or above --fail-on).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import IO, TYPE_CHECKING

from etc_policy import __version__
from etc_policy.commands.check import merge_reports
from etc_policy.commands.common import Project, check_output_path, configured_logs, emit, \
    load_projects, load_workspace_of
from etc_policy.errors import ExitCode
from etc_policy.findings import FailOn, Finding, Report
from etc_policy.record import field, record, replace

if TYPE_CHECKING:
    from etc_policy.commands.common import ProjectRun
    from etc_policy.model import Entry, Workspace
    from etc_policy.provenance import Provenance
    from etc_policy.policy import Rule
    from etc_policy.rotation.status import Current, RotationPolicy, SecretStatus


class AuditFormat(StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"
    JSON = "json"
    SARIF = "sarif"
    HTML = "html"


@record
class ReuseUse:
    environment: str
    key: str
    path: str | None          # None: known from the ledger only
    line: int | None = None


@record
class ReuseGroup:
    """One secret value held in two or more environments: every place, and the one SEC003
    finding that reports it (None when an environment is known from the ledger only)."""

    uses: tuple[ReuseUse, ...]
    finding: Finding | None = None


@record
class Exposure:
    """A secret that is out: found in a log or committed (rules tagged `exposure`). It must
    be revoked and rotated now, whatever its rotation date says."""

    environment: str | None
    key: str | None
    findings: tuple[Finding, ...]


@record
class RuleHelp:
    id: str
    name: str
    what: str
    fix: str


@record
class EnvironmentAudit:
    name: str
    sources: tuple[str, ...]
    findings: tuple[Finding, ...]          # check findings of this environment
    drift: tuple[Finding, ...]             # the drift rule's findings (subset of findings)
    rotation: tuple["SecretStatus", ...]
    logs: tuple[str, ...]                  # configured log files
    log_findings: tuple[Finding, ...]
    log_status: str                        # "scanned", "no logs configured", "scan unavailable"


@record
class AuditReport:
    as_of: date
    root: str
    ledger: str
    ledger_present: bool
    policy: "RotationPolicy"
    environments: tuple[EnvironmentAudit, ...]
    project_findings: tuple[Finding, ...]  # findings of no environment (railway.json, .env)
    reuse: tuple[ReuseGroup, ...]
    combined: Report                        # check + scan: exit code, SARIF
    fail_on: FailOn
    provenance: "Provenance"
    exposed: tuple[Exposure, ...] = ()
    rules: tuple[RuleHelp, ...] = ()        # the docs of every rule a finding names
    notices: tuple[str, ...] = field(default=())
    cross_service: tuple[Finding, ...] = field(default=())  # SEC016, with several projects

    @property
    def failed(self) -> bool:
        return bool(self.combined.failing(self.fail_on))

    def is_exposed(self, environment: str, key: str) -> bool:
        return any(x.environment == environment and x.key == key for x in self.exposed)

    def fix_of(self, rule_id: str) -> RuleHelp | None:
        return next((r for r in self.rules if r.id == rule_id), None)


def run(paths: Sequence[str], *, packs: Sequence[str], config: str | None,
        keys: str | None = None,
        output_format: AuditFormat, output: str | None, fail_on: FailOn | None,
        as_of: str | None, update_ledger: bool) -> int:
    target = check_output_path(output)
    projects, audit = build_audit(paths, packs=packs, config=config, keys=keys,
                                  fail_on=fail_on,
                                  as_of=as_of, update_ledger=update_ledger)
    emit(lambda stream: render(audit, stream, output_format, projects=projects), output=target)
    return ExitCode.FINDINGS if audit.failed else ExitCode.OK


@record
class _Part:
    """One project's audit, and what the cross-service comparison needs of it."""
    project: Project
    audit: AuditReport
    workspace: "Workspace"
    classifier: Callable[["Entry"], bool]


def build_audit(paths: Sequence[str], *, packs: Sequence[str], config: str | None,
                keys: str | None = None,
                fail_on: FailOn | None, as_of: str | None,
                update_ledger: bool = False) -> tuple[tuple[Project, ...], AuditReport]:
    """Every project the paths reach (commands.common.load_projects) audited with its own
    config and ledger; with several, one report of all and the secrets they share (SEC016)."""
    runs = load_projects(paths, config_file=config, packs=packs, keys=keys)
    parts = [_audit_project(run, fail_on=fail_on, as_of=as_of, update_ledger=update_ledger)
             for run in runs.projects]
    projects = tuple(part.project for part in parts)
    if len(parts) == 1:
        audit = parts[0].audit
        notices = tuple(dict.fromkeys((*runs.notices, *audit.notices)))
        return projects, replace(audit, notices=notices,
                                 combined=replace(audit.combined, notices=notices))
    return projects, _merged(parts, fail_on=fail_on, notices=runs.notices)


def _audit_project(run: "ProjectRun", *, fail_on: FailOn | None, as_of: str | None,
                   update_ledger: bool) -> _Part:
    from etc_policy.commands.rotation import today
    from etc_policy.engine import evaluate
    from etc_policy.paths import shown
    from etc_policy.provenance import provenance
    from etc_policy.rotation.fingerprints import Fingerprinter
    from etc_policy.rotation.ledger import load
    from etc_policy.rotation.project import ledger_path, policy_of, update_from_run
    from etc_policy.rotation.status import as_of_datetime, current_secrets, statuses
    from etc_policy.secrets.classify import SecretClassifier

    day = today(as_of)
    project = run.project
    workspace = load_workspace_of(run, environment=None)
    classifier = SecretClassifier.from_packs(project.packs)
    report = evaluate(workspace, project.rules, classifier, now=as_of_datetime(day))
    path = ledger_path(root=project.root, config=project.config)
    if update_ledger:
        update_from_run(root=project.root, config=project.config, workspace=workspace,
                        is_secret=classifier, as_of=day, by="audit --update-ledger")
    ledger = load(path)
    current = current_secrets(workspace, classifier)
    fingerprint = Fingerprinter(ledger.kdf) if ledger is not None else None
    policy = policy_of(project.rules)
    rotation = statuses(ledger=ledger, current=current, fingerprint=fingerprint, policy=policy,
                        as_of=day)
    drift_ids = {r.id for r in project.rules if r.kind == "drift"}
    reuse = find_reuse(workspace, current, is_secret=classifier, ledger=ledger,
                       fingerprint=fingerprint, findings=report.findings)
    shared = {id(g.finding) for g in reuse if g.finding is not None}
    sections: list[EnvironmentAudit] = []
    log_reports: list[Report] = []
    for name in environment_names(project, workspace):
        logs = list(dict.fromkeys(shown(p) for p in configured_logs(project, name)))
        log_report, log_status = scan_logs(project, workspace, name, logs=logs,
                                           classifier=classifier, now=as_of_datetime(day))
        if log_report is not None:
            log_reports.append(log_report)
        mine = tuple(f for f in report.findings
                     if f.environment == name and id(f) not in shared)
        sections.append(EnvironmentAudit(
            name=name, sources=tuple(s.path for s in workspace.sources if s.environment == name),
            findings=mine, drift=tuple(f for f in mine if f.rule_id in drift_ids),
            rotation=tuple(s for s in rotation if s.environment == name), logs=tuple(logs),
            log_findings=log_report.findings if log_report else (), log_status=log_status))
    combined = merge_reports([report, *log_reports])
    audit = AuditReport(
        as_of=day, root=shown(project.root), ledger=shown(path),
        ledger_present=ledger is not None, policy=policy, environments=tuple(sections),
        project_findings=tuple(f for f in report.findings if f.environment is None),
        reuse=reuse, combined=combined, fail_on=fail_on or project.config.config.fail_on,
        provenance=provenance(folder=project.root, packs=project.packs, ledger=ledger,
                              tool_version=__version__),
        exposed=exposures(combined.active(), rules=all_rules(project)),
        rules=rule_help(combined.findings, rules=all_rules(project)),
        notices=combined.notices)
    return _Part(project, audit, workspace, classifier)


def _merged(parts: Sequence[_Part], *, fail_on: FailOn | None,
            notices: Sequence[str]) -> AuditReport:
    """Several projects' audits as one: sections named `<project>: <environment>`, each
    project's ledger named, and the secrets two services share (SEC016) among the findings."""
    shared = cross_service_findings(parts)
    combined = merge_reports([*(part.audit.combined for part in parts), Report(shared)],
                             notices=notices)
    first = parts[0].audit
    sections = tuple(replace(section, name=f"{part.audit.root}: {section.name}")
                     for part in parts for section in part.audit.environments)
    order = [FailOn.NOTE, FailOn.WARNING, FailOn.ERROR, FailOn.NEVER]
    return AuditReport(
        as_of=first.as_of, root=", ".join(part.audit.root for part in parts),
        ledger=", ".join(part.audit.ledger for part in parts),
        ledger_present=all(part.audit.ledger_present for part in parts), policy=first.policy,
        environments=sections,
        project_findings=tuple(f for part in parts for f in part.audit.project_findings),
        reuse=tuple(group for part in parts for group in part.audit.reuse),
        combined=combined,
        fail_on=fail_on or min((part.audit.fail_on for part in parts), key=order.index),
        provenance=first.provenance,
        exposed=tuple(e for part in parts for e in part.audit.exposed),
        rules=tuple({r.id: r for part in parts for r in part.audit.rules}.values()),
        notices=combined.notices, cross_service=shared)


def cross_service_findings(parts: Sequence[_Part]) -> tuple[Finding, ...]:
    """SEC016 (cross-service reuse) of the first project whose packs define it enabled."""
    from etc_policy.checks.cross_service_reuse import KIND, Service, cross_service_hits
    from etc_policy.engine import finding_of

    rule = next((r for part in parts for r in part.project.rules if r.kind == KIND), None)
    if rule is None:
        return ()
    services = [Service(part.audit.root, part.workspace, part.classifier) for part in parts]
    return tuple(sorted((finding_of(rule, hit) for hit in cross_service_hits(services)),
                        key=Finding.sort_key))


def environment_names(project: Project, workspace: "Workspace") -> list[str]:
    configured = list(project.config.config.environments)
    found = sorted({s.environment for s in workspace.sources if s.environment is not None})
    return configured + [name for name in found if name not in configured]


def scan_logs(project: Project, workspace: "Workspace", environment: str, *, logs: Sequence[str],
              classifier: Callable[["Entry"], bool], now: object) -> tuple[Report | None, str]:
    """The scan of one environment's logs for that environment's secrets.

    The boundary with `etc-policy scan` is `commands.scan.scan_report` (+ `log_rules`,
    `jwt_key_patterns`); when that module is not part of the build, the audit says so.
    """
    if not logs:
        return None, "no logs configured"
    try:
        from etc_policy.commands.scan import jwt_key_patterns, log_rules, scan_report
    except ImportError:
        return None, "scan unavailable in this build"
    from etc_policy.model import Workspace

    own = Workspace(root=workspace.root,
                    sources=tuple(s for s in workspace.sources if s.environment == environment))
    from etc_policy.scan.findings import DEFAULT_MAX_PER_SECRET

    report = scan_report(list(logs), workspace=own, rules=log_rules(project),
                         classifier=classifier, key_patterns=jwt_key_patterns(project), now=now,
                         max_per_secret=DEFAULT_MAX_PER_SECRET)
    return report, "scanned"


def find_reuse(workspace: "Workspace", current: Mapping[tuple[str, str], "Current"], *,
               is_secret: Callable[["Entry"], bool], ledger: object,
               fingerprint: Callable[[str], str] | None,
               findings: Sequence[Finding]) -> tuple[ReuseGroup, ...]:
    """Secrets held in two or more environments: the groups SEC003 reports (the same
    `checks.reuse.reused`, so the table and the finding name the same files), each with its
    finding; then the ledger's fingerprints count for secrets with no value in this run
    (another machine recorded them), compared by the ledger's keyed scrypt."""
    from etc_policy.checks.reuse import candidate, reused

    groups = [[ReuseUse(u.environment, u.entry.key, u.source.path, u.entry.line) for u in uses]
              for uses in reused(workspace.sources, is_secret=is_secret)]
    ledger_only = sorted((ident, rec) for ident, rec in ledger.records.items()
                         if ident not in current) if ledger is not None else []
    if ledger_only and fingerprint is not None:
        of_use = {(u.environment, u.key): group for group in groups for u in group}
        by_fingerprint: dict[str, list[ReuseUse]] = {}
        for (env, key), where in sorted(current.items()):
            if candidate(where.entry):
                alone = [ReuseUse(env, key, where.source.path, where.entry.line)]
                by_fingerprint.setdefault(fingerprint(where.entry.text or ""),
                                          of_use.get((env, key), alone))
        for (env, key), rec in ledger_only:
            by_fingerprint.setdefault(rec.fingerprint, []).append(ReuseUse(env, key, None))
        known = {id(group) for group in groups}
        groups += [g for g in by_fingerprint.values()
                   if id(g) not in known and len({u.environment for u in g}) > 1]
    reported = {(f.path, f.line, f.key): f for f in findings if f.related and f.rule_id}
    return tuple(ReuseGroup(uses=tuple(group),
                            finding=reported.get((group[0].path, group[0].line, group[0].key)))
                 for group in groups)


EXPOSURE_TAG = "exposure"


def exposures(findings: Sequence[Finding], *, rules: Sequence["Rule"]) -> tuple[Exposure, ...]:
    """Active findings of rules tagged `exposure` (a secret in a log, in a committed file),
    one entry per environment and key (a key logged on 40 lines is one secret to rotate)."""
    tagged = {r.id for r in rules if EXPOSURE_TAG in r.tags}
    grouped: dict[tuple[str, str], list[Finding]] = {}
    for f in sorted(findings, key=lambda f: (-f.severity.rank, *f.sort_key())):
        if f.rule_id in tagged:
            ident = (f.environment or "", f.key or f"{f.rule_id}:{f.path}:{f.line}")
            grouped.setdefault(ident, []).append(f)
    return tuple(Exposure(environment=fs[0].environment, key=fs[0].key, findings=tuple(fs))
                 for fs in grouped.values())


def all_rules(project: Project) -> list["Rule"]:
    """The check rules and the scan's log rules, each once."""
    rules = list(project.rules)
    try:
        from etc_policy.commands.scan import log_rules
    except ImportError:
        return rules
    known = {r.id for r in rules}
    return rules + [r for r in log_rules(project).values() if r.id not in known]


def rule_help(findings: Sequence[Finding], *, rules: Sequence["Rule"]) -> tuple[RuleHelp, ...]:
    named = {f.rule_id for f in findings}
    return tuple(RuleHelp(id=r.id, name=r.name, what=r.docs.what.strip(), fix=r.docs.fix.strip())
                 for r in sorted(rules, key=lambda r: r.id) if r.id in named)


def render(audit: AuditReport, stream: IO[str], output_format: AuditFormat, *,
           projects: Sequence[Project]) -> None:
    if output_format is AuditFormat.SARIF:
        from etc_policy.paths import repo_root
        from etc_policy.reporters.audit import sarif_provenance
        from etc_policy.reporters.sarif import render_sarif

        rules: dict[str, "Rule"] = {}
        for project in projects:
            for rule in all_rules(project):
                rules.setdefault(rule.id, rule)
        stream.write(render_sarif(audit.combined, list(rules.values()), root=repo_root(),
                                  category="etc-policy/audit", tool_version=__version__,
                                  base=Path.cwd(), provenance=sarif_provenance(audit)))
    elif output_format is AuditFormat.HTML:
        from etc_policy.reporters.html import render_audit_html

        stream.write(render_audit_html(audit))
    elif output_format is AuditFormat.JSON:
        from etc_policy.reporters.audit import audit_document, dumps

        stream.write(dumps(audit_document(audit)))
    elif output_format is AuditFormat.MARKDOWN:
        from etc_policy.reporters.audit import render_markdown

        stream.write(render_markdown(audit))
    else:
        from etc_policy.reporters.audit import text_lines
        from etc_policy.reporters.text import make_console, print_lines

        print_lines(text_lines(audit), make_console(stream))
