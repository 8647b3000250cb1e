"""GitHub Actions annotations: the runner's command syntax and escaping (actions/toolkit)."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etc_policy.findings import Finding, Report, Severity
from etc_policy.reporters.github import annotation, escape_data, escape_property, render_github

FAKE_HINT = "sk_l…, 40 chars"
# The runner's parser: `::name key=value,key=value::data` on one line.
COMMAND_LINE = re.compile(r"^::(?P<name>[a-z]+) (?P<props>[^:]*)::(?P<data>[^\r\n]*)$")


def _finding(severity: Severity, line: int, **extra: object) -> Finding:
    defaults = dict(rule_id="SEC001", rule_name="jwt-secret-weak", severity=severity,
                    message=f"JWT_SECRET is too short (line {line})", path=".env.production",
                    line=line, column=12, key="JWT_SECRET", hint=FAKE_HINT, fingerprint="ab")
    return Finding(**{**defaults, **extra})


def _parse(line: str) -> tuple[str, dict[str, str], str]:
    match = COMMAND_LINE.match(line)
    assert match, line
    props = dict(item.split("=", 1) for item in match["props"].split(","))
    return match["name"], {k: unquote(v) for k, v in props.items()}, unquote(match["data"])


def test_one_command_per_active_finding_by_severity_then_summary() -> None:
    report = Report(findings=(
        _finding(Severity.NOTE, 1), _finding(Severity.ERROR, 2, end_line=2, end_column=30),
        _finding(Severity.WARNING, 3), _finding(Severity.ERROR, 4, suppressed=True,
                                                suppression="inline"),
    ), files=(".env.production",), notices=("railway.json: skipped\nover the limit",))
    lines = render_github(report).splitlines()
    assert [_parse(line)[0] for line in lines[:3]] == ["error", "warning", "notice"]
    assert _parse(lines[0]) == ("error", {
        "file": ".env.production", "line": "2", "col": "12", "endLine": "2", "endColumn": "30",
        "title": "SEC001 jwt-secret-weak"}, "JWT_SECRET is too short (line 2)")
    assert lines[3:] == [
        "etc-policy notice: railway.json: skipped over the limit",
        "etc-policy: 3 findings (1 error, 1 warning, 1 note), 1 suppressed, 1 file checked."]


def test_escaping_matches_the_toolkit() -> None:
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a,b:c%\n") == "a%2Cb%3Ac%25%0A"
    assert escape_data("%0A") == "%250A"          # `%` first: no double meaning


@given(message=st.text(max_size=60), path=st.text(min_size=1, max_size=30))
def test_untrusted_text_stays_in_one_command(message: str, path: str) -> None:
    line = annotation(_finding(Severity.ERROR, 1, message=message, path=path))
    assert "\n" not in line and "\r" not in line
    name, props, data = _parse(line)
    assert (name, props["file"], data) == ("error", path, message)


def test_summary_says_when_github_hides_annotations() -> None:
    report = Report(findings=tuple(_finding(Severity.ERROR, n) for n in range(1, 13))
                    + tuple(_finding(Severity.NOTE, n) for n in range(1, 4)))
    last = render_github(report).splitlines()[-1]
    assert last == ("etc-policy: 15 findings (12 errors, 0 warnings, 3 notes), 0 suppressed, "
                    "0 files checked. GitHub shows only 10 annotations of each level per step; "
                    "2 error annotations are not shown: see the SARIF or text report.")


def test_empty_report_is_only_the_summary() -> None:
    assert render_github(Report(findings=())) == (
        "etc-policy: 0 findings (0 errors, 0 warnings, 0 notes), 0 suppressed, "
        "0 files checked.\n")


def test_hint_never_printed() -> None:
    assert FAKE_HINT not in render_github(Report(findings=(_finding(Severity.ERROR, 1),)))


def test_snapshot(snapshot: Callable) -> None:
    report = Report(findings=(
        _finding(Severity.ERROR, 2, path="app config/prod,1.env", message="50%: bad\nvalue"),
        _finding(Severity.WARNING, 1, rule_id="RWY001", rule_name="node-env-production",
                 message="NODE_ENV is not production", column=1, end_column=21),
    ), files=("app config/prod,1.env",))
    assert render_github(report) == snapshot


@pytest.mark.parametrize(("severity", "command"), [(Severity.ERROR, "error"),
                                                   (Severity.WARNING, "warning"),
                                                   (Severity.NOTE, "notice")])
def test_levels(severity: Severity, command: str) -> None:
    assert annotation(_finding(severity, 1)).startswith(f"::{command} ")
