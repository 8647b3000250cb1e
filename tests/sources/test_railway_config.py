from __future__ import annotations

import csv
from pathlib import Path

import pytest

from etc_policy.errors import SourceError
from etc_policy.model import SourceKind
from etc_policy.sources.railway_config import load_railway_config

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpora"
REAL = CORPUS / "railway-real"
INVALID = CORPUS / "railway-invalid"
FIXTURES = Path(__file__).parent / "fixtures_railway"
REAL_FILES = sorted(p for p in REAL.iterdir() if p.suffix in (".json", ".toml"))


def load(path: Path, **kwargs):
    return load_railway_config(path, display_path=path.name, **kwargs)


def manifest() -> dict[str, str]:
    with (REAL / "MANIFEST.tsv").open(newline="") as handle:
        return {row["file"]: row["features"] for row in csv.DictReader(handle, delimiter="\t")}


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.name)
def test_real_configs_load_and_their_known_mistakes_are_found(path: Path) -> None:
    features = manifest()[path.name].split(",")
    source = load(path)
    assert source.kind is SourceKind.RAILWAY_CONFIG
    assert source.entries and isinstance(source.document, dict)
    assert not [d for d in source.diagnostics if d.code == "railway-config.syntax"]
    # MANIFEST lists unknown top-level keys (UNKNOWN_TOP:a|b) and one LOWER_ENUM per lowercase enum.
    expected_unknown = {f"/{key}" for f in features if f.startswith("UNKNOWN_TOP:")
                        for key in f.split(":", 1)[1].split("|")}
    found_unknown = {d.key for d in source.diagnostics
                     if d.code == "railway-config.unknown-key" and d.key.count("/") == 1}
    assert found_unknown == expected_unknown
    enum_case = [d for d in source.diagnostics if d.code == "railway-config.enum-case"]
    assert len(enum_case) == features.count("LOWER_ENUM")
    for diagnostic in source.diagnostics:  # every diagnostic sits on the line of its key
        entry = source.get(diagnostic.key)
        assert entry is not None and diagnostic.line in (entry.line, entry.value_line)


def test_real_mistakes_have_readable_messages() -> None:
    source = load(REAL / "AmirAdarGit__recipe-sharing-app.toml")
    found = [(d.code, d.line, d.column, d.message) for d in source.diagnostics]
    assert found == [
        ("railway-config.enum-case", 2, 12, "`/build/builder`: enum value in the wrong case; use `NIXPACKS`"),
        ("railway-config.enum-case", 9, 22,
         "`/deploy/restartPolicyType`: enum value in the wrong case; use `ON_FAILURE`"),
        ("railway-config.unknown-key", 12, 2,
         "`/variables`: key `variables` is not allowed at the top level; config as code cannot set "
         "variables: set them in the Railway service instead"),
    ]
    messages = [d.message for d in load(REAL / "1amLonewolf__BuytopiaMarketplace.json").diagnostics]
    assert messages == [
        "`/build/startCommand`: key `startCommand` is not allowed in `/build`; it belongs in `deploy`",
        "`/deploy/healthCheckPath`: key `healthCheckPath` is not allowed in `/deploy`; "
        "did you mean `healthcheckPath`?",
    ]


def test_real_corpus_diagnostics_snapshot(snapshot) -> None:
    found = {path.name: [(d.code, d.line, d.column, d.key, d.message) for d in load(path).diagnostics]
             for path in REAL_FILES}
    assert found == snapshot


INVALID_CASES = [
    # file, code, line, column, message fragment
    ("trailing_comma.json", "railway-config.syntax", 10, 34, "trailing comma"),
    ("line_comments.json", "railway-config.syntax", 4, 28, "comments are not allowed in JSON"),
    ("bom.json", "railway-config.syntax", 1, 1, "UTF-8 BOM"),
    ("truncated.json", "railway-config.syntax", 10, 1, "unexpected end of file"),
    ("single_quotes.json", "railway-config.syntax", 2, 3, "single quotes are not allowed"),
    ("duplicate_deploy_key.json", "railway-config.duplicate-key", 28, 3,
     "`/deploy` is defined twice (first at line 6)"),
    ("healthcheck_timeout_string.json", "railway-config.type", 8, 28,
     "`/deploy/healthcheckTimeout`: expected number, got string"),
    ("top_level_array.json", "railway-config.schema", 1, 1, "the top level must be an object, not an array"),
    ("empty.json", "railway-config.syntax", 1, 1, "empty file"),
    ("unquoted_value.toml", "railway-config.syntax", 4, 11, "TOML strings must be quoted"),
    ("duplicate_table.toml", "railway-config.syntax", 12, 8, "`deploy` is declared twice"),
    ("json_in_toml.toml", "railway-config.syntax", 1, 1, "this looks like JSON"),
]


