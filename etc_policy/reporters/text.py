"""Human output with rich: findings grouped by file, a summary line, the inspect listing,
the rule catalogue and a rule's manual.

The console is always injected by the CLI (never bound to a stream at import), so the same
code writes colour to a terminal and plain text to a pipe or to `--output`. Every piece of
user data goes through `Text` (never markup), so a `[` in a message cannot restyle output.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import groupby
from typing import IO, Any

from rich.console import Console
from rich.text import Text

from etc_policy.findings import FailOn, Finding, Report, Severity
from etc_policy.model import Entry, Source

STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.NOTE: "cyan"}


def make_console(stream: IO[str], *, color: bool | None = None) -> Console:
    """A console on `stream`: colour only when it is a terminal (or `color` forces it)."""
    return Console(file=stream, force_terminal=color, no_color=True if color is False else None,
                   highlight=False, markup=False, emoji=False, soft_wrap=True)


def render_report(report: Report, console: Console, *, fail_on: FailOn) -> None:
    active = sorted(report.active(), key=Finding.sort_key)
    for path, group in groupby(active, key=lambda finding: finding.path):
        console.print(Text(path, style="bold underline"))
        for finding in group:
            console.print(_finding_line(finding))
        console.print()
    for notice in report.notices:
        console.print(Text.assemble(("notice: ", "magenta"), notice))
    console.print(_summary(report, fail_on=fail_on))


def _finding_line(finding: Finding) -> Text:
    line = Text("  ")
    line.append(f"{finding.line}:{finding.column}".ljust(8), style="dim")
    line.append(finding.severity.value.ljust(8), style=STYLES[finding.severity])
    line.append(f"{finding.rule_id} ", style="bold")
    line.append(f"{finding.rule_name}  ", style="dim")
    if finding.key and finding.key not in finding.message:
        line.append(f"{finding.key}: ", style="bold")
    line.append(finding.message)
    if finding.hint:
        line.append(f"  ({finding.hint})", style="dim")
    return line


def _summary(report: Report, *, fail_on: FailOn) -> Text:
    summary = report.summary()
    counts: dict[str, int] = summary["by_severity"]  # type: ignore[assignment]
    files = _plural(int(summary["files"]), "file")  # type: ignore[arg-type]
    total = int(summary["findings"])  # type: ignore[arg-type]
    failing = len(report.failing(fail_on))
    if total == 0:
        text = Text(f"no findings in {files}", style="green")
    else:
        parts = ", ".join(_plural(counts[s.value], s.value) for s in Severity)
        style = "bold red" if failing else "yellow"
        text = Text(f"{_plural(total, 'finding')} ({parts}) in {files}", style=style)
    if summary["suppressed"]:
        text.append(f", {summary['suppressed']} suppressed", style="dim")
    if total and not failing:
        text.append(f" (none at or above --fail-on {fail_on.value})", style="dim")
    return text


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def render_inspect(sources: Sequence[Source], console: Console, *,
                   reason_of: Callable[[Entry], str | None],
                   hint_of: Callable[[Entry], str | None], reveal: bool) -> None:
    for source in sources:
        environment = source.environment or "unknown environment"
        console.print(Text.assemble((source.path, "bold underline"),
                                    (f"  {source.kind.value}, {environment}", "dim")))
        width = max((len(entry.key) for entry in source.entries), default=0)
        for entry in source.entries:
            console.print(_entry_line(entry, width=width, reason=reason_of(entry),
                                      hint=hint_of(entry), reveal=reveal))
        for diagnostic in source.diagnostics:
            console.print(Text.assemble(("  ", ""), (f"{diagnostic.line}:{diagnostic.column}  ",
                                                     "dim"), (diagnostic.code, "yellow"),
                                        f"  {diagnostic.message}"))
        if not source.entries:
            console.print(Text("  (no entries)", style="dim"))
        console.print()


def _entry_line(entry: Entry, *, width: int, reason: str | None, hint: str | None,
                reveal: bool) -> Text:
    line = Text("  ")
    line.append(f"{entry.line}".rjust(5) + "  ", style="dim")
    line.append(entry.key.ljust(width) + "  ", style="bold" if reason else "")
    shown = _revealed(entry.value) if reveal else (hint or "")
    line.append(shown)
    if reason:
        line.append("  secret: ", style="red")
        line.append(reason, style="red")
    return line


def _revealed(value: Any) -> str:
    if isinstance(value, str):
        return value.encode("unicode_escape").decode("ascii") if "\n" in value else value
    import json

    return json.dumps(value, ensure_ascii=False)


def render_rules(rules: Iterable[Any], console: Console) -> None:
    """The catalogue: id, severity, pack, name (one rule a line)."""
    for rule in rules:
        severity = Severity(rule.severity)
        console.print(Text.assemble((f"{rule.id}  ", "bold"),
                                    (severity.value.ljust(9), STYLES[severity]),
                                    (f"{rule.pack}".ljust(20), "dim"), rule.name))


def render_explain(rule: Any, console: Console) -> None:
    """A rule's manual: what, why, example, fix (the pack's docs block)."""
    severity = Severity(rule.severity)
    console.print(Text.assemble((f"{rule.id} ", "bold"), (rule.name, "bold"),
                                ("  ", ""), (severity.value, STYLES[severity]),
                                (f"  pack {rule.pack}", "dim")))
    for title in ("what", "why", "example", "fix"):
        console.print()
        console.print(Text(title.capitalize(), style="bold underline"))
        body = str(getattr(rule.docs, title)).rstrip("\n")
        indent = "    " if title == "example" else "  "
        for line in body.splitlines():
            console.print(Text(indent + line))
    tags = getattr(rule, "tags", ())
    if tags:
        console.print()
        console.print(Text("tags: " + ", ".join(tags), style="dim"))
