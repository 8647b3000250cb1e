"""The audit report as plain text, Markdown and JSON (keys, places, dates; never values)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from etc_policy.reporters.json import finding_object
from etc_policy.reporters.rotation import render_markdown as rotation_markdown, status_object, \
    table_lines
from etc_policy.reporters.text import STYLES, Text
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


def _finding_line(finding: Finding) -> Text:
    return Text(f"  {finding.path}:{finding.line}  ").append(
        f"{finding.severity.value:<7}", style=STYLES[finding.severity]).append(" ").append(
        finding.rule_id, style="bold").append(f" {finding.message}")


def text_lines(audit: AuditReport) -> list[Text]:
    """The audit as styled lines: coloured on a terminal like check's text, plain elsewhere."""
    s = summary(audit)
    lines = [Text(f"etc-policy audit — as of {audit.as_of.isoformat()}", style="bold"),
             Text(f"{s['environments']} environment(s), {s['findings']} finding(s) "
                  f"({_severities(s)}), {s['reused_secrets']} reused secret(s), "
                  f"rotation: {_rotation_counts(s)}; ledger {audit.ledger}"
                  f"{'' if audit.ledger_present else ' (none yet)'}",
                  style="bold red" if audit.failed else ""), Text()]
    for env in audit.environments:
        lines += [Text(f"== {env.name} ==", style="bold underline"),
                  Text("sources: " + (", ".join(env.sources) or "none"))]
        lines += [Text("findings:")] + ([_finding_line(f) for f in _sorted(env.findings)]
                                        or [Text("  none", style="dim")])
        lines += [Text(f"logs: {env.log_status}" + (f" ({len(env.logs)} file(s))" if env.logs else ""))]
        lines += [_finding_line(f) for f in _sorted(env.log_findings)]
        table = table_lines(env.rotation, as_of=audit.as_of, policy=audit.policy)
        lines += [Text("rotation:")] + [Text("  ").extend(line) if line.plain else line
                                        for line in table] + [Text()]
    if audit.project_findings:
        lines += [Text("== project (no environment) ==", style="bold underline")]
        lines += [_finding_line(f) for f in _sorted(audit.project_findings)] + [Text()]
    lines.append(Text("cross-environment reuse:"))
    lines += [Text("  same secret: ", style="yellow").append(", ".join(use_text(u) for u in group))
              for group in audit.reuse] or [Text("  none", style="dim")]
    lines += [Text.assemble(("notice: ", "magenta"), n) for n in audit.notices]
    return lines


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
    return "\n".join(lines) + "\n"


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
