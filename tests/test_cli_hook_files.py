"""`check` given the files pre-commit passes: a config or a pack stands for the whole project.

pre-commit runs from the repository root and passes relative paths, so every test works in
a copy of a CLI project as the cwd.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cli_support import BAD, CANARY_CORE, GOOD, MINI_PACK, assert_one_line_error, run_main, \
    valid_report

BAD_FINDINGS = {("TST001", 3), ("TST002", 2), ("TST003", 4), ("TST004", 5)}

# A valid custom pack (the hook's naming convention) that extends the mini pack beside it.
CUSTOM_PACK = """\
schema_version: 1
name: team
extends: [mini.yaml]
overrides: {TST003: {severity: warning}}
rules: []
"""


def _project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: Path) -> Path:
    """A copy of `source` with its pack beside it, as the cwd (where pre-commit runs)."""
    root = tmp_path / "repo"
    shutil.copytree(source, root)
    shutil.copy(MINI_PACK, root / "mini.yaml")
    (root / ".etc-policy.yaml").write_text("packs: [mini.yaml]\nfail_on: error\n")
    monkeypatch.chdir(root)
    return root


def _findings(out: str) -> set[tuple[str, int]]:
    return {(f["rule_id"], f["line"]) for f in valid_report(out)["findings"]}


@pytest.fixture
def bad(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return _project(tmp_path, monkeypatch, BAD)


@pytest.fixture
def good(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return _project(tmp_path, monkeypatch, GOOD)


def test_config_file_checks_the_whole_project(capsys: pytest.CaptureFixture[str],
                                              bad: Path) -> None:
    result = run_main(capsys, "check", ".etc-policy.yaml", "-f", "json")
    assert result.code == 1, result
    assert _findings(result.out) == BAD_FINDINGS
    assert {f["path"] for f in valid_report(result.out)["findings"]} == {".env.production"}


def test_config_file_on_a_good_project_is_quiet(capsys: pytest.CaptureFixture[str],
                                                good: Path) -> None:
    result = run_main(capsys, "check", "--quiet", ".etc-policy.yaml")
    assert (result.code, result.out, result.err) == (0, "", "")


def test_config_with_a_source_is_not_checked_twice(capsys: pytest.CaptureFixture[str],
                                                   bad: Path) -> None:
    result = run_main(capsys, "check", ".env.production", ".etc-policy.yaml", "-f", "json")
    findings = valid_report(result.out)["findings"]
    assert len(findings) == len(BAD_FINDINGS)


def test_broken_config_file_is_exit_2_naming_it(capsys: pytest.CaptureFixture[str],
                                               good: Path) -> None:
    (good / ".etc-policy.yaml").write_text("packs: [mini.yaml]\nfail_onn: error\n")
    result = run_main(capsys, "check", ".etc-policy.yaml")
    assert_one_line_error(result, naming=".etc-policy.yaml:2")
    assert "fail_onn" in result.err


def test_pyproject_config_checks_the_whole_project(capsys: pytest.CaptureFixture[str],
                                                   bad: Path) -> None:
    (bad / ".etc-policy.yaml").unlink()
    (bad / "pyproject.toml").write_text(
        '[project]\nname = "app"\n\n[tool.etc-policy]\npacks = ["mini.yaml"]\n')
    result = run_main(capsys, "check", "pyproject.toml", "-f", "json")
    assert result.code == 1, result
    assert _findings(result.out) == BAD_FINDINGS


def test_pyproject_without_the_table_is_not_an_input(capsys: pytest.CaptureFixture[str],
                                                     bad: Path) -> None:
    # The .etc-policy.yaml is the config; pyproject.toml is only Python packaging here.
    (bad / "pyproject.toml").write_text('[project]\nname = "app"\n')
    result = run_main(capsys, "check", "--quiet", "pyproject.toml")
    assert (result.code, result.out, result.err) == (0, "", "")


def test_nested_config_is_validated(capsys: pytest.CaptureFixture[str], good: Path) -> None:
    nested = good / "apps" / "api"
    nested.mkdir(parents=True)
    (nested / ".etc-policy.yaml").write_text("fail_on: sometimes\n")
    result = run_main(capsys, "check", "apps/api/.etc-policy.yaml")
    assert_one_line_error(result, naming="apps/api/.etc-policy.yaml:1")


def test_pack_file_is_validated_and_the_project_checked(capsys: pytest.CaptureFixture[str],
                                                       bad: Path) -> None:
    (bad / "team.etc-policy-pack.yaml").write_text(CUSTOM_PACK)
    result = run_main(capsys, "check", "team.etc-policy-pack.yaml", "-f", "json")
    assert result.code == 1, result
    # The project's packs (the config's) decide the findings; the passed pack is validated.
    assert _findings(result.out) == BAD_FINDINGS


def test_shipped_style_pack_path_is_a_pack_too(capsys: pytest.CaptureFixture[str],
                                               good: Path) -> None:
    # Any YAML file is a pack (no input format is YAML), whatever its name.
    result = run_main(capsys, "check", "--quiet", "mini.yaml")
    assert (result.code, result.out, result.err) == (0, "", "")


@pytest.mark.parametrize(("text", "naming", "problem"), [
    pytest.param("schema_version: 1\nname: team\nrules:\n  - id: TST900\n    name: x\n"
                 "    severity: fatal\n    select: {}\n    check: {kind: required, keys: [A]}\n",
                 "team.etc-policy-pack.yaml:6", "severity", id="bad-severity"),
    pytest.param("schema_version: 1\nname: team\nrules: [\n", "team.etc-policy-pack.yaml:",
                 "YAML", id="yaml-syntax"),
    pytest.param("schema_version: 1\nname: team\nextends: [missing.yaml]\n",
                 "missing.yaml", "pack file not found", id="missing-parent"),
    pytest.param("schema_version: 1\nname: team\nextends: [mini.yaml]\n"
                 "overrides: {TST999: {severity: note}}\n", "team.etc-policy-pack.yaml",
                 "TST999", id="unknown-override"),
])
def test_broken_pack_file_is_exit_2_naming_file_line_field(
        capsys: pytest.CaptureFixture[str], good: Path, text: str, naming: str,
        problem: str) -> None:
    (good / "team.etc-policy-pack.yaml").write_text(text)
    result = run_main(capsys, "check", "--quiet", ".env.production", "team.etc-policy-pack.yaml")
    assert_one_line_error(result, naming=naming)
    assert problem in result.err


def test_whole_project_keeps_configured_sources_and_ignore_paths(
        capsys: pytest.CaptureFixture[str], good: Path) -> None:
    # A configured source discovery cannot find by name, and an ignored bad file.
    shutil.copy(BAD / ".env.production", good / "prod.vars")
    ignored = good / "old"
    ignored.mkdir()
    shutil.copy(BAD / ".env.production", ignored / ".env.production")
    (good / ".etc-policy.yaml").write_text(
        "packs: [mini.yaml]\nignore_paths: ['old/**']\n"
        "environments: {production: {sources: [{path: prod.vars, kind: dotenv}]}}\n")
    result = run_main(capsys, "check", ".etc-policy.yaml", "-f", "json")
    assert result.code == 1, result
    paths = {f["path"] for f in valid_report(result.out)["findings"]}
    assert paths == {"prod.vars"}


def test_other_files_are_still_loaded_as_given(capsys: pytest.CaptureFixture[str],
                                               good: Path) -> None:
    (good / "notes.txt").write_text("hello\n")
    assert_one_line_error(run_main(capsys, "check", "notes.txt"), naming="notes.txt")


def test_no_value_leaks_through_the_whole_project_path(capsys: pytest.CaptureFixture[str],
                                                       bad: Path) -> None:
    for fmt in ("text", "json"):
        result = run_main(capsys, "check", ".etc-policy.yaml", "-f", fmt)
        assert CANARY_CORE not in result.all
