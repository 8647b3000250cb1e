"""Every SARIF log the reporter can emit passes both validators GitHub cares about.

- jsonschema, Draft 4 with format checks, against the OASIS schema (tests/data/sarif/);
- Sarif.Multitool 5.7.0 `validate --rule-kind "Sarif;Ghas" --level "Error;Warning"`, the
  GitHub ingestion rules, run once on all logs together (tests/sarif/, `npm ci` there);
- our own check that `security-severity` is a number in (0, 10], which neither catches.
The validators are shown to fail on the bad fixtures in tests/data/sarif/examples.
"""

from __future__ import annotations

import functools
import importlib.util
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from etc_policy.findings import Finding, Location, Report, Severity, Suppression, fingerprint
from etc_policy.record import replace
from etc_policy.reporters.fingerprints import file_line_hashes
from etc_policy.reporters.sarif import RunProvenance, render_sarif

REPO = Path(__file__).resolve().parents[2]
SHARED_SARIF = REPO / "tests" / "data" / "sarif"
EXAMPLES = SHARED_SARIF / "examples"
EXPECTED = {name: verdict for name, verdict in
            json.loads((EXAMPLES / "EXPECTED.json").read_text(encoding="utf-8")).items()
            if not name.startswith("_")}
MULTITOOL_KEY = "multitool_5.7.0_Sarif;Ghas_Error;Warning"
# Multitool 5.7.0 stops reporting anything, for every later file of the same run, after a
# log with an invalid result.level: those fixtures go last, after everything we check.
POISON = {"invalid-level-and-startline.sarif", "invalid-result-level-enum.sarif"}

FAKE_SECRET = "sk_live_FAKE0EXAMPLE0test0secret0value0123"
FAKE_HINT = "sk_l…, 40 chars"
ODD_PATH = "app config/prod ü #1 50%.env"


