"""The audit report as plain text, Markdown and JSON (keys, places, dates; never values).

Every format reads in the same order: what the report was made from (tool, time, commit,
packs, ledger), the summary, what to do (exposed now, overdue, due soon, not tracked), then
each environment, the project-wide findings, cross-environment reuse and the rules' fixes.
The HTML page (html.py) reads the same functions.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from etc_policy.record import record
from etc_policy.reporters.json import finding_object
from etc_policy.reporters.rotation import STATE_STYLES, row as rotation_row, status_object
from etc_policy.reporters.text import STYLES, Text
from etc_policy.rotation.status import State

if TYPE_CHECKING:
    from etc_policy.commands.audit import AuditReport, EnvironmentAudit, ReuseGroup, ReuseUse
    from etc_policy.findings import Finding
    from etc_policy.reporters.sarif import RunProvenance
    from etc_policy.rotation.status import SecretStatus

# 2.0: one finding per reused secret (`reuse` lists groups with their finding), provenance,
# the action list, fixes; 1.0 had `reuse` as lists of uses and a finding per place.
AUDIT_JSON_VERSION = "2.0"
EXPOSED_LABEL = "exposed: rotate now"
NOT_TRACKED = (State.UNTRACKED, State.CHANGED)


@record
class Action:
    """One line of "what to do": a secret, what is wrong with it, and the rule whose fix
    applies (the rule's `explain` fix text)."""

    section: str               # "exposed", "overdue", "due-soon", "not-tracked"
    environment: str | None
    key: str | None
    reason: str
    rule_id: str | None
    places: tuple[str, ...] = ()


SECTIONS = (("exposed", "Exposed now: revoke and rotate now"),
            ("overdue", "Rotation overdue"),
            ("due-soon", "Rotation due soon"),
            ("not-tracked", "Not tracked: age unknown"))


def actions(audit: AuditReport) -> list[Action]:
    """The action list, most urgent first. An exposed secret is only listed as exposed: its
    rotation date no longer matters."""
    state = {(s.environment, s.key): s.state for env in audit.environments for s in env.rotation}
    out = [Action(section="exposed", environment=x.environment, key=x.key,
                  reason=_exposure_reason(x.findings) + (
                      "; its rotation was overdue too" if state.get((x.environment or "",
                      x.key or "")) is State.OVERDUE else ""),
                  rule_id=x.findings[0].rule_id,
                  places=tuple(dict.fromkeys(f"{f.path}:{f.line}" for f in x.findings)))
           for x in audit.exposed]
    statuses = [s for env in audit.environments for s in env.rotation
                if not audit.is_exposed(s.environment, s.key)]
    rotation_rule = _rotation_rule(audit)
    for s in statuses:
        section = ("overdue" if s.state is State.OVERDUE else "due-soon" if s.state is
                   State.DUE_SOON else "not-tracked" if s.state in NOT_TRACKED else None)
        if section is not None:
            out.append(Action(section=section, environment=s.environment, key=s.key,
                              reason=_rotation_reason(s), rule_id=rotation_rule.get(section),
                              places=(f"{s.path}:{s.line}",) if s.path else ()))
    order = [name for name, _ in SECTIONS]
    return sorted(out, key=lambda a: order.index(a.section))


def _exposure_reason(findings: Sequence[Finding]) -> str:
    first = findings[0]
    more = f" (and {len(findings) - 1} more place(s))" if len(findings) > 1 else ""
    return f"{first.rule_name}: {first.message}{more}"


def _rotation_reason(status: SecretStatus) -> str:
    _, _, age, due, label = rotation_row(status)
    if status.state in NOT_TRACKED:
        return (f"{label}: no rotation date; record one with `etc-policy rotation record "
                f"-e {status.environment} --key {status.key} --rotated-on DATE`")
    return f"{label}: age {age}, due {due}"


def _rotation_rule(audit: AuditReport) -> dict[str, str]:
    """The rules whose fix applies to rotation lines (SEC013 overdue, SEC015 reminder)."""
    names = {"secret-rotation-overdue": "overdue", "secret-rotation-reminder": "due-soon"}
    found = {names[r.name]: r.id for r in audit.rules if r.name in names}
    if "due-soon" in found:
        found.setdefault("not-tracked", found["due-soon"])
    return found


def rotation_label(audit: AuditReport, status: SecretStatus) -> str:
    """The state a rotation table shows: an exposed key is not merely "overdue"."""
    if audit.is_exposed(status.environment, status.key):
        return EXPOSED_LABEL
    return rotation_row(status)[4]


def last_rotated(status: SecretStatus) -> str:
    """What the ledger knows of the current value's start, with where the date comes from."""
    if status.since is None:
        return "unknown"
    basis = {"rotated": "rotated", "first-seen": "first seen", "jwt-iat": "JWT iat"}
    return f"{status.since.isoformat()} ({basis.get(status.basis, status.basis)})"


def summary(audit: AuditReport) -> dict[str, object]:
    rotation = [s for env in audit.environments for s in env.rotation]
    active = audit.combined.active()
    todo = actions(audit)
    return {
        "environments": len(audit.environments),
        "findings": len(active),
        "by_severity": {sev: sum(1 for f in active if f.severity.value == sev)
                        for sev in ("error", "warning", "note")},
        "exposed": len(audit.exposed),
        "rotation": {state.value: sum(1 for s in rotation if s.state is state) for state in State},
        "not_tracked": sum(1 for s in rotation if s.state in NOT_TRACKED),
        "secrets": len(rotation),
        "log_findings": sum(len(env.log_findings) for env in audit.environments),
        "reused_secrets": len(audit.reuse),
        # the action list's counts: an exposed key counts as exposed, not also as overdue
        "actions": {name: sum(1 for a in todo if a.section == name) for name, _ in SECTIONS},
        "drift": sum(len(env.drift) for env in audit.environments),
        "failed": audit.failed,
    }


# --- provenance ------------------------------------------------------------------------------

def generated_at(audit: AuditReport) -> str:
    return audit.provenance.generated_at.strftime("%Y-%m-%dT%H:%M:%SZ")


def git_text(audit: AuditReport) -> str:
    git = audit.provenance.git
    if git.commit is None:
        return git.note or "unknown"
    state = {True: "uncommitted changes in the audited folder", False: "clean",
             None: "tree state unknown"}[git.dirty]
    return f"{git.commit} ({state})"


def pack_text(audit: AuditReport) -> list[str]:
    return [f"{p.name} {p.version or '(no version)'} ({p.path}, sha256 {p.sha256})"
            for p in audit.provenance.packs]


def ledger_text(audit: AuditReport) -> str:
    prov = audit.provenance
    if not audit.ledger_present:
        return f"{audit.ledger} (none yet)"
    last = prov.ledger_last
    tail = (f"; last entry {last.date.isoformat()} {last.event} {last.environment}/{last.key}"
            if last is not None else "; no entry yet")
    return f"{audit.ledger}: {prov.ledger_entries} secret(s){tail}"


def header_facts(audit: AuditReport) -> list[tuple[str, str]]:
    """(label, text) of the report's header, the same in every format."""
    return [("Tool", f"etc-policy {audit.provenance.tool_version}"),
            ("Generated", generated_at(audit)),
            ("Audited as of", audit.as_of.isoformat()),
            ("Project", audit.root),
            ("Git commit", git_text(audit)),
            ("Packs", "; ".join(pack_text(audit))),
            ("Rotation ledger", ledger_text(audit)),
            ("Policy", f"rotate every {audit.policy.max_age_days} days, reminder "
                       f"{audit.policy.warn_days} days before; fail on {audit.fail_on.value}")]


def provenance_object(audit: AuditReport) -> dict[str, object]:
    prov = audit.provenance
    last = prov.ledger_last
    return {
        "tool": {"name": "etc-policy", "version": prov.tool_version},
        "generated_at": generated_at(audit),
        "git": {"commit": prov.git.commit, "dirty": prov.git.dirty, "note": prov.git.note},
        "packs": [{"name": p.name, "version": p.version, "path": p.path, "sha256": p.sha256}
                  for p in prov.packs],
        "ledger": {"path": audit.ledger, "present": audit.ledger_present,
                   "secrets": prov.ledger_entries,
                   "last_entry": None if last is None else {
                       "date": last.date.isoformat(), "environment": last.environment,
                       "key": last.key, "event": last.event}},
    }


def sarif_provenance(audit: AuditReport) -> RunProvenance:
    from etc_policy.reporters.sarif import RunProvenance

    document = provenance_object(audit)
    return RunProvenance(commit=audit.provenance.git.commit, generated_at=generated_at(audit),
                         properties={"etcPolicyAudit": {
                             **document, "as_of": audit.as_of.isoformat(),
                             "summary": summary(audit),
                             "exposed": [_action_object(a, audit) for a in actions(audit)
                                         if a.section == "exposed"]}})


# --- JSON ------------------------------------------------------------------------------------

def audit_document(audit: AuditReport) -> dict[str, object]:
    return {
        "version": AUDIT_JSON_VERSION, "as_of": audit.as_of.isoformat(),
        "provenance": provenance_object(audit), "ledger": audit.ledger,
        "ledger_present": audit.ledger_present, "fail_on": audit.fail_on.value,
        "policy": {"max_age_days": audit.policy.max_age_days, "warn_days": audit.policy.warn_days},
        "summary": summary(audit),
        "actions": [_action_object(a, audit) for a in actions(audit)],
        "environments": [_environment_object(env, audit) for env in audit.environments],
        "project_findings": [audit_finding(f, audit) for f in audit.project_findings],
        "reuse": [_group_object(group, audit) for group in audit.reuse],
        "rules": [{"id": r.id, "name": r.name, "what": r.what, "fix": r.fix,
                   "explain": f"etc-policy explain {r.id}", "anchor": rule_anchor(r.id)}
                  for r in audit.rules],
        "cross_service_reuse": [audit_finding(f, audit) for f in audit.cross_service],
        "notices": list(audit.notices),
    }


def rule_anchor(rule_id: str) -> str:
    """The fragment of a rule's fix in the HTML and Markdown reports."""
    return f"rule-{rule_id.lower()}"


def audit_finding(finding: Finding, audit: AuditReport) -> dict[str, object]:
    """A finding as `check` writes it, plus the fix of its rule and where to read it."""
    item = finding_object(finding)
    rule = audit.fix_of(finding.rule_id)
    item["fix"] = rule.fix if rule is not None else None
    item["fix_anchor"] = rule_anchor(finding.rule_id)
    return item


def _action_object(action: Action, audit: AuditReport) -> dict[str, object]:
    rule = audit.fix_of(action.rule_id) if action.rule_id else None
    return {"section": action.section, "environment": action.environment, "key": action.key,
            "reason": action.reason, "places": list(action.places), "rule_id": action.rule_id,
            "fix": EXPOSED_FIX if action.section == "exposed" else
            (rule.fix if rule is not None else None)}


EXPOSED_FIX = ("Revoke and rotate now: revoke the key at its provider, issue a new one, set it "
               "in Railway, then record the rotation (`etc-policy rotation record`) and purge the logs or "
               "history that hold the old one.")


def _environment_object(env: EnvironmentAudit, audit: AuditReport) -> dict[str, object]:
    return {
        "name": env.name, "sources": list(env.sources),
        "findings": [audit_finding(f, audit) for f in env.findings],
        "drift": [audit_finding(f, audit) for f in env.drift],
        "rotation": [{**status_object(s), "exposed": audit.is_exposed(s.environment, s.key),
                      "label": rotation_label(audit, s)} for s in env.rotation],
        "logs": {"status": env.log_status, "files": list(env.logs),
                 "findings": [audit_finding(f, audit) for f in env.log_findings]},
    }


def _group_object(group: ReuseGroup, audit: AuditReport) -> dict[str, object]:
    return {"key": group.uses[0].key, "uses": [_use_object(u) for u in group.uses],
            "finding": audit_finding(group.finding, audit) if group.finding else None}


def _use_object(use: ReuseUse) -> dict[str, object]:
    return {"environment": use.environment, "key": use.key, "path": use.path, "line": use.line}


def dumps(document: dict[str, object]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# --- text ------------------------------------------------------------------------------------

def use_text(use: ReuseUse) -> str:
    where = f"{use.path}:{use.line}" if use.path and use.line else use.path or "ledger only"
    return f"{use.environment}/{use.key} ({where})"


def _finding_line(finding: Finding) -> Text:
    extra = ", ".join(part for part in (
        f"column {finding.column}", f"key {finding.key}" if finding.key else "",
        f"encoding {finding.encoding}" if finding.encoding else "",
        f"evidence {finding.hint}" if finding.hint else "") if part)
    return Text(f"  {finding.path}:{finding.line}  ").append(
        f"{finding.severity.value:<7}", style=STYLES[finding.severity]).append(" ").append(
        finding.rule_id, style="bold").append(f" {finding.message} [{extra}]")


def text_lines(audit: AuditReport) -> list[Text]:
    """The audit as styled lines: coloured on a terminal like check's text, plain elsewhere."""
    s = summary(audit)
    lines = [Text(f"etc-policy audit — as of {audit.as_of.isoformat()}", style="bold")]
    lines += [Text(f"{label.lower()}: {text}") for label, text in header_facts(audit)]
    lines += [Text(), Text(f"{s['environments']} environment(s), {s['findings']} finding(s) "
                           f"({_severities(s)}), {s['exposed']} exposed secret(s), "
                           f"{s['reused_secrets']} reused secret(s), "
                           f"rotation: {_rotation_counts(s)}",
                           style="bold red" if audit.failed else ""), Text()]
    todo = actions(audit)
    for name, title in SECTIONS:
        mine = [a for a in todo if a.section == name]
        lines.append(Text(f"{title.lower()}:", style="bold"))
        style = "bold red" if name == "exposed" else None
        lines += [Text("  ").append(f"{a.environment or '-'}/{a.key or '-'}", style=style)
                  .append(f": {a.reason}" + (f" [{', '.join(a.places)}]" if a.places else ""))
                  for a in mine] or [Text("  none", style="dim")]
        if mine and name == "exposed":
            lines.append(Text(f"  fix: {EXPOSED_FIX}"))
    lines.append(Text())
    for env in audit.environments:
        lines += [Text(f"== {env.name} ==", style="bold underline"),
                  Text("sources: " + (", ".join(env.sources) or "none"))]
        lines += [Text("findings:")] + ([_finding_line(f) for f in _sorted(env.findings)]
                                        or [Text("  none", style="dim")])
        lines += [Text(f"logs: {env.log_status}" + (f" ({len(env.logs)} file(s))" if env.logs else ""))]
        lines += [_finding_line(f) for f in _sorted(env.log_findings)]
        lines += [Text("rotation:")] + _rotation_lines(env, audit) + [Text()]
    if audit.project_findings:
        lines += [Text("== project (no environment) ==", style="bold underline")]
        lines += [_finding_line(f) for f in _sorted(audit.project_findings)] + [Text()]
    lines.append(Text("cross-environment reuse:"))
    lines += [Text(f"  {group.uses[0].key}: ", style="yellow")
              .append(", ".join(use_text(u) for u in group.uses)
                      + (f" [{group.finding.rule_id}]" if group.finding else ""))
              for group in audit.reuse] or [Text("  none", style="dim")]
    lines += _cross_service_text(audit)
    lines += [Text(), Text("fixes:")] + [Text(f"  {r.id} {r.name}: {r.fix}") for r in audit.rules]
    lines += [Text.assemble(("notice: ", "magenta"), n) for n in audit.notices]
    return lines


def _rotation_lines(env: EnvironmentAudit, audit: AuditReport) -> list[Text]:
    """The rotation table, its state column coloured on a terminal as `rotation status` does."""
    header = ("key", "age", "due", "state", "last rotated", "rotations")
    rows = []
    for s in env.rotation:
        _, key, age, due, _ = rotation_row(s)
        label = rotation_label(audit, s)
        style = "bold red" if label == EXPOSED_LABEL else STATE_STYLES.get(s.state)
        rows.append(((key, age, due, label, last_rotated(s), str(s.rotations)), style))
    if not rows:
        return [Text("  none", style="dim")]
    widths = [max(len(r[i]) for r in (header, *(cells for cells, _ in rows)))
              for i in range(len(header))]

    def cells_text(cells: tuple[str, ...], state_style: str | None) -> Text:
        line = Text("  ")
        for i, (cell, width) in enumerate(zip(cells, widths)):
            padded = cell if i == len(cells) - 1 else cell.ljust(width) + "  "
            line.append(padded, style=state_style if i == 3 else None)
        return line

    lines = [cells_text(header, None)]
    lines += [cells_text(cells, style) for cells, style in rows]
    return lines


# --- Markdown --------------------------------------------------------------------------------

def render_markdown(audit: AuditReport) -> str:
    s = summary(audit)
    lines = [f"## etc-policy audit — {audit.as_of.isoformat()}", ""]
    lines += [f"- **{label}:** {_md(text)}" for label, text in header_facts(audit)] + [""]
    lines += ["| Environments | Findings | Exposed | Reused secrets | Overdue | Due soon | "
              "Not tracked | Leaks in logs |", "|---|---|---|---|---|---|---|---|",
              f"| {s['environments']} | {s['findings']} ({_severities(s)}) | {s['exposed']} "
              f"| {s['reused_secrets']} | {s['actions']['overdue']} | "
              f"{s['actions']['due-soon']} | {s['not_tracked']} | {s['log_findings']} |", ""]
    todo = actions(audit)
    for name, title in SECTIONS:
        mine = [a for a in todo if a.section == name]
        lines += [f"### {title}", ""]
        lines += [f"- **{_md(a.environment or '-')} / {_md(a.key or '-')}**: {_md(a.reason)}"
                  + (f" ({', '.join(f'`{_code(p)}`' for p in a.places)})" if a.places else "")
                  + _fix_link(a.rule_id, audit) for a in mine] or ["None."]
        if mine and name == "exposed":
            lines += ["", f"Fix: {_md(EXPOSED_FIX)}"]
        lines.append("")
    for env in audit.environments:
        lines += [f"### {_md(env.name)}", ""]
        lines += _findings_md(_sorted((*env.findings, *env.log_findings)), audit)
        lines += ["", f"Logs: {env.log_status}.", ""]
        lines += [f"#### Rotation in {_md(env.name)}", ""]
        if env.rotation:
            lines += ["| Key | Age | Due | State | Last rotated | Rotations |",
                      "|---|---|---|---|---|---|"]
            for st in env.rotation:
                _, key, age, due, _ = rotation_row(st)
                lines.append(f"| `{_code(key)}` | {age} | {due} | {_md(rotation_label(audit, st))}"
                             f" | {last_rotated(st)} | {st.rotations} |")
        else:
            lines.append("No secret tracked.")
        lines.append("")
    if audit.project_findings:
        lines += ["### Project-wide (no environment)", ""]
        lines += _findings_md(_sorted(audit.project_findings), audit) + [""]
    lines += ["### Cross-environment reuse", ""]
    lines += [f"- `{_code(group.uses[0].key)}`: " + ", ".join(_md(use_text(u)) for u in group.uses)
              + (_fix_link(group.finding.rule_id, audit) if group.finding else "")
              for group in audit.reuse] or ["None found."]
    lines += _cross_service_markdown(audit)
    lines += ["", "### Fixes", ""]
    lines += [f'- <a id="{rule_anchor(r.id)}"></a>**{r.id}** {_md(r.name)}: {_md(r.fix)}'
              for r in audit.rules]
    return "\n".join(lines) + "\n"


def _findings_md(rows: Sequence[Finding], audit: AuditReport) -> list[str]:
    if not rows:
        return ["No findings."]
    out = ["| Severity | Rule | Where | Key | Message | Evidence | Fix |",
           "|---|---|---|---|---|---|---|"]
    for f in rows:
        evidence = ", ".join(p for p in (f.encoding or "", f"`{_code(f.hint)}`" if f.hint else "")
                             if p)
        related = "".join(f"<br>also `{_code(p.path)}:{p.line}`" for p in f.related)
        out.append(f"| {f.severity.value} | {f.rule_id} | `{_code(f.path)}:{f.line}:{f.column}`"
                   f"{related} | {f'`{_code(f.key)}`' if f.key else ''} | {_md(f.message)} | "
                   f"{evidence} | {_fix_link(f.rule_id, audit, bare=True)} |")
    return out


def _fix_link(rule_id: str | None, audit: AuditReport, *, bare: bool = False) -> str:
    if rule_id is None or audit.fix_of(rule_id) is None:
        return ""
    link = f"[fix](#{rule_anchor(rule_id)})"
    return link if bare else f" ({link})"


def _cross_service_text(audit: AuditReport) -> list[Text]:
    """SEC016: secrets two projects (services) share; only when the audit reached several."""
    if not audit.cross_service:
        return []
    return [Text("cross-service reuse (one secret in two services):")] + \
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
    return ", ".join(f"{n} {State(state).label}" for state, n in s["rotation"].items() if n) \
        or "nothing tracked"


def _md(text: str) -> str:
    for char in "\\|`*_[]<>":
        text = text.replace(char, "\\" + char)
    return text.replace("\n", " ")


def _code(text: str) -> str:
    return text.replace("`", "'").replace("|", "\\|")
