from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from etc_policy.discovery import (
    SourceSpec,
    discover,
    environment_from_filename,
    load_workspace,
    path_ignored,
)
from etc_policy.errors import SourceError
from etc_policy.model import SourceKind


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Sources are named relative to the current directory (etc_policy/paths.py): run from
    # inside the project, as a user does; the tests below that move away say so.
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize(("name", "environment"), [
    (".env", None),
    (".env.local", None),
    (".env.production", "production"),
    (".env.production.local", "production"),
    (".env.staging.local", "staging"),
    (".env.example", None),
    (".env.sample", None),
    (".env.template", None),
    (".env.production.example", None),
    (".env.example.production", None),
    ("production.env", "production"),
    ("railway-variables.production.json", "production"),
    ("railway-variables-staging.kv", "staging"),
    ("railway-environment.production.json", "production"),
    ("railway-variables.json", None),
    ("railway.json", None),
])
def test_environment_from_filename(name: str, environment: str | None) -> None:
    assert environment_from_filename(name) == environment


def touch(path: Path, text: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def names(specs: list[SourceSpec], root: Path) -> list[tuple[str, SourceKind | None]]:
    return [(spec.path.relative_to(root).as_posix(), spec.kind) for spec in specs]


def test_discover_finds_inputs_and_skips_noise(tmp_path: Path) -> None:
    for name in (".env", ".env.production", ".env.staging.local", ".env.example", "railway.json",
                 "apps/api/railway.toml", "apps/api/.env.production", ".envrc", "README.md",
                 "node_modules/pkg/.env", ".git/.env", ".venv/.env", "a/b/c/d/.env"):
        touch(tmp_path / name, "")
    touch(tmp_path / "railway-variables.production.json", json.dumps({"PORT": "3000"}))
    touch(tmp_path / "railway-variables.kv", "PORT=3000\n")
    touch(tmp_path / "railway-environment.staging.json",
          json.dumps({"services": {"svc-1": {"variables": {"A": {"value": "1"}}}}, "sharedVariables": {}}))
    touch(tmp_path / "railway-variables.notes.json", "not json at all")
    assert names(discover(tmp_path), tmp_path) == [
        (".env", SourceKind.DOTENV),
        (".env.example", SourceKind.DOTENV),
        (".env.production", SourceKind.DOTENV),
        (".env.staging.local", SourceKind.DOTENV),
        ("apps/api/.env.production", SourceKind.DOTENV),
        ("apps/api/railway.toml", SourceKind.RAILWAY_CONFIG),
        ("railway-environment.staging.json", SourceKind.RAILWAY_ENVIRONMENT),
        ("railway-variables.kv", SourceKind.RAILWAY_VARIABLES_KV),
        # named as an export but broken: loaded, so its syntax problem is reported, not skipped
        ("railway-variables.notes.json", SourceKind.RAILWAY_VARIABLES),
        ("railway-variables.production.json", SourceKind.RAILWAY_VARIABLES),
        ("railway.json", SourceKind.RAILWAY_CONFIG),
    ]


def test_discover_does_not_follow_symlink_loops(tmp_path: Path) -> None:
    touch(tmp_path / "app/.env.production", "A=1\n")
    os.symlink(tmp_path, tmp_path / "app/loop")
    assert names(discover(tmp_path), tmp_path) == [("app/.env.production", SourceKind.DOTENV)]


def test_discover_a_file_is_the_file(tmp_path: Path) -> None:
    file = touch(tmp_path / "anything.txt", "A=1")
    assert discover(file) == [SourceSpec(file)]


def test_load_workspace_picks_loaders_and_environments(tmp_path: Path) -> None:
    touch(tmp_path / ".env.production", "NODE_ENV=production\n")
    touch(tmp_path / ".env.example", "NODE_ENV=\n")
    touch(tmp_path / "railway.json", '{"deploy": {"healthcheckPath": "/api/health"}}')
    touch(tmp_path / "railway-variables.production.json", json.dumps({"NODE_ENV": "production"}))
    touch(tmp_path / "railway-environment.production.json",
          json.dumps({"services": {"svc-1": {"variables": {"A": {"value": "1", "isSealed": True}}}}}))
    touch(tmp_path / "sub/railway-variables.kv", "PORT=3000\n")
    ws = load_workspace(discover(tmp_path), root=tmp_path)
    assert [(s.path, s.kind, s.environment) for s in ws.sources] == [
        (".env.example", SourceKind.DOTENV, None),
        (".env.production", SourceKind.DOTENV, "production"),
        ("railway-environment.production.json", SourceKind.RAILWAY_ENVIRONMENT, "production"),
        ("railway-variables.production.json", SourceKind.RAILWAY_VARIABLES, "production"),
        ("railway.json", SourceKind.RAILWAY_CONFIG, None),
        ("sub/railway-variables.kv", SourceKind.RAILWAY_VARIABLES_KV, None),
    ]
    assert ws.sources[1].get("NODE_ENV").line == 1


def test_environment_override_and_spec_environment(tmp_path: Path) -> None:
    file = touch(tmp_path / ".env", "A=1\n")
    assert load_workspace([SourceSpec(file)], root=tmp_path, environment="staging").sources[0].environment == "staging"
    assert load_workspace([SourceSpec(file, environment="qa")], root=tmp_path).sources[0].environment == "qa"


@pytest.mark.parametrize("name", [".env.example", ".env.production.sample", ".env.template",
                                  "railway-variables.example.json", "example.env"])
def test_templates_keep_no_environment_under_the_override(tmp_path: Path, name: str) -> None:
    """`--environment production` names the production sources; a template stays a template
    (unless the config maps it to an environment itself)."""
    file = touch(tmp_path / name, "A=\n" if "json" not in name else "{}")
    overridden = load_workspace([SourceSpec(file)], root=tmp_path, environment="production")
    assert overridden.sources[0].environment is None
    configured = load_workspace([SourceSpec(file, environment="docs")], root=tmp_path,
                                environment="production")
    assert configured.sources[0].environment == "docs"


def test_explicit_kind_and_content_sniffing(tmp_path: Path) -> None:
    exported = touch(tmp_path / "vars-from-ci.json", json.dumps({"PORT": "3000"}))
    as_dotenv = touch(tmp_path / "settings.cfg", "PORT=3000\n")
    ws = load_workspace([SourceSpec(exported), SourceSpec(as_dotenv, kind=SourceKind.DOTENV)], root=tmp_path)
    assert [(s.path, s.kind) for s in ws.sources] == [
        ("vars-from-ci.json", SourceKind.RAILWAY_VARIABLES), ("settings.cfg", SourceKind.DOTENV)]


def test_unrecognised_explicit_file_is_a_source_error(tmp_path: Path) -> None:
    touch(tmp_path / "notes.md", "# hello\n")
    with pytest.raises(SourceError, match=r"^notes\.md: not a recognised input"):
        load_workspace([SourceSpec(tmp_path / "notes.md")], root=tmp_path)
    with pytest.raises(SourceError, match=r"^missing\.env: file not found"):
        load_workspace([SourceSpec(tmp_path / "missing.env")], root=tmp_path)


def test_ignore_paths_and_duplicates(tmp_path: Path) -> None:
    a = touch(tmp_path / ".env.production", "A=1\n")
    b = touch(tmp_path / "fixtures/bad/.env.production", "A=1\n")
    ws = load_workspace([SourceSpec(a), SourceSpec(a), SourceSpec(b)], root=tmp_path, ignore_paths=["fixtures/**"])
    assert [s.path for s in ws.sources] == [".env.production"]


@pytest.mark.parametrize(("path", "globs", "ignored"), [
    ("fixtures/bad/.env", ["fixtures/**"], True),
    ("fixtures/bad/.env", ["fixtures"], True),
    ("fixtures/bad/.env", ["fixtures/"], True),
    ("app/fixtures/.env", ["fixtures/**"], False),
    ("app/fixtures/.env", ["fixtures"], True),
    ("apps/api/.env.example", ["**/*.example"], True),
    (".env.example", ["*.example"], True),
    (".env.example", ["**/*.example"], True),
    (".env.production", ["*.example"], False),
    ("a/b.env", ["a/?.env"], True),
    ("a/bc.env", ["a/?.env"], False),
])
def test_path_ignored(path: str, globs: list[str], ignored: bool) -> None:
    assert path_ignored(path, globs) is ignored


def test_paths_are_shown_from_the_cwd_and_ignores_match_from_the_root(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """From a subfolder, a source is `../x`; `ignore_paths` still match relative to the
    folder of the config that set them (here `root`), not to the cwd."""
    a = touch(tmp_path / "apps/api/.env.production", "A=1\n")
    b = touch(tmp_path / "apps/api/fixtures/.env.production", "A=1\n")
    c = touch(tmp_path / "apps/web/.env.production", "A=1\n")
    monkeypatch.chdir(tmp_path / "apps" / "web")
    ws = load_workspace([SourceSpec(a), SourceSpec(b), SourceSpec(c)],
                        root=tmp_path / "apps" / "api", ignore_paths=["fixtures/**"])
    assert [s.path for s in ws.sources] == ["../api/.env.production", ".env.production"]


def test_symlink_loops_and_links_out_of_the_tree_are_skipped_with_notices(tmp_path: Path) -> None:
    """A loop (`self -> self`, `a/up -> ..`), a broken link and a link out of the tree are
    never followed; each is named; a link inside the tree to a file is read."""
    from etc_policy.discovery import explore

    outside = touch(tmp_path.parent / f"{tmp_path.name}-outside" / ".env.production", "A=1\n")
    project = tmp_path / "p"
    touch(project / ".env.production", "A=1\n")
    (project / "self").symlink_to("self")
    (project / "a").mkdir()
    (project / "a" / "up").symlink_to("..", target_is_directory=True)
    (project / "gone.env").symlink_to("nowhere.env")
    (project / ".env.staging").symlink_to(outside)
    (project / ".env.local").symlink_to(".env.production")
    os.chdir(project)   # restored by the autouse fixture's monkeypatch
    found = explore(project)
    assert [spec.path.name for spec in found.specs] == [".env.local", ".env.production"]
    assert found.skipped == (
        ".env.staging: skipped, links outside the folder being checked (not followed)",
        "gone.env: skipped, is a symlink loop or a broken link (not followed)",
        "self: skipped, is a symlink loop or a broken link (not followed)",
    )
