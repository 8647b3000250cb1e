"""Every rule of every shipped pack has a failing and a passing fixture, and a snapshot.

tests/rules/<RULE_ID>/fail/ must give at least one active finding of that rule (its full
findings are a syrupy snapshot), tests/rules/<RULE_ID>/pass/ none. Both folders are read
like a project (discover + load_workspace; the file names decide the environment) and
evaluated with the full shipped pack set, at a fixed clock so date rules are stable (a
fixture's AS_OF file names another day, for rules that hold only after a date).
"""

from __future__ import annotations

import re
from contextlib import chdir
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest

from etc_policy.discovery import discover, load_workspace
from etc_policy.engine import evaluate
from etc_policy.findings import Finding
from etc_policy.policy import Pack, Rule, flatten, ignore_paths_of, load_pack, resolve_rules, \
    shipped_pack_names
from etc_policy.secrets.classify import SecretClassifier

RULES_DIR = Path(__file__).parent / "rules"
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
SHIPPED = ("railway-production", "secrets-hygiene", "dotenv")


@cache
def packs() -> tuple[Pack, ...]:
    return tuple(load_pack(name, base_dir=Path.cwd()) for name in shipped_pack_names())


@cache
def rules() -> tuple[Rule, ...]:
    return resolve_rules(packs(), {})


def every_rule() -> list[Rule]:
    # Every rule as written, including any a shipped pack disables by default.
    return [rule for pack in flatten(packs()) for rule in pack.rules]


def clock(folder: Path) -> datetime:
    """NOW, or the day in the fixture's AS_OF file (rules that hold only after a date)."""
    as_of = folder / "AS_OF"
    if not as_of.is_file():
        return NOW
    return datetime.fromisoformat(as_of.read_text().strip()).replace(hour=12, tzinfo=UTC)


def findings_for(folder: Path, rule: Rule) -> list[Finding]:
    # From inside the fixture, as a user runs it: paths are shown relative to the cwd.
    with chdir(folder):
        workspace = load_workspace(discover(folder), root=folder)
        if rule.kind == "no_secret_in_logs":
            return scan_findings(folder, workspace, rule)
        if rule.kind == "cross_service_reuse":
            return audit_findings(folder, rule)
        enabled = tuple(r for r in rules() if r.id != rule.id) + (rule,)
        report = evaluate(workspace, enabled, SecretClassifier.from_packs(packs()),
                          ignore_paths=ignore_paths_of(packs()), now=clock(folder))
    return [f for f in report.active() if f.rule_id == rule.id]


def scan_findings(folder: Path, workspace, rule: Rule) -> list[Finding]:  # noqa: ANN001
    """Log rules run in `etc-policy scan`: the folder's .env files are the secrets, its
    *.log files what is scanned (every log rule enabled, as the command does)."""
    from etc_policy.record import replace

    from etc_policy.commands.scan import scan_report

    logs = sorted(str(p) for p in folder.iterdir() if p.suffix in {".log", ".ndjson", ".gz"})
    log_rules = {r.id: r for r in rules() if r.kind == rule.kind} | {rule.id: rule}
    report = scan_report(logs, workspace=workspace, rules=log_rules, now=NOW,
                         classifier=SecretClassifier.from_packs(packs()))
    return [replace(f, path=Path(f.path).resolve().relative_to(folder.resolve()).as_posix())
            for f in report.active() if f.rule_id == rule.id]


def audit_findings(folder: Path, rule: Rule) -> list[Finding]:
    """Cross-service reuse runs in `etc-policy audit`, over every project of the folder (its
    apps/* hold their own railway.json: each is a project)."""
    from etc_policy.commands.audit import build_audit

    _, audit = build_audit([str(folder)], packs=(), config=None, fail_on=None,
                           as_of=NOW.date().isoformat())
    return [f for f in audit.combined.active() if f.rule_id == rule.id]


def as_row(finding: Finding) -> dict[str, object]:
    return {"rule_id": finding.rule_id, "path": finding.path, "line": finding.line,
            "column": finding.column, "key": finding.key, "severity": finding.severity.value,
            "message": finding.message, "hint": finding.hint}


def test_all_shipped_packs_are_present() -> None:
    assert set(SHIPPED) <= set(shipped_pack_names())