def _load_multitool():
    spec = importlib.util.spec_from_file_location(
        "sarif_multitool", REPO / "tests" / "sarif" / "multitool.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


multitool = _load_multitool()


@dataclass(frozen=True)
class FakeDocs:
    what: str = "Flags a weak JWT signing secret. It is checked for length and entropy."
    why: str = "A short secret can be brute-forced offline from any issued token."
    example: str = "JWT_SECRET=changeme  # `short`"
    fix: str = "Generate 32+ random bytes and store them as a Railway variable."


@dataclass(frozen=True)
class FakeRule:
    id: str
    name: str
    severity: Severity = Severity.ERROR
    pack: str = "secrets-hygiene"
    kind: str = "length"
    docs: FakeDocs = field(default_factory=FakeDocs)
    tags: tuple[str, ...] = ()
    security_severity: float | None = None


RULES = (
    FakeRule("SEC001", "jwt-secret-weak", tags=("secret", "jwt")),
    FakeRule("SEC002", "secret-scored", Severity.WARNING, tags=("auth",), security_severity=9.3),
    FakeRule("SEC003", "secret-note", Severity.NOTE, tags=("security", "security", "hygiene")),
    FakeRule("RWY001", "node-env-production", Severity.WARNING, "railway-production"),
    FakeRule("RWY002", "healthcheck-path", Severity.NOTE, "railway-production",
             tags=tuple(f"t{i}" for i in range(30))),
)
ENV_TEXT = ("NODE_ENV=development\n"
            f"JWT_SECRET={FAKE_SECRET}\n"
            "\n"
            "# comment\n"
            "DATABASE_URL=postgres://user:FAKEpass@localhost:5432/db\r\n"
            "LAST=1")


def _finding(rule: FakeRule, path: str, line: int, **extra: object) -> Finding:
    key = extra.pop("key", f"KEY_{line}")
    return Finding(rule_id=rule.id, rule_name=rule.name,
                   severity=extra.pop("severity", rule.severity),
                   message=extra.pop("message", f"{key} breaks {rule.name}"), path=path,
                   line=line, key=key, environment="production", pack=rule.pack,
                   hint=FAKE_HINT,
                   fingerprint=fingerprint(rule_id=rule.id, path=path, key=key), **extra)


def _cases(root: Path) -> dict[str, str]:
    sec1, sec2, sec3, rwy1, rwy2 = RULES
    env = ".env.production"

    def render(report: Report, rules=RULES, **kw: object) -> str:
        return render_sarif(report, rules, root=root, tool_version="0.1.0", **kw)

    every_severity = Report(findings=(
        _finding(rwy1, env, 1, key="NODE_ENV", column=10, end_column=21),
        _finding(sec1, env, 2, key="JWT_SECRET", column=12),              # end from the file
        _finding(sec2, env, 5, key="DATABASE_URL", severity=Severity.ERROR),
        _finding(sec3, env, 6, column=1, end_line=6, end_column=7),
        _finding(rwy2, "railway.json", 2, column=3, end_line=4, end_column=2,
                 message="healthcheckPath is missing\nin deploy"),
        _finding(rwy1, env, 3, column=5),                                 # column past the end
        _finding(sec1, env, 99),                                          # line past the end
    ), files=(env, "railway.json"))
    return {
        "empty": render(Report(findings=())),
        "empty-no-rules": render(Report(findings=()), rules=()),
        "every-severity": render(every_severity, category="etc-policy/production"),
        "suppressed": render(Report(findings=(
            _finding(sec1, env, 2, key="JWT_SECRET", suppressed=True, suppression="inline"),
            _finding(rwy1, env, 1, key="NODE_ENV", suppressed=True, suppression="baseline"),
            _finding(sec2, env, 5, suppressed=True),
            _finding(sec3, env, 6),
            # Who suppressed it: a peer's comment, an imported ignore file.
            _finding(sec1, env, 3, key="API_TOKEN", suppressed=True, suppression="inline",
                     suppressed_by=Suppression("inline", "gitleaks", "gitleaks:allow on line 3")),
            _finding(sec1, env, 4, key="STRIPE_KEY", suppressed=True, suppression="imported",
                     suppressed_by=Suppression("imported", "secrets-baseline",
                                               "hashed secret in .secrets.baseline"))))),
        "notices": render(Report(findings=(), notices=(
            "railway.json: skipped, 3 MB is over the size limit",
            "policy pack 'old' is deprecated;\nuse 'railway-production'"))),
        "paths": render(Report(findings=(
            _finding(sec1, ODD_PATH, 1, column=3),
            _finding(rwy1, str(root / "railway.json"), 3),               # absolute, inside
            _finding(rwy1, str(root.parent / "elsewhere.env"), 1),       # outside the root
            _finding(rwy2, "sub/../missing.env", 4),                     # no such file
            Finding(rule_id="SRC001", rule_name="source-diagnostic",     # rule not passed
                    severity=Severity.WARNING, message="line 3 is not valid dotenv",
                    path=env, line=3, fingerprint="f" * 32)))),
        "real-bad-project": _real_project_sarif(),
        "monorepo-from-a-subfolder": _monorepo_sarif(root.parent / "mono repo"),
        "real-audit": _real_project_sarif("railway-app-audit", "audit", "--as-of", "2026-11-01"),
        "related-and-provenance": render(Report(findings=(
            replace(_finding(sec1, env, 2, key="JWT_SECRET"), related=(
                Location(path=".env.production", line=5, key="DATABASE_URL", environment="production"),
                Location(path=ODD_PATH, line=2, column=1, key="TOKEN", environment="staging"))),)),
            provenance=RunProvenance(commit="0123456789abcdef0123456789abcdef01234567",
                                     generated_at="2026-12-04T21:02:24Z",
                                     properties={"etcPolicyAudit": {"as_of": "2026-11-01"}})),
        "truncated": render(Report(findings=(
            _finding(rwy2, env, 1), _finding(sec1, env, 2), _finding(rwy1, env, 3),
            _finding(sec1, env, 4, suppressed=True, suppression="inline"),
            _finding(sec3, env, 5), _finding(sec1, env, 6), _finding(rwy1, env, 5),
        )), max_results=3),
    }


def _real_project_sarif(fixture: str = "railway-app-bad", *command: str) -> str:
    """The CLI's own SARIF for a bundled project: real rules, real findings (`check` of the
    bad project, or the audit of the audit example: related locations, provenance)."""
    import subprocess
    import sys

    project = REPO / "fixtures" / fixture
    args = list(command) or ["check", "--sarif-category", "etc-policy/production"]
    completed = subprocess.run(
        [sys.executable, "-m", "etc_policy", args[0], str(project), "--format", "sarif",
         *args[1:]], cwd=REPO,
        capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False, timeout=120)
    assert completed.returncode == 1, completed.stderr
    return completed.stdout


def _monorepo_sarif(repo: Path) -> str:
    """The CLI's SARIF for a monorepo checked from one app's folder (`check ../..`): URIs
    relative to the repository root, %SRCROOT% that root (tests/test_paths.py)."""
    import shutil
    import subprocess
    import sys

    shutil.copytree(REPO / "tests" / "cli_data" / "monorepo", repo)
    (repo / ".git").mkdir()
    completed = subprocess.run(
        [sys.executable, "-m", "etc_policy", "check", "../..", "--format", "sarif"],
        cwd=repo / "apps" / "web", capture_output=True, text=True, stdin=subprocess.DEVNULL,
        check=False, timeout=120)
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("sarif work")   # a space in the root URI too
    root = base / "répo"
    (root / "app config").mkdir(parents=True)
    (root / ".env.production").write_text(ENV_TEXT, encoding="utf-8", newline="")
    (root / ODD_PATH).write_text(f"ü=1\nTOKEN={FAKE_SECRET}\n", encoding="utf-8")
    (root / "railway.json").write_text('{\n  "deploy": {\n    "x": 1\n  }\n}\n')
    (base / "elsewhere.env").write_text("A=1\n")
    return root


@pytest.fixture(scope="module")
def emitted(root: Path) -> dict[str, str]:
    return _cases(root)


@pytest.fixture(scope="module")
def logs(emitted: dict[str, str]) -> dict[str, dict]:
    return {name: json.loads(text) for name, text in emitted.items()}


CASES = ["empty", "empty-no-rules", "every-severity", "suppressed", "notices", "paths",
         "truncated", "related-and-provenance", "real-bad-project", "real-audit",
         "monorepo-from-a-subfolder"]


def test_case_list_is_complete(emitted: dict[str, str]) -> None:
    assert sorted(emitted) == sorted(CASES)


# --- the validators ----------------------------------------------------------------------

@functools.cache
def _validator():
    from jsonschema.validators import validator_for

    schema = json.loads((SHARED_SARIF / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def _schema_errors(document: object) -> list[str]:
    validator = _validator()
    return sorted(f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                  for e in validator.iter_errors(document))


def _security_severity_problems(document: dict) -> list[str]:
    problems = []
    for run in document.get("runs", []):
        for rule in run["tool"]["driver"].get("rules", []):
            value = rule.get("properties", {}).get("security-severity")
            if value is None:
                continue
            try:
                ok = isinstance(value, str) and 0.0 < float(value) <= 10.0
            except ValueError:
                ok = False
            if not ok:
                problems.append(f"{rule['id']}: security-severity {value!r}")
    return problems


@pytest.mark.parametrize("case", CASES)
def test_valid_against_the_oasis_schema(logs: dict[str, dict], case: str) -> None:
    assert _schema_errors(logs[case]) == []


@pytest.mark.parametrize("case", CASES)
def test_security_severity_is_a_number_github_accepts(logs: dict[str, dict], case: str) -> None:
    assert _security_severity_problems(logs[case]) == []


def test_own_security_severity_check_catches_the_bad_fixture() -> None:
    bad = json.loads((EXAMPLES / "github-security-severity-not-number.sarif").read_text())
    assert _security_severity_problems(bad) == ["SEC001: security-severity 'high'"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_jsonschema_verdicts_on_the_fixtures(name: str) -> None:
    expected = EXPECTED[name]["jsonschema_draft4_oasis"]
    errors = _schema_errors(json.loads((EXAMPLES / name).read_text(encoding="utf-8")))
    assert errors == ([] if expected == "valid" else sorted(expected))


def test_multitool_github_rules(emitted: dict[str, str], tmp_path: Path) -> None:
    try:
        multitool.binary()
    except multitool.MultitoolMissing as exc:
        pytest.fail(str(exc))
    ours = {}
    for name, text in emitted.items():
        ours[name] = tmp_path / f"{name}.sarif"
        ours[name].write_text(text, encoding="utf-8")
    # Our logs first, then the fixtures: fixtures that must fail prove the run got past ours.
    fixtures = sorted(EXPECTED, key=lambda n: (n in POISON, n))
    problems = multitool.validate([*ours.values(), *(EXAMPLES / n for n in fixtures)],
                                  workdir=tmp_path)
    assert {name: problems[path.resolve()] for name, path in ours.items()} == {
        name: [] for name in ours}
    for name in fixtures:
        expected = EXPECTED[name][MULTITOOL_KEY]
        found = set(problems[(EXAMPLES / name).resolve()])
        assert found == (set() if expected == "clean" else set(expected)), name


# --- what the logs say -------------------------------------------------------------------

def _run(log: dict) -> dict:
    assert len(log["runs"]) == 1
    return log["runs"][0]


@pytest.mark.parametrize("case", CASES)
def test_shape_github_needs(logs: dict[str, dict], case: str, root: Path) -> None:
    log = logs[case]
    assert log["$schema"].endswith("2.1.0.json") and log["version"] == "2.1.0"
    run = _run(log)
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["semanticVersion"]) == ("etc-policy", "0.1.0")
    ids = [rule["id"] for rule in driver["rules"]]
    assert len(ids) == len(set(ids))
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["message"]["text"].strip()
        region = result["locations"][0]["physicalLocation"]["region"]
        assert (region["endLine"], region["endColumn"]) > (region["startLine"],
                                                             region["startColumn"])
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] and rule["help"]["markdown"]
        tags = rule["properties"]["tags"]
        assert len(tags) == len(set(tags)) <= 20
    assert run["columnKind"] == "unicodeCodePoints"
    # The CLI's %SRCROOT% is the repository root (the git top-level), whatever PATH was.
    expected_root = {"real-bad-project": REPO, "real-audit": REPO,
                     "monorepo-from-a-subfolder": root.parent / "mono repo"}.get(case, root)
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == expected_root.resolve().as_uri() + "/"
    assert run["invocations"][0]["executionSuccessful"] is True


def test_every_rule_is_described_with_its_pack_docs(logs: dict[str, dict]) -> None:
    rules = {r["id"]: r for r in _run(logs["empty"])["tool"]["driver"]["rules"]}
    assert list(rules) == [rule.id for rule in RULES]
    jwt = rules["SEC001"]
    assert jwt["name"] == "jwt-secret-weak"
    assert jwt["shortDescription"]["text"] == "Flags a weak JWT signing secret."
    assert jwt["fullDescription"]["text"] == FakeDocs.what
    for part in (FakeDocs.why, FakeDocs.example, FakeDocs.fix):
        assert part in jwt["help"]["text"] and part in jwt["help"]["markdown"]
    # The example holds a backtick: its fence must be longer than any run inside.
    assert f"```\n{FakeDocs.example}\n```" in jwt["help"]["markdown"]
    assert jwt["defaultConfiguration"]["level"] == "error"
    assert jwt["properties"]["tags"] == ["security", "secret", "jwt", "pack/secrets-hygiene"]
    # Derived from the severity for security rules; the rule's own score wins.
    assert jwt["properties"]["security-severity"] == "8.0"
    assert rules["SEC002"]["properties"]["security-severity"] == "9.3"
    assert rules["SEC003"]["properties"]["security-severity"] == "2.0"
    assert rules["SEC003"]["properties"]["tags"][:2] == ["security", "hygiene"]
    assert "security-severity" not in rules["RWY001"]["properties"]
    assert "security" not in rules["RWY001"]["properties"]["tags"]
    assert rules["RWY001"]["properties"]["problem.severity"] == "warning"
    assert rules["RWY002"]["properties"]["problem.severity"] == "recommendation"
    assert len(rules["RWY002"]["properties"]["tags"]) == 20


def test_category_and_levels(logs: dict[str, dict]) -> None:
    run = _run(logs["every-severity"])
    assert run["automationDetails"] == {"id": "etc-policy/production/"}
    assert _run(logs["empty"])["automationDetails"] == {"id": "etc-policy/"}
    levels = [r["level"] for r in run["results"]]
    assert levels == ["warning", "error", "error", "note", "note", "warning", "error"]


def _regions(log: dict) -> list[dict]:
    return [r["locations"][0]["physicalLocation"]["region"] for r in _run(log)["results"]]


def test_regions_are_one_based_with_exclusive_end(logs: dict[str, dict]) -> None:
    regions = _regions(logs["every-severity"])
    line2 = len(f"JWT_SECRET={FAKE_SECRET}")
    assert regions == [
        {"startLine": 1, "startColumn": 10, "endLine": 1, "endColumn": 21},
        {"startLine": 2, "startColumn": 12, "endLine": 2, "endColumn": line2 + 1},
        {"startLine": 5, "startColumn": 1, "endLine": 5,
         "endColumn": len("DATABASE_URL=postgres://user:FAKEpass@localhost:5432/db") + 1},
        {"startLine": 6, "startColumn": 1, "endLine": 6, "endColumn": 7},
        {"startLine": 2, "startColumn": 3, "endLine": 4, "endColumn": 2},
        {"startLine": 3, "startColumn": 5, "endLine": 3, "endColumn": 6},
        {"startLine": 99, "startColumn": 1, "endLine": 99, "endColumn": 2},
    ]


def test_line_hashes_are_github_s(logs: dict[str, dict], root: Path) -> None:
    expected = file_line_hashes(root / ".env.production")
    results = _run(logs["every-severity"])["results"]
    lines = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results]
    hashes = [r["partialFingerprints"].get("primaryLocationLineHash") for r in results]
    assert hashes[:4] == [expected[line] for line in lines[:4]]
    assert hashes[-1] is None            # no line 99: like upload-sarif, no hash
    assert all(r["partialFingerprints"]["etcPolicyFingerprint/v1"] for r in results)


def test_a_monorepo_from_a_subfolder_is_named_from_the_root(logs: dict[str, dict]) -> None:
    results = _run(logs["monorepo-from-a-subfolder"])["results"]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"])
            for r in results] == [
        ("DOT010", {"uri": "apps/web/.env.production", "uriBaseId": "%SRCROOT%"})]
    assert "primaryLocationLineHash" in results[0]["partialFingerprints"]


