"""The audit as one self-contained HTML page: inline CSS, no script, no external asset or
link, every text escaped. It reads in the order of reporters/audit.py: what the report was
made from, the summary, what to do (exposed now, overdue, due soon, not tracked), each
environment (findings, logs, rotation), project-wide findings, cross-environment reuse, the
rotation timeline and the rules' fixes (every finding links to its rule's fix).

Layout: readable from a 390 px phone to a 1440 px desktop and on paper. Tables stack into
labelled blocks under 960 px (no sideways scroll, no cut-off message column), paths break
after their slashes and never letter by letter, the timeline's label column shrinks with the
page, every text/background pair meets WCAG AA (4.5:1), and printed pills keep their colour
(`print-color-adjust: exact`) and an outline, so they survive printing without background
graphics. No values anywhere: findings carry keys, places and redacted hints.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from html import escape
from typing import TYPE_CHECKING

from etc_policy.reporters.audit import EXPOSED_FIX, EXPOSED_LABEL, SECTIONS, actions, \
    header_facts, last_rotated, pack_text, rotation_label, rule_anchor, summary, use_text
from etc_policy.reporters.rotation import row as rotation_row
from etc_policy.rotation.status import SecretStatus, State

if TYPE_CHECKING:
    from etc_policy.commands.audit import AuditReport, EnvironmentAudit
    from etc_policy.findings import Finding

# Every colour pair was checked for WCAG AA (>= 4.5:1): white on each pill colour, each
# text colour on the page and card backgrounds (tests/test_audit_browser.py measures them).
CSS = """
:root{--bg:#f6f7f9;--card:#fff;--ink:#1d2430;--muted:#5b6575;--line:#d5dae1;
--error:#c62828;--warning:#8f5200;--note:#1a5f9c;--ok:#2e7d32;--untracked:#4a5262;
--exposed:#6a1b9a}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--ink);
font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
-webkit-print-color-adjust:exact;print-color-adjust:exact}
main{max-width:1120px;margin:0 auto;padding:28px 24px 64px}
h1{font-size:26px;line-height:1.2;margin:0 0 8px}h2{font-size:20px;margin:32px 0 12px}
h3{font-size:14px;margin:20px 0 8px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
a{color:var(--note)}
code{font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:break-word}
.facts{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:2px 16px;margin:0;
background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 16px;font-size:14px}
.facts dt{color:var(--muted);font-weight:600}.facts dd{margin:0;min-width:0;overflow-wrap:break-word}
.facts ul{margin:0;padding-left:18px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:12px}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 14px}
.card b{display:block;font-size:28px;line-height:1.1}.card span{color:var(--muted);font-size:13px}
.card.bad b{color:var(--error)}.card.warn b{color:var(--warning)}.card.good b{color:var(--ok)}
.card.exposed{border:2px solid var(--exposed)}.card.exposed b{color:var(--exposed)}
section.block{background:var(--card);border:1px solid var(--line);border-radius:12px;
padding:4px 20px 16px;margin-top:20px;min-width:0}
section.block.urgent{border:2px solid var(--exposed)}
table{width:100%;border-collapse:collapse;font-size:14px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top;
overflow-wrap:break-word}
th{color:var(--muted);font-weight:600;font-size:12px;text-transform:uppercase}
.pill,.sev,.st{display:inline-block;border-radius:999px;padding:1px 9px;font-size:12px;
font-weight:600;line-height:1.6;white-space:nowrap;color:#fff;border:1px solid var(--c);background:var(--c)}
.sev.error,.st.overdue{--c:var(--error)}.sev.warning,.st.due-soon{--c:var(--warning)}
.sev.note,.st.changed{--c:var(--note)}.st.ok{--c:var(--ok)}.st.untracked{--c:var(--untracked)}
.st.exposed{--c:var(--exposed)}
.empty{color:var(--muted);font-style:italic}
.tag{display:inline-block;background:var(--bg);border:1px solid var(--line);border-radius:6px;
padding:0 6px;margin:2px 4px 2px 0;font-size:13px;max-width:100%}
.also{display:block;color:var(--muted);font-size:12px}
ul.todo{list-style:none;margin:0;padding:0}
ul.todo li{padding:8px 0;border-bottom:1px solid var(--line)}
ul.todo li:last-child{border-bottom:0}
.fixtext{margin:8px 0 0;padding:8px 12px;border-left:4px solid var(--exposed);background:var(--bg)}
.timeline{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:12px 20px}
.tl-row{display:grid;grid-template-columns:minmax(0,16rem) minmax(6rem,1fr) 7.5rem;
align-items:center;gap:6px 12px;padding:6px 0;border-bottom:1px solid var(--line);font-size:13px}
.tl-label{min-width:0;overflow-wrap:break-word}
.tl-bar{position:relative;height:14px;min-width:6rem;background:var(--bg);border:1px solid var(--line);
border-radius:7px}
.tl-dot{position:absolute;top:0;width:12px;height:12px;border-radius:50%;margin-left:-6px;
border:1px solid #fff}
.tl-today{position:absolute;top:-5px;bottom:-5px;width:2px;margin-left:-1px;background:var(--ink)}
.tl-bar.none{background:repeating-linear-gradient(45deg,var(--bg),var(--bg) 4px,var(--line) 4px,var(--line) 8px)}
.tl-axis{display:flex;justify-content:space-between;gap:12px;color:var(--muted);font-size:12px;
padding:6px 0 0;flex-wrap:wrap}
.legend{color:var(--muted);font-size:13px;margin:8px 0 0}
.rules dt{font-weight:600;margin-top:12px}.rules dd{margin:2px 0 0}
footer{margin-top:40px;color:var(--muted);font-size:12px}
@media (max-width:960px){
table.stack,table.stack tbody,table.stack tr,table.stack td{display:block;width:100%}
table.stack thead{display:none}
table.stack tr{border-bottom:1px solid var(--line);padding:6px 0}
table.stack td{border:0;padding:2px 0 2px 7.5rem;position:relative;min-height:1.6em}
table.stack td::before{content:attr(data-label);position:absolute;left:0;top:3px;width:7rem;
color:var(--muted);font-size:12px;font-weight:600;text-transform:uppercase}
.tl-row{grid-template-columns:minmax(0,1fr) auto;grid-template-areas:"label date" "bar bar"}
.tl-label{grid-area:label}.tl-date{grid-area:date}.tl-bar{grid-area:bar}
}
@media (max-width:600px){
main{padding:16px 12px 48px}h1{font-size:22px}h2{font-size:18px}
section.block{padding:4px 12px 12px}.timeline{padding:8px 12px}
.facts{grid-template-columns:minmax(0,1fr)}.facts dd{margin-bottom:6px}
.cards{grid-template-columns:repeat(2,minmax(0,1fr))}
}
@media print{
body{background:#fff;font-size:12px}main{max-width:none;padding:0}
section.block,.timeline,.facts,.card{border-color:#999}
tr,li,.card,.facts,.tl-row,.rules dd,.fixtext{break-inside:avoid}
h1,h2,h3,dt{break-after:avoid}
.sev,.st{background:#fff;color:var(--c);border:1.5px solid var(--c)}
a{color:var(--ink);text-decoration:none}
}
"""
_STATE_CLASS = {State.OVERDUE: "overdue", State.DUE_SOON: "due-soon", State.OK: "ok",
                State.CHANGED: "changed", State.UNTRACKED: "untracked"}
_DOT = {State.OVERDUE: "var(--error)", State.DUE_SOON: "var(--warning)", State.OK: "var(--ok)",
        State.CHANGED: "var(--note)", State.UNTRACKED: "var(--untracked)"}
_SECTION_PILL = {"exposed": ("exposed", "exposed"), "overdue": ("overdue", "overdue"),
                 "due-soon": ("due-soon", "due soon"), "not-tracked": ("untracked", "not tracked")}


def e(value: object) -> str:
    return escape(str(value), quote=True)


def place(text: str) -> str:
    """A path (or path:line) that may break after its slashes, never inside a name."""
    return "/<wbr>".join(e(part) for part in text.split("/"))


def render_audit_html(audit: AuditReport) -> str:
    parts = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>etc-policy audit — {e(audit.as_of.isoformat())}</title>",
             f"<style>{CSS}</style>", "</head>", "<body>", "<main>",
             "<h1>Configuration and secrets audit</h1>",
             *_header(audit), *_summary(audit), *_actions(audit),
             "<h2>Environments</h2>",
             *(line for env in audit.environments for line in _environment(env, audit)),
             *_project(audit), *_reuse(audit), *_cross_service(audit), *_timeline(audit), *_rules(audit),
             '<footer>Generated by etc-policy. Values are never shown: findings name keys and '
             'places, evidence is a redacted hint; secrets are compared through keyed '
             'fingerprints.</footer>',
             "</main>", "</body>", "</html>"]
    return "\n".join(parts) + "\n"


def _header(audit: AuditReport) -> list[str]:
    rows = []
    for label, text in header_facts(audit):
        if label == "Packs":
            value = "<ul>" + "".join(f"<li>{e(p)}</li>" for p in pack_text(audit)) + "</ul>"
        elif label in ("Project", "Rotation ledger"):
            value = place(text)
        elif label == "Git commit":
            value = f"<code>{e(text)}</code>"
        else:
            value = e(text)
        rows.append(f"<dt>{e(label)}</dt><dd>{value}</dd>")
    return ['<dl class="facts" id="provenance">', *rows, "</dl>"]


def _summary(audit: AuditReport) -> list[str]:
    s = summary(audit)
    sev, rot = s["by_severity"], s["actions"]
    cards = [("Exposed: rotate now", s["exposed"], "exposed" if s["exposed"] else "good"),
             ("Errors", sev["error"], "bad" if sev["error"] else "good"),
             ("Warnings", sev["warning"], "warn" if sev["warning"] else "good"),
             ("Overdue rotations", rot["overdue"], "bad" if rot["overdue"] else "good"),
             ("Due soon", rot["due-soon"], "warn" if rot["due-soon"] else "good"),
             ("Not in ledger", s["not_tracked"], "warn" if s["not_tracked"] else "good"),
             ("Leaks in logs", s["log_findings"], "bad" if s["log_findings"] else "good"),
             ("Reused across envs", s["reused_secrets"], "bad" if s["reused_secrets"] else "good"),
             ("Environments", s["environments"], "")]
    verdict = "fails" if s["failed"] else "passes"
    return ["<h2>Summary</h2>",
            f'<p>The audit <strong>{verdict}</strong> at threshold '
            f'<code>{e(audit.fail_on.value)}</code>: {e(s["findings"])} finding(s), '
            f'{e(s["secrets"])} secret(s) in {e(s["environments"])} environment(s).</p>',
            '<div class="cards">',
            *(f'<div class="card {cls}"><b>{e(n)}</b><span>{e(label)}</span></div>'
              for label, n, cls in cards),
            "</div>"]


def _actions(audit: AuditReport) -> list[str]:
    todo = actions(audit)
    out = ["<h2>What to do</h2>"]
    for name, title in SECTIONS:
        mine = [a for a in todo if a.section == name]
        cls, label = _SECTION_PILL[name]
        urgent = " urgent" if name == "exposed" and mine else ""
        out += [f'<section class="block{urgent}" id="todo-{e(name)}">', f"<h3>{e(title)}</h3>"]
        if not mine:
            out += ['<p class="empty">None.</p>', "</section>"]
            continue
        out.append('<ul class="todo">')
        for a in mine:
            where = "".join(f' <span class="tag"><code>{place(p)}</code></span>' for p in a.places)
            fix = (f' <a href="#{rule_anchor(a.rule_id)}">fix ({e(a.rule_id)})</a>'
                   if a.rule_id and audit.fix_of(a.rule_id) else "")
            out.append(f'<li><span class="st {cls}">{e(label)}</span> '
                       f"<strong>{e(a.environment or '-')}</strong> · <code>{e(a.key or '-')}"
                       f"</code> — {e(a.reason)}{where}{fix}</li>")
        out.append("</ul>")
        if name == "exposed":
            out.append(f'<p class="fixtext">{e(EXPOSED_FIX)}</p>')
        out.append("</section>")
    return out


def _environment(env: EnvironmentAudit, audit: AuditReport) -> list[str]:
    out = [f'<section class="block" id="env-{e(env.name)}">', f"<h2>{e(env.name)}</h2>",
           "<p>" + ("".join(f'<span class="tag"><code>{place(p)}</code></span>'
                            for p in env.sources)
                    or '<span class="empty">no sources</span>') + "</p>",
           "<h3>Findings</h3>", *_findings(env.findings, audit),
           f"<h3>Logs — {e(env.log_status)}</h3>"]
    if env.logs:
        out.append("<p>" + "".join(f'<span class="tag"><code>{place(p)}</code></span>'
                                   for p in env.logs) + "</p>")
    if env.log_status == "scanned":
        out += _findings(env.log_findings, audit, empty="No secret found in the logs.")
    out += ["<h3>Rotation</h3>", *_rotation_table(env.rotation, audit), "</section>"]
    return out


_FINDING_COLUMNS = ("Severity", "Rule", "Where", "Key", "Message", "Evidence", "Fix")


def _findings(findings: Iterable[Finding], audit: AuditReport, *,
              empty: str = "No findings.") -> list[str]:
    rows = sorted((f for f in findings if not f.suppressed),
                  key=lambda f: (-f.severity.rank, f.path, f.line, f.rule_id))
    if not rows:
        return [f'<p class="empty">{e(empty)}</p>']
    out = ['<table class="stack">', "<thead><tr>" + "".join(f"<th>{c}</th>" for c in
                                                           _FINDING_COLUMNS) + "</tr></thead>",
           "<tbody>"]
    for f in rows:
        out.append("<tr>" + "".join(f'<td data-label="{label}">{cell}</td>' for label, cell
                                    in zip(_FINDING_COLUMNS, _finding_cells(f, audit))) + "</tr>")
    return [*out, "</tbody>", "</table>"]


def _finding_cells(f: Finding, audit: AuditReport) -> list[str]:
    also = "".join(f'<span class="also">also <code>{place(f"{p.path}:{p.line}")}</code>'
                   f'{" (" + e(p.environment) + ")" if p.environment else ""}</span>'
                   for p in f.related)
    evidence = " ".join(part for part in (
        f"{e(f.encoding)}" if f.encoding else "",
        f'<code class="hint">{e(f.hint)}</code>' if f.hint else "") if part)
    fix = (f'<a href="#{rule_anchor(f.rule_id)}">how to fix</a>'
           if audit.fix_of(f.rule_id) else "")
    return [f'<span class="sev {e(f.severity.value)}">{e(f.severity.value)}</span>',
            f"<code>{e(f.rule_id)}</code><br>{e(f.rule_name)}",
            f"<code>{place(f'{f.path}:{f.line}:{f.column}')}</code>{also}",
            f"<code>{e(f.key)}</code>" if f.key else "",
            e(f.message), evidence or '<span class="empty">-</span>', fix]


_ROTATION_COLUMNS = ("Key", "Age", "Due", "State", "Last rotated", "Rotations")


def _rotation_table(statuses: Sequence[SecretStatus], audit: AuditReport) -> list[str]:
    if not statuses:
        return ['<p class="empty">No secret tracked.</p>']
    out = ['<table class="stack">', "<thead><tr>" + "".join(f"<th>{c}</th>" for c in
                                                           _ROTATION_COLUMNS) + "</tr></thead>",
           "<tbody>"]
    for status in statuses:
        _, key, age, due, _ = rotation_row(status)
        label = rotation_label(audit, status)
        cls = "exposed" if label == EXPOSED_LABEL else _STATE_CLASS[status.state]
        cells = (f"<code>{e(key)}</code>", e(age), e(due), f'<span class="st {cls}">{e(label)}</span>',
                 e(last_rotated(status)), e(status.rotations))
        out.append("<tr>" + "".join(f'<td data-label="{c}">{cell}</td>'
                                    for c, cell in zip(_ROTATION_COLUMNS, cells)) + "</tr>")
    return [*out, "</tbody>", "</table>"]


def _project(audit: AuditReport) -> list[str]:
    if not audit.project_findings:
        return []
    return ['<section class="block">', "<h2>Project-wide (no environment)</h2>",
            *_findings(audit.project_findings, audit), "</section>"]


def _reuse(audit: AuditReport) -> list[str]:
    out = ["<h2>Cross-environment reuse</h2>"]
    if not audit.reuse:
        return [*out, '<p class="empty">No secret is shared between environments.</p>']
    out += ['<section class="block" id="reuse">', '<table class="stack">',
            "<thead><tr><th>Key</th><th>The same secret in</th><th>Finding</th></tr></thead>",
            "<tbody>"]
    for group in audit.reuse:
        finding = group.finding
        cell = (f'<span class="sev {e(finding.severity.value)}">{e(finding.severity.value)}</span> '
                f'<code>{e(finding.rule_id)}</code> <a href="#{rule_anchor(finding.rule_id)}">'
                "how to fix</a>" if finding is not None else
                '<span class="empty">known from the ledger only</span>')
        places = "".join(f'<span class="tag">{place(use_text(u))}</span>' for u in group.uses)
        out.append(f'<tr><td data-label="Key"><code>{e(group.uses[0].key)}</code></td>'
                   f'<td data-label="Places">{places}</td><td data-label="Finding">{cell}</td></tr>')
    return [*out, "</tbody>", "</table>", "</section>"]


def _cross_service(audit: AuditReport) -> list[str]:
    """SEC016: one secret held by two services (projects); only when the audit reached several."""
    if not audit.cross_service:
        return []
    return ['<section class="env">', "<h2>Cross-service reuse</h2>",
            *_findings(audit.cross_service), "</section>"]


def _timeline(audit: AuditReport) -> list[str]:
    every = [(env.name, s) for env in audit.environments for s in env.rotation]
    dated = sorted(((n, s) for n, s in every if s.due is not None),
                   key=lambda pair: (pair[1].due, pair[0], pair[1].key))
    undated = [(n, s) for n, s in every if s.due is None]
    out = ["<h2>Rotation timeline</h2>"]
    if not every:
        return [*out, '<p class="empty">No secret found: nothing to rotate.</p>']
    out.append('<div class="timeline" id="timeline">')
    if dated:
        start = min(min(s.due for _, s in dated), audit.as_of) - timedelta(days=7)
        end = max(max(s.due for _, s in dated), audit.as_of + timedelta(days=30)) + \
            timedelta(days=7)
        span = max(1, (end - start).days)

        def pos(day: date) -> str:
            return f"{100 * (day - start).days / span:.2f}%"

        for env, status in dated:
            exposed = audit.is_exposed(env, status.key)
            colour = "var(--exposed)" if exposed else _DOT[status.state]
            note = f" · {EXPOSED_LABEL}" if exposed else ""
            out.append(f'<div class="tl-row"><div class="tl-label"><code>{e(status.key)}</code> '
                       f'· {e(env)}{e(note)}</div><div class="tl-bar">'
                       f'<div class="tl-today" style="left:{pos(audit.as_of)}"></div>'
                       f'<div class="tl-dot" style="left:{pos(status.due)};background:{colour}">'
                       f'</div></div><div class="tl-date">due {e(status.due.isoformat())}</div>'
                       "</div>")
        out.append(f'<div class="tl-axis"><span>{e(start.isoformat())}</span>'
                   f'<span>{e(end.isoformat())}</span></div>')
        out.append(f'<p class="legend">The dark line is the audited day, '
                   f'{e(audit.as_of.isoformat())}; each dot is a due date.</p>')
    for env, status in undated:
        out.append(f'<div class="tl-row"><div class="tl-label"><code>{e(status.key)}</code> '
                   f'· {e(env)}</div><div class="tl-bar none"></div><div class="tl-date">'
                   f'{e(status.state.label)}</div></div>')
    if undated:
        out.append(f'<p class="legend">{len(undated)} secret(s) have no due date: they are not '
                   "in the ledger (or changed without a recorded rotation), so their age is "
                   "unknown. Record them with <code>etc-policy rotation record</code>.</p>")
    out.append("</div>")
    return out


def _rules(audit: AuditReport) -> list[str]:
    if not audit.rules:
        return []
    out = ["<h2>How to fix</h2>", '<section class="block"><dl class="rules">']
    for r in audit.rules:
        out += [f'<dt id="{rule_anchor(r.id)}"><code>{e(r.id)}</code> {e(r.name)}</dt>',
                f"<dd>{e(r.what)}</dd>", f"<dd><strong>Fix:</strong> {e(r.fix)}</dd>",
                f'<dd class="empty">More: <code>etc-policy explain {e(r.id)}</code></dd>']
    return [*out, "</dl></section>"]

