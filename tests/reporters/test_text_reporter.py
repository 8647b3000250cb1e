"""The text reporter: grouped by file, summary line, plain in a pipe, colour on a terminal."""

from __future__ import annotations

import io

import pytest
from types import SimpleNamespace

from etc_policy.findings import FailOn, Finding, Report, Severity
from etc_policy.model import Entry, Source, SourceKind
from etc_policy.reporters.text import make_console, render_explain, render_inspect, \
    render_report, render_rules

ANSI = "\x1b["


def finding(path: str, line: int, severity: Severity, rule_id: str = "TST001", *,
            key: str | None = "OPENAI_API_KEY", suppressed: bool = False) -> Finding:
    return Finding(rule_id=rule_id, rule_name="openai-key-format", severity=severity,
                   message="[bold]not an OpenAI key[/bold]", path=path, line=line, column=1,
                   key=key, hint="sk-C…, 39 chars", fingerprint="ab" * 16, suppressed=suppressed,
                   suppression="inline" if suppressed else None)


REPORT = Report(findings=(
    finding("b/.env", 3, Severity.WARNING, "TST002"),
    finding("a/.env.production", 7, Severity.ERROR),
    finding("a/.env.production", 2, Severity.NOTE, "TST003", key=None),
    finding("a/.env.production", 9, Severity.ERROR, suppressed=True),
), files=("a/.env.production", "b/.env", "c/railway.json"), notices=("c/railway.json: note",))


def render(report: Report, *, fail_on: FailOn = FailOn.ERROR, color: bool | None = None) -> str:
    stream = io.StringIO()
    render_report(report, make_console(stream, color=color), fail_on=fail_on)
    return stream.getvalue()


def test_grouped_by_file_sorted_by_line_plain_in_a_pipe() -> None:
    assert render(REPORT) == (
        "a/.env.production\n"
        "  2:1     note    TST003 openai-key-format  [bold]not an OpenAI key[/bold]  (sk-C…, 39 chars)\n"
        "  7:1     error   TST001 openai-key-format  OPENAI_API_KEY: [bold]not an OpenAI key[/bold]"
        "  (sk-C…, 39 chars)\n"
        "\n"
        "b/.env\n"
        "  3:1     warning TST002 openai-key-format  OPENAI_API_KEY: [bold]not an OpenAI key[/bold]"
        "  (sk-C…, 39 chars)\n"
        "\n"
        "notice: c/railway.json: note\n"
        "3 findings (1 error, 1 warning, 1 note) in 3 files, 1 suppressed\n"
    )


def test_long_lines_are_not_wrapped_in_a_pipe() -> None:
    long = Finding(rule_id="TST001", rule_name="x", severity=Severity.ERROR, message="m" * 300,
                   path="p", line=1)
    lines = render(Report(findings=(long,), files=("p",))).splitlines()
    assert lines[1].endswith("m" * 300)


def test_colour_only_when_forced_or_on_a_terminal() -> None:
    assert ANSI not in render(REPORT)
    coloured = render(REPORT, color=True)
    assert ANSI in coloured
    # Markup-looking text in a message is data, never styling.
    assert "[bold]not an OpenAI key[/bold]" in coloured


def test_summary_when_nothing_fails() -> None:
    assert render(Report(findings=(), files=("a",))) == "no findings in 1 file\n"
    below = Report(findings=(finding("a", 1, Severity.NOTE),), files=("a",))
    assert render(below).splitlines()[-1] == (
        "1 finding (0 errors, 0 warnings, 1 note) in 1 file "
        "(none at or above --fail-on error)")
    assert "(none at" not in render(below, fail_on=FailOn.NOTE)


