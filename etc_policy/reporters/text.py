"""Human output: findings grouped by file, a summary line, the inspect listing, the rule
catalogue and a rule's manual; rich on a terminal, plain text elsewhere.

The console is always injected by the CLI (never bound to a stream at import), so the same
code writes colour to a terminal and plain text to a pipe or to `--output`. Every piece of
user data goes into a `Text` (never markup), so a `[` in a message cannot restyle output.

Speed: importing rich costs ~18 ms, and the pre-commit hook prints its findings to a pipe,
where rich writes no style at all. So the render functions build `Text`, a record of the
rich `Text` calls; on a terminal (as rich decides it, `FORCE_COLOR` etc. included) they are
replayed into rich, and elsewhere `PlainConsole` writes exactly the characters rich would
(its control-code stripping included; a line with a tab, which rich expands by cell width,
still goes through rich).
"""

from __future__ import annotations

import builtins
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from itertools import groupby
from typing import IO, TYPE_CHECKING, Any

from etc_policy.findings import FailOn, Finding, Report, Severity
from etc_policy.model import Entry, Source

if TYPE_CHECKING:
    from rich.console import Console

STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.NOTE: "cyan"}
# rich.control.STRIP_CONTROL_CODES: bell, backspace, vertical tab, form feed, carriage return
_STRIP = dict.fromkeys((7, 8, 11, 12, 13))


class Text:
    """A line as the rich `Text` calls that make it: `Text(text, style=…)`, `.append`,
    `Text.assemble`. `rich()` replays them; `plain` is the characters without styles."""

    __slots__ = ("_base", "_parts")

    def __init__(self, text: str = "", style: str = "") -> None:
        self._base = (text, style)
        self._parts: list[tuple[str, str | None]] = []

    def append(self, text: str, style: str | None = None) -> Text:
        self._parts.append((text, style))
        return self

    @classmethod
    def assemble(cls, *parts: str | tuple[str, str]) -> Text:
        line = cls()
        for part in parts:
            if isinstance(part, str):
                line.append(part)
            else:
                line.append(*part)
        return line

    def extend(self, other: Text) -> Text:
        """Append another line's pieces, styles kept."""
        self._parts.append(other._base)
        self._parts.extend(other._parts)
        return self

    @property
    def plain(self) -> str:
        return self._base[0] + "".join(text for text, _ in self._parts)

    def rich(self) -> Any:
        from rich.text import Text as RichText

        line = RichText(self._base[0], style=self._base[1])
        for text, style in self._parts:
            line.append(text, style=style)
        return line


class PlainConsole:
    """What a rich Console (as `make_console` sets it up) writes to a stream that is not a
    terminal: the text without control codes, one `print` a line, flushed like rich."""

    def __init__(self, stream: IO[str], *, color: bool | None) -> None:
        self.file = stream
        self._color = color

    def print(self, line: Text | None = None) -> None:
        if line is None:
            self.file.write("\n")
        elif "\t" in line.plain:
            _rich_console(self.file, color=self._color).print(line.rich())
            return
        else:
            plain = line.plain
            if not plain.isprintable():      # rare: only then look for the codes rich strips
                plain = plain.translate(_STRIP)
            self.file.write(plain + "\n")
        self.file.flush()


def make_console(stream: IO[str], *, color: bool | None = None) -> Console | PlainConsole:
    """A console on `stream`: colour only when it is a terminal (or `color` forces it)."""
    if sys.platform == "win32" or hasattr(builtins, "get_ipython") or \
            _rich_is_terminal(stream, color=color):
        return _rich_console(stream, color=color)
    return PlainConsole(stream, color=color)


def _rich_console(stream: IO[str], *, color: bool | None) -> Console:
    from rich.console import Console

    return Console(file=stream, force_terminal=color, no_color=True if color is False else None,
                   highlight=False, markup=False, emoji=False, soft_wrap=True)


def _rich_is_terminal(stream: IO[str], *, color: bool | None) -> bool:
    """rich's Console.is_terminal (rich 13-15) for `force_terminal=color`: when it is False
    rich renders no style, so the plain console writes the same text."""
    if color is not None:
        return color
    if getattr(sys.stdin, "__module__", "").startswith("idlelib"):
        return False
    compatible = os.environ.get("TTY_COMPATIBLE", "")
    if compatible in ("0", "1"):
        return compatible == "1"
    force = os.environ.get("FORCE_COLOR")
    if force is not None:
        return force != ""
    isatty = getattr(stream, "isatty", None)
    try:
        return False if isatty is None else bool(isatty())
    except ValueError:
        return False


def _print(console: Console | PlainConsole, line: Text | None = None) -> None:
    if isinstance(console, PlainConsole):
        console.print(line)
    elif line is None:
        console.print()
    else:
        console.print(line.rich())


def print_lines(lines: Iterable[Text], console: Console | PlainConsole) -> None:
    """Styled lines built by another reporter (rotation tables, the audit): colour on a
    terminal, the same characters elsewhere."""
    for line in lines:
        _print(console, line)


def render_report(report: Report, console: Console | PlainConsole, *, fail_on: FailOn) -> None:
    active = sorted(report.active(), key=Finding.sort_key)
    for path, group in groupby(active, key=lambda finding: finding.path):
        _print(console, Text(path, style="bold underline"))
        _print_rows(console, [(_position(finding), _finding_body(finding)) for finding in group])
        _print(console)
    _print_rows(console, [(Text("notice: ", style="magenta"), Text(notice))
                          for notice in report.notices])
    _print(console, _summary(report, fail_on=fail_on))


