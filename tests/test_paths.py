"""The path rule (etc_policy/paths.py), in every command and format, run from a subfolder.

Text and JSON: relative to the current directory (`../x` outside it). SARIF: relative to the
repository root, with %SRCROOT% set to it. Baselines and fingerprints: relative to the
repository root, so a baseline written from one folder matches runs from another. Ledger and
audit paths (logs included): relative to the current directory, never absolute.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from cli_support import DATA, ROOT, run_main, valid_report

from etc_policy import paths


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The monorepo fixture (tests/test_projects.py) as a repository, cwd at apps/web."""
    root = tmp_path / "work tree"          # a space: URIs must be encoded
    shutil.copytree(DATA / "monorepo", root)
    (root / ".git").write_text("gitdir: elsewhere\n")   # a worktree's .git is a file
    monkeypatch.chdir(root / "apps" / "web")
    return root


def test_the_helpers(repo: Path) -> None:
    assert paths.repo_root() == repo
    assert paths.shown(repo / "apps/api/.env.production") == "../api/.env.production"
    assert paths.shown(".env.production") == ".env.production"
    assert paths.from_repo_root(".env.production") == "apps/web/.env.production"
    assert paths.key_of("../api/railway.json") == "apps/api/railway.json"
    assert paths.key_of("-") == "-"
    assert paths.directory_uri(repo) == repo.as_uri() + "/"


def test_a_symlinked_file_keeps_its_own_name(repo: Path) -> None:
    (repo / "apps/web/.env.local").symlink_to(repo / "apps/api/.env.production")
    assert paths.shown(".env.local") == ".env.local"


def test_without_a_repository_the_root_is_the_cwd(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # tmp_path lies outside any git repository (pytest's base temp is not one).
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    if any((parent / ".git").exists() for parent in (tmp_path / "sub").parents):
        pytest.skip("the temporary folder lies inside a git repository on this machine")
    assert paths.repo_root() == tmp_path / "sub"


def test_text_and_json_are_relative_to_the_cwd(capsys, repo: Path) -> None:
    text = run_main(capsys, "check", "../..").out
    assert text.splitlines()[0] == ".env.production"
    outside = run_main(capsys, "check", "../..", "-f", "json")
    assert [f["path"] for f in valid_report(outside.out)["findings"]] == [".env.production"]
    document = json.loads(run_main(capsys, "inspect", "../api", "-f", "json").out)
    assert [s["path"] for s in document["sources"]] == [
        "../api/.env.production", "../api/.env.staging", "../api/railway.json"]


def test_sarif_is_relative_to_the_repository_root(capsys, repo: Path) -> None:
    log = json.loads(run_main(capsys, "check", ".", "-f", "sarif").out)
    run = log["runs"][0]
    base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base.endswith("/") and base.startswith("file://")
    assert Path(unquote(urlparse(base).path)) == repo
    (location,) = {json.dumps(r["locations"][0]["physicalLocation"]["artifactLocation"])
                   for r in run["results"]}
    assert json.loads(location) == {"uri": "apps/web/.env.production", "uriBaseId": "%SRCROOT%"}
    assert not any(str(repo) in json.dumps(r) for r in run["results"])


def test_github_annotations_name_files_from_the_repository_root(capsys, repo: Path) -> None:
    """A workflow step with `working-directory: apps/web`: GitHub resolves `file=` against
    the workspace, so the annotation names the file from the root."""
    out = run_main(capsys, "check", ".", "-f", "github").out
    assert out.splitlines()[0].startswith("::warning file=apps/web/.env.production,line=2,")


def test_a_baseline_from_any_folder_matches_per_file_runs_from_the_root(
        capsys, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo / "apps")
    assert run_main(capsys, "baseline", "web", "-o", str(repo / "b.json")).code == 0
    entries = json.loads((repo / "b.json").read_text())["findings"]
    assert [(e["rule_id"], e["path"]) for e in entries] == [("DOT010", "apps/web/.env.production")]
    monkeypatch.chdir(repo)
    staged = run_main(capsys, "check", "apps/web/.env.production", "--baseline", "b.json",
                      "-f", "json", "--fail-on", "note")
    document = valid_report(staged.out)
    assert (document["summary"]["findings"], document["summary"]["suppressed"]) == (0, 1)
    assert staged.code == 0
    # Not a coincidence: without the baseline the same run fails.
    assert run_main(capsys, "check", "apps/web/.env.production", "--fail-on", "note").code == 1


def test_fingerprints_do_not_depend_on_the_cwd(capsys, repo: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    def fingerprints() -> list[str]:
        out = run_main(capsys, "check", str(repo / "apps/web"), "-f", "json").out
        return [f["fingerprint"] for f in valid_report(out)["findings"]]

    here = fingerprints()
    monkeypatch.chdir(repo)
    assert fingerprints() == here


def test_ledger_and_audit_paths_are_relative_to_the_cwd(capsys, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "repo" / "app"
    shutil.copytree(ROOT / "fixtures" / "railway-app-audit", project)
    (tmp_path / "repo" / ".git").mkdir()
    (tmp_path / "repo" / "docs").mkdir()
    monkeypatch.chdir(tmp_path / "repo" / "docs")
    status = json.loads(run_main(capsys, "rotation", "status", "../app", "-f", "json",
                                 "--as-of", "2026-11-01").out)
    assert status["ledger"] == "../app/.etc-policy-ledger.json"
    result = run_main(capsys, "audit", "../app", "-f", "json", "--as-of", "2026-11-01")
    document = json.loads(result.out)
    assert document["ledger"] == "../app/.etc-policy-ledger.json"
    production = next(env for env in document["environments"] if env["name"] == "production")
    assert production["sources"] == ["../app/.env.production",
                                     "../app/railway-variables.production.json"]
    assert production["logs"]["files"] == ["../app/logs/production-2026-10-30.log"]
    assert [f["path"] for f in production["logs"]["findings"]] == \
        ["../app/logs/production-2026-10-30.log"]
    assert str(tmp_path) not in result.out


def test_scan_names_inputs_relative_to_the_cwd(capsys, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "logs").mkdir()
    (tmp_path / "app").mkdir()
    (tmp_path / "logs" / "app.log").write_text("key sk-proj-" + "Ab3dE5gH7jK9mN1pQ3sT5vX7zB9dF1hJ" * 2 + "\n")
    monkeypatch.chdir(tmp_path / "app")
    result = run_main(capsys, "scan", str(tmp_path / "logs"), "-f", "json")
    assert {f["path"] for f in json.loads(result.out)["findings"]} == {"../logs/app.log"}
