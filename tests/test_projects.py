"""Monorepos: each folder with its own config or Railway config is a project of its own.

The fixture (tests/cli_data/monorepo) holds apps/api and apps/web, each with its own
.etc-policy.yaml and railway.json. apps/api disables DOT010 and fails on warnings; apps/web
keeps DOT010 and fails on errors only. apps/api's production JWT_SECRET is apps/web's staging
one: reuse across services (an audit question, SEC016), not across environments (SEC003).
Each test copies it into a fresh repository (a `.git` folder marks its root).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from cli_support import DATA, assert_one_line_error, run_main, run_process, valid_report

from etc_policy.projects import ProjectDir, Resolver


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(DATA / "monorepo", root)
    (root / ".git").mkdir()
    monkeypatch.chdir(root)
    return root


def rows(out: str) -> list[tuple[str, str]]:
    return [(f["rule_id"], f["path"]) for f in valid_report(out)["findings"]]


# --- check from the root: each project with its own config ----------------------------------

def test_root_check_evaluates_each_project_with_its_own_config(capsys, repo: Path) -> None:
    result = run_main(capsys, "check", ".", "-f", "json")
    # apps/api disables DOT010, apps/web does not; the JWT secret apps/api uses in production
    # and apps/web in staging is no environment reuse (SEC003): they are different apps.
    assert rows(result.out) == [("DOT010", "apps/web/.env.production")]
    assert result.code == 0    # a warning, and apps/web fails on errors only


def test_one_config_for_everything_merges_them_as_before(capsys, repo: Path) -> None:
    """The same tree as one project (`--config`): the comparisons across apps come back, so
    the test above can tell the difference."""
    result = run_main(capsys, "check", ".", "-f", "json", "--config",
                      "apps/web/.etc-policy.yaml")
    found = rows(result.out)
    assert ("DOT010", "apps/api/.env.production") in found
    assert ("SEC003", "apps/api/.env.production") in found


def test_each_project_fails_at_its_own_threshold(capsys, repo: Path) -> None:
    (repo / "apps/web/.etc-policy.yaml").write_text("packs: [dotenv, secrets-hygiene]\n"
                                                    "fail_on: warning\n")
    assert run_main(capsys, "check", ".").code == 1
    (repo / "apps/web/.etc-policy.yaml").write_text("packs: [dotenv, secrets-hygiene]\n")
    result = run_main(capsys, "check", ".")
    assert result.code == 0
    assert "projects set different fail_on (apps/api: warning, apps/web: error)" in result.out
    assert run_main(capsys, "check", ".", "--fail-on", "warning").code == 1


def test_a_file_passed_alone_gets_the_config_of_its_project(capsys, repo: Path) -> None:
    """pre-commit passes staged files from the root: each is judged by its project's config."""
    result = run_main(capsys, "check", "apps/api/.env.production", "apps/web/.env.production",
                      "-f", "json")
    assert rows(result.out) == [("DOT010", "apps/web/.env.production")]
    assert valid_report(result.out)["summary"]["files"] == 2


def test_a_staged_config_checks_its_own_project_only(capsys, repo: Path) -> None:
    result = run_main(capsys, "check", "apps/web/.etc-policy.yaml", "-f", "json")
    assert rows(result.out) == [("DOT010", "apps/web/.env.production")]
    assert valid_report(result.out)["summary"]["files"] == 3   # apps/web's three inputs


