"""railway.json / railway.toml (config as code): one entry per JSON pointer, schema diagnostics.

JSON is read with `jsonpos` (exact positions, duplicate keys). TOML values come from
`tomllib`; positions come from a light scan of the text (`sources/tomlpos.py`), because tomllib
keeps none. The scan is an approximation, good to the line and usually to the column:

- `key = value` and dotted `a.b.c = value`: the key column is that of the last key part;
  implicit parents (`/a`, `/a/b`) point at their own key part on that line;
- `[table]` / `[[array.of.tables]]`: the header's position for the table (and for every
  implicit parent table it creates, at its first mention);
- inline tables and arrays: each member/item at its own position, also across lines;
- a pointer the scan did not see falls back to its nearest ancestor's position.

String value columns point after the opening quote (`"`, `'`, `\"\"\"` or `'''`).

Schema validation uses etc_policy/data/railway.schema.json (jsonschema, imported lazily, one
validator per process; a document `schema_valid` proves valid skips it). Every message names
a pointer and the problem, never a value.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from etc_policy.errors import SourceError
from etc_policy.sources.files import read_input_bytes, utf16_problem
from etc_policy.model import Diagnostic, Entry, Source, SourceKind
from etc_policy.sources import jsonpos, schema_valid

if TYPE_CHECKING:
    from jsonschema import ValidationError

    from etc_policy.sources.tomlpos import TomlSpot

SYNTAX = "railway-config.syntax"
DUPLICATE_KEY = "railway-config.duplicate-key"
UNKNOWN_KEY = "railway-config.unknown-key"
ENUM_CASE = "railway-config.enum-case"
TYPE = "railway-config.type"
SCHEMA = "railway-config.schema"

_TOML_ERROR_PLACE = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)$")
_TOML_DECLARED_TWICE = re.compile(r"Cannot declare \((.*?),?\) twice")
_VARIABLE_KEYS = frozenset({"variables", "env", "envVars", "environmentVariables", "vars"})
_JSON_TYPES = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null",
               int: "number", float: "number"}


# -- reading ------------------------------------------------------------------------------
def read_text(path: Path, *, display_path: str) -> tuple[str, tuple[int, int] | None]:
    """The file as text, and the (line, column) of the first invalid UTF-8 byte if any.

    Raises SourceError when the file cannot be read at all (missing, a directory,
    unreadable, binary). Invalid UTF-8 is decoded with U+FFFD and reported by the caller.
    """
    data = read_input_bytes(path, display_path=display_path)
    problem = utf16_problem(data)
    if problem is not None:
        raise SourceError(problem, path=display_path)
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise SourceError("binary file (contains NUL bytes)", path=display_path, line=line)
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as error:
        line_start = data.rfind(b"\n", 0, error.start) + 1
        line = data.count(b"\n", 0, error.start) + 1
        column = len(data[line_start:error.start].decode("utf-8", "replace")) + 1
        return data.decode("utf-8", "replace"), (line, column)


# -- the loader ---------------------------------------------------------------------------
def load_railway_config(path: Path, *, display_path: str, environment: str | None = None) -> Source:
    """Load railway.json or railway.toml (by suffix; `.toml` is TOML, anything else JSON)."""
    text, bad_utf8 = read_text(path, display_path=display_path)
    if bad_utf8 is not None:
        diagnostic = Diagnostic(SYNTAX, "invalid UTF-8 (the file must be UTF-8 encoded)", *bad_utf8)
        return _source(display_path, environment, text, None, (), (diagnostic,))
    is_toml = path.suffix.lower() == ".toml"
    parsed = _parse_toml(text) if is_toml else _parse_json(text)
    if isinstance(parsed, Diagnostic):
        return _source(display_path, environment, text, None, (), (parsed,))
    document, entries, diagnostics = parsed
    positions = {entry.key: entry for entry in entries}
    kind = "railway-schema.toml" if is_toml else "railway-schema.json"
    diagnostics = diagnostics + tuple(validate(document, positions, cache_key=(kind, text)))
    return _source(display_path, environment, text, document, entries, diagnostics)


def _source(path: str, environment: str | None, text: str, document: object,
            entries: tuple[Entry, ...], diagnostics: tuple[Diagnostic, ...]) -> Source:
    ordered = tuple(sorted(diagnostics, key=lambda d: (d.line, d.column, d.code)))
    return Source(path=path, kind=SourceKind.RAILWAY_CONFIG, environment=environment,
                  entries=entries, diagnostics=ordered, text=text, document=document)


Parsed = tuple[object, tuple[Entry, ...], tuple[Diagnostic, ...]]


def _parse_json(text: str) -> Parsed | Diagnostic:
    try:
        parsed = jsonpos.parse(text)
    except jsonpos.JsonSyntaxError as error:
        return Diagnostic(SYNTAX, f"invalid JSON: {error.message}", error.line, error.column)
    entries = tuple(_json_entry(node) for node in parsed.nodes if node.pointer)
    duplicates = tuple(
        Diagnostic(DUPLICATE_KEY,
                   f"`{dup.pointer}` is defined twice (first at line {dup.first_line}); the last one wins",
                   dup.line, dup.column, key=dup.pointer)
        for dup in parsed.duplicates)
    return parsed.value, entries, duplicates


def _json_entry(node: jsonpos.Node) -> Entry:
    # Entry.value_column is the first character of the value, after an opening quote.
    value_column = node.column + 1 if isinstance(node.value, str) else node.column
    line, column = (node.key_line, node.key_column) if node.key_line else (node.line, node.column)
    return Entry(key=node.pointer, value=node.value, line=line, column=column,
                 value_line=node.line, value_column=value_column,
                 end_line=node.end_line, end_column=node.end_column)


def _parse_toml(text: str) -> Parsed | Diagnostic:
    import tomllib  # stdlib, but only TOML configs need it

    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return _toml_syntax(str(error), text)
    except RecursionError:
        return Diagnostic(SYNTAX, "invalid TOML: nesting too deep", 1, 1)
    try:
        from etc_policy.sources.tomlpos import TomlPositions  # only TOML configs need it

        spots = TomlPositions(text).scan()
    except (IndexError, AttributeError, ValueError, RecursionError):
        # The map is a best-effort approximation; a construct it misreads must not cost the
        # values (tomllib has them): every pointer then falls back to line 1.
        spots = {}
    return document, tuple(_toml_entries(document, spots, text)), ()


def _toml_syntax(message: str, text: str) -> Diagnostic:
    place = _TOML_ERROR_PLACE.search(message)
    line, column = (int(place.group(1)), int(place.group(2))) if place and place.group(1) else _end(text)
    problem = message[:place.start()] if place else message
    twice = _TOML_DECLARED_TWICE.search(problem)
    if twice:
        table = ".".join(part.strip().strip("'\"") for part in twice.group(1).split(","))
        problem = f"table or key `{table}` is declared twice"
    elif problem == "Invalid value" and _starts_with_letter(text, line, column):
        problem = "invalid value (TOML strings must be quoted)"
    if text.lstrip().startswith("{"):
        problem += "; this looks like JSON, which belongs in railway.json"
    return Diagnostic(SYNTAX, f"invalid TOML: {problem[:1].lower()}{problem[1:]}", line, column)


def _end(text: str) -> tuple[int, int]:
    return jsonpos.LineIndex(text).position(len(text))


def _starts_with_letter(text: str, line: int, column: int) -> bool:
    lines = text.splitlines()
    if not 0 < line <= len(lines):
        return False
    rest = lines[line - 1][column - 1:]
    return bool(rest) and rest[0].isalpha() and not rest.startswith(("true", "false", "inf", "nan"))


# -- TOML positions -----------------------------------------------------------------------


def _toml_entries(document: dict, spots: dict[str, TomlSpot], text: str) -> Iterator[Entry]:
    """One entry per pointer, in document order (iterative: no recursion on deep documents)."""
    index = jsonpos.LineIndex(text)
    root_spot: TomlSpot = (-1, 0, 0, 0)
    stack: list[tuple[str, object, TomlSpot]] = [
        (jsonpos.join_pointer("", key), value, root_spot) for key, value in reversed(document.items())]
    while stack:
        pointer, value, fallback = stack.pop()
        spot = spots.get(pointer, fallback)
        yield _toml_entry(pointer, value, spot, index)
        if isinstance(value, dict):
            children = [(jsonpos.join_pointer(pointer, k), v) for k, v in value.items()]
        elif isinstance(value, list):
            children = [(jsonpos.join_pointer(pointer, i), v) for i, v in enumerate(value)]
        else:
            continue
        stack.extend((child, item, spot) for child, item in reversed(children))


def _toml_entry(pointer: str, value: object, spot: TomlSpot, index: jsonpos.LineIndex) -> Entry:
    key_offset, value_offset, content_offset, end_offset = spot
    line, column = index.position(key_offset if key_offset >= 0 else value_offset)
    value_line, value_column = index.position(content_offset)
    end_line, end_column = index.position(end_offset)
    return Entry(key=pointer, value=value, line=line, column=column, value_line=value_line,
                 value_column=value_column, end_line=end_line, end_column=end_column)


# -- schema validation --------------------------------------------------------------------
@functools.cache
def _schema() -> dict:
    import etc_policy.data

    folder = Path(next(iter(etc_policy.data.__path__)))
    return json.loads((folder / "railway.schema.json").read_text("utf-8"))


@functools.cache
def _validator():
    """The Draft 7 validator for railway.schema.json, built once per process."""
    from etc_policy.sources.draft7 import draft7_validator  # jsonschema: only invalid configs

    return draft7_validator(_schema())


def validate(document: object, entries: dict[str, Entry], *,
             cache_key: tuple[str, str] | None = None) -> list[Diagnostic]:
    """Schema diagnostics for a parsed config; `entries` (pointer → entry) gives positions.
    With `cache_key` (what, the file's text), an invalid file's diagnostics are kept in the
    cache: they depend on the text alone, and finding them again imports jsonschema."""
    if not isinstance(document, dict):
        kind = _JSON_TYPES.get(type(document), "value")
        return [Diagnostic(SCHEMA, f"the top level must be an object, not {_article(kind)}", 1, 1, key="")]
    if schema_valid.is_valid(_schema(), document) is True:
        return []  # proven valid without importing jsonschema (~60 ms); see schema_valid
    if cache_key is None:
        return _jsonschema_diagnostics(document, entries)
    from etc_policy import pack_cache

    cached = pack_cache.lookup_derived(*cache_key)
    if cached is not None:
        return list(cached)
    found = _jsonschema_diagnostics(document, entries)
    pack_cache.store_derived(*cache_key, tuple(found))
    return found


def _jsonschema_diagnostics(document: dict, entries: dict[str, Entry]) -> list[Diagnostic]:
    try:
        errors = sorted(_validator().iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
        found = [diagnostic for error in errors for diagnostic in _classify(error, entries)]
    except RecursionError:
        return [Diagnostic(SCHEMA, "the document is nested too deeply to validate", 1, 1)]
    return list(dict.fromkeys(found))  # anyOf branches can report one problem twice


def _classify(error: ValidationError, entries: dict[str, Entry]) -> list[Diagnostic]:
    leaves = [leaf for leaf in _leaves(error) if not _is_noise(leaf)] or [error]
    unknown = [leaf for leaf in leaves if leaf.validator == "additionalProperties"]
    if unknown:
        return [diagnostic for leaf in unknown for diagnostic in _unknown_keys(leaf, entries)]
    constraints = [leaf for leaf in leaves if leaf.validator != "type"]
    if constraints:
        leaf = next((c for c in constraints if c.validator == "enum"), constraints[0])
        return [_constraint(leaf, entries)]
    return [_type_error(leaves, entries)]


def _leaves(error: ValidationError) -> list[ValidationError]:
    if not error.context:
        return [error]
    return [leaf for child in error.context for leaf in _leaves(child)]


def _is_noise(leaf: ValidationError) -> bool:
    # Every optional field is `anyOf[anyOf[not {}, T], null]`: the `not {}` and `null`
    # branches always fail for a present non-null value and say nothing useful.
    return leaf.validator == "not" or (leaf.validator == "type" and leaf.validator_value == "null")


def _pointer(error: ValidationError) -> str:
    pointer = ""
    for part in error.absolute_path:
        pointer = jsonpos.join_pointer(pointer, part)
    return pointer


def _place(pointer: str, entries: dict[str, Entry], *, of_value: bool) -> tuple[int, int]:
    entry = entries.get(pointer)
    if entry is None:
        return 1, 1
    if of_value and entry.value_line:
        return entry.value_line, entry.value_column
    return entry.line, entry.column


def _unknown_keys(leaf: ValidationError, entries: dict[str, Entry]) -> Iterator[Diagnostic]:
    instance = leaf.instance if isinstance(leaf.instance, dict) else {}
    allowed = leaf.schema.get("properties", {})
    parent = _pointer(leaf)
    for key in instance:
        if key in allowed:
            continue
        pointer = jsonpos.join_pointer(parent, key)
        message = f"`{pointer}`: key `{key}` is not allowed {_where(parent)}{_unknown_key_advice(key, list(allowed))}"
        yield Diagnostic(UNKNOWN_KEY, message, *_place(pointer, entries, of_value=False), key=pointer)


def _where(parent: str) -> str:
    return f"in `{parent}`" if parent else "at the top level"


def _unknown_key_advice(key: str, allowed: list[str]) -> str:
    """A hint that helps fix the key: a near spelling, the section it belongs to, or the list."""
    import difflib

    if key in _VARIABLE_KEYS:
        return "; config as code cannot set variables: set them in the Railway service instead"
    by_lower = {name.lower(): name for name in allowed}
    near = difflib.get_close_matches(key.lower(), list(by_lower), n=1, cutoff=0.8)
    if near:
        return f"; did you mean `{by_lower[near[0]]}`?"
    for section in ("build", "deploy"):
        if key in _section_keys(section) and section not in allowed:
            return f"; it belongs in `{section}`"
    return f" (allowed: {', '.join(allowed)})" if len(allowed) <= 5 else ""


def _section_keys(section: str) -> frozenset[str]:
    return frozenset(_validator().schema["properties"][section]["properties"])


def _constraint(leaf: ValidationError, entries: dict[str, Entry]) -> Diagnostic:
    pointer = _pointer(leaf)
    place = _place(pointer, entries, of_value=True)
    members = leaf.validator_value if leaf.validator == "enum" else ()
    if isinstance(leaf.instance, str) and members:
        match = next((m for m in members if isinstance(m, str) and m.lower() == leaf.instance.lower()), None)
        if match is not None:
            return Diagnostic(ENUM_CASE, f"`{pointer}`: enum value in the wrong case; use `{match}`",
                              *place, key=pointer)
    return Diagnostic(SCHEMA, f"`{pointer}`: {_constraint_problem(leaf)}", *place, key=pointer)


def _constraint_problem(leaf: ValidationError) -> str:
    value = leaf.validator_value
    problems = {
        "enum": lambda: f"must be one of {', '.join(map(str, value))}",
        "const": lambda: f"must be {value}",
        "minimum": lambda: f"must be at least {value}",
        "maximum": lambda: f"must be at most {value}",
        "exclusiveMinimum": lambda: f"must be greater than {value}",
        "exclusiveMaximum": lambda: f"must be less than {value}",
        "maxItems": lambda: f"must have at most {value} item{'s' if value != 1 else ''}",
        "minItems": lambda: f"must have at least {value} item{'s' if value != 1 else ''}",
        "pattern": lambda: "does not have the required format",
        "required": lambda: f"is missing a required key (one of {', '.join(map(str, value))})",
    }
    problem = problems.get(str(leaf.validator))
    return problem() if problem else f"does not satisfy the schema ({leaf.validator})"


def _type_error(leaves: list[ValidationError], entries: dict[str, Entry]) -> Diagnostic:
    deepest = max(leaves, key=lambda leaf: len(leaf.absolute_path))
    pointer = _pointer(deepest)
    expected: list[str] = []
    for leaf in leaves:
        if _pointer(leaf) != pointer:
            continue
        for name in (leaf.validator_value if isinstance(leaf.validator_value, list) else [leaf.validator_value]):
            if name not in expected:
                expected.append(str(name))
    got = _JSON_TYPES.get(type(deepest.instance), "value")
    message = f"`{pointer}`: expected {' or '.join(expected) or 'another type'}, got {got}"
    return Diagnostic(TYPE, message, *_place(pointer, entries, of_value=True), key=pointer)


def _article(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"
