"""Property tests of the railway.json / railway.toml loader: whatever the bytes, it returns a
Source (or a one-line SourceError), every entry's pointer resolves in the parsed document at
a real line, and no diagnostic repeats a string value."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etc_policy.errors import SourceError
from etc_policy.sources.railway_config import load_railway_config

KEYS = st.sampled_from(["build", "deploy", "environments", "variables", "builder",
                        "healthcheckPath", "restartPolicyType", "numReplicas", "x", "$schema",
                        "registryCredentials", "password", "a/b", "t~x"])
SECRETISH = st.text(alphabet="abcdefXYZ0123456789", min_size=12, max_size=20).map(
    lambda s: f"VAL{s}")
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 300), SECRETISH,
                    st.sampled_from(["NEVER", "on_failure", "RAILPACK", "/api/health"]))
DOCUMENTS = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=5)), max_leaves=25)
SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def _resolve(document: object, pointer: str) -> object:
    node = document
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        node = node[int(token)] if isinstance(node, list) else node[token]  # type: ignore[index]
    return node


def _strings(document: object) -> list[str]:
    if isinstance(document, str):
        return [document]
    if isinstance(document, dict):
        return [s for v in document.values() for s in _strings(v)]
    if isinstance(document, list):
        return [s for v in document for s in _strings(v)]
    return []


@SETTINGS
@given(document=st.dictionaries(KEYS, DOCUMENTS, max_size=5), indent=st.sampled_from([None, 2]))
def test_json_entries_resolve_and_diagnostics_hide_values(tmp_path: Path, document: dict,
                                                          indent: int | None) -> None:
    path = tmp_path / "railway.json"
    text = json.dumps(document, indent=indent)
    path.write_text(text, encoding="utf-8")
    source = load_railway_config(path, display_path="railway.json")
    line_count = text.count("\n") + 1
    for entry in source.entries:
        assert _resolve(document, entry.key) == entry.value
        assert 1 <= entry.line <= line_count
    secrets = [s for s in _strings(document) if s.startswith("VAL")]
    for diagnostic in source.diagnostics:
        assert 1 <= diagnostic.line <= line_count
        assert not any(s in diagnostic.message for s in secrets), diagnostic.message


@SETTINGS
@given(data=st.binary(max_size=300))
def test_any_bytes_give_a_source_or_a_one_line_error(tmp_path: Path, data: bytes) -> None:
    for name in ("railway.json", "railway.toml"):
        path = tmp_path / name
        path.write_bytes(data)
        try:
            source = load_railway_config(path, display_path=name)
        except SourceError as error:
            assert "\n" not in str(error) and str(error).startswith(name)
            continue
        assert source.path == name


@SETTINGS
@given(document=st.dictionaries(st.sampled_from(["build", "deploy"]), st.dictionaries(
    st.sampled_from(["builder", "startCommand", "healthcheckPath", "numReplicas",
                     "restartPolicyType"]),
    st.one_of(SECRETISH, st.integers(0, 300), st.booleans()), max_size=4), max_size=2))
def test_toml_entries_resolve(tmp_path: Path, document: dict) -> None:
    lines = []
    for table, values in document.items():
        lines.append(f"[{table}]")
        lines.extend(f"{key} = {json.dumps(value)}" for key, value in values.items())
    text = "\n".join(lines) + "\n"
    assert tomllib.loads(text) == document
    path = tmp_path / "railway.toml"
    path.write_text(text, encoding="utf-8")
    source = load_railway_config(path, display_path="railway.toml")
    for entry in source.entries:
        assert _resolve(document, entry.key) == entry.value
        assert 1 <= entry.line <= len(lines)
        if entry.key.count("/") == 2:  # a leaf: its line holds its key
            assert lines[entry.line - 1].startswith(entry.key.rsplit("/", 1)[1])
