"""The opt-in compiled-graph source (sources/railway_graph.py) against the static reader: the
SDK compiles each corpus railway.ts (tests/iac, as in test_railway_ts_oracle.py) and the graph
file, read as a source, holds the same services, settings and variable kinds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_railway_ts_oracle import FILES, graphs

from etc_policy.discovery import SourceSpec, load_workspace
from etc_policy.model import SourceKind
from etc_policy.sources.railway_graph import load_railway_graph
from etc_policy.sources.railway_ts import load_railway_iac

# Settings the static reader keeps that the SDK's graph drops or renames.
STATIC_ONLY = ("/source/",)


def _view(sources) -> dict[str, dict[str, tuple[object, str | None]]]:
    out = {}
    for source in sources:
        if source.service is None:
            continue
        out[source.service] = {e.key: (_listed(e.key, e.value),
                                       "literal" if e.origin == "environment" else e.origin)
                               for e in source.entries
                               if not e.key.startswith(STATIC_ONLY) and e.origin != "generated"
                               and e.key != "/build/watchPatterns"}
    return out


def _listed(key: str, value: object) -> object:
    """preDeploy: "cmd" is ["cmd"] to the SDK."""
    return [value] if key == "/deploy/preDeployCommand" and isinstance(value, str) else value


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_graph_source_holds_what_the_static_reader_read(path: Path, tmp_path: Path) -> None:
    graph_file = tmp_path / "railway-graph.json"
    graph_file.write_text(json.dumps(graphs("production")[path.name], indent=1))
    from_graph = load_railway_graph(graph_file, display_path=graph_file.name)
    read = load_railway_iac(path, display_path=path.name)
    static, ours = _view(read), _view(from_graph)
    # ctx.randomString() is `generated` statically and the derived literal in the graph
    generated = {(s.service, e.key) for s in read for e in s.entries if e.origin == "generated"}
    for service, key in generated:
        assert ours[service].pop(key)[1] == "literal"
    assert ours == static
    assert all(e.line >= 1 for s in from_graph for e in s.entries)


def test_named_in_the_config_it_is_checked_like_railway_ts(tmp_path: Path) -> None:
    graph = {"name": "p", "resources": [{"address": "service.api", "type": "service", "name": "api",
             "deploy": {"healthcheckPath": "/health", "restartPolicyType": "NEVER"},
             "variables": {"NODE_ENV": {"type": "literal", "value": "development"},
                           "JWT_SECRET": {"type": "preserve"}}}]}
    path = tmp_path / "graph.json"
    path.write_text(json.dumps(graph, indent=2))
    workspace = load_workspace([SourceSpec(path, kind=SourceKind.RAILWAY_IAC_GRAPH)], root=tmp_path)
    (source,) = workspace.sources
    assert (source.kind, source.service, source.environment) == (SourceKind.RAILWAY_IAC_GRAPH, "api", "production")
    lines = path.read_text().splitlines()
    assert '"NODE_ENV"' in lines[source.get("NODE_ENV").line - 1]
    assert source.get("JWT_SECRET").origin == "preserve"


def test_not_a_graph_is_a_syntax_diagnostic(tmp_path: Path) -> None:
    for text, line in (("{\"resources\": [", 1), ("[1, 2]", 1)):
        path = tmp_path / "g.json"
        path.write_text(text)
        (source,) = load_railway_graph(path, display_path="g.json")
        assert [(d.code, d.line) for d in source.diagnostics] == [("railway-iac-graph.syntax", line)]
