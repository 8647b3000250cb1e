"""Markdown for pull-request comments: a summary table, then the findings grouped by file.

Messages and paths are escaped, so a key or path can neither break the table nor inject
Markdown or HTML into the comment. Only active findings are listed (suppressed ones are
counted), and the list stops after MAX_ROWS so the comment stays under GitHub's 65,536
character limit. The redacted hint is left out: PR comments are widely readable.
"""

from __future__ import annotations

import html
import re
from itertools import groupby

from etc_policy.findings import Finding, Report, Severity

MAX_ROWS = 200
BADGE = {Severity.ERROR: "🔴 error", Severity.WARNING: "🟠 warning", Severity.NOTE: "🔵 note"}
# Inline Markdown that could change the rendering; `&`, `<` and `>` become HTML entities.
_MARKUP = re.compile(r"([\\`*_\[\]|~#!@])")
# CommonMark turns NUL into U+FFFD; other control characters have no business in a comment.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f]")


def render_markdown(report: Report, *, max_rows: int = MAX_ROWS) -> str:
    active = sorted(report.active(), key=Finding.sort_key)
    lines = [_title(len(active)), "", *_summary_table(report, active), ""]
    if not active:
        lines += [f"No findings in {_count(len(report.files), 'file')} checked.", ""]
    shown = active[:max_rows]
    for path, group in groupby(shown, key=lambda f: f.path):
        lines += [f"### {escape(path)}", "", *_findings_table(list(group)), ""]
    if len(active) > len(shown):
        lines += [f"… and {_count(len(active) - len(shown), 'more finding')} not shown: "
                  "see the full text, JSON or SARIF report.", ""]
    if report.notices:
        lines += ["### Notices", "", *(f"- {escape(n)}" for n in report.notices), ""]
    return "\n".join(lines)


def escape(text: str) -> str:
    """One line of plain text, safe in a heading, a list item or a table cell."""
    flat = _CONTROL.sub("\ufffd", " ".join(text.split()))
    return html.escape(_MARKUP.sub(r"\\\1", flat), quote=False)


def _title(active: int) -> str:
    return f"## etc-policy: {_count(active, 'finding')}" if active else "## etc-policy: no findings ✅"


def _summary_table(report: Report, active: list[Finding]) -> list[str]:
    rows = ["| Severity | Findings |", "| --- | ---: |"]
    rows += [f"| {BADGE[s]} | {sum(1 for f in active if f.severity is s)} |"
             for s in sorted(Severity, key=lambda s: -s.rank)]
    rows.append(f"| suppressed | {len(report.findings) - len(active)} |")
    return rows


def _findings_table(findings: list[Finding]) -> list[str]:
    rows = ["| Line | Severity | Rule | Message |", "| ---: | --- | --- | --- |"]
    rows += [f"| {f.line} | {BADGE[f.severity]} | {escape(f.rule_id)} {escape(f.rule_name)} "
             f"| {escape(f.message)} |" for f in findings]
    return rows


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
