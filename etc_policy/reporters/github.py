"""GitHub Actions workflow-command annotations (`::error file=…,line=…::message`).

One line per active finding, the report's notices as plain lines, then a summary line. GitHub shows at most 10 annotations of
each level per step and drops the rest silently, so the summary says when that happens and
points to the complete reports. The escaping is actions/toolkit's `command.ts`: it keeps a
message from ending the command early or starting a new one. The redacted hint is not printed:
workflow logs of public repositories are public.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from etc_policy.findings import Finding, Report, Severity

COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}
SHOWN_PER_LEVEL = 10


def render_github(report: Report, *, file_of: Callable[[str], str] = str) -> str:
    """Workflow commands for the active findings, then one summary line; ends in a newline.
    `file_of` names a finding's file for `file=` (the commands: relative to the repository
    root, paths.key_of: GitHub resolves it against the workspace, whatever
    `working-directory` the step runs in)."""
    active = sorted(report.active(), key=lambda f: (-f.severity.rank, *f.sort_key()))
    lines = [annotation(finding, file_of=file_of) for finding in active]
    # Notices as plain lines (one each, never a command): they use no annotation slot.
    lines += [f"etc-policy notice: {' '.join(notice.split())}" for notice in report.notices]
    lines.append(_summary(report, active))
    return "\n".join(lines) + "\n"


def annotation(finding: Finding, *, file_of: Callable[[str], str] = str) -> str:
    properties = [("file", file_of(finding.path)), ("line", str(max(finding.line, 1))),
                  ("col", str(max(finding.column, 1)))]
    if finding.end_line is not None:
        properties.append(("endLine", str(max(finding.end_line, finding.line, 1))))
    if finding.end_column is not None:
        properties.append(("endColumn", str(max(finding.end_column, 1))))
    properties.append(("title", f"{finding.rule_id} {finding.rule_name}"))
    rendered = ",".join(f"{name}={escape_property(value)}" for name, value in properties if value)
    return f"::{COMMAND[finding.severity]} {rendered}::{escape_data(finding.message)}"


def escape_data(text: str) -> str:
    # `%` first, or the escapes themselves would be escaped again.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _summary(report: Report, active: list[Finding]) -> str:
    counts = Counter(finding.severity for finding in active)
    suppressed = len(report.findings) - len(active)
    parts = [_count(counts[s], s.value) for s in Severity]
    text = (f"etc-policy: {_count(len(active), 'finding')} "
            f"({', '.join(parts)}), {suppressed} suppressed, {_count(len(report.files), 'file')} checked.")
    hidden = [(COMMAND[s], counts[s] - SHOWN_PER_LEVEL) for s in Severity
              if counts[s] > SHOWN_PER_LEVEL]
    if hidden:
        over = ", ".join(f"{n} {level}" for level, n in hidden)
        text += (f" GitHub shows only {SHOWN_PER_LEVEL} annotations of each level per step; "
                 f"{over} annotations are not shown: see the SARIF or text report.")
    return text


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
