from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

from pydantic import BaseModel, ConfigDict

from etc_policy.checks.base import CheckContext, Hit
from etc_policy.engine import evaluate
from etc_policy.findings import Severity, fingerprint
from etc_policy.model import Diagnostic, Entry, Source, SourceKind, Workspace
from etc_policy.policy import Docs, Rule, Select
from etc_policy.secrets.classify import SecretClassifier
from etc_policy.sources.dotenv import parse_dotenv

FAKE_SECRET = "sk-proj-FAKEtestValue0123456789abcdef"


class NoParams(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _flag_every_entry(params: NoParams, ctx: CheckContext) -> Iterator[Hit]:
    yield Hit(message=f"{ctx.entry.key} seen", entry=ctx.entry, hint="sk-p…, 36 chars")


def _whole_source(params: NoParams, ctx: CheckContext) -> Iterator[Hit]:
    yield Hit(message=f"{len(ctx.entries)} selected", line=1)


def _workspace(params: NoParams, ctx: CheckContext) -> Iterator[Hit]:
    for source in ctx.workspace.sources:
        yield Hit(message="across", source=source, line=2)


def _explodes(params: NoParams, ctx: CheckContext) -> Iterator[Hit]:
    raise ValueError(f"boom {ctx.entry.value}")  # a careless check putting a value in an error
    yield  # pragma: no cover


def _kind(name: str, scope: str, check, **extra) -> SimpleNamespace:  # noqa: ANN001
    return SimpleNamespace(KIND=name, SCOPE=scope, Params=NoParams, check=check, **extra)


REGISTRY = {
    "every": _kind("every", "entry", _flag_every_entry),
    "whole": _kind("whole", "source", _whole_source),
    "across": _kind("across", "workspace", _workspace),
    "explodes": _kind("explodes", "entry", _explodes),
    "config_only": _kind("config_only", "source", _whole_source,
                         DEFAULT_SOURCES=(SourceKind.RAILWAY_CONFIG,)),
    "reads_unparsed": _kind("reads_unparsed", "source", _whole_source, READS_UNPARSED=True),
}
DOCS = Docs(what="w", why="y", example="e", fix="f")


def rule(rule_id: str, kind: str, *, name: str | None = None, **select: object) -> Rule:
    return Rule(id=rule_id, name=name or rule_id.lower(), severity=Severity.ERROR, pack="test",
                select=Select(**select), kind=kind, params=NoParams(), docs=DOCS)


def dotenv(path: str, text: str, environment: str | None = "production") -> Source:
    entries, diagnostics = parse_dotenv(text)
    return Source(path=path, kind=SourceKind.DOTENV, environment=environment, entries=entries,
                  diagnostics=diagnostics, text=text)


def workspace(*sources: Source) -> Workspace:
    return Workspace(root=Path("."), sources=sources)


CLASSIFIER = SecretClassifier(keys=[("(?i).*(SECRET|API_KEY)", "test")], detectors=["openai"])
PROD = dotenv(".env.production", f"OPENAI_API_KEY={FAKE_SECRET}\nPORT=3000\nJWT_SECRET=\nPORT=8080\n")


def run(*rules: Rule, ws: Workspace | None = None, **kwargs):  # noqa: ANN003, ANN201
    return evaluate(ws or workspace(PROD), rules, CLASSIFIER, registry=REGISTRY, **kwargs)


def test_entry_findings_carry_everything_once() -> None:
    report = run(rule("TST001", "every", keys=("OPENAI_API_KEY",)))
    (finding,) = report.findings
    assert (finding.rule_id, finding.rule_name, finding.severity, finding.pack) == (
        "TST001", "tst001", Severity.ERROR, "test")
    assert (finding.path, finding.line, finding.column, finding.key) == (".env.production", 1, 1, "OPENAI_API_KEY")
    assert finding.environment == "production" and finding.hint == "sk-p…, 36 chars"
    assert finding.fingerprint == fingerprint(rule_id="TST001", path=".env.production", key="OPENAI_API_KEY")
    assert not finding.suppressed and report.files == (".env.production",) and report.notices == ()


def test_effective_entries_last_wins() -> None:
    (finding,) = run(rule("TST001", "every", keys=("PORT",))).findings
    assert finding.line == 4


def test_selection_by_pattern_secret_and_both() -> None:
    keys = lambda report: [f.key for f in report.findings]  # noqa: E731
    assert keys(run(rule("TST001", "every", key_pattern="P.*"))) == ["PORT"]
    assert keys(run(rule("TST001", "every", secrets=True))) == ["OPENAI_API_KEY", "JWT_SECRET"]
    assert keys(run(rule("TST001", "every", key_pattern=".*SECRET", secrets=True))) == ["JWT_SECRET"]
    assert keys(run(rule("TST001", "every"))) == ["OPENAI_API_KEY", "JWT_SECRET", "PORT"]


def test_environment_and_source_selection() -> None:
    staging = dotenv(".env.staging", "OPENAI_API_KEY=x\n", environment="staging")
    unknown = dotenv(".env", "OPENAI_API_KEY=x\n", environment=None)
    ws = workspace(PROD, staging, unknown)
    paths = lambda report: [f.path for f in report.findings]  # noqa: E731
    assert paths(run(rule("TST001", "every", keys=("OPENAI_API_KEY",), environments=("staging", None)), ws=ws)) == [
        ".env", ".env.staging"]
    assert paths(run(rule("TST001", "every", keys=("OPENAI_API_KEY",), sources=(SourceKind.RAILWAY_VARIABLES,)), ws=ws)) == []


def test_a_variables_file_without_environment_gets_a_notice_naming_what_skipped_it() -> None:
    unknown = dotenv(".env", "OPENAI_API_KEY=x\n", environment=None)
    template = dotenv(".env.example", "OPENAI_API_KEY=\n", environment=None)
    config = Source(path="railway.json", kind=SourceKind.RAILWAY_CONFIG, environment=None)
    ws = workspace(PROD, unknown, template, config)
    rules = (rule("TST001", "every", environments=("production",)),
             rule("TST002", "whole", environments=("production", "staging")),
             rule("TST003", "config_only", environments=("production",)),  # config only
             rule("TST004", "every", environments=("staging", None)),       # runs on it
             rule("TST005", "every"))                                       # runs everywhere
    report = run(*rules, ws=ws)
    assert report.notices == (
        ".env: its environment is not named (by the file name, --environment or the config), "
        "so 2 rules for production, staging skipped it",)
    assert run(rule("TST005", "every"), ws=ws).notices == ()


def test_source_and_workspace_scopes_and_default_sources() -> None:
    config = Source(path="railway.json", kind=SourceKind.RAILWAY_CONFIG, environment=None,
                    entries=(Entry(key="/deploy/healthcheckPath", value="/api/health", line=3),))
    ws = workspace(PROD, config)
    whole = run(rule("TST001", "whole", keys=("PORT", "JWT_SECRET")), ws=ws)
    assert [(f.path, f.message, f.key) for f in whole.findings] == [
        (".env.production", "2 selected", None), ("railway.json", "0 selected", None)]
    assert whole.findings[0].fingerprint == fingerprint(rule_id="TST001", path=".env.production",
                                                        key=None, extra="2 selected")
    only_config = run(rule("TST002", "config_only"), ws=ws)
    assert [f.path for f in only_config.findings] == ["railway.json"]
    pointer = run(rule("TST003", "every", pointer="/deploy/healthcheckPath"), ws=ws)
    assert [(f.path, f.key, f.line) for f in pointer.findings] == [("railway.json", "/deploy/healthcheckPath", 3)]
    across = run(rule("TST004", "across", environments=("production",)), ws=ws)
    assert [(f.path, f.line) for f in across.findings] == [(".env.production", 2)]


def test_a_source_that_did_not_parse_reaches_only_kinds_that_read_unparsed_files() -> None:
    broken = Source(path="railway-variables.production.json", kind=SourceKind.RAILWAY_VARIABLES,
                    environment="production", entries=(Entry(key="PORT", value="1", line=1),),
                    diagnostics=(Diagnostic(code="railway-variables.syntax", message="invalid JSON",
                                            line=2),))
    ws = workspace(PROD, broken)
    for kind in ("every", "whole", "across"):
        report = run(rule("TST001", kind), ws=ws)
        assert report.findings and {f.path for f in report.findings} == {".env.production"}, kind
    unparsed = run(rule("TST002", "reads_unparsed"), ws=ws)
    assert {f.path for f in unparsed.findings} == {".env.production", broken.path}
    # A diagnostic that is not a syntax failure leaves the file to every rule.
    partial = Source(path="railway.json", kind=SourceKind.RAILWAY_CONFIG, environment=None,
                     diagnostics=(Diagnostic(code="railway-config.schema", message="m", line=1),))
    assert [f.path for f in run(rule("TST003", "config_only"), ws=workspace(partial)).findings] == [
        "railway.json"]


def test_ignore_paths_drop_sources() -> None:
    ws = workspace(PROD, dotenv("fixtures/bad/.env.production", "OPENAI_API_KEY=x\n"))
    report = run(rule("TST001", "every", keys=("OPENAI_API_KEY",)), ws=ws, ignore_paths=("fixtures/**",))
    assert [f.path for f in report.findings] == [".env.production"]
    assert report.files == (".env.production",)


def test_a_raising_check_becomes_a_notice_without_the_value() -> None:
    report = run(rule("TST001", "explodes", keys=("OPENAI_API_KEY",)), rule("TST002", "every", keys=("PORT",)))
    assert [f.rule_id for f in report.findings] == ["TST002"]
    assert report.notices == ("TST001: check 'explodes' failed on .env.production (ValueError); "
                              "its findings are missing",)
    assert FAKE_SECRET not in repr(report)


def test_reserved_kind_rules_are_skipped() -> None:
    reserved = Rule(id="TST009", name="later", severity=Severity.NOTE, pack="test", select=Select(),
                    kind="rotation_age", params=None, docs=DOCS)
    assert run(reserved).findings == ()


def test_inline_suppressions() -> None:
    text = (
        "A=1 # etc-policy: ignore TST001\n"
        "# etc-policy: ignore TST002, tst001\n"
        "B=2\n"
        "C=3 # etc-policy: ignore all\n"
        "D=4 # etc-policy: ignore TST002\n"
        "E=5\n"
    )
    ws = workspace(dotenv(".env.production", text))
    report = run(rule("TST001", "every"), ws=ws)
    state = {f.key: (f.suppressed, f.suppression) for f in report.findings}
    assert state == {"A": (True, "inline"), "B": (True, "inline"), "C": (True, "inline"),
                     "D": (False, None), "E": (False, None)}
    assert len(report.active()) == 2


def test_suppression_by_rule_name_and_only_in_dotenv() -> None:
    ws = workspace(dotenv(".env.production", "A=1 # etc-policy: ignore my-rule\n"))
    (finding,) = run(rule("TST001", "every", name="my-rule"), ws=ws).findings
    assert finding.suppressed


def test_findings_are_sorted() -> None:
    ws = workspace(dotenv("b/.env", "Z=1\nA=2\n"), dotenv("a/.env", "M=1\n"))
    report = run(rule("TST002", "every"), rule("TST001", "every"), ws=ws)
    assert [(f.path, f.line, f.rule_id) for f in report.findings] == [
        ("a/.env", 1, "TST001"), ("a/.env", 1, "TST002"), ("b/.env", 1, "TST001"),
        ("b/.env", 1, "TST002"), ("b/.env", 2, "TST001"), ("b/.env", 2, "TST002")]


def test_classifier_sees_entries_through_the_context() -> None:
    seen: list[tuple[str, bool]] = []

    def probe(params: NoParams, ctx: CheckContext) -> Iterator[Hit]:
        seen.append((ctx.entry.key, ctx.is_secret(ctx.entry)))
        return iter(())

    registry = {"probe": _kind("probe", "entry", probe)}
    evaluate(workspace(PROD), [rule("TST001", "probe")], CLASSIFIER, registry=registry)
    assert seen == [("OPENAI_API_KEY", True), ("PORT", False), ("JWT_SECRET", True)]