def test_paths_are_relative_encoded_uris(logs: dict[str, dict], root: Path) -> None:
    locations = [r["locations"][0]["physicalLocation"] for r in _run(logs["paths"])["results"]]
    artifacts = [loc["artifactLocation"] for loc in locations]
    assert artifacts == [
        {"uri": "app%20config/prod%20%C3%BC%20%231%2050%25.env", "uriBaseId": "%SRCROOT%"},
        {"uri": "railway.json", "uriBaseId": "%SRCROOT%"},
        {"uri": (root.parent / "elsewhere.env").resolve().as_uri()},
        {"uri": "missing.env", "uriBaseId": "%SRCROOT%"},
        {"uri": ".env.production", "uriBaseId": "%SRCROOT%"},
    ]
    fingerprints = [r.get("partialFingerprints", {}) for r in _run(logs["paths"])["results"]]
    assert fingerprints[0]["primaryLocationLineHash"] == file_line_hashes(root / ODD_PATH)[1]
    assert "primaryLocationLineHash" not in fingerprints[3]
    # A finding of a rule the caller did not pass still gets a descriptor at its index.
    rules = _run(logs["paths"])["tool"]["driver"]["rules"]
    assert rules[-1]["id"] == "SRC001" and rules[-1]["shortDescription"]["text"]


