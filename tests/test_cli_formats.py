"""Report formats chosen on the command line: auto, github, markdown, sarif; and `validate`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import BAD, MINI_PACK, run_main


def test_auto_is_github_inside_actions(capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = run_main(capsys, "check", str(BAD))
    assert result.code == 1
    *annotations, summary = result.out.strip().splitlines()
    assert annotations and all(line.startswith(("::error ", "::warning ", "::notice "))
                               for line in annotations)
    assert summary.startswith(f"etc-policy: {len(annotations)} findings")


def test_auto_is_text_elsewhere(capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    result = run_main(capsys, "check", str(BAD))
    assert result.code == 1
    assert "::error" not in result.out


def test_markdown_report(capsys) -> None:
    result = run_main(capsys, "check", str(BAD), "-f", "markdown")
    assert result.code == 1
    assert result.out.lstrip().startswith("#") and "|" in result.out


def test_sarif_category(capsys) -> None:
    result = run_main(capsys, "check", str(BAD), "-f", "sarif", "--sarif-category", "etc/prod")
    run = json.loads(result.out)["runs"][0]
    assert run["automationDetails"]["id"] == "etc/prod/"
    assert run["results"]


def test_listing_commands_refuse_report_formats(capsys) -> None:
    result = run_main(capsys, "rules", "-f", "sarif")
    assert result.code == 2 and "Traceback" not in result.all


def test_validate_accepts_a_good_pack(capsys) -> None:
    result = run_main(capsys, "validate", str(MINI_PACK), "railway-production")
    assert result.code == 0
    assert "valid pack" in result.out


def test_validate_names_file_line_and_field(capsys, tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "docs").mkdir()
    monkeypatch.chdir(tmp_path / "docs")    # the pack is named from the cwd: `../team.yaml`
    pack = tmp_path / "team.yaml"
    pack.write_text(
        "schema_version: 1\nname: team\ndescription: d\nextends: [railway-production]\n"
        "rules:\n  - id: TEAM001\n    name: x\n    severity: fatal\n"
        "    check: {kind: equals, value: a}\n"
        "    docs: {what: a, why: b, example: c, fix: d}\n")
    result = run_main(capsys, "validate", str(pack))
    assert result.code == 2
    assert "etc-policy: ../team.yaml:8: rules[0].severity" in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_parse_problems_are_tool_notifications(capsys, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "railway.json").write_text('{\n  "deploy": {\n    "startCommand": "x",\n  }\n}\n')
    result = run_main(capsys, "check", str(tmp_path), "-f", "sarif")
    run = json.loads(result.out)["runs"][0]
    notes = [n["message"]["text"] for n in run["invocations"][0]["toolExecutionNotifications"]]
    assert notes == ["railway.json:3:24: could not be parsed (invalid JSON: trailing comma); "
                     "its values were not checked"]
    assert any(r["ruleId"] for r in run["results"]), "and still a finding of its rule"
