"""The static railway.ts reader against the SDK itself: every file of the vendored IaC corpus
(tests/data/railway/iac-corpus) and of fixtures_railway_ts/ is compiled by the npm SDK
`railway` 3.11.0 (tests/iac: esbuild strips the types for Node 20, compile.mjs builds the
SDK's own context and calls the program) and must agree with what railway_ts.py reads:
the services, their health checks, restart policies, start/build commands, replicas, and
every variable's kind (and value, where the file holds one) — for production and staging.

Missing node or node_modules is a failure, not a skip: tests/setup installs them (`npm ci`
in tests/iac). The programs run with an empty environment (`env -i` semantics), as IAC.md
asks: evaluating a railway.ts runs the repository's code.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest

from etc_policy.model import Entry, Source
from etc_policy.sources.railway_ts import load_railway_iac

TESTS = Path(__file__).resolve().parents[1]
IAC_DIR = TESTS / "iac"
CORPUS = TESTS / "data" / "railway" / "iac-corpus"
EXTRA = Path(__file__).resolve().parent / "fixtures_railway_ts"
PINNED = {"railway": "3.11.0"}
FILES = sorted([*CORPUS.glob("*.ts"), *EXTRA.glob("*.ts")])
ENVIRONMENTS = ("production", "staging")
# The graph fields the static reader maps to railway.json pointers.
DEPLOY = ("startCommand", "healthcheckPath", "healthcheckTimeout", "restartPolicyType",
          "restartPolicyMaxRetries", "numReplicas", "preDeployCommand", "cronSchedule")
BUILD = ("buildCommand", "builder", "dockerfilePath")


def _require_sdk() -> None:
    if shutil.which("node") is None:
        pytest.fail("node is not installed: the railway.ts oracle tests need Node.js >= 20")
    for package, version in PINNED.items():
        manifest = IAC_DIR / "node_modules" / package / "package.json"
        if not manifest.is_file():
            pytest.fail(f"npm {package} is not installed: run `npm ci` in {IAC_DIR}")
        found = json.loads(manifest.read_text())["version"]
        if found != version:
            pytest.fail(f"tests/iac has {package} {found}, expected {version}: run `npm ci`")


@cache
def graphs(environment: str) -> dict[str, dict]:
    """file name -> the SDK's graph, one node process for all files."""
    _require_sdk()
    done = subprocess.run(["node", "compile.mjs", environment, *map(str, FILES)], cwd=IAC_DIR,
                          env={"PATH": os.environ.get("PATH", "")}, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def static_view(sources: tuple[Source, ...]) -> dict[str, dict[str, object]]:
    """service -> {"deploy": {...}, "build": {...}, "regions": {...}, "variables": {...}}."""
    view: dict[str, dict[str, object]] = {}
    for source in sources:
        if source.service is None:
            continue
        deploy, build, regions, variables = {}, {}, {}, {}
        for entry in source.entries:
            parts = entry.key.split("/")
            if entry.key.startswith("/deploy/multiRegionConfig/"):
                regions[parts[3]] = entry.value
            elif entry.key.startswith("/deploy/") and parts[2] in DEPLOY:
                value = entry.value
                deploy[parts[2]] = [value] if parts[2] == "preDeployCommand" and isinstance(value, str) else value
            elif entry.key.startswith("/build/") and parts[2] in BUILD:
                build[parts[2]] = entry.value
            elif not entry.key.startswith("/"):
                variables[entry.key] = _static_kind(entry, source.text.splitlines())
        view[source.service] = {"deploy": deploy, "build": build, "regions": regions,
                                "variables": variables}
    return view


def _static_kind(entry: Entry, lines: list[str]) -> tuple[str, object]:
    origin, value = entry.origin, entry.value
    if origin == "environment":          # the value for the environment evaluated
        return ("literal", value)
    if origin == "reference" and _is_string_literal(entry, lines):
        return ("literal", value)        # a `${{ … }}` template string: a literal to the SDK
    if origin in {"reference", "preserve", "generated"}:
        return (origin, None)
    return (str(origin), value)


def _is_string_literal(entry: Entry, lines: list[str]) -> bool:
    """A string value's column is just after its opening quote (db.env.X has none)."""
    line = lines[entry.value_line - 1]
    return entry.value_column >= 2 and line[entry.value_column - 2] in "\"'`"


def graph_view(graph: dict) -> dict[str, dict[str, object]]:
    view: dict[str, dict[str, object]] = {}
    for resource in graph.get("resources", []):
        if resource.get("type") != "service":
            continue
        deploy = resource.get("deploy") or {}
        build = resource.get("build") or {}
        regions = {name: (config or {}).get("numReplicas")
                   for name, config in (deploy.get("multiRegionConfig") or {}).items()}
        view[resource["name"]] = {
            "deploy": {k: deploy[k] for k in DEPLOY if k in deploy},
            "build": {k: build[k] for k in BUILD if k in build},
            "regions": regions,
            "variables": {k: _graph_kind(v) for k, v in (resource.get("variables") or {}).items()},
        }
    return view


def _graph_kind(variable: dict) -> tuple[str, object]:
    kind = variable.get("type")
    if kind == "sharedReference":
        return ("reference", None)
    if kind == "raw" and isinstance(variable.get("value"), dict):   # a VariableConfig object
        return ("literal", variable["value"].get("value"))
    if kind == "literal":
        return ("literal", variable.get("value"))
    return (kind, None)


def _comparable(static: dict, graph: dict) -> dict:
    """The static view with `generated` values matched to whatever string the SDK derived
    (ctx.randomString is a literal in the graph, derived from the file and environment)."""
    out = json.loads(json.dumps(static))
    for service, parts in out.items():
        for key, kind in parts["variables"].items():
            if kind[0] == "generated":
                theirs = graph.get(service, {}).get("variables", {}).get(key)
                assert theirs is not None and theirs[0] == "literal", (service, key, theirs)
                parts["variables"][key] = list(theirs)
    return out


@pytest.mark.parametrize("environment", ENVIRONMENTS)
@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_static_reader_agrees_with_the_sdk(path: Path, environment: str) -> None:
    graph = graphs(environment)[path.name]
    assert "error" not in graph, graph
    sources = load_railway_iac(path, display_path=path.name, environment=environment)
    unresolved = [d for s in sources for d in s.diagnostics if d.code == "railway-iac.unresolvable"]
    assert unresolved == []            # every file here is within the statically read subset
    theirs = json.loads(json.dumps(graph_view(graph)))
    assert _comparable(static_view(sources), theirs) == theirs


def test_the_oracle_sees_the_environment() -> None:
    """Not a tautology: the branches on ctx really differ between the two environments."""
    name = "variables-every-kind.ts"
    production = graph_view(graphs("production")[name])["api"]["variables"]
    staging = graph_view(graphs("staging")[name])["api"]["variables"]
    assert production["NODE_ENV"] == ("literal", "production")
    assert staging["NODE_ENV"] == ("literal", "development")
    assert staging["USE_MOCK_OPENAI"] == ("literal", "true")


def test_every_corpus_file_is_compared() -> None:
    assert len([p for p in FILES if p.parent == CORPUS]) == 9
    assert {p.name for p in FILES} <= set(graphs("production"))
