"""The pre-commit hooks, run by the REAL pre-commit on real commits in throwaway repositories.

pre-commit builds the hook's virtualenv and pip-installs this package (from a snapshot of the
working tree) once per module: PRE_COMMIT_HOME is a module-wide temp folder, and every test
repository points at the same snapshot and revision, so the environment is reused.
Only package registries are reached (pip); git and pre-commit work on local paths.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD_VARS = ROOT / "fixtures" / "railway-app-good" / "railway-variables.production.json"
GOOD_ENV = ROOT / "fixtures" / "railway-app-good" / ".env.production"
HOOK = "etc-policy"
HOOK_NAME = "etc-policy (changed files)"

# Fake secrets of the bad file: none of them may appear in anything pre-commit prints.
FAKE_JWT = "your-jwt-secret-here"
FAKE_OPENAI_CORE = "FAKEhookTESTexample"
FAKE_DB_PASSWORD = "FAKEhookDBpassEXAMPLE42"


@dataclass(frozen=True)
class Run:
    code: int
    out: str


@dataclass(frozen=True)
class HookRepo:
    path: Path
    rev: str
    home: Path                      # PRE_COMMIT_HOME, shared by the module
    install_seconds: float


def _git_env(home: Path) -> dict[str, str]:
    """Isolated from the user's git setup (hooksPath, signing, templates) and outer hooks."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("GIT_", "PRE_COMMIT")) and key != "SKIP"}
    env.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1", PRE_COMMIT_HOME=str(home),
               PRE_COMMIT_COLOR="never", NO_COLOR="1", GIT_AUTHOR_DATE="2024-01-01T00:00:00",
               GIT_COMMITTER_DATE="2024-01-01T00:00:00")
    return env


def _run(args: list[str], *, cwd: Path, env: dict[str, str], timeout: float = 300) -> Run:
    done = subprocess.run(args, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=timeout)
    return Run(done.returncode, done.stdout)


def _git(cwd: Path, env: dict[str, str], *args: str) -> str:
    result = _run(["git", *args], cwd=cwd, env=env)
    assert result.code == 0, result.out
    return result.out


def _init_repo(path: Path, env: dict[str, str]) -> None:
    path.mkdir(parents=True, exist_ok=True)
    _git(path, env, "init", "-q", "-b", "main")
    _git(path, env, "config", "user.name", "Hook Test")
    _git(path, env, "config", "user.email", "hook-test@example.invalid")
    _git(path, env, "config", "commit.gpgsign", "false")


def _snapshot(target: Path, env: dict[str, str]) -> str:
    """This repository's working tree (tracked and new files, not ignored ones) as one commit:
    what pre-commit would install from a pushed tag, including uncommitted edits."""
    listed = _run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                  cwd=ROOT, env=env)
    assert listed.code == 0, f"this test needs the git checkout of etc-policy: {listed.out}"
    for name in filter(None, listed.out.split("\0")):
        source = ROOT / name
        if source.is_file() and not source.is_symlink():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    _init_repo(target, env)
    _git(target, env, "add", "-A")
    _git(target, env, "commit", "-q", "-m", "snapshot")
    return _git(target, env, "rev-parse", "HEAD").strip()


def _pre_commit(*args: str) -> list[str]:
    return [sys.executable, "-m", "pre_commit", *args]


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> HookRepo:
    if importlib.util.find_spec("pre_commit") is None:
        pytest.fail("pre-commit is not installed: pip install -e '.[test]' (it is in the test "
                    "extra); these tests run the real tool", pytrace=False)
    base = tmp_path_factory.mktemp("precommit")
    home = base / "pre-commit-home"
    env = _git_env(home)
    source = base / "etc-policy-src"
    rev = _snapshot(source, env)
    # Build the hook environment once (virtualenv + pip install of the snapshot), timed.
    probe = base / "probe"
    _init_repo(probe, env)
    _write_config(probe, source, rev, hook=HOOK)
    started = time.monotonic()
    # Building the hook's virtualenv installs packages from the index: the one step allowed
    # to reach the network, so it runs without the suite's offline guard (tests/conftest.py).
    # The hook runs themselves keep the guard.
    build_env = {k: v for k, v in env.items()
                 if k not in ("PYTHONPATH", "ETC_POLICY_NETWORK_LOG")}
    built = _run(_pre_commit("install-hooks"), cwd=probe, env=build_env, timeout=600)
    assert built.code == 0, built.out
    return HookRepo(source, rev, home, time.monotonic() - started)


