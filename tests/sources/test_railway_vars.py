from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etc_policy.errors import SourceError
from etc_policy.model import SourceKind
from etc_policy.sources.railway_vars import (
    load_railway_environment_config,
    load_railway_variables_json,
    load_railway_variables_kv,
    sniff_railway_export,
)

FIXTURES = Path(__file__).parent / "fixtures_railway"
CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpora"
SERVICE = "4f1c2a3b-0000-4000-8000-00000000a11c"
DATABASE_SERVICE = "9b8e7d6c-0000-4000-8000-0000000db000"


def codes(source) -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.column) for d in source.diagnostics]


# -- railway variables --json ---------------------------------------------------------------
def test_variables_json_entries_and_positions() -> None:
    path = FIXTURES / "variables.json"
    source = load_railway_variables_json(path, display_path="vars.json", environment="production")
    assert (source.kind, source.path, source.environment) == (SourceKind.RAILWAY_VARIABLES, "vars.json", "production")
    assert {e.key: e.value for e in source.entries} == json.loads(path.read_text("utf-8"))
    assert source.diagnostics == ()
    port = source.get("PORT")
    assert (port.line, port.column, port.value_line, port.value_column, port.end_line, port.end_column) == (
        11, 3, 11, 12, 11, 17)
    assert "\n" in source.get("JWT_PRIVATE_KEY").value  # escaped newlines decoded


def test_variables_json_non_string_values_are_diagnostics() -> None:
    source = load_railway_variables_json(FIXTURES / "variables_bad_types.json", display_path="v.json",
                                         environment=None)
    assert [e.key for e in source.entries] == ["NODE_ENV", "JWT_SECRET"]
    assert [(d.code, d.line, d.key, d.message) for d in source.diagnostics] == [
        ("railway-variables.syntax", 3, "PORT", "`PORT`: value must be a string, got a number"),
        ("railway-variables.syntax", 4, "USE_MOCK_OPENAI", "`USE_MOCK_OPENAI`: value must be a string, got a boolean"),
        ("railway-variables.syntax", 5, "NESTED", "`NESTED`: value must be a string, got an object"),
    ]


@pytest.mark.parametrize(("text", "expected", "fragment"), [
    ("[]", ("railway-variables.syntax", 1, 1), "got an array"),
    ('{"A": "1",}', ("railway-variables.syntax", 1, 10), "trailing comma"),
    ("", ("railway-variables.syntax", 1, 1), "empty file"),
    ('{\n  "A": "1",\n  "A": "2"\n}', ("railway-variables.duplicate-key", 3, 3), "defined twice"),
])
def test_variables_json_bad_shapes(tmp_path: Path, text: str, expected: tuple, fragment: str) -> None:
    path = tmp_path / "vars.json"
    path.write_text(text)
    source = load_railway_variables_json(path, display_path="vars.json", environment=None)
    assert codes(source) == [expected]
    assert fragment in source.diagnostics[0].message


def test_variables_json_empty_object_and_set_output() -> None:
    empty = load_railway_variables_json(FIXTURES / "variables_empty.json", display_path="e", environment=None)
    assert empty.entries == () and empty.diagnostics == ()
    set_output = load_railway_variables_json(FIXTURES / "variables_set_output.json", display_path="s",
                                             environment=None)
    assert codes(set_output) == [("railway-variables.syntax", 1, 9), ("railway-variables.syntax", 1, 28)]


# -- railway variables --kv -----------------------------------------------------------------
def test_kv_agrees_with_json_export_including_a_multiline_value() -> None:
    kv = load_railway_variables_kv(FIXTURES / "variables.kv", display_path="vars.kv", environment="production")
    exported = json.loads((FIXTURES / "variables.json").read_text("utf-8"))
    assert kv.kind is SourceKind.RAILWAY_VARIABLES_KV
    assert {e.key: e.value for e in kv.entries} == exported
    pem = kv.get("JWT_PRIVATE_KEY")
    assert (pem.line, pem.value_line, pem.value_column, pem.end_line) == (6, 6, 17, 9)
    assert [(d.code, d.message) for d in kv.diagnostics] == [(
        "railway-variables.kv-lossy",
        "`railway variables --kv` output cannot represent multi-line values reliably (no quoting); "
        "export with `railway variables --json` instead; 1 key read as multi-line here: JWT_PRIVATE_KEY")]


