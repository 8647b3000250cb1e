"""Keys and plaintext secrets at rest, judged by what git would publish (a real git repo)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from cli_support import run_main
from encrypted_tools import GOOD_ENV, findings

KEY_HEX = "4fc24cd7b87e211fa368152dd7c2715ff2b6fc13291ab496af4efc8f146609b5"


def git(repo: Path, *args: str) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com",
                    *args], check=True, capture_output=True)


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    return root


def ids(capsys: pytest.CaptureFixture[str], folder: Path, *args: str) -> list[tuple[str, str]]:
    result = run_main(capsys, "check", str(folder), "-f", "json", *args)
    return sorted((f["rule_id"], f["path"]) for f in findings(result.out)
                  if f["rule_id"] in {"SEC020", "SEC021"})


def test_committed_keys_file_is_an_error_and_an_ignored_one_is_not(
        capsys: pytest.CaptureFixture[str], repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)  # paths are shown relative to the cwd (etc_policy/paths.py)
    (repo / ".env.keys").write_text(f"DOTENV_PRIVATE_KEY_PRODUCTION={KEY_HEX}\n")
    assert ids(capsys, repo) == [("SEC020", ".env.keys")]          # untracked, not ignored
    git(repo, "add", ".env.keys")
    git(repo, "commit", "-qm", "oops")
    result = run_main(capsys, "check", str(repo), "-f", "json")
    [finding] = [f for f in findings(result.out) if f["rule_id"] == "SEC020"]
    assert "is tracked by git" in finding["message"] and KEY_HEX not in result.all
    git(repo, "rm", "-q", "--cached", ".env.keys")
    (repo / ".gitignore").write_text(".env.keys\n")
    assert ids(capsys, repo) == []


def test_age_identity_and_private_key_in_any_file(capsys: pytest.CaptureFixture[str],
                                                  repo: Path) -> None:
    identity = "AGE-SECRET-KEY-1" + "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L" + "Q" * 26
    vault = "dotenv://:key_" + KEY_HEX + "@dotenvx.com/vault/.env.vault?environment=production"
    (repo / ".env.production").write_text(f"SOPS_AGE_KEY={identity}\n"
                                           f"DOTENV_PRIVATE_KEY={KEY_HEX}\n"
                                           f"DOTENV_KEY={vault}\n")
    result = run_main(capsys, "check", str(repo), "-f", "json")
    got = sorted((f["rule_id"], f["key"]) for f in findings(result.out) if f["rule_id"] == "SEC020")
    assert got == [("SEC020", "DOTENV_KEY"), ("SEC020", "DOTENV_PRIVATE_KEY"),
                   ("SEC020", "SOPS_AGE_KEY")]
    assert KEY_HEX not in result.all
    assert identity not in result.all


def test_plaintext_env_file_tracked_or_unignored(capsys: pytest.CaptureFixture[str],
                                                 repo: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)  # paths are shown relative to the cwd (etc_policy/paths.py)
    (repo / ".env.production").write_text(GOOD_ENV)
    assert ids(capsys, repo) == [("SEC021", ".env.production")]
    git(repo, "add", ".env.production")
    git(repo, "commit", "-qm", "plaintext")
    result = run_main(capsys, "check", str(repo), "-f", "json")
    [finding] = [f for f in findings(result.out) if f["rule_id"] == "SEC021"]
    assert finding["message"].startswith(".env.production is tracked by git and holds 2 "
                                         "plaintext secret values (OPENAI_API_KEY first)")
    (repo / ".etc-policy.yaml").write_text("fake_secrets: true\n")
    assert ids(capsys, repo) == []


def test_ignored_plaintext_file_passes_and_no_repository_means_no_finding(
        capsys: pytest.CaptureFixture[str], repo: Path, tmp_path: Path) -> None:
    (repo / ".gitignore").write_text(".env*\n!.env.example\n")
    (repo / ".env.production").write_text(GOOD_ENV)
    assert ids(capsys, repo) == []
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / ".env.production").write_text(GOOD_ENV)
    assert ids(capsys, plain) == []


def test_scan_finds_dotenvx_keys_and_age_identities_in_logs(capsys: pytest.CaptureFixture[str],
                                                            tmp_path: Path) -> None:
    identity = "AGE-SECRET-KEY-1" + "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L" + "Z" * 26
    log = tmp_path / "ci.log"
    log.write_text(f"env dump: DOTENV_PRIVATE_KEY_PRODUCTION={KEY_HEX}\nage: {identity}\n"
                   "DOTENV_PUBLIC_KEY_PRODUCTION=0398ab1c7ed2aeb297095f1728c354c811eb601fcce"
                   "77c1204cffc4a730ac622ee\n")
    result = run_main(capsys, "scan", str(log), "-f", "json")
    got = sorted((f["rule_id"], f["line"]) for f in findings(result.out))
    assert got == [("LOG002", 1), ("LOG002", 2)]
    assert KEY_HEX not in result.all and identity not in result.all
    messages = " ".join(f["message"] for f in findings(result.out))
    assert "dotenvx private key" in messages and "age identity" in messages


def test_dotenv_vault_file_is_meant_to_be_committed(capsys: pytest.CaptureFixture[str],
                                                    repo: Path) -> None:
    blob = "".join(f"{i:02x}" for i in range(96))   # ciphertext-like, high entropy
    (repo / ".env.vault").write_text(f'DOTENV_VAULT_PRODUCTION="{blob}"\n')
    git(repo, "add", ".env.vault")
    assert ids(capsys, repo) == []
