"""The CLI end to end (in-process main()): exit codes, thresholds, formats, --output, --quiet."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import BAD, CANARY_CORE, GOOD, MINI_PACK, assert_one_line_error, run_main, \
    valid_inspect, valid_report

PACK = ("--pack", str(MINI_PACK))


def test_bad_project_fails_with_findings(capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BAD)   # paths are shown relative to the cwd (test_paths.py moves away)
    result = run_main(capsys, "check", str(BAD))
    assert result.code == 1
    assert result.err == ""
    assert result.out.splitlines() == [
        ".env.production",
        "  2:1     warning TST002 node-env-production  NODE_ENV must be 'production'  (11 chars)",
        "  3:1     error   TST001 openai-key-format  OPENAI_API_KEY does not match the required "
        "pattern  (sk-C…, 40 chars)",
        "  4:1     note    TST003 jwt-secret-length  JWT_SECRET is 12 characters long; at least 32 "
        "required  (to…, 12 chars)",
        "  5:1     error   TST004 dotenv-syntax  line is not KEY=VALUE, a comment or blank; Node "
        "dotenv ignores it",
        "",
        "4 findings (2 errors, 1 warning, 1 note) in 1 file",
    ]


def test_good_project_passes(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_main(capsys, "check", str(GOOD))
    assert (result.code, result.out, result.err) == (0, "no findings in 1 file\n", "")


@pytest.mark.parametrize(("fail_on", "code"), [
    ("error", 1), ("warning", 1), ("note", 1), ("never", 0)])
def test_fail_on_thresholds_on_the_bad_project(capsys: pytest.CaptureFixture[str], fail_on: str,
                                               code: int) -> None:
    assert run_main(capsys, "check", str(BAD), "--fail-on", fail_on).code == code


@pytest.mark.parametrize(("disabled", "fail_on", "code"), [
    # Only the note (TST003) and the warning (TST002) left: the threshold decides.
    ("TST001,TST004", "error", 0), ("TST001,TST004", "warning", 1),
    ("TST001,TST002,TST004", "warning", 0), ("TST001,TST002,TST004", "note", 1),
])
def test_thresholds_with_config_overrides(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                          disabled: str, fail_on: str, code: int) -> None:
    rules = "".join(f"  {rule_id}: {{enabled: false}}\n" for rule_id in disabled.split(","))
    config = tmp_path / "c.yaml"
    config.write_text(f"packs: [{MINI_PACK}]\nfail_on: {fail_on}\nrules:\n{rules}")
    assert run_main(capsys, "check", str(BAD), "--config", str(config)).code == code


def test_command_line_fail_on_wins_over_config(capsys: pytest.CaptureFixture[str],
                                               tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text(f"packs: [{MINI_PACK}]\nfail_on: never\n")
    assert run_main(capsys, "check", str(BAD), "--config", str(config)).code == 0
    assert run_main(capsys, "check", str(BAD), "--config", str(config),
                    "--fail-on", "error").code == 1


def test_severity_override_from_config(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text(f"packs: [{MINI_PACK}]\nrules:\n  TST001: {{severity: note}}\n"
                      "  TST004: {severity: note}\n")
    result = run_main(capsys, "check", str(BAD), "--config", str(config), "-f", "json")
    assert result.code == 0
    severities = {f["rule_id"]: f["severity"] for f in valid_report(result.out)["findings"]}
    assert severities == {"TST001": "note", "TST002": "warning", "TST003": "note",
                          "TST004": "note"}


def test_json_contract(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BAD)
    result = run_main(capsys, "check", str(BAD), "--format", "json")
    assert result.code == 1
    document = valid_report(result.out)
    assert document["summary"] == {"files": 1, "findings": 4, "suppressed": 0,
                                   "by_severity": {"error": 2, "warning": 1, "note": 1},
                                   "fail_on": "error", "failing": 2}
    first = document["findings"][0]
    assert (first["rule_id"], first["path"], first["line"], first["key"], first["environment"]) \
        == ("TST002", ".env.production", 2, "NODE_ENV", "production")
    assert CANARY_CORE not in result.out


def test_files_as_pre_commit_passes_them(capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BAD)
    result = run_main(capsys, "check", *PACK, ".env.production", "-f", "json")
    assert result.code == 1
    document = valid_report(result.out)
    assert {f["path"] for f in document["findings"]} == {".env.production"}
    # The environment comes from the name; --environment overrides it (TST002 is prod-only).
    assert "TST002" in {f["rule_id"] for f in document["findings"]}
    staged = run_main(capsys, "check", *PACK, ".env.production", "-f", "json", "-e", "staging")
    assert "TST002" not in {f["rule_id"] for f in valid_report(staged.out)["findings"]}


def test_environment_override_leaves_templates_alone(capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """`--environment production` on a folder checks the production sources; the project's
    `.env.example` (empty values by design) is not checked as if it were production."""
    fixture = Path(__file__).resolve().parent.parent / "fixtures" / "railway-app-good"
    monkeypatch.chdir(fixture)
    result = run_main(capsys, "check", str(fixture), "-e", "production", "-f", "json")
    assert result.code == 0, result.out
    assert ".env.example" not in {f["path"] for f in valid_report(result.out)["findings"]}
    inspected = json.loads(run_main(capsys, "inspect", str(fixture), "-e", "production",
                                    "-f", "json").out)
    assert {s["path"]: s["environment"] for s in inspected["sources"]}[".env.example"] is None


def test_environment_from_config_sources(capsys: pytest.CaptureFixture[str],
                                         tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "prod-vars.env").write_text("NODE_ENV=development\n")
    (tmp_path / ".etc-policy.yaml").write_text(
        f"packs: [{MINI_PACK}]\nenvironments:\n  production:\n"
        "    sources: [{path: prod-vars.env, kind: dotenv}]\n")
    result = run_main(capsys, "check", str(tmp_path), "-f", "json")
    findings = valid_report(result.out)["findings"]
    assert [(f["rule_id"], f["path"], f["environment"]) for f in findings] == [
        ("TST002", "prod-vars.env", "production")]
    assert result.code == 0  # a warning only


def test_quiet_prints_nothing_on_success(capsys: pytest.CaptureFixture[str]) -> None:
    good = run_main(capsys, "check", str(GOOD), "--quiet")
    assert (good.code, good.out, good.err) == (0, "", "")
    passing = run_main(capsys, "check", str(BAD), "--quiet", "--fail-on", "never")
    assert (passing.code, passing.out, passing.err) == (0, "", "")
    failing = run_main(capsys, "check", str(BAD), "-q")
    assert failing.code == 1
    assert "TST001" in failing.out


def test_output_file_is_written_on_success(capsys: pytest.CaptureFixture[str],
                                           tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old")
    result = run_main(capsys, "check", str(BAD), "-f", "json", "--output", str(target))
    assert (result.code, result.out, result.err) == (1, "", "")
    valid_report(target.read_text())
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temp file left
    text = tmp_path / "report.txt"
    assert run_main(capsys, "check", str(BAD), "-o", str(text)).code == 1
    assert text.read_text().endswith("4 findings (2 errors, 1 warning, 1 note) in 1 file\n")
    assert "\x1b[" not in text.read_text()


@pytest.mark.parametrize("args", [
    ("check", "missing-folder"),
    ("check", str(BAD), "--pack", "no-such-pack"),
    ("check", str(BAD), "--config", "missing.yaml"),
])
def test_output_file_is_not_written_on_failure(capsys: pytest.CaptureFixture[str],
                                               tmp_path: Path, args: tuple[str, ...]) -> None:
    target = tmp_path / "report.json"
    result = run_main(capsys, *args, "-f", "json", "-o", str(target))
    assert_one_line_error(result)
    assert list(tmp_path.iterdir()) == []
    target.write_text("previous")
    run_main(capsys, *args, "-f", "json", "-o", str(target))
    assert target.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_output_into_a_directory_or_missing_folder(capsys: pytest.CaptureFixture[str],
                                                   tmp_path: Path) -> None:
    assert_one_line_error(run_main(capsys, "check", str(GOOD), "-o", str(tmp_path)),
                          naming="--output is a directory")
    assert_one_line_error(run_main(capsys, "check", str(GOOD), "-o", str(tmp_path / "a" / "b")),
                          naming="the folder does not exist")


def test_inspect_json(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BAD)
    result = run_main(capsys, "inspect", str(BAD), "-f", "json")
    assert (result.code, result.err) == (0, "")
    document = valid_inspect(result.out)
    assert document["revealed"] is False
    (source,) = document["sources"]
    assert (source["path"], source["kind"], source["environment"]) == (
        ".env.production", "dotenv", "production")
    rows = [(e["key"], e["line"], e["secret"], e["hint"]) for e in source["entries"]]
    assert rows == [("NODE_ENV", 2, False, "11 chars"),
                    ("OPENAI_API_KEY", 3, True, "sk-C…, 40 chars"),
                    ("JWT_SECRET", 4, True, "to…, 12 chars")]
    assert source["entries"][1]["secret_reason"] == (
        "key matches '(?i).*(SECRET|TOKEN|API_KEY)' from pack cli-mini")
    assert [d["code"] for d in source["diagnostics"]] == ["dotenv.unparseable-line"]


def test_rules_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_main(capsys, "rules", *PACK)
    assert result.code == 0
    assert result.out.splitlines()[0] == "TST001  error    cli-mini            openai-key-format"
    document = json.loads(run_main(capsys, "rules", *PACK, "-f", "json").out)
    assert [r["id"] for r in document["rules"]] == ["TST001", "TST002", "TST003", "TST004"]


@pytest.mark.parametrize("ref", ["TST003", "tst003", "jwt-secret-length"])
def test_explain(capsys: pytest.CaptureFixture[str], ref: str) -> None:
    result = run_main(capsys, "explain", ref, *PACK)
    assert result.code == 0
    assert result.out.startswith("TST003 jwt-secret-length  note  pack cli-mini\n\nWhat\n")
    assert "Generate one with `openssl rand -hex 32`." in result.out


def test_explain_unknown_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert_one_line_error(run_main(capsys, "explain", "XYZ999", *PACK),
                          naming="unknown rule 'XYZ999'")


def test_help_and_version(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_main(capsys, "--help")
    assert result.code == 0
    for command in ("check", "inspect", "rules", "explain"):
        assert command in result.out


@pytest.mark.parametrize(("args", "naming"), [
    (("check", "--bogus"), "No such option: --bogus"),
    (("check", "--fail-on", "sometimes"), "Invalid value for '--fail-on'"),
    (("check", "--format", "xml"), "Invalid value for '--format'"),
    (("explain",), "Missing argument 'RULE'"),
])
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], args: tuple[str, ...],
                             naming: str) -> None:
    assert_one_line_error(run_main(capsys, *args), naming=naming)


def test_internal_error_is_one_line_without_the_exception_text(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import etc_policy.engine

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("value sk-LEAKED-FAKE-0123456789 in a message")

    monkeypatch.setattr(etc_policy.engine, "evaluate", explode)
    result = run_main(capsys, "check", str(BAD))
    assert_one_line_error(result, code=3, naming="internal error: RuntimeError")
    assert "LEAKED" not in result.all


def test_keyboard_interrupt_is_130(capsys: pytest.CaptureFixture[str],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import etc_policy.engine

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(etc_policy.engine, "evaluate", interrupted)
    result = run_main(capsys, "check", str(BAD))
    assert result.code == 130
    assert "Traceback" not in result.all


# --- the shipped packs on the example projects (what the README's first command runs) ---

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.mark.parametrize(("project", "code"), [("railway-app-bad", 1), ("railway-app-good", 0)])
def test_shipped_packs_on_the_example_projects(capsys: pytest.CaptureFixture[str], project: str,
                                               code: int) -> None:
    result = run_main(capsys, "check", str(FIXTURES / project), "-f", "json")
    assert (result.code, result.err) == (code, "")
    document = valid_report(result.out)
    assert (document["summary"]["failing"] > 0) is (code == 1)
    valid_inspect(run_main(capsys, "inspect", str(FIXTURES / project), "-f", "json").out)


def test_every_shipped_rule_is_listed_and_explained(capsys: pytest.CaptureFixture[str]) -> None:
    listed = json.loads(run_main(capsys, "rules", "-f", "json").out)["rules"]
    assert {rule["pack"] for rule in listed} == {"railway-production", "secrets-hygiene", "dotenv"}
    for rule in listed:
        result = run_main(capsys, "explain", rule["id"])
        assert result.code == 0, rule["id"]
        assert result.out.startswith(f"{rule['id']} {rule['name']}  {rule['severity']}")
        for title in ("What", "Why", "Example", "Fix"):
            assert f"\n{title}\n" in result.out
