"""`etc-policy audit` on fixtures/railway-app-audit (two environments, Railway exports, logs,
a ledger) at a fixed date: every section, every format, no value anywhere."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from cli_support import run_main

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "railway-app-audit"
AS_OF = "2026-11-01"
FORMATS = ("text", "markdown", "json", "sarif", "html")


def secret_values() -> set[str]:
    """Every value of the fixture's sources and logs long enough to be a secret."""
    values: set[str] = set()
    for path in FIXTURE.glob("railway-variables.*.json"):
        values |= {v for v in json.loads(path.read_text()).values() if len(v) >= 12}
    for path in FIXTURE.glob(".env.*"):
        for line in path.read_text().splitlines():
            key, _, value = line.partition("=")
            if value and not value.startswith("${{") and ("SECRET" in key or "KEY" in key):
                values.add(value)
    return {v for v in values if not v.startswith("https://")}


def audit(capsys: pytest.CaptureFixture[str], folder: Path, fmt: str):  # noqa: ANN201
    # From inside the project, as an officer runs it: paths are shown relative to the cwd.
    with contextlib.chdir(folder):
        return run_main(capsys, "audit", str(folder), "--as-of", AS_OF, "-f", fmt)


@pytest.fixture(scope="module")
def document() -> dict:
    from etc_policy.cli import main
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), contextlib.chdir(FIXTURE):
        code = main(["audit", str(FIXTURE), "--as-of", AS_OF, "-f", "json"])
    assert code == 1
    return json.loads(buffer.getvalue())


def test_environments_and_sections(document: dict) -> None:
    envs = {env["name"]: env for env in document["environments"]}
    assert list(envs) == ["production", "staging"]
    production = envs["production"]
    assert production["sources"] == [".env.production", "railway-variables.production.json"]
    states = {s["key"]: s["state"] for s in production["rotation"]}
    assert states == {"CLOUDINARY_API_KEY": "untracked", "CLOUDINARY_API_SECRET": "untracked",
                      "DATABASE_URL": "ok", "JWT_SECRET": "due-soon", "OPENAI_API_KEY": "overdue",
                      "SESSION_SECRET": "ok"}
    rotated = {s["key"]: s["rotations"] for s in envs["staging"]["rotation"]}
    assert rotated["OPENAI_API_KEY"] == 3        # the imported date and two rotations
    assert [f["rule_id"] for f in production["drift"]] == ["RWY024"]
    assert production["drift"][0]["key"] == "CORS_ORIGIN"
    ids = sorted(f["rule_id"] for f in production["findings"])
    assert ids == ["RWY024", "SEC013", "SEC015"]   # the reuse finding is in `reuse`, once
    imported = {s["key"]: s["rotations"] for s in production["rotation"]}
    assert imported["OPENAI_API_KEY"] == 1              # `rotation record --rotated-on`


def test_logs_are_scanned_per_environment(document: dict) -> None:
    envs = {env["name"]: env["logs"] for env in document["environments"]}
    assert envs["production"]["status"] == "scanned"
    assert [(f["rule_id"], f["path"], f["line"]) for f in envs["production"]["findings"]] == \
        [("LOG001", "logs/production-2026-10-30.log", 3)]  # from inside the project
    assert envs["staging"]["status"] == "scanned" and envs["staging"]["findings"] == []


def test_reuse_found_through_fingerprints(document: dict) -> None:
    places = [{"environment": env, "key": "SESSION_SECRET", "path": path, "line": 16}
              for env, path in (("production", ".env.production"),
                                ("production", "railway-variables.production.json"),
                                ("staging", ".env.staging"),
                                ("staging", "railway-variables.staging.json"))]
    [group] = document["reuse"]
    assert group["key"] == "SESSION_SECRET" and group["uses"] == places
    # one problem, one finding: its place and related locations are the table's places
    finding = group["finding"]
    assert finding["rule_id"] == "SEC003"
    shown = [{k: p[k] for k in ("environment", "key", "path", "line")}
             for p in [finding, *finding["related_locations"]]]
    assert shown == places
    every = [f for env in document["environments"] for f in (*env["findings"], *env["logs"]["findings"])]
    assert not [f for f in every if f["rule_id"] == "SEC003"]
    assert document["summary"]["findings"] == 5
    assert document["summary"]["reused_secrets"] == 1 and document["summary"]["failed"] is True


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "app"
    shutil.copytree(FIXTURE, folder)
    return folder


