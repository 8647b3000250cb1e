"""`etc-policy rotation record|status|report` and `check --as-of/--update-ledger/--skip-rotation`
through main(), on a copy of a project (the ledger is written)."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import icalendar
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from cli_support import run_main  # noqa: E402

CANARY = "sk-proj-FAKEcanaryCLIrotation7Hq2LmZ9xW4vB8nK3pR6tY"
JWT_VALUE = "FAKE-jwt-signing-secret-9f8e7d6c5b4a39281706f5e4d3c2b1a0"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "app"
    root.mkdir()
    (root / ".env.production").write_text(f"OPENAI_API_KEY={CANARY}\nJWT_SECRET={JWT_VALUE}\n")
    monkeypatch.chdir(root)
    return root


def _status(capsys: pytest.CaptureFixture[str], as_of: str) -> dict:
    result = run_main(capsys, "rotation", "status", "--as-of", as_of, "-f", "json")
    assert result.code == 0, result.err
    return {s["key"]: s for s in json.loads(result.out)["secrets"]}


def test_import_rotate_report(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = run_main(capsys, "rotation", "record", "-e", "production", "--key", "OPENAI_API_KEY",
                      "--rotated-on", "2026-07-01", "--as-of", "2026-07-02")
    assert (result.code, result.out) == (0, "production/OPENAI_API_KEY: imported 2026-07-01\n")
    result = run_main(capsys, "rotation", "record", "--as-of", "2026-07-02")
    assert result.out == ("production/JWT_SECRET: first-seen 2026-07-02\n"
                          "production/OPENAI_API_KEY: unchanged (value as recorded; rotate first, "
                          "or pass --rotated-on)\n")
    states = _status(capsys, "2026-11-01")
    assert (states["OPENAI_API_KEY"]["state"], states["JWT_SECRET"]["state"]) == ("overdue", "overdue")
    # check reports them (SEC013 is a warning: the default threshold, error, still passes)
    result = run_main(capsys, "check", ".", "--pack", "secrets-hygiene", "--as-of", "2026-11-01", "-f", "json")
    ids = [f["rule_id"] for f in json.loads(result.out)["findings"]]
    assert ids.count("SEC013") == 2 and result.code == 0
    result = run_main(capsys, "check", ".", "--pack", "secrets-hygiene", "--as-of", "2026-11-01", "-f", "json", "--skip-rotation")
    assert "SEC013" not in result.out
    result = run_main(capsys, "check", ".", "--pack", "secrets-hygiene", "--as-of", "2026-11-01", "--fail-on", "warning", "-q")
    assert result.code == 1
    # rotate the key: the value changes; check notices, --update-ledger records it
    new = CANARY.replace("canary", "rotated")
    (folder / ".env.production").write_text(f"OPENAI_API_KEY={new}\nJWT_SECRET={JWT_VALUE}\n")
    result = run_main(capsys, "check", ".", "--pack", "secrets-hygiene", "--as-of", "2026-11-01", "-f", "json",
                      "--update-ledger")
    messages = [f["message"] for f in json.loads(result.out)["findings"] if f["rule_id"] == "SEC015"]
    assert messages == ["OPENAI_API_KEY (production) changed since the rotation ledger's record; "
                        "record the rotation (`etc-policy rotation record` or "
                        "`check --update-ledger`)"]
    assert "production/OPENAI_API_KEY changed 2026-11-01" in result.err
    states = _status(capsys, "2026-11-01")
    # the imported date and the recorded change
    assert (states["OPENAI_API_KEY"]["state"], states["OPENAI_API_KEY"]["rotations"]) == ("ok", 2)
    # the reminder calendar: JWT_SECRET is overdue, OPENAI_API_KEY due 2027-01-30
    result = run_main(capsys, "rotation", "report", "--as-of", "2026-11-01", "--within", "120",
                      "-f", "ics")
    events = icalendar.Calendar.from_ical(result.out).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == [
        "Rotate JWT_SECRET (production) — overdue since 2026-09-30",
        "Rotate OPENAI_API_KEY (production)"]
    result = run_main(capsys, "rotation", "report", "--as-of", "2026-11-01", "--within", "30",
                      "-f", "markdown")
    assert "JWT\\_SECRET" in result.out and "OPENAI" not in result.out
    ledger = (folder / ".etc-policy-ledger.json").read_text()
    assert CANARY not in ledger and new not in ledger and JWT_VALUE not in ledger


def test_usage_errors(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_main(capsys, "rotation", "record", "--key", "NOPE").code == 2
    result = run_main(capsys, "rotation", "record", "--rotated-on", "2026-02-30")
    assert (result.code, result.err.strip()) == (
        2, "etc-policy: --rotated-on: expected a date YYYY-MM-DD")
    assert run_main(capsys, "rotation", "report", "-f", "pdf").code == 2
    assert not (folder / ".etc-policy-ledger.json").exists()


def test_newer_ledger_is_refused_by_every_command(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = folder / ".etc-policy-ledger.json"
    text = '{"format": "etc-policy-rotation-ledger", "version": 2, "kdf": {}, "secrets": []}'
    path.write_text(text)
    for args in (("rotation", "status"), ("rotation", "record", "--rotated-on", "2026-01-01"),
                 ("check", ".", "--update-ledger")):
        result = run_main(capsys, *args)
        assert result.code == 2 and "written by a newer etc-policy" in result.err, args
    assert path.read_text() == text


def test_config_names_the_ledger(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (folder / "ops").mkdir()
    (folder / ".etc-policy.yaml").write_text("rotation: {ledger: ops/ledger.json}\n")
    result = run_main(capsys, "rotation", "record", "--rotated-on", "2026-07-01", "--as-of", "2026-07-01")
    assert result.code == 0 and (folder / "ops" / "ledger.json").is_file()
    result = run_main(capsys, "check", ".", "--pack", "secrets-hygiene", "--as-of", "2026-11-01", "-f", "json")
    assert sum(f["rule_id"] == "SEC013" for f in json.loads(result.out)["findings"]) == 2


def _exit(capsys: pytest.CaptureFixture[str], *args: str) -> int:
    result = run_main(capsys, "rotation", *args)
    assert result.err == "", result
    return result.code


def test_fail_on_gives_check_exit_codes(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Both secrets rotated on 2026-07-01: due 2026-09-29 (90 days), reminder 14 days before."""
    assert run_main(capsys, "rotation", "record", "--rotated-on", "2026-07-01",
                    "--as-of", "2026-07-01").code == 0
    for command in ("status", "report"):
        for as_of, overdue, due_soon in (("2026-09-01", 0, 0), ("2026-09-20", 0, 1),
                                         ("2026-10-01", 1, 1)):
            window = ("--within", "14") if command == "report" else ()
            day = ("--as-of", as_of, *window)
            assert _exit(capsys, command, *day) == 0, (command, as_of)  # default: never
            assert _exit(capsys, command, *day, "--fail-on", "never") == 0
            assert _exit(capsys, command, *day, "--fail-on", "overdue") == overdue, (command, as_of)
            assert _exit(capsys, command, *day, "--fail-on", "due-soon") == due_soon, (command, as_of)
    # the report's window is --within: 28 days ahead is due soon in a 30-day report
    assert _exit(capsys, "report", "--as-of", "2026-09-01", "--fail-on", "due-soon") == 1
    # the report is still written when the run fails
    assert _exit(capsys, "status", "--as-of", "2026-10-01", "--fail-on", "overdue",
                 "-o", "status.txt") == 1
    assert "overdue" in (folder / "status.txt").read_text()
    result = run_main(capsys, "rotation", "report", "--fail-on", "soon")
    assert (result.code, result.err.strip()) == (
        2, "etc-policy: --fail-on: one of overdue, due-soon, never")


