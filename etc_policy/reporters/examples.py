"""`etc-policy test`'s report: text (one line per failed example, then a summary) and JSON.

JSON: `{schema_version, tool, examples: [{rule_id, pack, example, ok, problem}], summary:
{examples, passed, failed}}`. Problems name lines and keys, never values.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any

from etc_policy.findings import JSON_SCHEMA_VERSION
from etc_policy.reporters.json import TOOL


def document(results: Sequence[Any]) -> dict[str, object]:
    failed = sum(1 for r in results if not r.ok)
    return {
        "schema_version": JSON_SCHEMA_VERSION,
        "tool": dict(TOOL),
        "examples": [{"rule_id": r.rule_id, "pack": r.pack, "example": r.example, "ok": r.ok,
                      "problem": r.problem} for r in results],
        "summary": {"examples": len(results), "passed": len(results) - failed,
                    "failed": failed},
    }


def render_text(results: Sequence[Any], stream: IO[str]) -> None:
    for result in results:
        if not result.ok:
            stream.write(f"FAIL {result.rule_id} ({result.pack}) {result.example}: "
                         f"{result.problem}\n")
    failed = sum(1 for r in results if not r.ok)
    rules = len({r.rule_id for r in results})
    stream.write(f"{len(results)} example(s) of {rules} rule(s): {len(results) - failed} "
                 f"passed, {failed} failed\n")
