"""Packs test themselves: `examples:` on rules, `etc-policy test [PACK]...`, `explain`.

The shipped packs' examples run here (the suite is CI), every value rule of
railway-production and secrets-hygiene has some, and the runner is shown to fail: a wrong
example, a wrong expected finding, a broken example field (exit 2 at its line), and a failure
message that never carries the example's value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import ROOT, assert_one_line_error, run_main

from etc_policy.commands.test import run_examples
from etc_policy.policy import flatten, load_pack, shipped_pack_names

CANARY = "FAKEexampleCANARY"
PACK = f"""\
schema_version: 1
name: team
rules:
  - id: TEAM001
    name: api-key-prefix
    severity: error
    select: {{keys: [API_KEY]}}
    check: {{kind: regex, pattern: '^key_[a-z0-9]{{8,}}$', description: 'our key format'}}
    docs: {{what: w, why: y, example: e, fix: f}}
    examples:
      must_pass:
        - env: "API_KEY=key_a1b2c3d4e5\\n"
      must_fail:
        - name: no prefix
          env: "API_KEY={CANARY}\\n"
          findings: [{{line: 1, key: API_KEY, message: our key format}}]
"""


def _shipped() -> tuple:
    return tuple(load_pack(name, base_dir=ROOT) for name in shipped_pack_names())


def test_every_shipped_example_holds() -> None:
    results = run_examples(flatten(_shipped()), _shipped())
    assert [r for r in results if not r.ok] == []
    assert len(results) >= 140
    # the log rules' examples went through the scan
    assert {r.rule_id for r in results if r.rule_id.startswith("LOG")} == {
        "LOG001", "LOG002", "LOG003", "LOG004", "LOG005"}


VALUE_KINDS = {"equals", "one_of", "not_one_of", "regex", "length", "entropy", "boolean",
               "integer", "url", "placeholder", "known_weak", "jwt_secret", "jwt_token",
               "reference", "sealed", "cloudinary_url", "template_secret", "cloudinary",
               "required", "forbidden"}


def test_every_value_rule_of_the_runbook_packs_has_examples() -> None:
    missing = []
    for pack in _shipped():
        for rule in pack.rules:
            if pack.name == "dotenv" or rule.kind not in VALUE_KINDS:
                continue
            if rule.examples is None or not rule.examples.must_pass or not rule.examples.must_fail:
                missing.append(rule.id)
    assert missing == []


def test_the_command_on_the_shipped_packs(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_main(capsys, "test", "-f", "json")
    assert result.code == 0, result.out[-2000:]
    document = json.loads(result.out)
    assert document["summary"]["failed"] == 0
    assert document["summary"]["examples"] == len(document["examples"]) >= 130
    assert {e["rule_id"][:3] for e in document["examples"]} == {"RWY", "SEC", "DOT", "LOG"}
    text = run_main(capsys, "test", "railway-production")
    assert text.code == 0 and text.out.endswith("failed\n") and "RWY001" not in text.out


@pytest.fixture()
def team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "team.yaml").write_text(PACK)
    return tmp_path / "team.yaml"


def test_a_custom_pack_passes(capsys: pytest.CaptureFixture[str], team: Path) -> None:
    result = run_main(capsys, "test", str(team))
    assert (result.code, result.out) == (0, "2 example(s) of 1 rule(s): 2 passed, 0 failed\n")


def test_a_failing_example_fails_the_run(capsys: pytest.CaptureFixture[str], team: Path) -> None:
    team.write_text(PACK.replace('- env: "API_KEY=key_a1b2c3d4e5\\n"',
                                 f'- env: "API_KEY=key_{CANARY.lower()}\\n# and {CANARY}\\n"')
                    .replace("line: 1, key", "line: 2, key"))
    text = run_main(capsys, "test", str(team))
    assert text.code == 1
    assert text.out.splitlines() == [
        "FAIL TEAM001 (team) must_fail[0] (no prefix): expected 1 finding(s) (line 2 API_KEY "
        "'our key format'), got 1: line 1 API_KEY",
        "2 example(s) of 1 rule(s): 1 passed, 1 failed"]
    document = json.loads(run_main(capsys, "test", str(team), "-f", "json").out)
    assert document["summary"] == {"examples": 2, "passed": 1, "failed": 1}
    assert [e["ok"] for e in document["examples"]] == [True, False]
    assert CANARY not in text.all + json.dumps(document)


def test_a_must_pass_that_fails(capsys: pytest.CaptureFixture[str], team: Path) -> None:
    team.write_text(PACK.replace("API_KEY=key_a1b2c3d4e5", "API_KEY=nope"))
    result = run_main(capsys, "test", str(team))
    assert result.code == 1
    assert "FAIL TEAM001 (team) must_pass[0]: expected no finding, got 1: line 1 API_KEY" in result.out


@pytest.mark.parametrize(("change", "naming"), [
    (("- env: \"API_KEY=key_a1b2c3d4e5\\n\"", "- {name: empty}"),
     "team.yaml:10: rules[0].examples: must_pass: every example needs 'env' or 'files'"),
    (("- env: \"API_KEY=key_a1b2c3d4e5\\n\"", "- files: {../escape.env: x}"),
     "rules[0].examples.must_pass[0].files"),
    (("findings: [", "findingz: ["), "rules[0].examples.must_fail[0].findingz"),
])
def test_a_broken_example_is_a_pack_error(capsys: pytest.CaptureFixture[str], team: Path,
                                          change: tuple[str, str], naming: str) -> None:
    team.write_text(PACK.replace(*change))
    result = run_main(capsys, "test", str(team))
    assert_one_line_error(result, naming=naming)


def test_explain_shows_the_examples(capsys: pytest.CaptureFixture[str]) -> None:
    text = run_main(capsys, "explain", "SEC007").out
    assert "Examples (`etc-policy test`)" in text
    assert "must fail" in text and "NODE_TLS_REJECT_UNAUTHORIZED=0" in text
    document = json.loads(run_main(capsys, "explain", "SEC007", "-f", "json").out)
    fail = document["examples"]["must_fail"][0]
    assert fail["files"] == {".env": "NODE_TLS_REJECT_UNAUTHORIZED=0\n"}
    assert fail["findings"] == [{"line": 1, "key": "NODE_TLS_REJECT_UNAUTHORIZED",
                                 "message": None}]
    assert document["examples"]["must_pass"]