def test_within_lists_only_what_is_due_within_the_window(
        folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """OPENAI_API_KEY due 2026-09-29, JWT_SECRET due 2026-10-29 (rotated a month later)."""
    run_main(capsys, "rotation", "record", "-k", "OPENAI_API_KEY", "--rotated-on", "2026-07-01",
             "--as-of", "2026-07-01")
    run_main(capsys, "rotation", "record", "-k", "JWT_SECRET", "--rotated-on", "2026-07-31",
             "--as-of", "2026-07-31")

    def listed(as_of: str, within: str) -> dict[str, tuple[str, int]]:
        result = run_main(capsys, "rotation", "report", "--as-of", as_of, "--within", within,
                          "-f", "json")
        assert result.code == 0, result
        return {s["key"]: (s["state"], s["days_left"]) for s in json.loads(result.out)["secrets"]}

    assert listed("2026-09-01", "30") == {"OPENAI_API_KEY": ("due-soon", 28)}
    assert listed("2026-09-01", "27") == {}
    assert listed("2026-09-01", "60") == {"OPENAI_API_KEY": ("due-soon", 28),
                                          "JWT_SECRET": ("due-soon", 58)}
    assert listed("2026-10-05", "0") == {"OPENAI_API_KEY": ("overdue", -6)}
    table = run_main(capsys, "rotation", "report", "--as-of", "2026-09-01", "--within", "60").out
    assert " ok" not in table and table.count("due soon") == 3  # two rows and the footer
