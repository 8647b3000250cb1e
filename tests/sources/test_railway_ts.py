"""The static railway.ts reader: positions, value kinds, what it refuses to guess, bad input.

What the SDK compiles each file to is test_railway_ts_oracle.py; here, what only the static
reader has: lines and columns, diagnostics, and robustness on input no SDK would accept.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etc_policy.errors import SourceError
from etc_policy.model import Source, SourceKind
from etc_policy.sources.railway_ts import load_railway_iac

CORPUS = Path(__file__).resolve().parents[1] / "data" / "railway" / "iac-corpus"
HEADER = 'import { defineRailway, postgres, preserve, project, service } from "railway/iac";\n'


def load(tmp_path: Path, text: str | bytes, *, name: str = "railway.ts",
         environment: str | None = None) -> tuple[Source, ...]:
    path = tmp_path / ".railway" / name
    path.parent.mkdir(exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return load_railway_iac(path, display_path=".railway/" + name, environment=environment)


def program(env: str, *, before: str = "", options: str = "") -> str:
    return (HEADER + before + "export default defineRailway((ctx) => {\n"
            '  const db = postgres("Postgres");\n'
            f'  const api = service("api", {{ {options}env: {{\n{env}\n  }} }});\n'
            '  return project("p", { resources: [db, api] });\n});\n')


def entries(sources: tuple[Source, ...]) -> dict[str, tuple[object, str | None]]:
    (source,) = sources
    return {e.key: (e.value, e.origin) for e in source.entries}


def codes(sources: tuple[Source, ...]) -> list[tuple[str, int]]:
    return [(d.code, d.line) for s in sources for d in s.diagnostics]


def test_positions_are_code_points_and_values_start_after_the_quote(tmp_path: Path) -> None:
    sources = load(tmp_path, program('    /* é→ */ NODE_ENV: "production",'))
    (entry,) = sources[0].entries
    assert (entry.line, entry.column) == (5, 14)          # 'é' and '→' are one column each
    assert (entry.value_line, entry.value_column) == (5, 25)
    assert entry.end_line == 5


def test_every_value_kind_with_its_origin(tmp_path: Path) -> None:
    env = """    A: "x",
    B: preserve(),
    C: db.env.DATABASE_URL,
    D: ctx.randomString("d"),
    E: ctx.isEnvironment("production") ? "on" : "off",
    F: "${{ Postgres.PGHOST }}",
    G: ctx.shared.KEY,"""
    assert entries(load(tmp_path, program(env))) == {
        "A": ("x", "literal"), "B": (None, "preserve"),
        "C": ("${{ Postgres.DATABASE_URL }}", "reference"), "D": (None, "generated"),
        "E": ("on", "environment"), "F": ("${{ Postgres.PGHOST }}", "reference"),
        "G": ("${{ shared.KEY }}", "reference")}
    staging = entries(load(tmp_path, program(env), environment="staging"))
    assert staging["E"] == ("off", "environment")


def test_unresolvable_values_are_never_guessed_and_name_their_line(tmp_path: Path) -> None:
    text = program('    TOKEN: secrets.token,\n    N: process.env.N ?? "1",\n    ...extra,',
                   before='import { secrets, extra } from "./secrets";\n')
    sources = load(tmp_path, text)
    assert entries(sources) == {"TOKEN": (None, "unresolvable"), "N": (None, "unresolvable")}
    assert codes(sources) == [("railway-iac.unresolvable", 6), ("railway-iac.unresolvable", 7),
                              ("railway-iac.unresolvable", 8)]
    assert sources[0].document["iac_variables"] == "partial"   # `required` will not judge it


def test_const_bindings_spreads_and_templates_resolve(tmp_path: Path) -> None:
    text = program('    ...COMMON,\n    URL: `https://${HOST}/api`,\n    PORT,',
                   before='const HOST = "app.example.com";\nconst PORT = "8080";\n'
                          'const COMMON = { LOG_LEVEL: "info" };\n')
    assert entries(load(tmp_path, text)) == {"LOG_LEVEL": ("info", "literal"),
                                             "URL": ("https://app.example.com/api", "literal"),
                                             "PORT": ("8080", "literal")}


def test_cycles_and_deep_nesting_end_as_unresolvable(tmp_path: Path) -> None:
    cyclic = program("    X: a,", before="const a = b;\nconst b = a;\n")
    assert entries(load(tmp_path, cyclic)) == {"X": (None, "unresolvable")}
    deep = program("    X: " + "(" * 3000 + '"v"' + ")" * 3000 + ",")
    assert entries(load(tmp_path, deep)) == {"X": (None, "unresolvable")}


def test_deploy_settings_as_railway_json_pointers(tmp_path: Path) -> None:
    options = ('healthcheck: "/api/health", start: "node s.js", replicas: 2, '
               'deploy: { restartPolicyType: "ON_FAILURE", restartPolicyMaxRetries: 5, '
               'registryCredentials: { username: "u", password: "p" } }, ')
    keys = entries(load(tmp_path, program('    A: "x",', options=options)))
    assert {k: v for k, v in keys.items() if k.startswith("/")} == {
        "/deploy/healthcheckPath": ("/api/health", "literal"),
        "/deploy/startCommand": ("node s.js", "literal"), "/deploy/numReplicas": (2, "literal"),
        "/deploy/restartPolicyType": ("ON_FAILURE", "literal"),
        "/deploy/restartPolicyMaxRetries": (5, "literal"),
        "/deploy/registryCredentials/username": ("u", "literal"),
        "/deploy/registryCredentials/password": ("p", "literal")}


def test_broken_typescript_is_a_syntax_diagnostic_at_its_line(tmp_path: Path) -> None:
    sources = load(tmp_path, HEADER + 'export default defineRailway(() => {\n  const x = {a: ;\n});\n')
    assert [s.service for s in sources] == [None]
    assert codes(sources) == [("railway-iac.syntax", 3)]


def test_invalid_utf8_and_binary(tmp_path: Path) -> None:
    sources = load(tmp_path, HEADER.encode() + b'const x = "\xff";\n')
    assert codes(sources) == [("railway-iac.syntax", 2)]
    with pytest.raises(SourceError, match="binary"):
        load(tmp_path, b"\x00\x01")


def test_python_and_go_programs_are_found_and_said_to_be_unread(tmp_path: Path) -> None:
    sources = load(tmp_path, (CORPUS / "official-pypi-railway-sdk.py").read_text(), name="railway.py")
    assert codes(sources) == [("railway-iac.not-read", 1)]
    assert sources[0].kind is SourceKind.RAILWAY_IAC and sources[0].entries == ()


def test_no_default_export(tmp_path: Path) -> None:
    sources = load(tmp_path, HEADER + 'const web = service("web", {});\n')
    assert codes(sources) == [("railway-iac.unresolvable", 1)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(['service("a", {', "env: {", "K: ", '"v"', "preserve()", "ctx.",
                                 "isEnvironment(", ")", "}", "{", ",", "...", "? ", ": ", "`${",
                                 "db.env.X", "export default ", "defineRailway((ctx) => ",
                                 "project(", "resources: [", "]", "\n", "const a = ", "a"]),
                max_size=40))
def test_any_token_soup_loads_without_raising(tmp_path: Path, tokens: list[str]) -> None:
    sources = load(tmp_path, HEADER + "".join(tokens))
    assert sources and all(s.kind is SourceKind.RAILWAY_IAC for s in sources)


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.ts")), ids=lambda p: p.name)
def test_corpus_reads_without_unresolvable_values(path: Path) -> None:
    sources = load_railway_iac(path, display_path=path.name)
    assert all(s.environment == "production" for s in sources)
    assert not [d for s in sources for d in s.diagnostics
                if d.code in {"railway-iac.syntax", "railway-iac.unresolvable"}]