def test_kv_duplicates_equals_and_empty_values() -> None:
    source = load_railway_variables_kv(FIXTURES / "variables_duplicate.kv", display_path="d.kv", environment=None)
    assert [(e.key, e.value) for e in source.entries] == [
        ("NODE_ENV", "production"), ("PORT", "8080"), ("NODE_ENV", "development"),
        ("EQUALS_IN_VALUE", "a=b=c"), ("EMPTY", "")]
    assert source.get("NODE_ENV").value == "development"  # last wins
    assert codes(source) == [("railway-variables.kv-lossy", 1, 1), ("railway-variables.duplicate-key", 3, 1)]
    assert "(first at line 1)" in source.diagnostics[1].message


def test_kv_orphan_lines_crlf_and_trailing_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "vars.kv"
    path.write_bytes(b"not a variable line\r\nA=1\r\nB=two\r\n\r\n\r\n")
    source = load_railway_variables_kv(path, display_path="vars.kv", environment=None)
    assert [(e.key, e.value) for e in source.entries] == [("A", "1"), ("B", "two")]
    assert codes(source) == [("railway-variables.kv-lossy", 1, 1), ("railway-variables.syntax", 1, 1)]
    assert "not a variable" not in source.diagnostics[1].message


def test_kv_multiline_message_names_every_affected_key(tmp_path: Path) -> None:
    path = tmp_path / "vars.kv"
    path.write_text("A=line one\nline two\n\nline four\nB=x\nC=first\n  second\n")
    source = load_railway_variables_kv(path, display_path="vars.kv", environment=None)
    assert source.get("A").value == "line one\nline two\n\nline four"
    assert source.get("C").value == "first\n  second"
    assert source.diagnostics[0].message.endswith("2 keys read as multi-line here: A, C")


kv_names = st.from_regex(r"[A-Z_][A-Z0-9_]{0,10}", fullmatch=True)
kv_values = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x00"), max_size=20)


@settings(max_examples=100, deadline=None)
@given(variables=st.dictionaries(kv_names, kv_values, max_size=8))
def test_kv_round_trips_single_line_values(tmp_path_factory, variables: dict[str, str]) -> None:
    path = tmp_path_factory.mktemp("kv") / "vars.kv"
    path.write_text("".join(f"{k}={v}\n" for k, v in sorted(variables.items())), encoding="utf-8")
    source = load_railway_variables_kv(path, display_path="vars.kv", environment=None)
    assert {e.key: e.value for e in source.entries} == variables
    assert [d.code for d in source.diagnostics] == ["railway-variables.kv-lossy"]


# -- railway environment config --json ------------------------------------------------------
def test_environment_config_entries() -> None:
    source = load_railway_environment_config(FIXTURES / "environment_config.json", display_path="env.json",
                                             environment="production")
    assert source.kind is SourceKind.RAILWAY_ENVIRONMENT and source.diagnostics == ()
    rows = [(e.service, e.key, e.sealed, e.is_reference, e.value is None) for e in source.entries]
    assert rows == [
        (SERVICE, "DATABASE_URL", None, True, False),
        (SERVICE, "JWT_SECRET", True, False, True),
        (SERVICE, "OPENAI_API_KEY", False, False, False),
        (SERVICE, "NODE_ENV", None, False, False),
        (SERVICE, "PUBLIC_URL", None, True, False),
        (DATABASE_SERVICE, "POSTGRES_PASSWORD", None, False, False),
        (DATABASE_SERVICE, "DATABASE_URL", None, True, False),
        (None, "CLOUDINARY_URL", False, False, False),
        (None, "SENTRY_DSN", True, False, True),
    ]
    reference = source.entries[0]
    assert reference.value == "${{ Postgres.DATABASE_URL }}"  # kept unrendered
    assert (reference.line, reference.column, reference.value_line, reference.value_column) == (5, 9, 6, 21)
    sealed = source.entries[1]
    assert (sealed.line, sealed.value_line, sealed.value_column) == (8, 9, 20)


