"""schema_valid agrees with jsonschema: when it is sure (True/False), jsonschema says the same.

Corpora: every real and invalid Railway config, the fixture projects, and documents
generated from the schema's own vocabulary (keys, enum values, wrong types) by hypothesis.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft7Validator

from etc_policy.sources import railway_config
from etc_policy.sources.schema_valid import is_valid

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "data" / "corpora"
SCHEMA = railway_config._schema()
VALIDATOR = Draft7Validator(SCHEMA)


def _documents() -> list[tuple[str, Any]]:
    out = []
    paths = [p for folder in (CORPUS / "railway-real", CORPUS / "railway-invalid")
             for p in sorted(folder.iterdir()) if p.suffix in (".json", ".toml")]
    paths += [p for folder in (ROOT / "fixtures", ROOT / "tests")
              for name in ("railway.json", "railway.toml") for p in sorted(folder.rglob(name))
              if "node_modules" not in p.parts]
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
            document = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
        except (ValueError, UnicodeDecodeError):
            continue  # syntax errors never reach validation
        out.append((str(path.relative_to(ROOT.parent)), document))
    return out


DOCUMENTS = _documents()


def test_the_corpora_are_there() -> None:
    verdicts = [is_valid(SCHEMA, document) for _, document in DOCUMENTS]
    assert len(DOCUMENTS) >= 60
    # Both answers occur, and the fast path is sure about nearly every real config.
    assert verdicts.count(True) >= 10 and verdicts.count(False) >= 10
    assert verdicts.count(None) <= len(verdicts) // 10


@pytest.mark.parametrize("name, document", DOCUMENTS, ids=[name for name, _ in DOCUMENTS])
def test_agrees_with_jsonschema_on_real_configs(name: str, document: Any) -> None:
    verdict = is_valid(SCHEMA, document)
    if verdict is not None:
        assert verdict is VALIDATOR.is_valid(document)


def _vocabulary() -> tuple[list[str], list[Any]]:
    keys: set[str] = set()
    values: set[Any] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, child in node.get("properties", {}).items():
                keys.add(key)
                walk(child)
            for key, child in node.items():
                if key in ("enum",):
                    values.update(v for v in child if isinstance(v, str))
                elif key == "const":
                    values.add(child)
                elif key != "properties":
                    walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(SCHEMA)
    return sorted(keys), sorted(values, key=repr)


KEYS, ENUMS = _vocabulary()
_scalars = st.one_of(
    st.sampled_from(ENUMS), st.sampled_from(ENUMS).map(str.lower), st.text(max_size=6),
    st.integers(-5, 5000), st.floats(allow_nan=False, allow_infinity=False), st.booleans(),
    st.none())
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=4)), inner,
                        max_size=4)),
    max_leaves=12)
_documents_strategy = st.dictionaries(
    st.sampled_from(["build", "deploy", "$schema", "environments", "extra"]),
    st.one_of(_values, st.dictionaries(st.sampled_from(KEYS), _values, max_size=6)),
    max_size=4)


@settings(max_examples=400, deadline=None)
@given(document=_documents_strategy)
def test_agrees_with_jsonschema_on_generated_documents(document: dict[str, Any]) -> None:
    verdict = is_valid(SCHEMA, document)
    if verdict is not None:
        assert verdict is VALIDATOR.is_valid(document)


@pytest.mark.parametrize("schema, document, expected", [
    ({"type": "integer"}, 1.0, True),                 # Draft 7: 1.0 is an integer
    ({"type": "integer"}, True, False),               # a boolean is not a number
    ({"enum": [1]}, True, False),                     # True != 1 in JSON Schema
    ({"const": 1}, 1.0, True),
    ({"$ref": "#/definitions/x", "type": "string", "definitions": {"x": {"type": "integer"}}},
     5, True),                                        # Draft 7: $ref's siblings are ignored
    ({"format": "email"}, "x", None),                 # unknown keyword: unsure
    ({"$ref": "other.json#/x"}, 5, None),             # remote reference: unsure
    ({"type": "string"}, ("tuple",), None),           # not a JSON value: unsure
])
def test_edge_cases(schema: dict[str, Any], document: Any, expected: bool | None) -> None:
    assert is_valid(schema, document) is expected
    if expected is not None:
        assert Draft7Validator(schema).is_valid(document) is expected
