"""Imported ignore files (etc_policy/ignores.py): a `.secrets.baseline` written by the real
detect-secrets, `.gitleaksignore` fingerprints in both of gitleaks' forms, config keys and
auto-detection, the report of what could not be mapped, and bad files (exit 2)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import assert_one_line_error, run_main, valid_report
from test_suppress import assert_github_accepts

STRIPE = "sk_live_51FAKEcanaryMw4Rq8Tz2Xv6Kp0LnQw7Er4Ty"
TEMPLATE = f"NODE_ENV=development\nSTRIPE_SECRET_KEY={STRIPE}\n"


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".env.example").write_text(TEMPLATE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _detect_secrets_baseline(folder: Path) -> None:
    """`detect-secrets scan > .secrets.baseline`, the way its users make one (`--no-verify`: its
    Stripe plugin would otherwise call api.stripe.com, and the tests are offline)."""
    done = subprocess.run([sys.executable, "-m", "detect_secrets", "scan", "--no-verify", ".env.example"],
                          cwd=folder, capture_output=True, text=True, check=True, timeout=120)
    (folder / ".secrets.baseline").write_text(done.stdout)


def _check(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, dict]:
    result = run_main(capsys, "check", ".", "--pack", "secrets-hygiene", "-f", "json", *extra)
    assert STRIPE[8:] not in result.all
    return result.code, valid_report(result.out)


def _sec004(document: dict) -> dict:
    (finding,) = [f for f in document["findings"] if f["rule_id"] == "SEC004"]
    return finding


def test_without_ignores_the_template_secret_fails(capsys: pytest.CaptureFixture[str],
                                                    project: Path) -> None:
    code, document = _check(capsys)
    assert code == 1 and not _sec004(document)["suppressed"]


def test_a_real_detect_secrets_baseline_marks_the_known_secret(
        capsys: pytest.CaptureFixture[str], project: Path) -> None:
    _detect_secrets_baseline(project)
    baseline = json.loads((project / ".secrets.baseline").read_text())
    # detect-secrets hashed the 24 characters its Stripe pattern takes, not the whole value
    (entry,) = baseline["results"][".env.example"]
    assert entry["type"] == "Stripe Access Key" and entry["line_number"] == 2
    code, document = _check(capsys)
    assert code == 0
    assert _sec004(document)["suppressed_by"] == {
        "kind": "imported", "dialect": "secrets-baseline",
        "justification": "hashed secret in .secrets.baseline"}
    assert ".secrets.baseline: imported (found at the project root" in document["notices"][0]
    # the same secret on another line is still known: detect-secrets ignores line moves
    (project / ".env.example").write_text("# moved\n" + TEMPLATE)
    code, document = _check(capsys)
    assert code == 0 and _sec004(document)["line"] == 3


def test_a_changed_secret_is_not_known(capsys: pytest.CaptureFixture[str], project: Path) -> None:
    _detect_secrets_baseline(project)
    (project / ".env.example").write_text(TEMPLATE.replace("51FAKE", "51FAKF"))
    code, document = _check(capsys)
    assert code == 1 and not _sec004(document)["suppressed"]
    assert any("1 of 1 imported entries match no secret finding of this run, not applied: "
               "(.env.example:2)" in n for n in document["notices"])


@pytest.mark.parametrize("entry", [
    ".env.example:stripe-access-token:2",
    "3f2b8c1e9a4d4e6f8b2a1c3d5e7f9a0b12345678:.env.example:stripe-access-token:2",
])
def test_gitleaksignore_fingerprints(capsys: pytest.CaptureFixture[str], project: Path,
                                     entry: str, tmp_path: Path) -> None:
    (project / ".gitleaksignore").write_text(f"# accepted in review\n\n{entry}\n"
                                             "src/app.js:generic-api-key:14\n")
    code, document = _check(capsys)
    assert code == 0
    assert _sec004(document)["suppressed_by"] == {
        "kind": "imported", "dialect": "gitleaksignore",
        "justification": "fingerprint in .gitleaksignore:3"}
    assert (".gitleaksignore: 1 of 2 imported entries match no secret finding of this run, "
            "not applied: 4 (src/app.js:14)") in document["notices"]
    sarif = run_main(capsys, "check", ".", "--pack", "secrets-hygiene", "-f", "sarif").out
    results = assert_github_accepts(sarif, tmp_path)["runs"][0]["results"]
    assert [r.get("suppressions") for r in results if r["ruleId"] == "SEC004"] == [[{
        "kind": "external", "justification": "fingerprint in .gitleaksignore:3",
        "properties": {"dialect": "gitleaksignore"}}]]


def test_a_fingerprint_on_another_line_does_not_map(capsys: pytest.CaptureFixture[str],
                                                     project: Path) -> None:
    (project / ".gitleaksignore").write_text(".env.example:stripe-access-token:1\n")
    code, document = _check(capsys)
    assert code == 1 and not _sec004(document)["suppressed"]


def test_config_names_the_files_and_can_stop_auto_detection(
        capsys: pytest.CaptureFixture[str], project: Path) -> None:
    (project / "security").mkdir()
    (project / "security" / "leaks.ignore").write_text(".env.example:stripe:2\n")
    (project / ".gitleaksignore").write_text(".env.example:stripe:1\n")    # not read
    (project / ".etc-policy.yaml").write_text(
        "imports: {gitleaks_ignore: security/leaks.ignore, auto_detect: false}\n")
    code, document = _check(capsys)
    assert code == 0
    assert _sec004(document)["suppressed_by"]["justification"] == \
        "fingerprint in security/leaks.ignore:1"
    assert document["notices"] == []
    (project / ".etc-policy.yaml").write_text("imports: {auto_detect: false}\n")
    assert _check(capsys)[0] == 1


@pytest.mark.parametrize(("name", "text", "naming"), [
    (".gitleaksignore", "just-a-path\n", ".gitleaksignore:1: not a gitleaks fingerprint"),
    (".gitleaksignore", ".env.example:rule:two\n", ".gitleaksignore:1"),
    (".secrets.baseline", "{not json", ".secrets.baseline:1:2: not valid JSON"),
    (".secrets.baseline", "[]", "not a detect-secrets baseline"),
    (".secrets.baseline", '{"results": {"a": [{"hashed_secret": "xyz"}]}}',
     "results.a[0]: needs a 'hashed_secret'"),
])
def test_bad_ignore_files_are_one_line_errors(capsys: pytest.CaptureFixture[str], project: Path,
                                              name: str, text: str, naming: str) -> None:
    (project / name).write_text(text)
    result = run_main(capsys, "check", ".")
    assert_one_line_error(result, naming=naming)


def test_scan_honours_the_imports(capsys: pytest.CaptureFixture[str], project: Path) -> None:
    (project / "app.log").write_text(f"boot\ncharging with {STRIPE}\n")
    (project / ".gitleaksignore").write_text("app.log:stripe-access-token:2\n")
    result = run_main(capsys, "scan", "app.log", "-f", "json")
    assert result.code == 0, result
    (finding,) = valid_report(result.out)["findings"]
    assert finding["suppressed_by"]["dialect"] == "gitleaksignore"
    assert STRIPE[8:] not in result.all
