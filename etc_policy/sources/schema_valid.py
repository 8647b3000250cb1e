"""A proof of validity for railway.json documents, so that valid configs skip jsonschema.

Importing jsonschema costs ~60 ms (its format checkers pull in arrow, isoduration,
rfc3986…), a third of a pre-commit hook's budget, and almost every config is valid.
`is_valid(schema, document)` answers True (valid), False (invalid) or None (unsure) with
Draft 7's semantics as jsonschema implements them, for the few keywords
railway.schema.json uses. Only True is acted on (no diagnostics, jsonschema never
imported); False and None go to jsonschema, which produces every diagnostic. Any keyword,
reference or value type it does not know makes the answer None, so a schema update can
only make it slower, never wrong. tests/sources/test_schema_valid.py checks it against
jsonschema on the real corpora and on generated documents.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

# Annotations: no effect on validity.
_IGNORED = frozenset({"description", "title", "$schema", "default", "examples", "$comment"})

Verdict = bool | None
_TYPES: dict[str, Callable[[Any], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "null": lambda v: v is None,
    "boolean": lambda v: isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    # Draft 7 (jsonschema): 1.0 is an integer.
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool))
    or (isinstance(v, float) and v.is_integer()),
}
_JSON_SCALARS = (str, int, float, bool, type(None))


def is_valid(schema: Any, document: Any) -> Verdict:
    """True/False when certain, None when jsonschema must decide."""
    if not _plain_json(document):
        return None  # e.g. TOML dates: let jsonschema say what they are
    try:
        return _Checker(schema).check(schema, document)
    except RecursionError:
        return None


def _plain_json(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if not all(isinstance(key, str) for key in item):
                return False
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif not isinstance(item, _JSON_SCALARS):
            return False
    return True


class _Checker:
    def __init__(self, root: Any) -> None:
        self.root = root

    def check(self, schema: Any, value: Any) -> Verdict:
        if schema is True:
            return True
        if schema is False:
            return False
        if not isinstance(schema, dict):
            return None
        if "$ref" in schema:  # Draft 7: $ref's siblings are ignored
            target = self._resolve(schema["$ref"])
            return None if target is _UNKNOWN else self.check(target, value)
        verdict: Verdict = True
        for keyword, argument in schema.items():
            if keyword in _IGNORED:
                continue
            handler = _HANDLERS.get(keyword)
            if handler is None:
                return None
            outcome = handler(self, argument, value, schema)
            if outcome is False:
                verdict = False  # keep looking: an unknown keyword still makes it None
            elif outcome is None:
                return None
        return verdict

    def _resolve(self, ref: Any) -> Any:
        if not isinstance(ref, str) or not ref.startswith("#/"):
            return _UNKNOWN
        node = self.root
        for raw in ref[2:].split("/"):
            if "%" in raw:
                return _UNKNOWN
            part = raw.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or part not in node:
                return _UNKNOWN
            node = node[part]
        return node


_UNKNOWN = object()


def _type(checker: _Checker, argument: Any, value: Any, schema: dict[str, Any]) -> Verdict:
    names = [argument] if isinstance(argument, str) else argument
    if not isinstance(names, list) or not all(name in _TYPES for name in names):
        return None
    return any(_TYPES[name](value) for name in names)


def _any_of(checker: _Checker, argument: Any, value: Any, schema: dict[str, Any]) -> Verdict:
    if not isinstance(argument, list):
        return None
    unsure = False
    for branch in argument:
        outcome = checker.check(branch, value)
        if outcome is True:
            return True
        unsure = unsure or outcome is None
    return None if unsure else False


def _not(checker: _Checker, argument: Any, value: Any, schema: dict[str, Any]) -> Verdict:
    outcome = checker.check(argument, value)
    return None if outcome is None else not outcome


def _properties(checker: _Checker, argument: Any, value: Any,
                schema: dict[str, Any]) -> Verdict:
    if not isinstance(argument, dict):
        return None
    if not isinstance(value, dict):
        return True
    return _all(checker.check(argument[key], item) for key, item in value.items()
                if key in argument)


def _additional(checker: _Checker, argument: Any, value: Any,
                schema: dict[str, Any]) -> Verdict:
    if "patternProperties" in schema or not isinstance(schema.get("properties", {}), dict):
        return None
    if not isinstance(value, dict):
        return True
    known = schema.get("properties", {})
    return _all(checker.check(argument, item) for key, item in value.items()
                if key not in known)


def _items(checker: _Checker, argument: Any, value: Any, schema: dict[str, Any]) -> Verdict:
    if not isinstance(argument, dict | bool):
        return None  # the tuple form (and additionalItems) is not handled here
    if not isinstance(value, list):
        return True
    return _all(checker.check(argument, item) for item in value)


def _enum(checker: _Checker, argument: Any, value: Any, schema: dict[str, Any]) -> Verdict:
    if not isinstance(argument, list) or not all(_scalar(option) for option in argument):
        return None
    if not _scalar(value):
        return None
    return any(_equal(option, value) for option in argument)


def _const(checker: _Checker, argument: Any, value: Any, schema: dict[str, Any]) -> Verdict:
    if not (_scalar(argument) and _scalar(value)):
        return None
    return _equal(argument, value)


def _bound(compare: Callable[[float, float], bool]) -> Callable[..., Verdict]:
    def handler(checker: _Checker, argument: Any, value: Any, schema: dict[str, Any]) -> Verdict:
        if not isinstance(argument, int | float) or isinstance(argument, bool):
            return None
        if not isinstance(value, int | float) or isinstance(value, bool):
            return True
        return compare(value, argument)
    return handler


def _max_items(checker: _Checker, argument: Any, value: Any,
               schema: dict[str, Any]) -> Verdict:
    if not isinstance(argument, int) or isinstance(argument, bool):
        return None
    return len(value) <= argument if isinstance(value, list) else True


def _pattern(checker: _Checker, argument: Any, value: Any, schema: dict[str, Any]) -> Verdict:
    if not isinstance(argument, str):
        return None
    if not isinstance(value, str):
        return True
    try:
        return re.search(argument, value) is not None  # jsonschema searches, unanchored
    except re.error:
        return None


def _all(outcomes: Any) -> Verdict:
    verdict: Verdict = True
    for outcome in outcomes:
        if outcome is None:
            return None
        if outcome is False:
            verdict = False
    return verdict


def _scalar(value: Any) -> bool:
    return isinstance(value, _JSON_SCALARS)


def _equal(one: Any, two: Any) -> bool:
    # jsonschema's equality: booleans never equal numbers (True != 1), 1 == 1.0.
    if isinstance(one, bool) or isinstance(two, bool):
        return type(one) is type(two) and one == two
    return one == two


_HANDLERS: dict[str, Callable[[_Checker, Any, Any, dict[str, Any]], Verdict]] = {
    "type": _type,
    "anyOf": _any_of,
    "not": _not,
    "properties": _properties,
    "additionalProperties": _additional,
    "items": _items,
    "enum": _enum,
    "const": _const,
    "minimum": _bound(lambda value, limit: value >= limit),
    "maximum": _bound(lambda value, limit: value <= limit),
    "maxItems": _max_items,
    "pattern": _pattern,
}