def test_inspect_listing_shows_hints_for_secrets_and_other_values_in_full() -> None:
    source = Source(path=".env.production", kind=SourceKind.DOTENV, environment="production",
                    entries=(Entry("API_TOKEN", "tok-FAKE-secret-value-0000", 1),
                             Entry("PORT", "3000", 2), Entry("NODE_ENV", "production", 3),
                             Entry("BANNER", "line one\nline two", 4),
                             Entry("LONG", "x" * 100, 5)))
    stream = io.StringIO()
    render_inspect([source], make_console(stream), reveal=False,
                   reason_of=lambda e: "key matches 'x'" if e.key == "API_TOKEN" else None,
                   hint_of=lambda e: f"hint-{e.key}")
    assert stream.getvalue() == (
        ".env.production  dotenv, production\n"
        "      1  API_TOKEN  hint-API_TOKEN  secret: key matches 'x'\n"
        "      2  PORT       3000\n"
        "      3  NODE_ENV   production\n"
        "      4  BANNER     line one\\nline two\n"
        f"      5  LONG       {'x' * 80}… (100 chars)\n"
        "\n")
    assert "tok-FAKE" not in stream.getvalue()
    revealed = io.StringIO()
    render_inspect([source], make_console(revealed), reveal=True, reason_of=lambda e: None,
                   hint_of=lambda e: None)
    assert "tok-FAKE-secret-value-0000" in revealed.getvalue()


RULE = SimpleNamespace(id="TST003", name="jwt-secret-length", severity=Severity.NOTE,
                       pack="cli-mini", tags=("security", "jwt"),
                       docs=SimpleNamespace(what="W.", why="Y.", example="A=1\nB=2\n", fix="F."))


def test_rules_and_explain() -> None:
    stream = io.StringIO()
    render_rules([RULE], make_console(stream))
    assert stream.getvalue() == "TST003  note     cli-mini            jwt-secret-length\n"
    stream = io.StringIO()
    render_explain(RULE, make_console(stream))
    assert stream.getvalue() == (
        "TST003 jwt-secret-length  note  pack cli-mini\n\nWhat\n  W.\n\nWhy\n  Y.\n\n"
        "Example\n    A=1\n    B=2\n\nFix\n  F.\n\ntags: security, jwt\n")


LONG = Report(findings=(Finding(
    rule_id="RWY010", rule_name="rate-limit-configured", severity=Severity.WARNING,
    message="one of RATE_LIMIT_MAX, RATE_LIMIT_MAX_REQUESTS, RATE_LIMIT_REQUESTS, "
            "RATE_LIMIT_LIMIT is required but none is set", path=".env.production", line=1,
    column=1, fingerprint="cd" * 16),), files=(".env.production",),
    notices=("railway.json:1:45: could not be parsed (invalid JSON: trailing comma); its values "
             "were not checked",))
ONE_LINE = ("  1:1     warning RWY010 rate-limit-configured  one of RATE_LIMIT_MAX, "
            "RATE_LIMIT_MAX_REQUESTS, RATE_LIMIT_REQUESTS, RATE_LIMIT_LIMIT is required but none "
            "is set")


def _plain(text: str) -> list[str]:
    import re

    return [re.sub(r"\x1b\[[0-9;]*m", "", line).rstrip() for line in text.splitlines()]


def test_long_lines_wrap_on_a_terminal_with_a_hanging_indent(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    lines = _plain(render(LONG, color=True))
    finding_lines = lines[1:lines.index("")]
    assert len(finding_lines) > 1 and all(len(line) <= 60 for line in lines[:-1])  # not the summary
    assert finding_lines[0].startswith("  1:1     warning RWY010 ")
    assert all(line.startswith(" " * 10) and line[10] != " " for line in finding_lines[1:])
    assert " ".join(line.strip() for line in finding_lines) == ONE_LINE.strip()
    notice = [line for line in lines if line.startswith(("notice: ", " " * 8))
              and not line.startswith(" " * 10)]
    assert notice[0].startswith("notice: railway.json:1:45: could not be parsed")
    assert len(notice) > 1 and all(line.startswith(" " * 8) for line in notice[1:])


def test_long_lines_stay_whole_in_a_pipe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    lines = render(LONG).splitlines()
    assert lines[1] == ONE_LINE
    assert lines[3] == ("notice: railway.json:1:45: could not be parsed (invalid JSON: trailing "
                        "comma); its values were not checked")