def test_drift_is_compared_within_a_project_only(capsys, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """RWY024 compares a project's .env.<env> with its own Railway export, never another
    service's (here the two apps are projects by their railway.json alone)."""
    (tmp_path / ".git").mkdir()
    for app in ("api", "web"):
        (tmp_path / app).mkdir()
        (tmp_path / app / "railway.json").write_text("{}\n")
    (tmp_path / "api/.env.production").write_text("NODE_ENV=production\nAPI_ONLY=1\n")
    (tmp_path / "web/railway-variables.production.json").write_text('{"NODE_ENV": "production"}')
    monkeypatch.chdir(tmp_path)
    assert "RWY024" not in {rule for rule, _ in rows(run_main(capsys, "check", ".", "-f",
                                                                   "json").out)}
    (tmp_path / "api/railway-variables.production.json").write_text('{"NODE_ENV": "production"}')
    assert ("RWY024", "api/.env.production") in rows(run_main(capsys, "check", ".", "-f",
                                                              "json").out)


def test_inspect_lists_every_project_with_its_own_secrets(capsys, repo: Path) -> None:
    document = json.loads(run_main(capsys, "inspect", ".", "-f", "json").out)
    assert [s["path"] for s in document["sources"]] == [
        "apps/api/.env.production", "apps/api/.env.staging", "apps/api/railway.json",
        "apps/web/.env.production", "apps/web/.env.staging", "apps/web/railway.json"]


# --- audit: reuse across services -----------------------------------------------------------

def test_audit_reports_cross_service_reuse_not_environment_reuse(capsys, repo: Path) -> None:
    result = run_main(capsys, "audit", ".", "-f", "json", "--as-of", "2026-11-01")
    document = json.loads(result.out)
    assert document["reuse"] == []      # no environment of one app shares a secret
    assert [(f["rule_id"], f["path"], f["key"]) for f in document["cross_service_reuse"]] == [
        ("SEC016", "apps/api/.env.production", "JWT_SECRET"),
        ("SEC016", "apps/web/.env.staging", "JWT_SECRET")]
    assert "service 'apps/web' (apps/web/.env.staging:1)" in \
        document["cross_service_reuse"][0]["message"]
    assert [env["name"] for env in document["environments"]] == [
        "apps/api: production", "apps/api: staging", "apps/web: production", "apps/web: staging"]
    assert document["ledger"] == "apps/api/.etc-policy-ledger.json, " \
                                 "apps/web/.etc-policy-ledger.json"
    assert result.code == 1
    text = run_main(capsys, "audit", ".", "--as-of", "2026-11-01").out
    assert "cross-service reuse (one secret in two services):" in text
    html = run_main(capsys, "audit", ".", "-f", "html", "--as-of", "2026-11-01").out
    assert "<h2>Cross-service reuse</h2>" in html and "SEC016" in html
    markdown = run_main(capsys, "audit", ".", "-f", "markdown", "--as-of", "2026-11-01").out
    assert "### Cross-service reuse" in markdown
    sarif = json.loads(run_main(capsys, "audit", ".", "-f", "sarif", "--as-of",
                                "2026-11-01").out)
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} >= {"SEC016"}


def test_audit_of_one_project_has_no_cross_service_section(capsys, repo: Path) -> None:
    document = json.loads(run_main(capsys, "audit", "apps/api", "-f", "json",
                                   "--as-of", "2026-11-01").out)
    assert document["cross_service_reuse"] == []
    assert [env["name"] for env in document["environments"]] == ["production", "staging"]


def test_rotation_needs_one_project(capsys, repo: Path) -> None:
    assert_one_line_error(run_main(capsys, "rotation", "status", "."),
                          naming="the paths reach 2 projects (apps/api, apps/web)")
    assert run_main(capsys, "rotation", "status", "apps/api").code == 0


# --- the resolution itself ------------------------------------------------------------------

def test_nearest_config_or_railway_config_wins(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".etc-policy.yaml").write_text("fail_on: note\n")
    (tmp_path / "svc/deep/er").mkdir(parents=True)
    (tmp_path / "svc/railway.toml").write_text("")
    (tmp_path / "iac/.railway").mkdir(parents=True)
    (tmp_path / "own").mkdir()
    (tmp_path / "own/pyproject.toml").write_text("[tool.etc-policy]\nfail_on = 'never'\n")
    (tmp_path / "plain").mkdir()
    monkeypatch.chdir(tmp_path)
    resolver = Resolver()
    root_config = tmp_path / ".etc-policy.yaml"
    here = Path(".")
    # A Railway-only service inherits the nearest config above it (as ruff's nearest config).
    assert resolver.project_of(tmp_path / "svc/deep/er", fallback=here) == \
        ProjectDir(tmp_path / "svc", root_config)
    assert resolver.project_of(tmp_path / "iac", fallback=here) == \
        ProjectDir(tmp_path / "iac", root_config)
    assert resolver.project_of(tmp_path / "own", fallback=here) == \
        ProjectDir(tmp_path / "own", tmp_path / "own/pyproject.toml")
    assert resolver.project_of(tmp_path / "plain", fallback=here) == \
        ProjectDir(tmp_path, root_config)


def test_the_search_stops_at_the_repository_root(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A config above the repository (or above the folder given, outside any repository) is
    not the project's: the search never climbs into the user's home and its ~/.railway."""
    (tmp_path / ".etc-policy.yaml").write_text("fail_on: note\n")
    (tmp_path / "repo/.git").mkdir(parents=True)
    (tmp_path / "repo/app").mkdir()
    monkeypatch.chdir(tmp_path / "repo")
    assert Resolver().project_of(tmp_path / "repo/app", fallback=Path("app")) == \
        ProjectDir(Path("app"), None)
    (tmp_path / "loose/app").mkdir(parents=True)
    assert Resolver().project_of(tmp_path / "loose/app", fallback=tmp_path / "loose") == \
        ProjectDir(tmp_path / "loose", None)


def test_resolution_as_a_process_from_a_subfolder(repo: Path) -> None:
    """The installed entry point (launch.py's fast path) resolves the same way."""
    result = run_process("check", "..", "-f", "json", cwd=repo / "apps" / "web")
    assert result.code == 0, result.err
    assert rows(result.out) == [("DOT010", ".env.production")]