def test_invalid_table_covers_the_whole_corpus() -> None:
    with (INVALID / "INDEX.tsv").open(newline="") as handle:
        indexed = {row["file"] for row in csv.DictReader(handle, delimiter="\t")}
    assert indexed == {case[0] for case in INVALID_CASES}


@pytest.mark.parametrize(("name", "code", "line", "column", "fragment"), INVALID_CASES,
                         ids=[case[0] for case in INVALID_CASES])
def test_invalid_configs_yield_the_expected_diagnostic(name: str, code: str, line: int, column: int,
                                                       fragment: str) -> None:
    source = load(INVALID / name)
    matching = [d for d in source.diagnostics if d.code == code]
    assert matching, source.diagnostics
    assert (matching[0].line, matching[0].column) == (line, column)
    assert fragment in matching[0].message
    if code == "railway-config.syntax":
        assert source.entries == () and source.document is None
        assert len(source.diagnostics) == 1


def test_schema_problems_in_an_invalid_file_are_all_reported() -> None:
    source = load(INVALID / "healthcheck_timeout_string.json")
    assert [(d.code, d.line, d.key, d.message) for d in source.diagnostics] == [
        ("railway-config.type", 8, "/deploy/healthcheckTimeout",
         "`/deploy/healthcheckTimeout`: expected number, got string"),
        ("railway-config.schema", 9, "/deploy/numReplicas", "`/deploy/numReplicas`: must be at least 1"),
    ]


def test_duplicate_key_entries_follow_the_document_last_one_wins() -> None:
    source = load(INVALID / "duplicate_deploy_key.json")
    assert source.document["deploy"] == {"startCommand": "node other.js"}
    assert source.get("/deploy/healthcheckPath") is None
    entry = source.get("/deploy/startCommand")
    assert (entry.line, entry.column, entry.value_line, entry.value_column) == (29, 5, 29, 22)
    # The variables under environments are mistakes as well.
    unknown = [d.key for d in source.diagnostics if d.code == "railway-config.unknown-key"]
    assert unknown == ["/environments/production/variables", "/environments/preview/variables"]


def test_json_positions_of_pointers() -> None:
    source = load(REAL / "ClaudeLevi20__prontoplus.json", environment="production")
    assert source.environment == "production"
    assert [e.key for e in source.entries][:4] == ["/build", "/build/builder", "/build/buildCommand", "/deploy"]
    where = {e.key: (e.line, e.column, e.value_line, e.value_column, e.end_line, e.end_column)
             for e in source.entries}
    assert where["/deploy/healthcheckPath"] == (8, 5, 8, 25, 8, 33)
    assert where["/deploy/healthcheckTimeout"] == (9, 5, 9, 27, 9, 30)
    assert where["/environments/production/variables/NODE_ENV"][:2] == (16, 9)
    assert where["/deploy"][0::2] == (6, 6, 12)


def test_toml_positions_of_pointers() -> None:
    source = load(FIXTURES / "railway_positions.toml")
    where = {e.key: (e.line, e.column, e.value_line, e.value_column) for e in source.entries}
    assert where["/build"] == (2, 2, 2, 1)                       # [build] header
    assert where["/build/builder"] == (3, 1, 3, 12)              # after the opening quote
    assert where["/build/watchPatterns"] == (4, 1, 4, 17)        # multi-line array
    assert where["/build/watchPatterns/1"] == (6, 3, 6, 4)       # literal string item
    assert where["/deploy/startCommand"] == (10, 1, 10, 19)      # multi-line basic string
    assert where["/deploy/limitOverride/containers/memoryBytes"] == (13, 43, 13, 57)  # nested inline
    assert where["/deploy/multiRegionConfig"][:2] == (14, 1)     # dotted key: implicit parent
    assert where["/deploy/multiRegionConfig/us-west2"][:2] == (14, 19)  # quoted key part
    assert where["/deploy/multiRegionConfig/us-west2/numReplicas"] == (14, 30, 14, 44)
    assert where["/environments/staging/deploy"][:2] == (16, 23)
    assert where["/environments/staging/deploy/numReplicas"] == (17, 1, 17, 15)
    assert where["/environments/pr/build/watchPatterns/0"][:2] == (20, 25)  # [[array of tables]]
    assert [(d.code, d.line, d.key) for d in source.diagnostics] == [
        ("railway-config.enum-case", 18, "/environments/staging/deploy/restartPolicyType"),
        ("railway-config.type", 20, "/environments/pr/build/watchPatterns/0"),
    ]


def test_toml_array_of_tables_positions_in_a_real_file() -> None:
    source = load(REAL / "0xBunch__dailybunch.toml")
    where = {e.key: (e.line, e.column) for e in source.entries}
    assert where["/crons/0"] == (14, 3) and where["/crons/6"] == (44, 3)
    assert where["/crons/6/schedule"] == (46, 1)


