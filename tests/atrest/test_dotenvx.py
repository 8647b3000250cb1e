"""dotenvx files made by the real dotenvx: recognised, skipped without a key (one notice),
decrypted in memory with one (every rule, scan, rotation on the real values)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from cli_support import run_main
from encrypted_tools import GOOD_ENV, JWT, OPENAI, dotenvx, dotenvx_encrypt, findings

from etc_policy.discovery import discover, load_workspace


def test_encrypted_good_file_passes_without_a_key_with_one_notice(
        capsys: pytest.CaptureFixture[str], dotenvx_project: tuple[Path, str],
        no_keys: None, monkeypatch: pytest.MonkeyPatch) -> None:
    folder, _key = dotenvx_project
    monkeypatch.chdir(folder)  # paths are shown relative to the cwd (etc_policy/paths.py)
    result = run_main(capsys, "check", str(folder), "-f", "json", "--fail-on", "note")
    assert result.code == 0, result.out
    assert findings(result.out) == []
    notices = json.loads(result.out)["notices"]
    assert notices == [".env.production: 15 encrypted values (dotenvx) could not be checked: "
                       "to check them, set DOTENV_PRIVATE_KEY_PRODUCTION in the environment "
                       "or pass --keys FILE (a .env.keys kept outside the repository)."]


def test_public_key_header_is_not_a_secret(capsys: pytest.CaptureFixture[str],
                                          dotenvx_project: tuple[Path, str],
                                          no_keys: None) -> None:
    folder, _key = dotenvx_project
    doc = json.loads(run_main(capsys, "inspect", str(folder), "-f", "json").out)
    entries = {e["key"]: e for s in doc["sources"] for e in s["entries"]}
    assert entries["DOTENV_PUBLIC_KEY_PRODUCTION"]["secret"] is False
    assert entries["JWT_SECRET"]["secret"] is False      # ciphertext protects itself
    assert entries["JWT_SECRET"]["encrypted"] == "dotenvx"
    assert entries["JWT_SECRET"]["hint"] == "encrypted (dotenvx)"   # no piece of ciphertext


@pytest.mark.parametrize("how", ["environment", "keys-file"])
def test_decrypted_values_are_judged(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch, no_keys: None,
                                     how: str) -> None:
    (tmp_path / "p").mkdir()
    bad = GOOD_ENV.replace("NODE_ENV=production", "NODE_ENV=development") \
        .replace("USE_MOCK_OPENAI=false", "USE_MOCK_OPENAI=true")
    (tmp_path / "p" / ".env.production").write_text(bad)
    key = dotenvx_encrypt(tmp_path / "p")
    without = run_main(capsys, "check", str(tmp_path / "p"), "-f", "json")
    assert without.code == 0 and findings(without.out) == []
    args: tuple[str, ...] = ()
    if how == "environment":
        monkeypatch.setenv("DOTENV_PRIVATE_KEY_PRODUCTION", key)
    else:
        keys = tmp_path / "outside" / ".env.keys"
        keys.parent.mkdir()
        keys.write_text(f"DOTENV_PRIVATE_KEY_PRODUCTION={key}\n")
        args = ("--keys", str(keys))
    result = run_main(capsys, "check", str(tmp_path / "p"), "-f", "json", *args)
    assert result.code == 1
    assert sorted(f["rule_id"] for f in findings(result.out)) == ["RWY002", "RWY003"]
    assert json.loads(result.out)["notices"] == []
    assert key not in result.all and "encrypted:" not in result.all


def test_wrong_key_gives_one_notice_naming_the_key(capsys: pytest.CaptureFixture[str],
                                                  dotenvx_project: tuple[Path, str],
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  no_keys: None) -> None:
    folder, key = dotenvx_project
    monkeypatch.chdir(folder)  # paths are shown relative to the cwd (etc_policy/paths.py)
    wrong = ("1" if key[0] != "1" else "2") + key[1:]
    monkeypatch.setenv("DOTENV_PRIVATE_KEY_PRODUCTION", wrong)
    result = run_main(capsys, "check", str(folder), "-f", "json")
    assert result.code == 0
    assert json.loads(result.out)["notices"] == [
        ".env.production: 15 dotenvx values could not be decrypted with "
        "DOTENV_PRIVATE_KEY_PRODUCTION (a wrong key, or damaged values), so no rule checked them"]
    assert wrong not in result.all


def test_round_trip_equals_dotenvx_get(dotenvx_project: tuple[Path, str], tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch, no_keys: None) -> None:
    folder, key = dotenvx_project
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    (copy / ".env.keys").write_text(f"DOTENV_PRIVATE_KEY_PRODUCTION={key}\n")
    theirs = json.loads(dotenvx("get", "-f", ".env.production", cwd=copy).stdout)
    (copy / ".env.keys").unlink()
    monkeypatch.setenv("DOTENV_PRIVATE_KEY_PRODUCTION", key)
    workspace = load_workspace(discover(copy), root=copy)
    ours = {e.key: e.value for e in workspace.sources[0].effective().values()}
    assert ours == theirs
    assert ours["OPENAI_API_KEY"] == OPENAI and ours["JWT_SECRET"] == JWT


def test_keys_file_is_not_an_environment(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                         no_keys: None) -> None:
    (tmp_path / ".env.production").write_text(GOOD_ENV)
    dotenvx("encrypt", "-f", ".env.production", cwd=tmp_path)   # leaves .env.keys beside it
    result = run_main(capsys, "check", str(tmp_path), "-e", "production", "-f", "json")
    rules = {f["rule_id"] for f in findings(result.out)}
    assert "RWY023" not in rules                      # no "required key missing" on .env.keys
    assert rules == {"SEC020"}                        # the key beside the ciphertext (no git)
    assert not any("its environment is not named" in n for n in json.loads(result.out)["notices"])


def test_no_drift_for_values_that_stayed_encrypted(capsys: pytest.CaptureFixture[str],
                                                   dotenvx_project: tuple[Path, str],
                                                   tmp_path: Path, no_keys: None) -> None:
    folder, _key = dotenvx_project
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    export = dict(line.split("=", 1) for line in GOOD_ENV.splitlines() if line)
    (copy / "railway-variables.production.json").write_text(json.dumps(export))
    result = run_main(capsys, "check", str(copy), "-f", "json")
    assert [f for f in findings(result.out) if f["rule_id"] == "RWY024"] == []


def test_scan_finds_decrypted_secrets_and_says_when_it_cannot(
        capsys: pytest.CaptureFixture[str], dotenvx_project: tuple[Path, str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, no_keys: None) -> None:
    folder, key = dotenvx_project
    log = tmp_path / "app.log"
    log.write_text(f"boot\nopenai key {OPENAI} used\njwt secret is {JWT}\n")
    env = str(folder / ".env.production")
    locked = run_main(capsys, "scan", str(log), "--env-file", env, "-f", "json")
    assert any("could not be checked" in n for n in json.loads(locked.out)["notices"])
    assert {f["key"] for f in findings(locked.out) if f["rule_id"] == "LOG001"} == set()
    monkeypatch.setenv("DOTENV_PRIVATE_KEY_PRODUCTION", key)
    found = run_main(capsys, "scan", str(log), "--env-file", env, "-f", "json")
    assert found.code == 1
    assert {f["key"] for f in findings(found.out) if f["rule_id"] == "LOG001"} == \
        {"OPENAI_API_KEY", "JWT_SECRET"}
    assert OPENAI not in found.all and JWT not in found.all and key not in found.all


def test_rotation_fingerprints_decrypted_values(capsys: pytest.CaptureFixture[str],
                                                dotenvx_project: tuple[Path, str],
                                                tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                no_keys: None) -> None:
    folder, key = dotenvx_project
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    locked = json.loads(run_main(capsys, "rotation", "status", str(copy), "-f", "json").out)
    assert locked["secrets"] == []
    monkeypatch.setenv("DOTENV_PRIVATE_KEY_PRODUCTION", key)
    assert run_main(capsys, "rotation", "record", str(copy), "--rotated-on", "2026-10-01",
                    "--as-of", "2026-10-01").code == 0
    status = json.loads(run_main(capsys, "rotation", "status", str(copy), "-f", "json",
                                 "--as-of", "2026-11-01").out)
    assert {s["key"] for s in status["secrets"]} == {"OPENAI_API_KEY", "JWT_SECRET"}
    ledger = (copy / ".etc-policy-ledger.json").read_text()
    assert OPENAI not in ledger and JWT not in ledger and key not in ledger


def test_audit_with_the_key(capsys: pytest.CaptureFixture[str], dotenvx_project: tuple[Path, str],
                            monkeypatch: pytest.MonkeyPatch, no_keys: None) -> None:
    folder, key = dotenvx_project
    monkeypatch.setenv("DOTENV_PRIVATE_KEY_PRODUCTION", key)
    result = run_main(capsys, "audit", str(folder), "-f", "json", "--as-of", "2026-11-01")
    assert result.code == 0, result.out
    assert OPENAI not in result.all and key not in result.all


def test_railway_export_with_dotenvx_values(capsys: pytest.CaptureFixture[str],
                                            dotenvx_project: tuple[Path, str], tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch,
                                            no_keys: None) -> None:
    """Encrypted values pasted into Railway and exported: recognised without their header,
    decrypted with the environment's key."""
    folder, key = dotenvx_project
    workspace = load_workspace(discover(folder), root=folder)
    export = {e.key: e.value for e in workspace.sources[0].effective().values()
              if not e.key.startswith("DOTENV_PUBLIC_KEY")}
    export["NODE_ENV"] = "development"        # one plaintext mistake beside the ciphertext
    (tmp_path / "railway-variables.production.json").write_text(json.dumps(export))
    monkeypatch.chdir(tmp_path)  # paths are shown relative to the cwd (etc_policy/paths.py)
    locked = run_main(capsys, "check", str(tmp_path), "-f", "json")
    assert [f["rule_id"] for f in findings(locked.out)] == ["RWY003"]
    assert json.loads(locked.out)["notices"][0].startswith(
        "railway-variables.production.json: 14 encrypted values (dotenvx) could not be checked")
    monkeypatch.setenv("DOTENV_PRIVATE_KEY_PRODUCTION", key)
    opened = run_main(capsys, "inspect", str(tmp_path), "-f", "json")
    entries = {e["key"]: e for s in json.loads(opened.out)["sources"] for e in s["entries"]}
    assert entries["JWT_SECRET"]["decrypted"] is True and entries["JWT_SECRET"]["secret"]
    assert entries["JWT_SECRET"]["hint"].endswith(", decrypted from dotenvx")
    assert JWT not in opened.all and key not in opened.all


def test_console_script_fast_path_takes_keys(dotenvx_project: tuple[Path, str], tmp_path: Path,
                                             no_keys: None) -> None:
    """`etc-policy check|scan --keys` as a process: launch.py's typer-less path knows it."""
    from cli_support import run_process

    folder, key = dotenvx_project
    keys = tmp_path / "app.env.keys"
    keys.write_text(f"DOTENV_PRIVATE_KEY_PRODUCTION={key}\n")
    log = tmp_path / "app.log"
    log.write_text(f"jwt secret is {JWT}\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOTENV_PRIVATE_KEY")}
    checked = run_process("check", str(folder), "--keys", str(keys), "-f", "json", env=env)
    assert checked.code == 0 and json.loads(checked.out)["notices"] == []
    scanned = run_process("scan", str(log), "--env-file", str(folder / ".env.production"),
                          "--keys", str(keys), "-f", "json", env=env)
    assert scanned.code == 1
    assert [f["key"] for f in findings(scanned.out)] == ["JWT_SECRET"]
    assert JWT not in scanned.all and key not in scanned.all
