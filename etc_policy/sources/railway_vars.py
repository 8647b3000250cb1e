"""Exported Railway variables: `railway variables --json` / `--kv`, `railway environment config --json`.

- `--json` is a flat object of string → string (resolved values; sealed variables absent).
- `--kv` is `KEY=VALUE` per line with no quoting, so a multi-line value spills onto the
  following lines. We read a line that is not `NAME=…` after an entry as a continuation of
  that entry's value, and always warn (`railway-variables.kv-lossy`): the split is a guess.
- `environment config --json` is the raw config: per-service variables keyed by service id,
  with `isSealed`, shared variables, and unrendered `${{ … }}` references kept as written.

Shapes come from docs/RAILWAY-FORMATS.md §2. Diagnostics name keys and positions, never values.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from etc_policy.model import Diagnostic, Entry, Source, SourceKind
from etc_policy.sources import jsonpos
from etc_policy.sources.railway_config import read_text

SYNTAX = "railway-variables.syntax"
KV_LOSSY = "railway-variables.kv-lossy"
DUPLICATE_KEY = "railway-variables.duplicate-key"

# A `--kv` line starts a new variable only if it begins with an environment-variable name.
_KV_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
_JSON_TYPES = {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
               type(None): "null", int: "a number", float: "a number"}
_SNIFF_FULL_PARSE_LIMIT = 4 * 1024 * 1024
_SNIFF_PREFIX = 64 * 1024
_SNIFF_ENVIRONMENT = re.compile(r'"(?:sharedVariables|isSealed)"\s*:')
_SNIFF_FLAT_FIRST_MEMBER = re.compile(r'\A\s*\{\s*(?:\}|"[A-Za-z_][A-Za-z0-9_.-]*"\s*:\s*")')
_CONFIG_KEYS = frozenset({"$schema", "build", "deploy", "environments"})


def _type_name(value: object) -> str:
    return _JSON_TYPES.get(type(value), "a value")


def _source(kind: SourceKind, display_path: str, environment: str | None, text: str,
            entries: list[Entry], diagnostics: list[Diagnostic], document: object = None) -> Source:
    ordered = tuple(sorted(diagnostics, key=lambda d: (d.line, d.column, d.code)))
    return Source(path=display_path, kind=kind, environment=environment, entries=tuple(entries),
                  diagnostics=ordered, text=text, document=document)


def _parse_json(text: str, bad_utf8: tuple[int, int] | None) -> jsonpos.ParsedJson | Diagnostic:
    if bad_utf8 is not None:
        return Diagnostic(SYNTAX, "invalid UTF-8 (the export must be UTF-8 encoded)", *bad_utf8)
    try:
        return jsonpos.parse(text)
    except jsonpos.JsonSyntaxError as error:
        return Diagnostic(SYNTAX, f"invalid JSON: {error.message}", error.line, error.column)


def _duplicates(parsed: jsonpos.ParsedJson) -> list[Diagnostic]:
    return [Diagnostic(DUPLICATE_KEY, f"`{dup.pointer}` is defined twice (first at line {dup.first_line}); "
                       "the last one wins", dup.line, dup.column, key=dup.pointer)
            for dup in parsed.duplicates]


def _value_column(node: jsonpos.Node) -> int:
    # Entry.value_column is the first character of the value, after an opening quote.
    return node.column + 1 if isinstance(node.value, str) else node.column


# -- railway variables --json ---------------------------------------------------------------
def load_railway_variables_json(path: Path, *, display_path: str, environment: str | None = None) -> Source:
    """`railway variables --json`: a flat object of variable name → string value."""
    text, bad_utf8 = read_text(path, display_path=display_path)
    kind = SourceKind.RAILWAY_VARIABLES
    parsed = _parse_json(text, bad_utf8)
    if isinstance(parsed, Diagnostic):
        return _source(kind, display_path, environment, text, [], [parsed])
    if not isinstance(parsed.value, dict):
        message = f"expected a flat JSON object of variable names to strings, got {_type_name(parsed.value)}"
        return _source(kind, display_path, environment, text, [], [Diagnostic(SYNTAX, message, 1, 1)])
    entries: list[Entry] = []
    diagnostics = _duplicates(parsed)
    for node in parsed.nodes:
        if node.pointer.count("/") != 1:
            continue  # the root, or inside a non-string member (reported below)
        name = node.pointer[1:].replace("~1", "/").replace("~0", "~")
        if not isinstance(node.value, str):
            diagnostics.append(Diagnostic(SYNTAX, f"`{name}`: value must be a string, got {_type_name(node.value)}",
                                          node.line, node.column, key=name))
            continue
        entries.append(Entry(key=name, value=node.value, line=node.key_line, column=node.key_column,
                             value_line=node.line, value_column=_value_column(node),
                             end_line=node.end_line, end_column=node.end_column))
    return _source(kind, display_path, environment, text, entries, diagnostics, parsed.value)


# -- railway variables --kv -----------------------------------------------------------------
def load_railway_variables_kv(path: Path, *, display_path: str, environment: str | None = None) -> Source:
    """`railway variables --kv`: `KEY=VALUE` lines; lines that are not `NAME=…` continue a value."""
    text, bad_utf8 = read_text(path, display_path=display_path)
    entries, diagnostics, multiline = _parse_kv(text)
    if bad_utf8 is not None:
        diagnostics.append(Diagnostic(SYNTAX, "invalid UTF-8 (decoded with U+FFFD)", *bad_utf8))
    diagnostics.append(Diagnostic(KV_LOSSY, _lossy_message(multiline), 1, 1))
    return _source(SourceKind.RAILWAY_VARIABLES_KV, display_path, environment, text, entries, diagnostics)


def _lossy_message(multiline: list[str]) -> str:
    message = ("`railway variables --kv` output cannot represent multi-line values reliably "
               "(no quoting); export with `railway variables --json` instead")
    if multiline:
        names = ", ".join(dict.fromkeys(multiline))
        count = len(dict.fromkeys(multiline))
        message += f"; {count} key{'s' if count != 1 else ''} read as multi-line here: {names}"
    return message


def _kv_lines(text: str) -> list[str]:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the newline that ends the last line
    # A file saved with CRLF line ends: the CLI itself writes `\n` only.
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def _parse_kv(text: str) -> tuple[list[Entry], list[Diagnostic], list[str]]:
    entries: list[Entry] = []
    diagnostics: list[Diagnostic] = []
    multiline: list[str] = []
    first_line: dict[str, int] = {}
    current: list = []  # [key, line, value parts, end line, end column] of the open entry
    lines = _kv_lines(text)
    while lines and not lines[-1].strip():
        lines.pop()  # trailing blank lines belong to no value
    for number, line in enumerate(lines, start=1):
        match = _KV_KEY.match(line)
        if match and line.startswith("=", match.end()):
            if current:
                entries.append(_kv_entry(current))
            key = match.group()
            if key in first_line:
                diagnostics.append(Diagnostic(DUPLICATE_KEY, f"`{key}` is defined again (first at line "
                                              f"{first_line[key]}); the last one wins", number, 1, key=key))
            first_line.setdefault(key, number)
            current = [key, number, [line[match.end() + 1:]], number, len(line) + 1]
        elif current:
            current[2].append(line)
            current[3], current[4] = number, len(line) + 1
            multiline.append(current[0])
        elif line.strip():
            diagnostics.append(Diagnostic(SYNTAX, "line is not KEY=VALUE", number, 1))
    if current:
        entries.append(_kv_entry(current))
    return entries, diagnostics, multiline


def _kv_entry(current: list) -> Entry:
    key, line, parts, end_line, end_column = current
    return Entry(key=key, value="\n".join(parts), line=line, column=1, value_line=line,
                 value_column=len(key) + 2, end_line=end_line, end_column=end_column)


# -- railway environment config --json -----------------------------------------------------
def load_railway_environment_config(path: Path, *, display_path: str,
                                    environment: str | None = None) -> Source:
    """`railway environment config --json`: one entry per service variable and shared variable."""
    text, bad_utf8 = read_text(path, display_path=display_path)
    kind = SourceKind.RAILWAY_ENVIRONMENT
    parsed = _parse_json(text, bad_utf8)
    if isinstance(parsed, Diagnostic):
        return _source(kind, display_path, environment, text, [], [parsed])
    document = parsed.value
    if not isinstance(document, dict):
        message = f"expected the JSON object of `railway environment config --json`, got {_type_name(document)}"
        return _source(kind, display_path, environment, text, [], [Diagnostic(SYNTAX, message, 1, 1)])
    nodes = parsed.by_pointer()
    entries: list[Entry] = []
    diagnostics = _duplicates(parsed)
    services = document.get("services", {})
    if not isinstance(services, dict):
        diagnostics.append(_shape(nodes, "/services", "must be an object keyed by service id"))
        services = {}
    for service_id, service in services.items():
        pointer = jsonpos.join_pointer("/services", service_id)
        if not isinstance(service, dict):
            diagnostics.append(_shape(nodes, pointer, "must be an object"))
            continue
        _read_variables(service.get("variables"), f"{pointer}/variables", service_id, nodes, entries, diagnostics)
    _read_variables(document.get("sharedVariables"), "/sharedVariables", None, nodes, entries, diagnostics)
    return _source(kind, display_path, environment, text, entries, diagnostics, document)


def _shape(nodes: dict[str, jsonpos.Node], pointer: str, problem: str) -> Diagnostic:
    node = nodes.get(pointer)
    line, column = (node.key_line or node.line, node.key_column or node.column) if node else (1, 1)
    return Diagnostic(SYNTAX, f"`{pointer}` {problem}", line, column, key=pointer)


def _read_variables(variables: object, pointer: str, service: str | None, nodes: dict[str, jsonpos.Node],
                    entries: list[Entry], diagnostics: list[Diagnostic]) -> None:
    if variables is None:
        return
    if not isinstance(variables, dict):
        diagnostics.append(_shape(nodes, pointer, "must be an object of variable name → settings"))
        return
    for name, settings in variables.items():
        variable_pointer = jsonpos.join_pointer(pointer, name)
        if settings is None:
            continue  # an unset variable in a config patch: nothing to check
        if isinstance(settings, str):
            diagnostics.append(_shape(nodes, variable_pointer, "should be an object with `value`; read the "
                                      "string as its value"))
            value_node = nodes[variable_pointer]
            entries.append(_variable_entry(name, settings, service, None, nodes[variable_pointer], value_node))
            continue
        if not isinstance(settings, dict):
            diagnostics.append(_shape(nodes, variable_pointer, f"must be an object, got {_type_name(settings)}"))
            continue
        value = settings.get("value")
        if value is not None and not isinstance(value, str):
            diagnostics.append(_shape(nodes, f"{variable_pointer}/value",
                                      f"must be a string, got {_type_name(value)}"))
            continue
        sealed = settings.get("isSealed")
        value_node = nodes.get(f"{variable_pointer}/value", nodes[variable_pointer])
        entries.append(_variable_entry(name, value, service, sealed if isinstance(sealed, bool) else None,
                                       nodes[variable_pointer], value_node))


def _variable_entry(name: str, value: str | None, service: str | None, sealed: bool | None,
                    key_node: jsonpos.Node, value_node: jsonpos.Node) -> Entry:
    return Entry(key=name, value=value, line=key_node.key_line, column=key_node.key_column,
                 value_line=value_node.line, value_column=_value_column(value_node),
                 end_line=key_node.end_line, end_column=key_node.end_column,
                 service=service, sealed=sealed)


# -- sniffing -------------------------------------------------------------------------------
def sniff_railway_export(path: Path) -> SourceKind | None:
    """RAILWAY_VARIABLES, RAILWAY_ENVIRONMENT or None, judged from the content of a JSON file.

    Files up to a few MB are parsed (C json) and judged by shape; larger ones by their first
    64 KiB. An empty object `{}` is what `railway variables --json` prints for no variables.
    Never raises: an unreadable or non-JSON file is simply not an export.
    """
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            data = handle.read(_SNIFF_FULL_PARSE_LIMIT if size <= _SNIFF_FULL_PARSE_LIMIT else _SNIFF_PREFIX)
    except OSError:
        return None
    text = data.decode("utf-8", "replace").lstrip("\ufeff")
    if size > _SNIFF_FULL_PARSE_LIMIT:
        return _sniff_prefix(text)
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return _sniff_document(document)


def _sniff_document(document: object) -> SourceKind | None:
    if not isinstance(document, dict):
        return None
    if _CONFIG_KEYS & document.keys():
        return None  # railway.json (even one with a stray `services` key)
    if isinstance(document.get("sharedVariables"), dict) or _has_service_variables(document.get("services")):
        return SourceKind.RAILWAY_ENVIRONMENT
    if all(isinstance(value, str) for value in document.values()) and all(
            _KV_KEY.fullmatch(key) for key in document):
        return SourceKind.RAILWAY_VARIABLES
    return None


def _has_service_variables(services: object) -> bool:
    return isinstance(services, dict) and any(
        isinstance(service, dict) and isinstance(service.get("variables"), dict) for service in services.values())


def _sniff_prefix(text: str) -> SourceKind | None:
    if _SNIFF_ENVIRONMENT.search(text):
        return SourceKind.RAILWAY_ENVIRONMENT
    if _SNIFF_FLAT_FIRST_MEMBER.match(text):  # `$schema` cannot match: `$` is not in a name
        return SourceKind.RAILWAY_VARIABLES
    return None