def test_suppressions(logs: dict[str, dict]) -> None:
    results = _run(logs["suppressed"])["results"]
    assert [r.get("suppressions") for r in results] == [
        [{"kind": "inSource"}], [{"kind": "external"}], [{"kind": "external"}], None,
        [{"kind": "inSource", "justification": "gitleaks:allow on line 3",
          "properties": {"dialect": "gitleaks"}}],
        [{"kind": "external", "justification": "hashed secret in .secrets.baseline",
          "properties": {"dialect": "secrets-baseline"}}]]


def test_notices_become_notifications(logs: dict[str, dict]) -> None:
    invocation = _run(logs["notices"])["invocations"][0]
    assert invocation["executionSuccessful"] is True
    assert [n["message"]["text"] for n in invocation["toolExecutionNotifications"]] == [
        "railway.json: skipped, 3 MB is over the size limit",
        "policy pack 'old' is deprecated; use 'railway-production'"]
    assert "toolExecutionNotifications" not in _run(logs["empty"])["invocations"][0]


def test_truncation_keeps_the_most_severe(logs: dict[str, dict]) -> None:
    run = _run(logs["truncated"])
    kept = [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
            for r in run["results"]]
    # The two errors and the first warning, in the report's order.
    assert kept == [("SEC001", 2), ("RWY001", 3), ("SEC001", 6)]
    notes = [n["message"]["text"] for n in run["invocations"][0]["toolExecutionNotifications"]]
    assert notes == ["4 of 7 results were left out: GitHub accepts at most 3 per run "
                     "(the most severe were kept)."]