def test_secret_values_never_reach_messages_or_repr() -> None:
    source = load(FIXTURES / "registry_credentials.json")
    secret = "FAKE-registry-password-test-0123456789"
    assert [(d.code, d.line, d.message) for d in source.diagnostics] == [
        ("railway-config.enum-case", 9, "`/deploy/restartPolicyType`: enum value in the wrong case; use `ALWAYS`"),
        ("railway-config.schema", 10, "`/deploy/runtime`: must be one of UNSPECIFIED, LEGACY, V2"),
        ("railway-config.schema", 11, "`/deploy/preDeployCommand`: must have at most 1 item"),
        ("railway-config.type", 12, "`/deploy/healthcheckPath`: expected string, got array"),
        ("railway-config.schema", 15,
         "`/build/builder`: must be one of NIXPACKS, DOCKERFILE, RAILPACK, HEROKU, PAKETO"),
    ]
    assert secret not in repr(source)
    assert source.get("/deploy/registryCredentials/password").value == secret


def test_invalid_toml_never_echoes_the_value() -> None:
    source = load(INVALID / "unquoted_value.toml")
    assert "dockerfile" not in source.diagnostics[0].message


def test_whitespace_only_and_invalid_utf8(tmp_path: Path) -> None:
    blank = tmp_path / "railway.json"
    blank.write_text("\n  \n")
    assert [(d.code, d.line) for d in load(blank).diagnostics] == [("railway-config.syntax", 1)]
    latin1 = tmp_path / "railway.toml"
    latin1.write_bytes(b'[deploy]\nstartCommand = "caf\xe9"\n')
    diagnostic, = load(latin1).diagnostics
    assert (diagnostic.code, diagnostic.line, diagnostic.column) == ("railway-config.syntax", 2, 20)
    assert "UTF-8" in diagnostic.message


def test_deeply_nested_toml_is_a_diagnostic(tmp_path: Path) -> None:
    deep = tmp_path / "railway.toml"
    deep.write_text("a = " + "{b = " * 3000 + "1" + "}" * 3000 + "\n")
    diagnostic, = load(deep).diagnostics
    assert diagnostic.code == "railway-config.syntax"


def test_unreadable_inputs_raise_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="railway.json: file not found"):
        load_railway_config(tmp_path / "missing.json", display_path="railway.json")
    with pytest.raises(SourceError, match="is a directory"):
        load(tmp_path)
    binary = tmp_path / "railway.json"
    binary.write_bytes(b'{"a":\x00\x01}')
    with pytest.raises(SourceError, match="binary file"):
        load(binary)


def test_permission_denied_is_a_source_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Simulated: the test suite may run as root, which reads any file.
    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    (tmp_path / "x.json").write_text("{}")
    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(SourceError, match="^railway.json: permission denied$"):
        load_railway_config(tmp_path / "x.json", display_path="railway.json")


def test_toml_position_map_survives_tricky_strings(tmp_path: Path) -> None:
    path = tmp_path / "railway.toml"
    path.write_text('[deploy]\nstartCommand = "echo \\"}]\\" # not a comment"\n'
                    'preDeployCommand = [ \'\'\'a ] b\'\'\' ]\n'
                    '[environments."pr.preview".deploy]\nnumReplicas = 2\n')
    where = {e.key: (e.line, e.column, e.value_line, e.value_column) for e in load(path).entries}
    assert where["/deploy/startCommand"] == (2, 1, 2, 17)
    assert where["/deploy/preDeployCommand/0"] == (3, 22, 3, 25)
    assert where["/environments/pr.preview/deploy"][:2] == (4, 28)
    assert where["/environments/pr.preview/deploy/numReplicas"] == (5, 1, 5, 15)


def test_an_invalid_configs_diagnostics_come_back_from_the_cache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The schema diagnostics of an invalid railway.json are kept by its text: the second
    load never validates (no jsonschema), gives the same diagnostics, and an edit is
    validated again."""
    from etc_policy.sources import railway_config

    path = tmp_path / "railway.json"
    path.write_text('{\n  "deploy": {"restartPolicyType": "on_failure"},\n  "variables": {}\n}\n')
    first = load_railway_config(path, display_path="railway.json")
    assert first.diagnostics
    monkeypatch.setattr(railway_config, "_jsonschema_diagnostics",
                        lambda *a: pytest.fail("validated again"))
    second = load_railway_config(path, display_path="railway.json")
    assert second.diagnostics == first.diagnostics
    monkeypatch.undo()
    path.write_text('{\n  "deploy": {"restartPolicyType": "ON_FAILURE"}\n}\n')
    assert load_railway_config(path, display_path="railway.json").diagnostics == ()
    path.write_text('{\n  "deploy": {"restartPolicyType": "sometimes"}\n}\n')
    third = load_railway_config(path, display_path="railway.json")
    assert third.diagnostics and third.diagnostics != first.diagnostics
