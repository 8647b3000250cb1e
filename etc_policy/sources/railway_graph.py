"""The compiled Infrastructure-as-Code graph: what the SDK (or the Railway CLI's evaluator)
makes of .railway/railway.ts, as JSON. Opt-in: never discovered, named in the config
(`{path: railway-graph.production.json, kind: railway-iac-graph}`), because the graph is
produced by running the repository's code (tests/iac/compile.mjs shows how, with a cleared
environment) and holds every literal value the program computed.

Accepted shapes: the SDK's project `{"name", "resources": [...]}` and the CLI loader's
`{"partial": …, "project": {...}}`. One Source per service, like railway_ts.py, with the same
keys: railway.json pointers for `deploy` / `build` / `source` and variables by name, whose
`origin` comes from the graph's `type` (`literal`, `reference`, `sharedReference`,
`preserve`, `raw` VariableConfig objects). Positions are the graph file's (jsonpos): the
graph has lost railway.ts's lines, which is why static reading comes first and the graph fills
in what it marked unresolvable.
"""

from __future__ import annotations

from pathlib import Path

from etc_policy.model import Diagnostic, Entry, Source, SourceKind
from etc_policy.record import replace
from etc_policy.sources import jsonpos
from etc_policy.sources.railway_config import read_text

SYNTAX = "railway-iac-graph.syntax"
_DEPLOY = ("startCommand", "preDeployCommand", "numReplicas", "healthcheckPath",
           "healthcheckTimeout", "sleepApplication", "runtime", "restartPolicyType",
           "restartPolicyMaxRetries", "cronSchedule", "region", "requiredMountPath",
           "overlapSeconds", "drainingSeconds")
_BUILD = ("builder", "buildCommand", "dockerfilePath", "watchPatterns", "buildEnvironment")
_SOURCE = ("repo", "image", "branch", "rootDirectory")


def load_railway_graph(path: Path, *, display_path: str,
                       environment: str | None = None) -> tuple[Source, ...]:
    environment = environment or "production"
    text, bad_utf8 = read_text(path, display_path=display_path)
    if bad_utf8 is not None:
        return (_empty(display_path, environment, text,
                       Diagnostic(SYNTAX, "invalid UTF-8 (the graph must be UTF-8 encoded)", *bad_utf8)),)
    try:
        parsed = jsonpos.parse(text)
    except jsonpos.JsonSyntaxError as error:
        return (_empty(display_path, environment, text,
                       Diagnostic(SYNTAX, f"invalid JSON: {error.message}", error.line, error.column)),)
    base = "/project" if isinstance(parsed.value, dict) and isinstance(parsed.value.get("project"), dict) else ""
    project = parsed.value.get("project") if base else parsed.value
    resources = project.get("resources") if isinstance(project, dict) else None
    if not isinstance(resources, list):
        return (_empty(display_path, environment, text, Diagnostic(
            SYNTAX, "expected the SDK's graph: an object with `resources` (or `project.resources`)", 1)),)
    nodes = parsed.by_pointer()
    names = {r.get("name"): r.get("engine") or r.get("type") for r in resources
             if isinstance(r, dict) and isinstance(r.get("name"), str)}
    sources = []
    for index, resource in enumerate(resources):
        if not isinstance(resource, dict) or resource.get("type") != "service":
            continue
        pointer = f"{base}/resources/{index}"
        entries = _service_entries(resource, pointer, nodes, service=str(resource.get("name")))
        declared = "declared" if isinstance(resource.get("variables"), dict) else "none"
        sources.append(Source(path=display_path, kind=SourceKind.RAILWAY_IAC_GRAPH,
                              environment=environment, entries=tuple(entries), text=text,
                              document={"resources": names, "iac_variables": declared},
                              service=str(resource.get("name")),
                              origin_line=nodes[pointer].line))
    return tuple(sources) or (_empty(display_path, environment, text, None),)


def _empty(path: str, environment: str, text: str, diagnostic: Diagnostic | None) -> Source:
    return Source(path=path, kind=SourceKind.RAILWAY_IAC_GRAPH, environment=environment,
                  diagnostics=(diagnostic,) if diagnostic else (), text=text)


def _service_entries(resource: dict, pointer: str, nodes: dict[str, jsonpos.Node], *,
                     service: str) -> list[Entry]:
    entries: list[Entry] = []
    for section, fields in (("deploy", _DEPLOY), ("build", _BUILD), ("source", _SOURCE)):
        values = resource.get(section)
        for name in fields if isinstance(values, dict) else ():
            if name in values and values[name] is not None:
                node = nodes[f"{pointer}/{section}/{name}"]
                entries.append(_entry(f"/{section}/{name}", values[name], node, "literal"))
    credentials = (resource.get("deploy") or {}).get("registryCredentials")
    for name in ("username", "password") if isinstance(credentials, dict) else ():
        if isinstance(credentials.get(name), str):
            node = nodes[f"{pointer}/deploy/registryCredentials/{name}"]
            entries.append(_entry(f"/deploy/registryCredentials/{name}", credentials[name], node,
                                  "literal"))
    regions = (resource.get("deploy") or {}).get("multiRegionConfig")
    for region, config in regions.items() if isinstance(regions, dict) else ():
        if isinstance(config, dict) and config.get("numReplicas") is not None:
            token = jsonpos.escape_token(region)
            node = nodes[f"{pointer}/deploy/multiRegionConfig/{token}/numReplicas"]
            entries.append(_entry(f"/deploy/multiRegionConfig/{token}/numReplicas",
                                  config["numReplicas"], node, "literal"))
    variables = resource.get("variables")
    for name, variable in variables.items() if isinstance(variables, dict) else ():
        node = nodes[jsonpos.join_pointer(f"{pointer}/variables", name)]
        value, origin, sealed = _variable(variable)
        entries.append(_entry(name, value, node, origin, sealed=sealed))
    return [replace(entry, service=service) for entry in entries]


def _variable(variable: object) -> tuple[object, str, bool | None]:
    """(value, origin, sealed) of one graph variable (the SDK's VariableValue)."""
    if not isinstance(variable, dict):
        return None, "unresolvable", None
    kind = variable.get("type")
    if kind == "literal":
        value = variable.get("value")
        sealed = variable.get("isSealed") if isinstance(variable.get("isSealed"), bool) else None
        return value, ("reference" if "${{" in str(value) else "literal"), sealed
    if kind == "reference":
        resource = str(variable.get("resource", "")).partition(".")[2]
        return f"${{{{ {resource}.{variable.get('output')} }}}}", "reference", None
    if kind == "sharedReference":
        return f"${{{{ shared.{variable.get('name')} }}}}", "reference", None
    if kind == "preserve":
        return None, "preserve", None
    if kind == "raw" and isinstance(variable.get("value"), dict):
        return _variable({"type": "literal", **variable["value"]})
    return None, "unresolvable", None


def _entry(key: str, value: object, node: jsonpos.Node, origin: str, *,
           sealed: bool | None = None) -> Entry:
    value_column = node.column + 1 if isinstance(node.value, str) else node.column
    return Entry(key=key, value=value, line=node.key_line or node.line,
                 column=node.key_column or node.column, value_line=node.line,
                 value_column=value_column, end_line=node.end_line, end_column=node.end_column,
                 sealed=sealed, origin=origin)
