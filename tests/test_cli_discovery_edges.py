"""Rough edges of discovery a new user meets first: symlink loops, links out of the tree, and
a folder that holds nothing etc-policy reads (which must say so, and can fail CI)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import run_main, run_process, valid_report


@pytest.fixture
def looped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    project = tmp_path / "project"
    (project / "app").mkdir(parents=True)
    (project / "app" / ".env.production").write_text("NODE_ENV=production\n")
    (project / "self").symlink_to("self")                       # ELOOP when followed
    (project / "app" / "again").symlink_to("../../project/app/again")
    (project / "up").symlink_to("..", target_is_directory=True)  # out of the tree
    (tmp_path / ".env.staging").write_text("A=1\n")
    (project / ".env.staging").symlink_to(tmp_path / ".env.staging")
    monkeypatch.chdir(project)
    return project


def test_symlink_loops_and_escapes_are_skipped_with_notices(capsys, looped: Path) -> None:
    result = run_main(capsys, "check", ".", "-f", "json", "--fail-on", "never")
    assert result.code == 0, result.err         # was: internal error (exit 3)
    document = valid_report(result.out)
    assert document["summary"]["files"] == 1
    assert document["notices"][:4] == [
        ".env.staging: skipped, links outside the folder being checked (not followed)",
        "app/again: skipped, is a symlink loop or a broken link (not followed)",
        "self: skipped, is a symlink loop or a broken link (not followed)",
        "up: skipped, links outside the folder being checked (not followed)",
    ]
    text = run_main(capsys, "check", ".", "--fail-on", "never").out
    assert "notice: self: skipped, is a symlink loop or a broken link (not followed)" in text


def test_symlink_loop_as_a_process(looped: Path) -> None:
    result = run_process("check", ".", "--fail-on", "never", cwd=looped)
    assert result.code == 0, result.err
    assert "internal error" not in result.all


@pytest.fixture
def empty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "empty" / "src").mkdir(parents=True)
    (tmp_path / "empty" / "src" / "index.js").write_text("console.log(1)\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "empty"


NOTICE = ("empty: nothing etc-policy reads here (no .env files, railway.json or railway.toml, "
          "Railway exports or configured sources)")


def test_an_empty_folder_says_so_in_every_format(capsys, empty: Path) -> None:
    text = run_main(capsys, "check", "empty")
    assert text.code == 0
    assert f"notice: {NOTICE}" in text.out
    document = valid_report(run_main(capsys, "check", "empty", "-f", "json").out)
    assert document["notices"] == [NOTICE]
    sarif = json.loads(run_main(capsys, "check", "empty", "-f", "sarif").out)
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [n["message"]["text"] for n in notes] == [NOTICE]


def test_ci_can_make_an_empty_folder_fail(capsys, empty: Path) -> None:
    assert run_main(capsys, "check", "empty", "--fail-on-empty").code == 1
    (empty / ".etc-policy.yaml").write_text("fail_on_empty: true\n")
    result = run_main(capsys, "check", "empty")
    assert result.code == 1
    assert NOTICE in result.out
    # A folder that has something to read is not empty, whatever the flag says.
    (empty / ".env.production").write_text("NODE_ENV=production\n")
    assert NOTICE not in run_main(capsys, "check", "empty", "--fail-on-empty",
                                  "--fail-on", "never").out


def test_a_configured_source_makes_a_folder_not_empty(capsys, empty: Path) -> None:
    """Discovery does not know `vars.cfg`; the config's environments: do."""
    (empty / "vars.cfg").write_text("NODE_ENV=production\n")
    (empty / ".etc-policy.yaml").write_text(
        "environments:\n  production: {sources: [{path: vars.cfg, kind: dotenv}]}\n")
    document = valid_report(run_main(capsys, "check", "empty", "-f", "json",
                                     "--fail-on-empty", "--fail-on", "never").out)
    assert document["summary"]["files"] == 1
    assert NOTICE not in document["notices"]
