"""fixtures/railway-app-migrated: the good project with railway.json migrated to
.railway/railway.ts. The same mistakes give the same findings in either format, at the
railway.ts line of the field or variable; and the SARIF region points into railway.ts."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from cli_support import run_main

from etc_policy.discovery import discover, load_workspace
from etc_policy.engine import evaluate
from etc_policy.policy import ignore_paths_of
from etc_policy.secrets.classify import SecretClassifier
from test_rule_fixtures import NOW, packs

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SARIF_SCHEMA = Path(__file__).resolve().parent / "data" / "sarif" / "sarif-schema-2.1.0.json"
# Rules about the format itself, not the settings: they differ between the two on purpose.
FORMAT_RULES = {"RWY016", "RWY030", "RWY032", "RWY038", "RWY039"}
# (what railway.json / .env.production says, what railway.ts says, the rule it breaks)
MISTAKES = [
    (('"healthcheckPath": "/api/health"', '"healthcheckPath": "/health"'),
     ('healthcheckPath: "/api/health"', 'healthcheckPath: "/health"'), "RWY013"),
    (('"restartPolicyType": "ON_FAILURE"', '"restartPolicyType": "NEVER"'),
     ('restartPolicyType: "ON_FAILURE"', 'restartPolicyType: "NEVER"'), "RWY015"),
    (('    "healthcheckPath": "/api/health",\n', ''),
     ('      healthcheckPath: "/api/health",\n', ''), "RWY012"),
    (("NODE_ENV=production", "NODE_ENV=development"),
     ('NODE_ENV: "production"', 'NODE_ENV: "development"'), "RWY003"),
    (("USE_MOCK_OPENAI=false", "USE_MOCK_OPENAI=true"),
     ('USE_MOCK_OPENAI: "false"', 'USE_MOCK_OPENAI: "true"'), "RWY002"),
    (("CORS_ORIGIN=https://notes.acme-example.com", "CORS_ORIGIN=*"),
     ('CORS_ORIGIN: "https://notes.acme-example.com"', 'CORS_ORIGIN: "*"'), "RWY009"),
    (("RATE_LIMIT_MAX=100\n", ""), ('      RATE_LIMIT_MAX: "100",\n', ""), "RWY010"),
    (("MAX_FILE_SIZE_MB=10\n", ""), ('      MAX_FILE_SIZE_MB: "10",\n', ""), "RWY011"),
]


def _report(folder: Path):
    """As `etc-policy check` sees the project: with its own config (fake_secrets: true)."""
    from etc_policy.commands.common import load_project

    project = load_project(root=folder, config_file=None, packs=())
    workspace = load_workspace(discover(folder), root=folder)
    return evaluate(workspace, project.rules, SecretClassifier.from_packs(packs()),
                    ignore_paths=ignore_paths_of(packs()), now=NOW)


def _good(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / name
    shutil.copytree(FIXTURES / name, folder)
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (path.name, old)
    path.write_text(text.replace(old, new, 1))


def test_the_migrated_project_is_clean() -> None:
    report = _report(FIXTURES / "railway-app-migrated")
    assert [(f.rule_id, f.path) for f in report.active() if f.severity.value != "note"] == []
    assert report.notices == ()


@pytest.mark.parametrize(("before", "after", "rule"), MISTAKES, ids=[m[2] for m in MISTAKES])
def test_same_mistake_same_finding_at_the_railway_ts_line(tmp_path: Path, before, after,
                                                          rule: str) -> None:
    old = _good(tmp_path, "railway-app-good")
    shutil.rmtree(old / ".railway")              # the project as it was: railway.json only
    target = "railway.json" if before[0].startswith(('"', "    ")) else ".env.production"
    _edit(old / target, *before)
    new = _good(tmp_path, "railway-app-migrated")
    _edit(new / ".railway" / "railway.ts", *after)
    if target == ".env.production":              # the variable lives in railway.ts only
        (new / ".env.production").unlink()
        (new / "railway-variables.production.json").unlink()
        (old / "railway-variables.production.json").unlink()
    # The runbook's rules; the dotenv pack's (DOT031: .env.example vs .env.production) are
    # about the .env files themselves, which the migrated variable no longer lives in.
    was = {f.rule_id for f in _report(old).active() if f.pack == "railway-production"} - FORMAT_RULES
    now = [f for f in _report(new).active() if f.rule_id not in FORMAT_RULES]
    assert rule in was
    assert {f.rule_id for f in now} == was
    ts_lines = (new / ".railway" / "railway.ts").read_text().splitlines()
    for finding in now:
        assert finding.path == ".railway/railway.ts"
        if finding.key and after[1]:             # a value written there: at its line
            assert finding.key.rsplit("/", 1)[-1] in ts_lines[finding.line - 1], finding


def test_sarif_regions_point_into_railway_ts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from jsonschema.validators import validator_for

    new = _good(tmp_path, "railway-app-migrated")
    script = new / ".railway" / "railway.ts"
    _edit(script, 'restartPolicyType: "ON_FAILURE"', 'restartPolicyType: "NEVER"')
    _edit(script, "JWT_SECRET: preserve()", 'JWT_SECRET: "Zq8TcW1nR4vB7yK0pL3sD6fG9hJ2mX5a"')
    result = run_main(capsys, "check", str(new), "-f", "sarif", "--as-of", "2026-11-01")
    assert result.code == 1, result.err
    log = json.loads(result.out)
    schema = json.loads(SARIF_SCHEMA.read_text())
    assert list(validator_for(schema)(schema).iter_errors(log)) == []
    located = {r["ruleId"]: r["locations"][0]["physicalLocation"] for r in log["runs"][0]["results"]}
    lines = script.read_text().splitlines()
    for rule, needle in (("RWY015", 'restartPolicyType: "NEVER"'), ("RWY030", "JWT_SECRET: ")):
        where = located[rule]
        assert where["artifactLocation"]["uri"].endswith(".railway/railway.ts")
        region = where["region"]
        line = lines[region["startLine"] - 1]
        assert line.index(needle) + 1 == region["startColumn"], (rule, region)
        assert region["endLine"] >= region["startLine"]
    assert "Zq8TcW1nR4vB" not in result.out
    assert re.search(r"service notes-api", result.out)
