"""The audit report as plain text, Markdown and JSON (keys, places, dates; never values)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from etc_policy.reporters.json import finding_object
from etc_policy.reporters.rotation import render_markdown as rotation_markdown, render_table, \
    status_object
from etc_policy.rotation.status import State

if TYPE_CHECKING:
    from etc_policy.commands.audit import AuditReport, EnvironmentAudit, ReuseUse
    from etc_policy.findings import Finding

AUDIT_JSON_VERSION = "1.0"


def summary(audit: AuditReport) -> dict[str, object]:
    rotation = [s for env in audit.environments for s in env.rotation]
    active = audit.combined.active()
    return {
        "environments": len(audit.environments),
        "findings": len(active),
        "by_severity": {sev: sum(1 for f in active if f.severity.value == sev)
                        for sev in ("error", "warning", "note")},
        "rotation": {state.value: sum(1 for s in rotation if s.state is state) for state in State},
        "log_findings": sum(len(env.log_findings) for env in audit.environments),
        "reused_secrets": len(audit.reuse),
        "drift": sum(len(env.drift) for env in audit.environments),
        "failed": audit.failed,
    }


def audit_document(audit: AuditReport) -> dict[str, object]:
    return {
        "version": AUDIT_JSON_VERSION, "as_of": audit.as_of.isoformat(), "ledger": audit.ledger,
        "ledger_present": audit.ledger_present, "fail_on": audit.fail_on.value,
        "policy": {"max_age_days": audit.policy.max_age_days, "warn_days": audit.policy.warn_days},
        "summary": summary(audit),
        "environments": [_environment_object(env) for env in audit.environments],
        "project_findings": [finding_object(f) for f in audit.project_findings],
        "reuse": [[_use_object(u) for u in group] for group in audit.reuse],
        "cross_service_reuse": [finding_object(f) for f in audit.cross_service],
        "notices": list(audit.notices),
    }


def _environment_object(env: EnvironmentAudit) -> dict[str, object]:
    return {
        "name": env.name, "sources": list(env.sources),
        "findings": [finding_object(f) for f in env.findings],
        "drift": [finding_object(f) for f in env.drift],
        "rotation": [status_object(s) for s in env.rotation],
        "logs": {"status": env.log_status, "files": list(env.logs),
                 "findings": [finding_object(f) for f in env.log_findings]},
    }


def _use_object(use: ReuseUse) -> dict[str, object]:
    return {"environment": use.environment, "key": use.key, "path": use.path}


def dumps(document: dict[str, object]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def use_text(use: ReuseUse) -> str:
    return f"{use.environment}/{use.key} ({use.path or 'ledger only'})"


def _finding_line(finding: Finding) -> str:
    return (f"  {finding.path}:{finding.line}  {finding.severity.value:<7} {finding.rule_id} "
            f"{finding.message}")


def render_text(audit: AuditReport) -> str:
    s = summary(audit)
    lines = [f"etc-policy audit — as of {audit.as_of.isoformat()}",
             f"{s['environments']} environment(s), {s['findings']} finding(s) "
             f"({_severities(s)}), {s['reused_secrets']} reused secret(s), "
             f"rotation: {_rotation_counts(s)}; ledger {audit.ledger}"
             f"{'' if audit.ledger_present else ' (none yet)'}", ""]
    for env in audit.environments:
        lines += [f"== {env.name} ==", "sources: " + (", ".join(env.sources) or "none")]
        lines += ["findings:"] + ([_finding_line(f) for f in _sorted(env.findings)] or ["  none"])
        lines += [f"logs: {env.log_status}" + (f" ({len(env.logs)} file(s))" if env.logs else "")]
        lines += [_finding_line(f) for f in _sorted(env.log_findings)]
        lines += ["rotation:"] + [("  " + line).rstrip() for line in render_table(
            env.rotation, as_of=audit.as_of, policy=audit.policy).rstrip("\n").splitlines()]
        lines.append("")
    if audit.project_findings:
        lines += ["== project (no environment) =="]
        lines += [_finding_line(f) for f in _sorted(audit.project_findings)] + [""]
    lines.append("cross-environment reuse:")
    lines += ["  same secret: " + ", ".join(use_text(u) for u in group) for group in audit.reuse] \
        or ["  none"]
    lines += _cross_service_text(audit)
    lines += [f"notice: {n}" for n in audit.notices]
    return "\n".join(lines) + "\n"


def render_markdown(audit: AuditReport) -> str:
    s = summary(audit)
    lines = [f"## etc-policy audit — {audit.as_of.isoformat()}", "",
             "| Environments | Findings | Reused secrets | Overdue | Due soon | Leaks in logs |",
             "|---|---|---|---|---|---|",
             f"| {s['environments']} | {s['findings']} ({_severities(s)}) | {s['reused_secrets']} "
             f"| {s['rotation']['overdue']} | {s['rotation']['due-soon']} | {s['log_findings']} |",
             ""]
    for env in audit.environments:
        lines += [f"### {_md(env.name)}", ""]
        rows = _sorted((*env.findings, *env.log_findings))
        if rows:
            lines += ["| Severity | Rule | Where | Message |", "|---|---|---|---|"]
            lines += [f"| {f.severity.value} | {f.rule_id} | `{_code(f.path)}:{f.line}` | "
                      f"{_md(f.message)} |" for f in rows]
        else:
            lines.append("No findings.")
        lines += ["", f"Logs: {env.log_status}.", ""]
        lines.append(rotation_markdown(env.rotation, as_of=audit.as_of, policy=audit.policy,
                                       title=f"Rotation in {env.name}"))
    lines += ["### Cross-environment reuse", ""]
    lines += ["- " + ", ".join(_md(use_text(u)) for u in group) for group in audit.reuse] \
        or ["None found."]
    lines += _cross_service_markdown(audit)
    return "\n".join(lines) + "\n"


def _cross_service_text(audit: AuditReport) -> list[str]:
    """SEC016: secrets two projects (services) share; only when the audit reached several."""
    if not audit.cross_service:
        return []
    return ["cross-service reuse (one secret in two services):"] + \
        [_finding_line(f) for f in _sorted(audit.cross_service)]


def _cross_service_markdown(audit: AuditReport) -> list[str]:
    if not audit.cross_service:
        return []
    return ["", "### Cross-service reuse", ""] + \
        [f"- `{_code(f.path)}:{f.line}` {_md(f.message)}" for f in _sorted(audit.cross_service)]


def _sorted(findings: Sequence[Finding]) -> list[Finding]:
    return sorted((f for f in findings if not f.suppressed),
                  key=lambda f: (-f.severity.rank, f.path, f.line, f.rule_id))


def _severities(s: dict) -> str:
    return ", ".join(f"{n} {sev}" for sev, n in s["by_severity"].items())


def _rotation_counts(s: dict) -> str:
    return ", ".join(f"{n} {state}" for state, n in s["rotation"].items() if n) or "nothing tracked"


def _md(text: str) -> str:
    for char in "\\|`*_[]<>":
        text = text.replace(char, "\\" + char)
    return text.replace("\n", " ")


def _code(text: str) -> str:
    return text.replace("`", "'").replace("|", "\\|")