def _write_config(repo: Path, source: Path, rev: str, *, hook: str) -> None:
    # verbose: pre-commit shows a hook's output even when it passes, so "prints nothing
    # of its own" can be asserted (and would fail if the hook printed a summary).
    config = {"repos": [{"repo": str(source), "rev": rev,
                         "hooks": [{"id": hook, "verbose": True}]}]}
    (repo / ".pre-commit-config.yaml").write_text(json.dumps(config, indent=2) + "\n")


class App:
    """A throwaway application repository with the hook installed as a git pre-commit hook."""

    def __init__(self, path: Path, hook_repo: HookRepo, *, hook: str = HOOK) -> None:
        self.path = path
        self.env = _git_env(hook_repo.home)
        _init_repo(path, self.env)
        _write_config(path, hook_repo.path, hook_repo.rev, hook=hook)
        (path / "README.md").write_text("# app\n")
        installed = _run(_pre_commit("install"), cwd=path, env=self.env)
        assert installed.code == 0, installed.out
        self.git("add", ".pre-commit-config.yaml", "README.md")
        self.git("commit", "-q", "--no-verify", "-m", "initial")

    def git(self, *args: str) -> str:
        return _git(self.path, self.env, *args)

    def write(self, name: str, text: str) -> Path:
        target = self.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        return target

    def commit(self, *names: str, verify: bool = True) -> Run:
        """`git add NAMES && git commit`: the installed hook runs as it would for a user."""
        self.git("add", *names)
        flags = [] if verify else ["--no-verify"]
        # -q: git's own summary off, so the output is pre-commit's (and the hook's) alone.
        return _run(["git", "commit", "-q", "-m", "change", *flags], cwd=self.path,
                    env=self.env)

    def commits(self) -> int:
        return int(self.git("rev-list", "--count", "HEAD"))


@pytest.fixture
def app(tmp_path: Path, hook_repo: HookRepo) -> App:
    return App(tmp_path / "app", hook_repo)


def _good_env() -> str:
    """The good example's .env.production: its secrets are Railway references, so the file
    holds none and may be committed."""
    return GOOD_ENV.read_text(encoding="utf-8")


def _plaintext_env() -> str:
    """The good export's resolved values as a .env file: good values, plaintext secrets."""
    variables = json.loads(GOOD_VARS.read_text(encoding="utf-8"))
    return "".join(f"{key}={value}\n" for key, value in sorted(variables.items()))


def _bad_env() -> tuple[str, dict[str, int]]:
    """The good file with NODE_ENV=development, a placeholder JWT secret and fake values
    of our own; returns the text and the line of each changed key."""
    lines = _good_env().splitlines()
    replace = {
        "NODE_ENV": "development",
        "JWT_SECRET": FAKE_JWT,
        "OPENAI_API_KEY": f"sk-proj-{FAKE_OPENAI_CORE}" + "Ab3dE" * 30,
        "DATABASE_URL": f"postgresql://postgres:{FAKE_DB_PASSWORD}@postgres.railway.internal"
                        ":5432/railway",
    }
    numbers: dict[str, int] = {}
    for index, line in enumerate(lines):
        key = line.split("=", 1)[0]
        if key in replace:
            lines[index] = f"{key}={replace[key]}"
            numbers[key] = index + 1
    return "\n".join(lines) + "\n", numbers