def test_environment_config_bad_shapes_are_diagnostics() -> None:
    source = load_railway_environment_config(FIXTURES / "environment_config_bad.json", display_path="bad.json",
                                             environment=None)
    assert [(e.key, e.value) for e in source.entries] == [("NODE_ENV", "production")]
    assert [(d.line, d.key) for d in source.diagnostics] == [
        (6, "/services/svc-1/variables/PORT/value"),
        (8, "/services/svc-1/variables/NODE_ENV"),
        (10, "/services/svc-1/variables/LIST"),
        (13, "/services/svc-2"),
        (15, "/sharedVariables"),
    ]
    assert {d.code for d in source.diagnostics} == {"railway-variables.syntax"}


def test_environment_config_not_an_object(tmp_path: Path) -> None:
    path = tmp_path / "env.json"
    path.write_text('"just a string"')
    source = load_railway_environment_config(path, display_path="env.json", environment=None)
    assert codes(source) == [("railway-variables.syntax", 1, 1)]


# -- secrets never leak ----------------------------------------------------------------------
SECRET_MARKERS = ("FAKE", "T3BlbkFJ", "PRIVATE KEY")


@pytest.mark.parametrize(("loader", "name"), [
    (load_railway_variables_json, "variables.json"),
    (load_railway_variables_json, "variables_bad_types.json"),
    (load_railway_variables_kv, "variables.kv"),
    (load_railway_environment_config, "environment_config.json"),
    (load_railway_environment_config, "environment_config_bad.json"),
])
def test_no_secret_in_repr_or_messages(loader, name: str) -> None:
    source = loader(FIXTURES / name, display_path=name, environment=None)
    shown = repr(source) + "".join(d.message for d in source.diagnostics)
    assert not any(marker in shown for marker in SECRET_MARKERS)


def test_unreadable_export_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="vars.json: file not found"):
        load_railway_variables_json(tmp_path / "nope.json", display_path="vars.json", environment=None)
    binary = tmp_path / "vars.kv"
    binary.write_bytes(b"A=\x00")
    with pytest.raises(SourceError, match="binary"):
        load_railway_variables_kv(binary, display_path="vars.kv", environment=None)


# -- sniffing -------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "kind"), [
    ("variables.json", SourceKind.RAILWAY_VARIABLES),
    ("variables_empty.json", SourceKind.RAILWAY_VARIABLES),
    ("environment_config.json", SourceKind.RAILWAY_ENVIRONMENT),
    ("environment_config_bad.json", SourceKind.RAILWAY_ENVIRONMENT),
    ("variables_bad_types.json", None),
    ("variables_set_output.json", None),
    ("registry_credentials.json", None),
    ("variables.kv", None),
    ("railway_positions.toml", None),
])
def test_sniff_fixtures(name: str, kind: SourceKind | None) -> None:
    assert sniff_railway_export(FIXTURES / name) is kind


def test_sniff_says_no_to_every_railway_config_and_to_missing_files(tmp_path: Path) -> None:
    configs = sorted((CORPUS / "railway-real").glob("*.json")) + sorted((CORPUS / "railway-invalid").glob("*.json"))
    assert {sniff_railway_export(path) for path in configs} == {None}
    assert sniff_railway_export(tmp_path / "missing.json") is None


def test_sniff_large_files_by_prefix(tmp_path: Path) -> None:
    big_vars = tmp_path / "vars.json"
    big_vars.write_text(json.dumps({f"KEY_{i:06d}": "v" * 60 for i in range(80_000)}, indent=2))
    big_env = tmp_path / "env.json"
    services = {f"svc-{i}": {"variables": {"K": {"value": "v" * 60, "isSealed": False}}} for i in range(40_000)}
    big_env.write_text(json.dumps({"services": services}, indent=2))
    assert big_vars.stat().st_size > 4 * 1024 * 1024 and big_env.stat().st_size > 4 * 1024 * 1024
    assert sniff_railway_export(big_vars) is SourceKind.RAILWAY_VARIABLES
    assert sniff_railway_export(big_env) is SourceKind.RAILWAY_ENVIRONMENT
