"""The audit as one self-contained HTML page: inline CSS, no script, no external asset or
link, every text escaped. Summary first, then each environment (findings, logs, rotation),
then the rotation timeline (every secret's due date on one axis). No values anywhere: the
report is built from findings (keys, places, redacted hints omitted) and ledger dates.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from html import escape
from typing import TYPE_CHECKING

from etc_policy.reporters.audit import summary, use_text
from etc_policy.reporters.rotation import row as rotation_row
from etc_policy.rotation.status import SecretStatus, State

if TYPE_CHECKING:
    from etc_policy.commands.audit import AuditReport, EnvironmentAudit
    from etc_policy.findings import Finding

CSS = """
:root{--bg:#f6f7f9;--card:#fff;--ink:#1d2430;--muted:#5b6575;--line:#e2e6ec;
--error:#c62828;--warning:#b26a00;--note:#1f6fb2;--ok:#2e7d32}
*{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--ink);
font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:1120px;margin:0 auto;padding:32px 24px 64px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:36px 0 12px}
h3{font-size:15px;margin:20px 0 8px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.sub{color:var(--muted);margin:0 0 24px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(130px,1fr));gap:12px}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 16px}
.card b{display:block;font-size:28px;line-height:1.1}.card span{color:var(--muted);font-size:13px}
.card.bad b{color:var(--error)}.card.warn b{color:var(--warning)}.card.good b{color:var(--ok)}
section.env{background:var(--card);border:1px solid var(--line);border-radius:12px;
padding:4px 20px 16px;margin-top:20px}
table{width:100%;border-collapse:collapse;font-size:14px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{color:var(--muted);font-weight:600;font-size:12px;text-transform:uppercase}
code{font:13px ui-monospace,SFMono-Regular,Menlo,monospace;overflow-wrap:anywhere}
.sev{display:inline-block;min-width:64px;text-align:center;border-radius:999px;padding:1px 8px;
font-size:12px;font-weight:600;color:#fff}
.sev.error,.st.overdue{background:var(--error)}.sev.warning,.st.due-soon{background:var(--warning)}
.sev.note,.st.changed{background:var(--note)}.st.ok{background:var(--ok)}.st.untracked{background:#8a94a6}
.st{display:inline-block;border-radius:999px;padding:1px 8px;font-size:12px;color:#fff;font-weight:600}
.empty{color:var(--muted);font-style:italic}
.pill{display:inline-block;background:var(--bg);border:1px solid var(--line);border-radius:6px;
padding:0 6px;margin:2px 4px 2px 0;font-size:13px}
.timeline{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:12px 20px}
.tl-row{display:grid;grid-template-columns:260px 1fr 110px;align-items:center;gap:12px;
padding:4px 0;border-bottom:1px solid var(--line);font-size:13px}
.tl-bar{position:relative;height:14px;background:var(--bg);border-radius:7px}
.tl-dot{position:absolute;top:1px;width:12px;height:12px;border-radius:50%;margin-left:-6px}
.tl-today{position:absolute;top:-4px;bottom:-4px;width:2px;background:var(--ink);opacity:.5}
.tl-axis{display:grid;grid-template-columns:260px 1fr 110px;gap:12px;color:var(--muted);
font-size:12px;padding:6px 20px 0}.tl-scale{position:relative;height:16px}
.tl-scale span{position:absolute;white-space:nowrap}
footer{margin-top:40px;color:var(--muted);font-size:12px}
"""
_STATE_CLASS = {State.OVERDUE: "overdue", State.DUE_SOON: "due-soon", State.OK: "ok",
                State.CHANGED: "changed", State.UNTRACKED: "untracked"}
_DOT = {State.OVERDUE: "var(--error)", State.DUE_SOON: "var(--warning)", State.OK: "var(--ok)",
        State.CHANGED: "var(--note)", State.UNTRACKED: "#8a94a6"}


def e(value: object) -> str:
    return escape(str(value), quote=True)


def render_audit_html(audit: AuditReport) -> str:
    parts = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>etc-policy audit — {e(audit.as_of.isoformat())}</title>",
             f"<style>{CSS}</style>", "</head>", "<body>", "<main>",
             "<h1>Configuration and secrets audit</h1>",
             f'<p class="sub">As of {e(audit.as_of.isoformat())} · project {e(audit.root)} · '
             f'rotation ledger {e(audit.ledger)}{"" if audit.ledger_present else " (none yet)"} · '
             f"rotate every {e(audit.policy.max_age_days)} days</p>",
             *_summary(audit),
             "<h2>Environments</h2>",
             *(line for env in audit.environments for line in _environment(env, audit)),
             *_project(audit), *_reuse(audit), *_cross_service(audit), *_timeline(audit),
             f'<footer>Generated by etc-policy. Values are never shown: findings name keys and '
             f'places; secrets are compared through keyed fingerprints.</footer>',
             "</main>", "</body>", "</html>"]
    return "\n".join(parts) + "\n"


def _summary(audit: AuditReport) -> list[str]:
    s = summary(audit)
    sev, rot = s["by_severity"], s["rotation"]
    cards = [("Environments", s["environments"], ""),
             ("Errors", sev["error"], "bad" if sev["error"] else "good"),
             ("Warnings", sev["warning"], "warn" if sev["warning"] else "good"),
             ("Overdue rotations", rot["overdue"], "bad" if rot["overdue"] else "good"),
             ("Due soon", rot["due-soon"], "warn" if rot["due-soon"] else "good"),
             ("Leaks in logs", s["log_findings"], "bad" if s["log_findings"] else "good"),
             ("Reused across envs", s["reused_secrets"], "bad" if s["reused_secrets"] else "good")]
    verdict = "fails" if s["failed"] else "passes"
    return ["<h2>Summary</h2>",
            f'<p>The audit <strong>{verdict}</strong> at threshold '
            f'<code>{e(audit.fail_on.value)}</code>.</p>',
            '<div class="cards">',
            *(f'<div class="card {cls}"><b>{e(n)}</b><span>{e(label)}</span></div>'
              for label, n, cls in cards),
            "</div>"]


def _environment(env: EnvironmentAudit, audit: AuditReport) -> list[str]:
    out = [f'<section class="env" id="env-{e(env.name)}">', f"<h2>{e(env.name)}</h2>",
           "<p>" + ("".join(f'<span class="pill"><code>{e(p)}</code></span>' for p in env.sources)
                    or '<span class="empty">no sources</span>') + "</p>",
           "<h3>Findings</h3>", *_findings(env.findings),
           f"<h3>Logs — {e(env.log_status)}</h3>"]
    if env.logs:
        out.append("<p>" + "".join(f'<span class="pill"><code>{e(p)}</code></span>'
                                   for p in env.logs) + "</p>")
    if env.log_status == "scanned":
        out += _findings(env.log_findings, empty="No secret found in the logs.")
    out += ["<h3>Rotation</h3>", *_rotation_table(env.rotation), "</section>"]
    return out


def _findings(findings: Iterable[Finding], *, empty: str = "No findings.") -> list[str]:
    rows = sorted((f for f in findings if not f.suppressed),
                  key=lambda f: (-f.severity.rank, f.path, f.line, f.rule_id))
    if not rows:
        return [f'<p class="empty">{e(empty)}</p>']
    out = ["<table>", "<thead><tr><th>Severity</th><th>Rule</th><th>Where</th><th>Message</th>"
           "</tr></thead>", "<tbody>"]
    for f in rows:
        out.append(f'<tr><td><span class="sev {e(f.severity.value)}">{e(f.severity.value)}</span>'
                   f"</td><td><code>{e(f.rule_id)}</code><br>{e(f.rule_name)}</td>"
                   f"<td><code>{e(f.path)}:{e(f.line)}</code></td><td>{e(f.message)}</td></tr>")
    return [*out, "</tbody>", "</table>"]


def _rotation_table(statuses: Sequence[SecretStatus]) -> list[str]:
    if not statuses:
        return ['<p class="empty">No secret tracked.</p>']
    out = ["<table>", "<thead><tr><th>Key</th><th>Age</th><th>Due</th><th>State</th>"
           "<th>Rotations</th></tr></thead>", "<tbody>"]
    for status in statuses:
        _, key, age, due, label = rotation_row(status)
        out.append(f"<tr><td><code>{e(key)}</code></td><td>{e(age)}</td><td>{e(due)}</td>"
                   f'<td><span class="st {_STATE_CLASS[status.state]}">{e(label)}</span></td>'
                   f"<td>{e(status.rotations)}</td></tr>")
    return [*out, "</tbody>", "</table>"]


def _project(audit: AuditReport) -> list[str]:
    if not audit.project_findings:
        return []
    return ['<section class="env">', "<h2>Project-wide (no environment)</h2>",
            *_findings(audit.project_findings), "</section>"]


def _reuse(audit: AuditReport) -> list[str]:
    out = ["<h2>Cross-environment reuse</h2>"]
    if not audit.reuse:
        return [*out, '<p class="empty">No secret is shared between environments.</p>']
    out += ["<table>", "<thead><tr><th>The same secret in</th></tr></thead>", "<tbody>"]
    out += ["<tr><td>" + "".join(f'<span class="pill">{e(use_text(u))}</span>' for u in group)
            + "</td></tr>" for group in audit.reuse]
    return [*out, "</tbody>", "</table>"]


def _cross_service(audit: AuditReport) -> list[str]:
    """SEC016: one secret held by two services (projects); only when the audit reached several."""
    if not audit.cross_service:
        return []
    return ['<section class="env">', "<h2>Cross-service reuse</h2>",
            *_findings(audit.cross_service), "</section>"]


def _timeline(audit: AuditReport) -> list[str]:
    dated = sorted(((env.name, s) for env in audit.environments for s in env.rotation
                    if s.due is not None), key=lambda pair: (pair[1].due, pair[0], pair[1].key))
    out = ["<h2>Rotation timeline</h2>"]
    if not dated:
        return [*out, '<p class="empty">No due dates yet: record rotations with '
                "<code>etc-policy rotation record</code>.</p>"]
    start = min(min(s.due for _, s in dated), audit.as_of) - timedelta(days=7)
    end = max(max(s.due for _, s in dated), audit.as_of + timedelta(days=30)) + timedelta(days=7)
    span = max(1, (end - start).days)

    def pos(day: date) -> str:
        return f"{100 * (day - start).days / span:.2f}%"

    out.append('<div class="timeline">')
    for env, status in dated:
        out.append(f'<div class="tl-row"><div><code>{e(status.key)}</code> · {e(env)}</div>'
                   f'<div class="tl-bar"><div class="tl-today" style="left:{pos(audit.as_of)}">'
                   f'</div><div class="tl-dot" style="left:{pos(status.due)};background:'
                   f'{_DOT[status.state]}"></div></div><div>{e(status.due.isoformat())}</div></div>')
    out += ["</div>", f'<div class="tl-axis"><div></div><div class="tl-scale">'
            f'<span style="left:0">{e(start.isoformat())}</span>'
            f'<span style="left:{pos(audit.as_of)};transform:translateX(-50%)">today '
            f'{e(audit.as_of.isoformat())}</span>'
            f'<span style="right:0">{e(end.isoformat())}</span></div><div></div></div>']
    return out