def _hook_output(out: str) -> list[str]:
    """The lines pre-commit prints for our hook, its status line first."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(HOOK_NAME))
    return [line for line in lines[start:] if line.strip()]


def _finding(body: str, line: int, severity: str, rule: str) -> bool:
    """A text-report row: `  LINE:COL  SEVERITY RULE-ID rule-name  message`."""
    pattern = rf"^\s+{line}:1\s+{severity}\s+{re.escape(rule)}\s"
    return re.search(pattern, body, flags=re.MULTILINE) is not None


def _assert_no_fake_values(out: str) -> None:
    for fake in (FAKE_JWT, FAKE_OPENAI_CORE, FAKE_DB_PASSWORD, "Ab3dEAb3dE"):
        assert fake not in out


def test_bad_env_file_blocks_the_commit(app: App) -> None:
    text, line = _bad_env()
    app.write(".env.production", text)
    result = app.commit(".env.production")
    assert result.code != 0, result.out
    assert app.commits() == 1                        # the commit did not happen
    shown = _hook_output(result.out)
    assert shown[0].endswith("Failed"), result.out
    assert "- exit code: 1" in shown
    body = "\n".join(shown)
    assert ".env.production" in shown                # the file heading of the text report
    assert _finding(body, line["NODE_ENV"], "error", "RWY003 node-env-production")
    assert _finding(body, line["JWT_SECRET"], "error", "SEC001 secret-placeholder")
    _assert_no_fake_values(result.out)
    assert (app.path / ".env.production").read_text() == text     # never modified


def test_good_env_file_commits_and_the_hook_prints_nothing(app: App) -> None:
    app.write(".env.production", _good_env())
    result = app.commit(".env.production")
    assert result.code == 0, result.out
    assert app.commits() == 2
    shown = _hook_output(result.out)
    # pre-commit's own lines only (verbose adds the id and duration); nothing from the hook.
    assert shown[0].endswith("Passed"), result.out
    assert len(shown) == 3, result.out
    assert shown[1] == f"- hook id: {HOOK}"
    assert shown[2].startswith("- duration: ")
    assert app.git("status", "--porcelain") == ""                  # nothing modified


def test_plaintext_secrets_in_a_committed_env_file_block_the_commit(app: App) -> None:
    app.write(".env.production", _plaintext_env())
    result = app.commit(".env.production")
    assert result.code != 0, result.out
    assert "SEC021 plaintext-secrets-at-rest" in result.out
    assert app.commits() == 1


def test_unrelated_file_skips_the_hook(app: App) -> None:
    app.write("src/index.js", "console.log('hi')\n")
    result = app.commit("src/index.js")
    assert result.code == 0, result.out
    assert "(no files to check)Skipped" in _hook_output(result.out)[0]


def test_only_staged_files_are_checked(app: App) -> None:
    # A bad file already committed (hook bypassed) is not blamed for a good change elsewhere.
    text, _ = _bad_env()
    app.write(".env.staging", text)
    assert app.commit(".env.staging", verify=False).code == 0
    app.write("railway.json", (ROOT / "fixtures" / "railway-app-good" / "railway.json")
              .read_text())
    # Past 2026-12-01 a railway.json alone is an error (RWY039): the good change migrates too.
    app.write(".railway/railway.ts", (ROOT / "fixtures" / "railway-app-good" / ".railway" /
                                      "railway.ts").read_text())
    result = app.commit("railway.json", ".railway/railway.ts")
    assert result.code == 0, result.out
    assert _hook_output(result.out)[0].endswith("Passed")


def test_config_change_checks_the_whole_project(app: App) -> None:
    text, line = _bad_env()
    app.write("apps/api/.env.production", text)
    assert app.commit("apps/api/.env.production", verify=False).code == 0
    app.write(".etc-policy.yaml", "packs: [railway-production]\nfail_on: error\n")
    result = app.commit(".etc-policy.yaml")
    assert result.code != 0, result.out
    body = "\n".join(_hook_output(result.out))
    assert "apps/api/.env.production" in body
    assert _finding(body, line["NODE_ENV"], "error", "RWY003 node-env-production")
    _assert_no_fake_values(result.out)


def test_broken_pack_blocks_the_commit_naming_file_line_field(app: App) -> None:
    app.write("policies/team.etc-policy-pack.yaml",
              "schema_version: 1\nname: team\nextends: [railway-production]\nrules:\n"
              "  - id: TEAM001\n    name: x\n    severity: fatal\n    select: {}\n"
              "    check: {kind: required, keys: [A]}\n")
    result = app.commit("policies/team.etc-policy-pack.yaml")
    assert result.code != 0, result.out
    shown = _hook_output(result.out)
    assert "- exit code: 2" in shown
    errors = [line for line in shown if line.startswith("etc-policy: ")]
    assert len(errors) == 1, result.out
    assert errors[0].startswith("etc-policy: policies/team.etc-policy-pack.yaml:7: ")
    assert "severity" in errors[0]


def test_project_hook_checks_everything_when_a_source_changes(tmp_path: Path,
                                                              hook_repo: HookRepo) -> None:
    app = App(tmp_path / "app", hook_repo, hook="etc-policy-project")
    text, _ = _bad_env()
    app.write(".env.staging", text.replace("NODE_ENV=development", "NODE_ENV=production"))
    assert app.commit(".env.staging", verify=False).code == 0
    app.write(".env.production", _good_env())
    result = app.commit(".env.production")
    assert result.code != 0, result.out
    assert ".env.staging" in result.out                             # the unchanged file
    _assert_no_fake_values(result.out)


def test_environment_was_built_once(hook_repo: HookRepo) -> None:
    # Every test above reused the module's environment: one repo+rev in the store.
    repos = [path for path in hook_repo.home.iterdir() if path.name.startswith("repo")]
    assert len(repos) == 1, repos
    print(f"pre-commit hook environment built in {hook_repo.install_seconds:.1f}s")
