"""A team's pack that extends a shipped one, end to end through the CLI: severity
overrides, disabled rules, added rules and ignored paths, without copying the pack."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from cli_support import run_main

ROOT = Path(__file__).resolve().parent.parent
TEAM_PACK = """\
schema_version: 1
name: team
description: Our production rules on top of the shipped runbook pack.
extends: [railway-production, dotenv]
overrides:
  RWY003: {severity: note}        # NODE_ENV: we accept it as a note
  RWY002: {enabled: false}        # USE_MOCK_OPENAI: not used by this team
ignore_paths: ['legacy/**']
rules:
  - id: TEAM001
    name: sentry-dsn-required
    severity: error
    select: {environments: [production], sources: [dotenv]}
    check: {kind: required, keys: [SENTRY_DSN]}
    docs: {what: SENTRY_DSN is set., why: Errors must reach Sentry., example: '# no SENTRY_DSN',
           fix: Set SENTRY_DSN.}
"""


def _project(tmp_path: Path) -> tuple[Path, Path]:
    project = tmp_path / "project"
    shutil.copytree(ROOT / "fixtures" / "railway-app-bad", project)
    (project / "legacy").mkdir()
    (project / "legacy" / ".env.production").write_text("NODE_ENV=development\n")
    pack = tmp_path / "team.yaml"
    pack.write_text(TEAM_PACK, encoding="utf-8")
    return project, pack


def test_team_pack_extends_overrides_disables_adds_and_ignores(capsys, tmp_path: Path) -> None:
    project, pack = _project(tmp_path)
    result = run_main(capsys, "check", str(project), "--pack", str(pack), "-f", "json")
    assert result.code == 1
    findings = json.loads(result.out)["findings"]
    by_rule = {f["rule_id"]: f for f in findings}
    assert by_rule["RWY003"]["severity"] == "note"
    assert "RWY002" not in by_rule
    assert by_rule["TEAM001"]["severity"] == "error" and by_rule["TEAM001"]["pack"] == "team"
    assert by_rule["RWY001"]["pack"] == "railway-production"
    assert not [f for f in findings if f["path"].startswith("legacy/")]
    assert not [f for f in findings if f["rule_id"].startswith("SEC")], "not extended"


def test_rules_lists_the_team_catalogue(capsys, tmp_path: Path) -> None:
    _, pack = _project(tmp_path)
    result = run_main(capsys, "rules", "--pack", str(pack), "-f", "json")
    assert result.code == 0
    text = result.out
    assert "TEAM001" in text and "RWY001" in text and "DOT001" in text
    assert "RWY002" not in text


def test_broken_team_pack_names_file_line_and_field(capsys, tmp_path: Path) -> None:
    _, pack = _project(tmp_path)
    pack.write_text(TEAM_PACK.replace("kind: required, keys: [SENTRY_DSN]",
                                      "kind: required, keyz: [SENTRY_DSN]"), encoding="utf-8")
    for command in (["rules", "--pack", str(pack)], ["validate", str(pack)]):
        result = run_main(capsys, *command)
        assert result.code == 2
        assert "team.yaml:14: rules[0].check.keyz" in result.err and "keyz" in result.err, result.err
        assert len(result.err.strip().splitlines()) == 1