def test_no_secret_and_no_hint_anywhere(emitted: dict[str, str]) -> None:
    # (the CLI's logs carry the packs' docs, whose examples are other fake values)
    cli_cases = {"real-bad-project", "real-audit", "monorepo-from-a-subfolder"}
    for text in (text for case, text in emitted.items() if case not in cli_cases):
        assert FAKE_SECRET not in text and FAKE_SECRET[:12] not in text
        assert FAKE_HINT not in text and "FAKEpass" not in text


def test_invalid_security_severity_is_refused(root: Path) -> None:
    rule = FakeRule("SEC009", "bad-score", security_severity=0.01)
    with pytest.raises(ValueError, match="SEC009"):
        render_sarif(Report(findings=()), [rule], root=root, tool_version="0.1.0")


def test_snapshot(emitted: dict[str, str], root: Path, snapshot: Callable) -> None:
    text = emitted["every-severity"].replace(root.resolve().as_uri(), "file:///ROOT")
    assert text == snapshot


def test_missing_multitool_is_a_clear_failure(monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: Path) -> None:
    monkeypatch.setattr(multitool, "BINARY", tmp_path / "Sarif.Multitool")
    with pytest.raises(multitool.MultitoolMissing, match="run `npm ci` in .*tests/sarif"):
        multitool.binary()


