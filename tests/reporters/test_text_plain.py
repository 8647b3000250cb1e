"""The plain console writes exactly what rich writes to a non-terminal, without importing
rich; rich is used whenever it would style or lay out differently (a terminal, FORCE_COLOR,
TTY_COMPATIBLE, a tab)."""

from __future__ import annotations

import io
import subprocess
import sys
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from etc_policy.findings import FailOn, Finding, Report, Severity
from etc_policy.model import Diagnostic, Entry, Source, SourceKind
from etc_policy.reporters.text import PlainConsole, Text, make_console, render_explain, \
    render_inspect, render_report, render_rules

# Characters rich treats specially (control codes it strips, ESC, CR/LF, wide and combining
# characters, markup and emoji syntax) mixed with ordinary ones.
PIECE = st.text(alphabet=st.sampled_from(list("ab [/]:\té漢\u0301\x07\x08\x0b\x0c\r\n\x1b\x00 -")
                                        + ["😀", "\u2028", "\x7f"]), max_size=12)
STYLE = st.sampled_from(["", "bold", "dim", "bold red", "yellow"])


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def rich_plain(render) -> str:
    """What rich itself writes to a pipe, as make_console used to set it up."""
    stream = io.StringIO()
    render(Console(file=stream, force_terminal=None, no_color=None, highlight=False,
                   markup=False, emoji=False, soft_wrap=True))
    return stream.getvalue()


def ours(render) -> str:
    stream = io.StringIO()
    console = make_console(stream)
    assert isinstance(console, PlainConsole)
    render(console)
    return stream.getvalue()


@pytest.fixture(autouse=True)
def no_colour_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "NO_COLOR", "TTY_INTERACTIVE"):
        monkeypatch.delenv(name, raising=False)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(PIECE, STYLE), max_size=5), PIECE, STYLE)
def test_any_line_is_what_rich_writes(parts, base, style) -> None:
    def line() -> Text:
        text = Text(base, style=style)
        for piece, piece_style in parts:
            text.append(piece, style=piece_style or None)
        return text

    def render(console) -> None:
        from etc_policy.reporters.text import _print

        _print(console, line())
        _print(console)
        _print(console, Text.assemble(*parts, "tail"))

    assert ours(render) == rich_plain(render)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(PIECE, PIECE, PIECE, st.sampled_from(list(Severity)),
                          st.integers(1, 10_000)), max_size=6), PIECE)
def test_any_report_is_what_rich_writes(rows, notice) -> None:
    findings = tuple(Finding(rule_id="TST001", rule_name=name or "n", severity=severity,
                             message=message, path="p/.env" + path, line=line, key=name or None,
                             hint=message[:4] or None) for path, name, message, severity, line
                     in rows)
    report = Report(findings=findings, files=("p/.env",), notices=(notice,) if notice else ())
    for fail_on in (FailOn.ERROR, FailOn.NEVER):
        assert ours(lambda c: render_report(report, c, fail_on=fail_on)) == \
            rich_plain(lambda c: render_report(report, c, fail_on=fail_on))


def test_inspect_rules_and_explain_are_what_rich_writes() -> None:
    entry = Entry(key="API_TOKEN", value="FAKE-token-value", line=3, column=1)
    source = Source(path=".env", kind=SourceKind.DOTENV, environment=None, entries=(entry,),
                    diagnostics=(Diagnostic(code="dotenv.x", message="bad\tline", line=4,
                                            column=2),))
    empty = Source(path="railway.json", kind=SourceKind.RAILWAY_CONFIG, environment="prod",
                   entries=(), diagnostics=())
    rule = SimpleNamespace(id="TST001", name="n", severity="warning", pack="p", tags=("a", "b"),
                           docs=SimpleNamespace(what="w\r", why="y", example="e\n\tx", fix="f"))

    def render(console) -> None:
        render_inspect((source, empty), console, reason_of=lambda e: "key pattern",
                       hint_of=lambda e: "FAKE…, 16 chars", reveal=False)
        render_rules([rule, rule], console)
        render_explain(rule, console)

    assert ours(render) == rich_plain(render)


@pytest.mark.parametrize(("env", "stream", "color", "plain"), [
    ({}, io.StringIO(), None, True),
    ({}, Tty(), None, False),
    ({}, Tty(), False, True),
    ({}, io.StringIO(), True, False),
    ({"FORCE_COLOR": "1"}, io.StringIO(), None, False),
    ({"FORCE_COLOR": ""}, Tty(), None, True),
    ({"TTY_COMPATIBLE": "1"}, io.StringIO(), None, False),
    ({"TTY_COMPATIBLE": "0", "FORCE_COLOR": "1"}, Tty(), None, True),
    ({"NO_COLOR": "1"}, io.StringIO(), None, True),
])
def test_rich_decides_the_terminal(env, stream, color, plain,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    console = make_console(stream, color=color)
    assert isinstance(console, PlainConsole) is plain
    styled = Console(file=stream, force_terminal=color).is_terminal
    assert styled is not plain


def test_a_pipe_never_imports_rich() -> None:
    probe = ("import io, sys\n"
             "from etc_policy.findings import FailOn, Finding, Report, Severity\n"
             "from etc_policy.reporters.text import make_console, render_report\n"
             "f = Finding(rule_id='T', rule_name='n', severity=Severity.ERROR, message='m',"
             " path='p', line=1)\n"
             "render_report(Report(findings=(f,)), make_console(sys.stdout), fail_on=FailOn.ERROR)\n"
             "print('rich' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, env={"PATH": ""}).stdout
    assert out.splitlines()[-1] == "False"
    assert out.startswith("p\n  1:1     error   T n  m\n")
