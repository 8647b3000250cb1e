"""The rotation and audit JSON documents follow their published JSON Schemas
(docs/schemas/rotation.schema.json, audit.schema.json; findings as in report.schema.json)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest
from cli_support import run_main

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "docs" / "schemas"
AUDIT_PROJECT = ROOT / "fixtures" / "railway-app-audit"


@lru_cache(maxsize=None)
def _validator(name: str):  # noqa: ANN202
    import jsonschema
    from referencing import Registry, Resource

    resources = []
    for path in SCHEMAS.glob("*.schema.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((schema["$id"], Resource.from_contents(schema)))
    registry = Registry().with_resources(resources)
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, registry=registry,
                                           format_checker=jsonschema.FormatChecker())


@pytest.mark.parametrize("args", [
    ("rotation", "status", "-f", "json"),
    ("rotation", "report", "-f", "json", "--within", "400"),
    ("rotation", "report", "-f", "json", "--within", "0"),
])
def test_rotation_json_follows_its_schema(capsys, args: tuple[str, ...]) -> None:
    result = run_main(capsys, *args, str(AUDIT_PROJECT), "--as-of", "2026-11-29")
    assert result.code == 0, result.err
    document = json.loads(result.out)
    _validator("rotation.schema.json").validate(document)
    assert document["secrets"] or args[-1] == "0"


def test_audit_json_follows_its_schema(capsys) -> None:
    result = run_main(capsys, "audit", str(AUDIT_PROJECT), "-f", "json", "--as-of", "2026-11-29")
    assert result.code == 1, result.err
    document = json.loads(result.out)
    _validator("audit.schema.json").validate(document)
    assert document["environments"] and document["reuse"]


def test_the_schemas_reject_a_broken_document(capsys) -> None:
    import jsonschema

    result = run_main(capsys, "audit", str(AUDIT_PROJECT), "-f", "json", "--as-of", "2026-11-29")
    document = json.loads(result.out)
    document["environments"][0]["rotation"][0]["state"] = "late"
    with pytest.raises(jsonschema.ValidationError):
        _validator("audit.schema.json").validate(document)
