"""The JSON documents of `check` and `inspect` (contract: docs/JSON.md, schemas beside it).

Stable and versioned by `findings.JSON_SCHEMA_VERSION`. Secret values never appear: a
finding carries at most its redacted `hint`; `inspect` shows an entry's `value` only when
the user asked with `--reveal`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any

from etc_policy import __version__
from etc_policy.findings import JSON_SCHEMA_VERSION, FailOn, Finding, Location, Report
from etc_policy.model import Entry, Source

TOOL = {"name": "etc-policy", "version": __version__}

ReasonOf = Callable[[Entry], str | None]
HintOf = Callable[[Entry], str | None]


def report_document(report: Report, *, fail_on: FailOn) -> dict[str, object]:
    document = _report_shape(report, fail_on=fail_on)
    document["findings"] = list(document["findings"])  # type: ignore[call-overload]
    return document


def write_report(report: Report, stream: IO[str], *, fail_on: FailOn) -> None:
    """`dumps(report_document(...))`, written as it is encoded: each finding's object is
    made when its turn comes, so a scan with thousands of findings never holds them all as
    dicts plus the whole text (a 1 GiB log's 8,960 findings: ~35 MiB less at the peak)."""
    write_document(_report_shape(report, fail_on=fail_on), stream)


def write_document(document: object, stream: IO[str]) -> None:
    """`dumps(document)`, written as it is encoded, in pieces of a few thousand tokens."""
    encoder = json.JSONEncoder(indent=2, ensure_ascii=False, default=str)
    pending: list[str] = []
    for piece in encoder.iterencode(document):
        pending.append(piece)
        if len(pending) >= 4096:
            stream.write("".join(pending))
            pending.clear()
    pending.append("\n")
    stream.write("".join(pending))


class MadeList(list):  # type: ignore[type-arg]
    """A list to json's encoder whose items are made one by one as they are written (the
    pure-Python encoder, used whenever `indent` is set, asks only its length and iterates)."""

    def __init__(self, items: Sequence[Any], make: Callable[[Any], object]) -> None:
        super().__init__()
        self._items = items
        self._make = make

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[object]:  # type: ignore[override]
        return map(self._make, self._items)


def _report_shape(report: Report, *, fail_on: FailOn) -> dict[str, object]:
    findings = sorted(report.findings, key=Finding.sort_key)
    summary = dict(report.summary())
    summary["fail_on"] = fail_on.value
    summary["failing"] = len(report.failing(fail_on))
    return {
        "schema_version": JSON_SCHEMA_VERSION,
        "tool": dict(TOOL),
        "findings": MadeList(findings, finding_object),
        "summary": summary,
        "notices": list(report.notices),
    }


def finding_object(finding: Finding) -> dict[str, object]:
    item: dict[str, object] = {
        "rule_id": finding.rule_id,
        "rule_name": finding.rule_name,
        "severity": finding.severity.value,
        "message": finding.message,
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.end_line,
        "end_column": finding.end_column,
        "key": finding.key,
        "environment": finding.environment,
        "pack": finding.pack,
        "fingerprint": finding.fingerprint,
        "suppressed": finding.suppressed,
        "suppression": finding.suppression,
        "hint": finding.hint,
    }
    if finding.suppressed_by is not None:  # who accepted it (schema 1.1)
        by = finding.suppressed_by
        item["suppressed_by"] = {"kind": by.kind, "dialect": by.dialect,
                                 "justification": by.justification}
    if finding.encoding is not None:  # scan findings only: how the value appeared in the log
        item["encoding"] = finding.encoding
    if finding.related:  # one problem in several places (a secret reused across environments)
        item["related_locations"] = [location_object(place) for place in finding.related]
    return item


def location_object(place: Location) -> dict[str, object]:
    return {"path": place.path, "line": place.line, "column": place.column, "key": place.key,
            "environment": place.environment}


def inspect_document(sources: Sequence[Source], *, reason_of: ReasonOf, hint_of: HintOf,
                     reveal: bool) -> dict[str, object]:
    return {
        "schema_version": JSON_SCHEMA_VERSION,
        "tool": dict(TOOL),
        "revealed": reveal,
        "sources": [_source_object(source, reason_of=reason_of, hint_of=hint_of, reveal=reveal)
                    for source in sources],
    }


def _source_object(source: Source, *, reason_of: ReasonOf, hint_of: HintOf,
                   reveal: bool) -> dict[str, object]:
    return {
        "path": source.path,
        "kind": source.kind.value,
        "environment": source.environment,
        "service": source.service,
        "entries": [_entry_object(entry, reason=reason_of(entry), hint=hint_of(entry),
                                  reveal=reveal) for entry in source.entries],
        "diagnostics": [{"code": d.code, "message": d.message, "line": d.line,
                         "column": d.column, "key": d.key} for d in source.diagnostics],
    }


def _entry_object(entry: Entry, *, reason: str | None, hint: str | None,
                  reveal: bool) -> dict[str, object]:
    item: dict[str, object] = {
        "key": entry.key,
        "line": entry.line,
        "column": entry.column,
        "service": entry.service,
        "sealed": entry.sealed,
        "reference": entry.is_reference,
        "encrypted": entry.ciphertext or entry.decrypted_from,
        "decrypted": entry.decrypted_from is not None,
        "origin": entry.origin,
        "secret": reason is not None,
        "secret_reason": reason,
        "hint": hint,
    }
    if reveal:
        item["value"] = entry.value
    return item


def _example_object(example: Any) -> dict[str, object]:
    item: dict[str, object] = {"name": example.name, "files": example.inputs()}
    if example.findings is not None:
        item["findings"] = [{"line": f.line, "key": f.key, "message": f.message}
                            for f in example.findings]
    if example.as_of is not None:
        item["as_of"] = example.as_of
    return item


def dumps(document: dict[str, object]) -> str:
    """Pretty, deterministic, UTF-8 friendly; always ends with a newline."""
    return json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n"


def rules_document(rules: Sequence[Any]) -> dict[str, object]:
    return {
        "schema_version": JSON_SCHEMA_VERSION,
        "tool": dict(TOOL),
        "rules": [rule_object(rule, docs=False) for rule in rules],
    }


def rule_object(rule: Any, *, docs: bool) -> dict[str, object]:
    """A `policy.Rule` (duck-typed: reporters do not import the policy layer)."""
    item: dict[str, object] = {
        "id": rule.id,
        "name": rule.name,
        "severity": str(rule.severity),
        "pack": rule.pack,
        "kind": rule.kind,
        "tags": list(rule.tags),
        "security_severity": rule.security_severity,
    }
    if docs:
        item["docs"] = {part: getattr(rule.docs, part) for part in ("what", "why", "example", "fix")}
        examples = getattr(rule, "examples", None)
        if examples is not None:
            item["examples"] = {group: [_example_object(e) for e in getattr(examples, group)]
                                for group in ("must_fail", "must_pass")}
    return item