def test_rule_catalogue_is_complete() -> None:
    catalogue = every_rule()
    assert catalogue, "no shipped rules"
    ids = [r.id for r in catalogue]
    names = [r.name for r in catalogue]
    assert len(set(ids)) == len(ids), "duplicate rule ids"
    assert len(set(names)) == len(names), "duplicate rule names"
    for rule in catalogue:
        assert all(getattr(rule.docs, part).strip() for part in ("what", "why", "example", "fix")), rule.id
        assert (RULES_DIR / rule.id / "fail").is_dir(), f"{rule.id}: tests/rules/{rule.id}/fail/ missing"
        assert (RULES_DIR / rule.id / "pass").is_dir(), f"{rule.id}: tests/rules/{rule.id}/pass/ missing"
    stray = {p.name for p in RULES_DIR.iterdir() if p.is_dir()} - set(ids) if RULES_DIR.is_dir() else set()
    assert not stray, f"fixture folders without a rule: {sorted(stray)}"


def _rule_params() -> list[object]:
    return [pytest.param(rule, id=rule.id) for rule in every_rule()]


@pytest.mark.parametrize("rule", _rule_params())
def test_fail_fixture(rule: Rule, snapshot) -> None:  # noqa: ANN001 - syrupy fixture
    rows = [as_row(f) for f in findings_for(RULES_DIR / rule.id / "fail", rule)]
    assert rows, f"{rule.id}: the fail fixture gives no finding"
    assert rows == snapshot


@pytest.mark.parametrize("rule", _rule_params())
def test_pass_fixture(rule: Rule) -> None:
    rows = [as_row(f) for f in findings_for(RULES_DIR / rule.id / "pass", rule)]
    assert rows == []




def test_snapshots_and_fixture_hints_carry_no_full_values() -> None:
    """A hint shows at most 4 characters: no fixture value can be read back from a snapshot."""
    snapshot = Path(__file__).parent / "__snapshots__" / "test_rule_fixtures.ambr"
    if not snapshot.exists():
        pytest.fail("snapshot file missing: run pytest --snapshot-update once")
    for hint in re.findall(r"'hint': '([^']*)'", snapshot.read_text()):
        assert len(hint.split("…, ")[0]) <= 4 if "…, " in hint else hint.endswith(("chars", "char"))


# --- the example projects (fixtures/): the README's quickstart runs on them ----------------

FIXTURES = Path(__file__).parent.parent / "fixtures"


def project_report(name: str):  # noqa: ANN201
    """The example project as `etc-policy check` sees it: with its own config, which says
    its secrets are fake (`fake_secrets: true`: no SEC021 on its committed files)."""
    from etc_policy.commands.common import load_project

    folder = FIXTURES / name
    project = load_project(root=folder, config_file=None, packs=())
    with chdir(folder):
        workspace = load_workspace(discover(folder), root=folder)
        return workspace, evaluate(workspace, project.rules, SecretClassifier.from_packs(packs()),
                                   ignore_paths=ignore_paths_of(packs()), now=NOW)


def test_good_project_has_no_error_or_warning() -> None:
    """The one warning left is Railway's own: config as code (railway.json) is deprecated
    (cutoff 2026-12-01, RWY016), and the runbook still asks for railway.json."""
    _, report = project_report("railway-app-good")
    rows = [(f.rule_id, f.path, f.line) for f in report.active() if f.severity.value != "note"]
    assert rows == [("RWY016", "railway.json", 1)]
    assert report.notices == ()


def test_bad_project_breaks_every_railway_production_rule() -> None:
    """Every runbook rule; the input-format rules (source_diagnostic: syntax, duplicate
    keys, lossy --kv…) cannot all hold in one project and have their own fixtures."""
    _, report = project_report("railway-app-bad")
    (production,) = [p for p in flatten(packs()) if p.name == "railway-production"]
    broken = {f.rule_id for f in report.active()}
    # The railway.ts rules (tag iac) have their own project: railway-app-migrated.
    runbook = [r for r in production.rules if r.kind != "source_diagnostic" and "iac" not in r.tags]
    assert len(runbook) >= 15
    assert [r.id for r in runbook if r.id not in broken] == []
    assert report.notices == ()


def test_no_fixture_value_reaches_a_finding() -> None:
    for name in ("railway-app-good", "railway-app-bad"):
        workspace, report = project_report(name)
        values = {e.text for s in workspace.sources for e in s.entries
                  if e.text and len(e.text) >= 8 and SecretClassifier.from_packs(packs())(e)}
        rendered = repr(report)
        assert values and not [v for v in values if v in rendered]