def _print_rows(console: Console | PlainConsole, rows: Sequence[tuple[Text, Text]]) -> None:
    """Lines made of a head and a body. On a terminal a body longer than the width wraps
    under itself (a hanging indent past the head: `1:1`, `notice:`); elsewhere (a pipe, a
    file) each stays one line, for grep and editors."""
    if not rows:
        return
    if isinstance(console, PlainConsole) or not console.is_terminal:
        for head, body in rows:
            _print(console, Text().extend(head).extend(body))
        return
    from rich.table import Table

    grid = Table.grid()
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")  # a word wider than the column (a URL) is cut, not lost
    for head, body in rows:
        grid.add_row(head.rich(), body.rich())
    console.print(grid, soft_wrap=False)


def _position(finding: Finding) -> Text:
    return Text("  ").append(f"{finding.line}:{finding.column}".ljust(8), style="dim")


def _finding_body(finding: Finding) -> Text:
    line = Text().append(finding.severity.value.ljust(8), style=STYLES[finding.severity])
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


def render_inspect(sources: Sequence[Source], console: Console | PlainConsole, *,
                   reason_of: Callable[[Entry], str | None],
                   hint_of: Callable[[Entry], str | None], reveal: bool) -> None:
    for source in sources:
        environment = source.environment or "unknown environment"
        service = f", service {source.service}" if source.service else ""
        _print(console, Text.assemble((source.path, "bold underline"),
                                    (f"  {source.kind.value}, {environment}{service}", "dim")))
        width = max((len(entry.key) for entry in source.entries), default=0)
        for entry in source.entries:
            _print(console, _entry_line(entry, width=width, reason=reason_of(entry),
                                      hint=hint_of(entry), reveal=reveal))
        for diagnostic in source.diagnostics:
            _print(console, Text.assemble(("  ", ""), (f"{diagnostic.line}:{diagnostic.column}  ",
                                                     "dim"), (diagnostic.code, "yellow"),
                                        f"  {diagnostic.message}"))
        if not source.entries:
            _print(console, Text("  (no entries)", style="dim"))
        _print(console)


_SHOWN_MAX = 80  # a non-secret value longer than this is cut (a 10 MB line would bury the rest)


def _entry_line(entry: Entry, *, width: int, reason: str | None, hint: str | None,
                reveal: bool) -> Text:
    """A secret shows its hint (unless --reveal); any other scalar value is shown as is:
    hiding `NODE_ENV=production` protects nothing and hides what the listing is for."""
    line = Text("  ")
    line.append(f"{entry.line}".rjust(5) + "  ", style="dim")
    line.append(entry.key.ljust(width) + "  ", style="bold" if reason else "")
    if reveal:
        line.append(_revealed(entry.value))
    elif reason is not None or entry.ciphertext is not None or entry.decrypted_from:
        # a secret, or a value that was encrypted at rest (decrypted or not): its hint only
        line.append(hint or "", style="dim")
    elif isinstance(entry.value, dict | list):
        # A config object or list holds other entries (`/variables` holds each variable,
        # secrets too): they are listed one by one, the container only by its hint.
        line.append(hint or "", style="dim")
    elif entry.value is not None:
        shown = _revealed(entry.value)
        if len(shown) > _SHOWN_MAX:
            shown = f"{shown[:_SHOWN_MAX]}… ({len(shown)} chars)"
        line.append(shown)
    if entry.origin not in (None, "literal"):
        # railway.ts: preserve() / reference / generated / environment / unresolvable values
        line.append(f"  [{entry.origin}]", style="cyan")
    if reason:
        line.append("  secret: ", style="red")
        line.append(reason, style="red")
    return line


def _revealed(value: Any) -> str:
    if isinstance(value, str):
        return value.encode("unicode_escape").decode("ascii") if "\n" in value else value
    import json

    return json.dumps(value, ensure_ascii=False)


def render_rules(rules: Iterable[Any], console: Console | PlainConsole) -> None:
    """The catalogue: id, severity, pack, name (one rule a line)."""
    for rule in rules:
        severity = Severity(rule.severity)
        _print(console, Text.assemble((f"{rule.id}  ", "bold"),
                                    (severity.value.ljust(9), STYLES[severity]),
                                    (f"{rule.pack}".ljust(20), "dim"), rule.name))


def render_explain(rule: Any, console: Console | PlainConsole) -> None:
    """A rule's manual: what, why, example, fix (the pack's docs block)."""
    severity = Severity(rule.severity)
    _print(console, Text.assemble((f"{rule.id} ", "bold"), (rule.name, "bold"),
                                ("  ", ""), (severity.value, STYLES[severity]),
                                (f"  pack {rule.pack}", "dim")))
    for title in ("what", "why", "example", "fix"):
        _print(console)
        _print(console, Text(title.capitalize(), style="bold underline"))
        body = str(getattr(rule.docs, title)).rstrip("\n")
        indent = "    " if title == "example" else "  "
        for line in body.splitlines():
            _print(console, Text(indent + line))
    tags = getattr(rule, "tags", ())
    if tags:
        _print(console)
        _print(console, Text("tags: " + ", ".join(tags), style="dim"))
    examples = getattr(rule, "examples", None)
    if examples is not None:
        _print(console)
        _print(console, Text("Examples (`etc-policy test`)", style="bold underline"))
        for title, group in (("must fail", examples.must_fail), ("must pass", examples.must_pass)):
            for example in group:
                _print(console, Text(f"  {title}" + (f": {example.name}" if example.name else ""),
                                     style="bold"))
                for name, text in example.inputs().items():
                    _print(console, Text(f"    {name}", style="dim"))
                    for line in text.splitlines():
                        _print(console, Text("      " + line))