def test_written_sarif_is_the_rendered_text(tmp_path: Path) -> None:
    """`write_sarif` (what the commands use: results made as they are written, a stream)
    writes `render_sarif`'s text, a result for each of the real bad project's findings.
    (That a list made while encoding gives the whole list's text: test_json_reporter.)"""
    import io

    from etc_policy.commands.check import evaluate_projects
    from etc_policy.reporters.sarif import write_sarif

    checked = evaluate_projects([str(REPO / "fixtures" / "railway-app-bad")], packs=(),
                                config=None, environment=None)
    report = checked.report
    stream = io.StringIO()
    write_sarif(report, checked.rules, stream, root=REPO, tool_version="0.1.0")
    assert stream.getvalue() == render_sarif(report, checked.rules, root=REPO,
                                             tool_version="0.1.0")
    assert len(json.loads(stream.getvalue())["runs"][0]["results"]) == len(report.findings)


def test_related_locations_and_provenance(logs: dict[str, dict], root: Path) -> None:
    """One problem in several places: each other place is a relatedLocation (numbered, with
    its own region); the audit ties the run to its commit and generation time."""
    [run] = logs["related-and-provenance"]["runs"]
    [result] = run["results"]
    related = result["relatedLocations"]
    assert [r["id"] for r in related] == [1, 2]
    assert [r["physicalLocation"]["artifactLocation"]["uri"] for r in related] == \
        [".env.production", "app%20config/prod%20%C3%BC%20%231%2050%25.env"]
    assert [r["physicalLocation"]["region"]["startLine"] for r in related] == [5, 2]
    assert related[0]["message"]["text"] == "production DATABASE_URL."
    [provenance] = run["versionControlProvenance"]
    assert provenance == {"repositoryUri": root.resolve().as_uri() + "/",
                          "revisionId": "0123456789abcdef0123456789abcdef01234567",
                          "mappedTo": {"uriBaseId": "%SRCROOT%"}}
    assert run["invocations"][0]["endTimeUtc"] == "2026-12-04T21:02:24Z"
    assert run["properties"] == {"etcPolicyAudit": {"as_of": "2026-11-01"}}


def test_the_audit_reports_a_reused_secret_once_with_its_places(logs: dict[str, dict]) -> None:
    [run] = logs["real-audit"]["runs"]
    [reuse] = [r for r in run["results"] if r["ruleId"] == "SEC003"]
    uris = [reuse["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]] + [
        r["physicalLocation"]["artifactLocation"]["uri"] for r in reuse["relatedLocations"]]
    assert uris == [".env.production", "railway-variables.production.json", ".env.staging",
                    "railway-variables.staging.json"]
    [provenance] = run["versionControlProvenance"]
    assert len(provenance["revisionId"]) == 40
    audit = run["properties"]["etcPolicyAudit"]
    assert audit["as_of"] == "2026-11-01" and audit["tool"]["name"] == "etc-policy"
    assert [(x["key"], x["section"]) for x in audit["exposed"]] == [("OPENAI_API_KEY", "exposed")]
