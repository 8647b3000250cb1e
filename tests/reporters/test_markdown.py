"""Markdown for PR comments, checked by rendering it with markdown-it-py (CommonMark + tables)."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser

from hypothesis import given
from hypothesis import strategies as st

from etc_policy.findings import Finding, Report, Severity
from etc_policy.reporters.markdown import render_markdown

FAKE_HINT = "sk_l…, 40 chars"


def _finding(path: str, line: int, message: str, severity: Severity = Severity.ERROR,
             **extra: object) -> Finding:
    return Finding(rule_id="SEC001", rule_name="jwt-secret-weak", severity=severity,
                   message=message, path=path, line=line, key="JWT_SECRET", hint=FAKE_HINT,
                   **extra)


class _Cells(HTMLParser):
    """Collects the text of headings and table cells, and every tag used."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.rows: list[list[str]] = []
        self.headings: list[str] = []
        self._text: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.add(tag)
        if tag == "tr":
            self.rows.append([])
        if tag in ("td", "th", "h2", "h3", "li"):
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._text is not None:
            self.rows[-1].append("".join(self._text))
        if tag in ("h2", "h3", "li") and self._text is not None:
            self.headings.append("".join(self._text))
        if tag in ("td", "th", "h2", "h3", "li"):
            self._text = None

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)


def _render(markdown: str) -> _Cells:
    from markdown_it import MarkdownIt

    parser = _Cells()
    parser.feed(MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown))
    return parser


ALLOWED_TAGS = {"h2", "h3", "p", "table", "thead", "tbody", "tr", "th", "td", "ul", "li"}


def test_summary_then_findings_grouped_by_file() -> None:
    report = Report(findings=(
        _finding("railway.json", 3, "healthcheckPath is missing", Severity.WARNING),
        _finding(".env.production", 2, "JWT_SECRET is too short"),
        _finding(".env.production", 1, "NODE_ENV is not production", Severity.NOTE),
        _finding(".env.production", 4, "ignored", suppressed=True, suppression="inline"),
    ), files=(".env.production", "railway.json"), notices=("pack 'old' is deprecated",))
    page = _render(render_markdown(report))
    assert page.tags <= ALLOWED_TAGS
    assert page.headings == ["etc-policy: 3 findings", ".env.production", "railway.json",
                             "Notices", "pack 'old' is deprecated"]
    assert page.rows[:5] == [["Severity", "Findings"], ["🔴 error", "1"], ["🟠 warning", "1"],
                             ["🔵 note", "1"], ["suppressed", "1"]]
    assert page.rows[5:] == [
        ["Line", "Severity", "Rule", "Message"],
        ["1", "🔵 note", "SEC001 jwt-secret-weak", "NODE_ENV is not production"],
        ["2", "🔴 error", "SEC001 jwt-secret-weak", "JWT_SECRET is too short"],
        ["Line", "Severity", "Rule", "Message"],
        ["3", "🟠 warning", "SEC001 jwt-secret-weak", "healthcheckPath is missing"]]


def test_readable_with_no_findings() -> None:
    text = render_markdown(Report(findings=(), files=(".env.production",)))
    page = _render(text)
    assert page.headings == ["etc-policy: no findings ✅"]
    assert "No findings in 1 file checked." in text
    assert page.rows[1:] == [["🔴 error", "0"], ["🟠 warning", "0"], ["🔵 note", "0"],
                             ["suppressed", "0"]]


HOSTILE = "<script>x</script> | *b* _i_ `c` [l](http://e.invalid) ~~s~~ # & \\ @team\nnext"


def test_markup_in_messages_and_paths_is_shown_literally() -> None:
    page = _render(render_markdown(Report(findings=(_finding(f"dir/{HOSTILE}.env", 1, HOSTILE),))))
    flat = " ".join(HOSTILE.split())
    assert page.tags <= ALLOWED_TAGS            # no <script>, <em>, <code>, <a>, <s>
    assert page.headings[1] == f"dir/{flat}.env"
    assert page.rows[-1] == ["1", "🔴 error", "SEC001 jwt-secret-weak", flat]


@given(message=st.text(max_size=40), path=st.text(min_size=1, max_size=20))
def test_any_text_stays_in_its_cell(message: str, path: str) -> None:
    page = _render(render_markdown(Report(findings=(_finding(path, 7, message),))))
    assert page.tags <= ALLOWED_TAGS
    shown = re.sub(r"[\x00-\x08\x0e-\x1b\x7f]", "\ufffd", " ".join(message.split()))
    assert page.rows[-1] == ["7", "🔴 error", "SEC001 jwt-secret-weak", shown]


def test_long_reports_are_cut_with_a_note() -> None:
    findings = tuple(_finding(".env", n, f"problem {n}") for n in range(1, 8))
    text = render_markdown(Report(findings=findings), max_rows=5)
    assert len(_render(text).rows) == 5 + 1 + 5   # summary, header, 5 findings
    assert "… and 2 more findings not shown" in text


def test_hint_never_shown() -> None:
    assert FAKE_HINT not in render_markdown(Report(findings=(_finding(".env", 1, "m"),)))


def test_snapshot(snapshot: Callable) -> None:
    report = Report(findings=(
        _finding(".env.production", 2, "JWT_SECRET is too short"),
        _finding("app config/ü_1.env", 1, "NODE_ENV <is> `development`", Severity.WARNING),
        _finding(".env.production", 5, "suppressed", suppressed=True, suppression="baseline"),
    ), files=(".env.production", "app config/ü_1.env"))
    assert render_markdown(report) == snapshot
