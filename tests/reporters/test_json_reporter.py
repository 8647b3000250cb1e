"""The JSON reporter: the documented contract, validated against docs/schemas."""

from __future__ import annotations

import json

from pathlib import Path

import jsonschema
import pytest

from etc_policy.findings import JSON_SCHEMA_VERSION, FailOn, Finding, Report, Severity
from etc_policy.model import Entry, Source, SourceKind
from etc_policy.reporters.json import dumps, inspect_document, report_document

SCHEMAS = Path(__file__).resolve().parents[2] / "docs" / "schemas"


def _valid(text: str, schema: str) -> dict:
    document = json.loads(text)
    jsonschema.Draft202012Validator(json.loads((SCHEMAS / schema).read_text())).validate(document)
    return document


def valid_report(text: str) -> dict:
    return _valid(text, "report.schema.json")


def valid_inspect(text: str) -> dict:
    return _valid(text, "inspect.schema.json")


FINDINGS = (
    Finding(rule_id="TST002", rule_name="node-env", severity=Severity.WARNING, message="m2",
            path="b/.env", line=4, column=2, end_line=4, end_column=9, key="NODE_ENV",
            environment="production", pack="cli-mini", hint="de…, 11 chars",
            fingerprint="0123456789abcdef0123456789abcdef"),
    Finding(rule_id="TST001", rule_name="key", severity=Severity.ERROR, message="m1",
            path="a/.env", line=1, fingerprint="fedcba9876543210fedcba9876543210",
            suppressed=True, suppression="inline"),
)


def test_report_document_contract() -> None:
    text = dumps(report_document(Report(findings=FINDINGS, files=("a/.env", "b/.env")),
                                 fail_on=FailOn.WARNING))
    document = valid_report(text)
    assert text.endswith("}\n")
    assert document["schema_version"] == JSON_SCHEMA_VERSION
    assert document["tool"]["name"] == "etc-policy"
    assert [f["rule_id"] for f in document["findings"]] == ["TST001", "TST002"]  # sorted
    assert document["findings"][1] == {
        "rule_id": "TST002", "rule_name": "node-env", "severity": "warning", "message": "m2",
        "path": "b/.env", "line": 4, "column": 2, "end_line": 4, "end_column": 9,
        "key": "NODE_ENV", "environment": "production", "pack": "cli-mini",
        "fingerprint": "0123456789abcdef0123456789abcdef", "suppressed": False,
        "suppression": None, "hint": "de…, 11 chars"}
    assert document["summary"] == {
        "files": 2, "findings": 1, "suppressed": 1,
        "by_severity": {"error": 0, "warning": 1, "note": 0}, "fail_on": "warning", "failing": 1}


def test_schema_rejects_a_broken_document() -> None:
    document = report_document(Report(findings=FINDINGS), fail_on=FailOn.ERROR)
    document["findings"][0]["severity"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        valid_report(json.dumps(document))


SOURCE = Source(path="railway.json", kind=SourceKind.RAILWAY_CONFIG, environment=None,
                entries=(Entry("/deploy/numReplicas", 2, 3, 5),
                         Entry("/deploy/registryCredentials/password", "FAKE-pass-123", 4, 7)))


@pytest.mark.parametrize("reveal", [False, True])
def test_inspect_document(reveal: bool) -> None:
    document = valid_inspect(dumps(inspect_document(
        [SOURCE], reveal=reveal, hint_of=lambda e: "h",
        reason_of=lambda e: "detector x" if "password" in e.key else None)))
    entries = document["sources"][0]["entries"]
    assert [e["secret"] for e in entries] == [False, True]
    assert entries[1]["secret_reason"] == "detector x"
    assert ("value" in entries[0]) is reveal
    if reveal:
        assert [e["value"] for e in entries] == [2, "FAKE-pass-123"]
    else:
        assert "FAKE-pass-123" not in json.dumps(document)


@pytest.mark.parametrize("findings", [(), FINDINGS[:1], FINDINGS, FINDINGS * 3000],
                         ids=["none", "one", "two", "six-thousand"])
def test_streamed_report_is_the_document(findings: tuple[Finding, ...]) -> None:
    """`write_report` (what the commands use: findings encoded one by one) writes exactly
    the text of the whole document, including the empty list and non-ASCII messages."""
    import io

    from etc_policy.reporters.json import write_report

    report = Report(findings=(*findings, Finding(
        rule_id="TST003", rule_name="ü", severity=Severity.NOTE, message="é “quoted” \\ \n",
        path="c/.env", line=3, fingerprint="ab" * 16)), notices=("a notice",))
    stream = io.StringIO()
    write_report(report, stream, fail_on=FailOn.WARNING)
    assert stream.getvalue() == dumps(report_document(report, fail_on=FailOn.WARNING))
    valid_report(stream.getvalue())