def test_reuse_not_found_when_each_environment_has_its_own(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    folder = _copy(tmp_path)
    for name in (".env.staging", "railway-variables.staging.json"):
        path = folder / name
        path.write_text(path.read_text().replace("reused-in-staging-4c1d9a7e2b",
                                                 "staging-own-value-7f3e9b1c5d"))
    result = audit(capsys, folder, "json")
    data = json.loads(result.out)
    assert data["reuse"] == []
    assert not [f for env in data["environments"] for f in env["findings"] if f["rule_id"] == "SEC003"]


def test_reuse_with_an_environment_known_only_from_the_ledger(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """Staging's files are gone (another machine holds them); its ledger fingerprints remain."""
    folder = _copy(tmp_path)
    production_key = json.loads((folder / "railway-variables.production.json").read_text())
    staging = folder / "railway-variables.staging.json"
    (folder / ".env.staging").unlink()
    # staging's JWT_SECRET is in the ledger; make production's value the same
    staging_jwt = json.loads(staging.read_text())["JWT_SECRET"]
    staging.unlink()
    production_key["JWT_SECRET"] = staging_jwt
    (folder / "railway-variables.production.json").write_text(json.dumps(production_key))
    env = folder / ".env.production"
    env.write_text(re.sub(r"(?m)^JWT_SECRET=.*$", f"JWT_SECRET={staging_jwt}", env.read_text()))
    data = json.loads(audit(capsys, folder, "json").out)
    assert {"environment": "staging", "key": "JWT_SECRET", "path": None, "line": None} in \
        [u for group in data["reuse"] for u in group["uses"]]


def test_exit_codes_follow_fail_on(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_main(capsys, "audit", str(FIXTURE), "--as-of", AS_OF, "--fail-on", "never").code == 0
    assert run_main(capsys, "audit", str(FIXTURE), "--as-of", AS_OF).code == 1
    assert run_main(capsys, "audit", str(FIXTURE), "-f", "pdf").code == 2


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_value_in_any_format(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    result = audit(capsys, FIXTURE, fmt)
    values = secret_values()
    assert len(values) >= 8
    # no hint shows a middle part; short values are checked whole
    middle = {v: v[len(v) // 2 - 8:len(v) // 2 + 8] if len(v) >= 24 else v for v in values}
    leaked = [v[:6] for v in values if v in result.all or middle[v] in result.all]
    assert leaked == []


class _Checker(HTMLParser):
    VOID = {"meta", "br", "hr", "img", "input", "link", "area", "base", "col", "source", "wbr"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            if name == "href" and (value or "").startswith("#"):
                continue  # a link inside the page (a finding to its rule's fix)
            if name in {"src", "href", "action", "srcset"} or re.search(r"(?i)(https?:|//)", value or "") \
                    and name != "content":
                self.problems.append(f"{tag}[{name}]")
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.problems.append(f"unbalanced </{tag}>")


def test_html_is_self_contained_and_well_formed(capsys: pytest.CaptureFixture[str]) -> None:
    page = audit(capsys, FIXTURE, "html").out
    checker = _Checker()
    checker.feed(page)
    checker.close()
    assert checker.problems == [] and checker.stack == []
    assert {"style", "table", "section"} <= checker.tags and not {"script", "link", "img", "iframe"} & checker.tags
    assert "url(" not in page and "@import" not in page
    # summary first, then the environments, then the rotation timeline
    order = [page.index(h) for h in ("<h2>Summary</h2>", 'id="env-production"', 'id="env-staging"',
                                     "<h2>Rotation timeline</h2>")]
    assert order == sorted(order)


def test_html_escapes_what_it_shows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _copy(tmp_path)
    config = folder / ".etc-policy.yaml"
    config.write_text(config.read_text().replace("  staging:", "  <b>stag&ing</b>:"))
    page = audit(capsys, folder, "html").out
    assert "<b>stag&ing</b>" not in page and "&lt;b&gt;stag&amp;ing&lt;/b&gt;" in page


def test_text_and_markdown_read(capsys: pytest.CaptureFixture[str]) -> None:
    text = audit(capsys, FIXTURE, "text").out
    assert text.startswith("etc-policy audit — as of 2026-11-01\n")
    assert "== production ==" in text and "cross-environment reuse:" in text
    markdown = audit(capsys, FIXTURE, "markdown").out
    assert "| 2 | 5 (2 error, 2 warning, 1 note) | 1 | 1 | 0 | 1 | 6 | 1 |" in markdown
    sarif = json.loads(audit(capsys, FIXTURE, "sarif").out)
    results = sarif["runs"][0]["results"]
    assert sorted({r["ruleId"] for r in results}) == ["LOG001", "RWY024", "SEC003", "SEC013", "SEC015"]


def test_update_ledger_records_untracked_secrets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _copy(tmp_path)
    result = run_main(capsys, "audit", str(folder), "--as-of", AS_OF, "-f", "json", "--update-ledger")
    data = json.loads(result.out)
    states = [s["state"] for env in data["environments"] for s in env["rotation"]]
    assert "untracked" not in states
    assert "production/CLOUDINARY_API_SECRET first-seen 2026-11-01" in result.err


def test_exposed_now_comes_first_and_replaces_overdue(document: dict,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """The production OPENAI_API_KEY found raw in a log is exposed: revoke and rotate now,
    not merely "overdue" (its rotation date had passed too)."""
    actions = document["actions"]
    assert [a["section"] for a in actions][:1] == ["exposed"]
    [exposed] = [a for a in actions if a["section"] == "exposed"]
    assert (exposed["environment"], exposed["key"], exposed["rule_id"]) == \
        ("production", "OPENAI_API_KEY", "LOG001")
    assert exposed["places"] == ["fixtures/railway-app-audit/logs/production-2026-10-30.log:3"]
    assert "rotate" in exposed["fix"].lower() and "overdue too" in exposed["reason"]
    assert not [a for a in actions if a["section"] == "overdue"]
    production = document["environments"][0]["rotation"]
    openai = next(s for s in production if s["key"] == "OPENAI_API_KEY")
    assert (openai["state"], openai["exposed"], openai["label"]) == \
        ("overdue", True, "exposed: rotate now")
    assert document["summary"]["actions"] == {"exposed": 1, "overdue": 0, "due-soon": 1,
                                              "not-tracked": 6}
    page = audit(capsys, FIXTURE, "html").out
    assert page.index('id="todo-exposed"') < page.index('id="todo-overdue"') < \
        page.index('id="env-production"')
    text = audit(capsys, FIXTURE, "text").out
    assert "production/OPENAI_API_KEY" in text.split("rotation overdue:")[0]


def test_not_in_ledger_in_summary_actions_and_timeline(document: dict,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert document["summary"]["not_tracked"] == 6 and document["summary"]["secrets"] == 12
    untracked = sorted((a["environment"], a["key"]) for a in document["actions"]
                       if a["section"] == "not-tracked")
    assert untracked == [("production", "CLOUDINARY_API_KEY"), ("production", "CLOUDINARY_API_SECRET"),
                         ("staging", "CLOUDINARY_API_KEY"), ("staging", "CLOUDINARY_API_SECRET"),
                         ("staging", "DATABASE_URL"), ("staging", "SESSION_SECRET")]
    page = audit(capsys, FIXTURE, "html").out
    timeline = page[page.index('id="timeline"'):]
    assert timeline.count('class="tl-bar none"') == 6
    assert "<b>6</b><span>Not in ledger</span>" in page


def test_every_finding_carries_its_fix(document: dict, capsys: pytest.CaptureFixture[str]) -> None:
    every = [f for env in document["environments"] for f in (*env["findings"], *env["logs"]["findings"])]
    every += [g["finding"] for g in document["reuse"] if g["finding"]]
    rules = {r["id"]: r for r in document["rules"]}
    assert len(every) == document["summary"]["findings"] == 5
    for finding in every:
        assert finding["fix"] == rules[finding["rule_id"]]["fix"] and finding["fix"]
        assert finding["fix_anchor"] == "rule-" + finding["rule_id"].lower()
    page = audit(capsys, FIXTURE, "html").out
    for rule_id in rules:
        assert f'id="rule-{rule_id.lower()}"' in page and f'href="#rule-{rule_id.lower()}"' in page
    markdown = audit(capsys, FIXTURE, "markdown").out
    assert f'<a id="rule-log001"></a>' in markdown and "[fix](#rule-log001)" in markdown


def test_html_keeps_the_column_encoding_and_hint(document: dict,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    [leak] = document["environments"][0]["logs"]["findings"]
    page = audit(capsys, FIXTURE, "html").out.replace("<wbr>", "")
    assert f"production-2026-10-30.log:3:{leak['column']}" in page
    assert f"{leak['encoding']} <code class=\"hint\">{leak['hint']}</code>" in page
