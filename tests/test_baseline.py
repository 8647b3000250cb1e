"""Baselines: written without values or line numbers, survive line moves, fail only on new
findings, refuse malformed or newer files, and are never rewritten by `check`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cli_support import CANARY, CANARY_CORE, run_main

ROOT = Path(__file__).resolve().parent.parent
BAD_PROJECT = ROOT / "fixtures" / "railway-app-bad"


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    target = tmp_path / "project"
    shutil.copytree(BAD_PROJECT, target)
    return target


def test_baseline_accepts_todays_findings(capsys, project: Path, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    assert run_main(capsys, "check", str(project), "-f", "text").code == 1
    written = run_main(capsys, "baseline", str(project), "-o", str(baseline))
    assert written.code == 0
    before = baseline.read_bytes()
    result = run_main(capsys, "check", str(project), "--baseline", str(baseline), "-f", "json")
    assert result.code == 0
    document = json.loads(result.out)
    assert document["findings"], "baselined findings are still reported, as suppressed"
    assert all(f["suppressed"] and f["suppression"] == "baseline" for f in document["findings"])
    assert baseline.read_bytes() == before, "check must never rewrite the baseline"


def test_baseline_file_has_no_values_and_no_lines(capsys, project: Path, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    run_main(capsys, "baseline", str(project), "-o", str(baseline))
    data = json.loads(baseline.read_text())
    assert data["schema_version"] == 1
    assert set(data["findings"][0]) == {"rule_id", "path", "fingerprint", "count"}
    text = baseline.read_text()
    values = [line.split("=", 1)[1] for line in (project / ".env.production").read_text().splitlines()
              if "=" in line and len(line.split("=", 1)[1]) >= 8]
    assert values, "the fixture has values to look for"
    for value in values:
        assert value.strip("'\"") not in text


def test_moved_lines_stay_known_and_new_findings_fail(capsys, project: Path,
                                                      tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    run_main(capsys, "baseline", str(project), "-o", str(baseline))
    env = project / ".env.production"
    env.write_text("# a comment moves every line down\n" + env.read_text())
    assert run_main(capsys, "check", str(project), "--baseline", str(baseline)).code == 0
    env.write_text(env.read_text() + "ZZ_SESSION_SECRET=changeme\n")
    result = run_main(capsys, "check", str(project), "--baseline", str(baseline), "-f", "json")
    assert result.code == 1
    active = [f for f in json.loads(result.out)["findings"] if not f["suppressed"]]
    assert active and {f["key"] for f in active} == {"ZZ_SESSION_SECRET"}


@pytest.mark.parametrize("content, problem", [
    ("{not json", "baseline is not valid JSON"),
    ('{"findings": []}', "unsupported baseline schema_version"),
    ('{"schema_version": 99, "findings": []}', "unsupported baseline schema_version 99"),
    ('{"schema_version": 1, "findings": [{"count": 1}]}', "findings[0]: needs a 'fingerprint'"),
    ("[]", "not an etc-policy baseline"),
])
def test_bad_baselines_are_one_line_errors(capsys, project: Path, tmp_path: Path,
                                           content: str, problem: str) -> None:
    baseline = tmp_path / "baseline.json"
    baseline.write_text(content)
    result = run_main(capsys, "check", str(project), "--baseline", str(baseline))
    assert result.code == 2
    assert problem in result.err
    assert str(baseline) in result.err
    assert "Traceback" not in result.all


def test_missing_baseline(capsys, project: Path, tmp_path: Path) -> None:
    result = run_main(capsys, "check", str(project), "--baseline", str(tmp_path / "nope.json"))
    assert result.code == 2
    assert "baseline file not found" in result.err


def test_canary_never_in_baseline(capsys, tmp_path: Path) -> None:
    from cli_support import BAD

    baseline = tmp_path / "baseline.json"
    assert run_main(capsys, "baseline", str(BAD), "-o", str(baseline)).code == 0
    assert CANARY not in baseline.read_text() and CANARY_CORE not in baseline.read_text()


def test_a_baseline_from_before_one_finding_per_reused_secret_still_matches(
        capsys, tmp_path: Path) -> None:
    """A baseline written when SEC003 gave a finding at each of the four places of a reused
    secret keeps the one finding that remains known: its fingerprint is the first place's."""
    from etc_policy.findings import fingerprint

    project = Path(__file__).resolve().parent.parent / "fixtures" / "railway-app-audit"
    places = (".env.production", "railway-variables.production.json", ".env.staging",
              "railway-variables.staging.json")
    old = {"schema_version": 1, "tool": {"name": "etc-policy", "version": "0.1.0"},
           "findings": [{"rule_id": "SEC003", "path": path, "count": 1,
                         "fingerprint": fingerprint(rule_id="SEC003", path=path,
                                                    key="SESSION_SECRET")} for path in places]}
    baseline = tmp_path / "old-baseline.json"
    baseline.write_text(json.dumps(old))
    result = run_main(capsys, "check", str(project), "-f", "json", "--as-of", "2026-11-01",
                      "--baseline", str(baseline))
    [reuse] = [f for f in json.loads(result.out)["findings"] if f["rule_id"] == "SEC003"]
    assert reuse["suppressed"] is True and reuse["suppression"] == "baseline"
