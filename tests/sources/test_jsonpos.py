from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etc_policy.sources import jsonpos
from etc_policy.sources.jsonpos import JsonSyntaxError, parse

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpora"
REAL_JSON = sorted((CORPUS / "railway-real").glob("*.json"))


def resolve(document: object, pointer: str) -> object:
    """RFC 6901 resolution, written independently of the parser."""
    value = document
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        value = value[int(token)] if isinstance(value, list) else value[token]
    return value


def char_at(text: str, line: int, column: int) -> str:
    return text.splitlines(keepends=True)[line - 1][column - 1]


@pytest.mark.parametrize("path", REAL_JSON, ids=lambda p: p.name)
def test_real_files_match_stdlib_and_every_position_points_at_its_token(path: Path) -> None:
    text = path.read_text("utf-8")
    parsed = parse(text)
    assert parsed.value == json.loads(text)
    for node in parsed.nodes:
        assert resolve(parsed.value, node.pointer) == node.value
        first = char_at(text, node.line, node.column)
        assert first == {dict: "{", list: "[", str: '"'}.get(type(node.value), first)
        if node.key_line:
            key = node.pointer.rsplit("/", 1)[1].replace("~1", "/").replace("~0", "~")
            line = text.splitlines()[node.key_line - 1]
            assert line[node.key_column - 1:].startswith(json.dumps(key))


def test_positions_count_code_points_and_crlf_lines() -> None:
    text = '{\r\n  "é€": "ü",\r\n  "k": [1, {"a~/b": null}]\r\n}'
    nodes = parse(text).by_pointer()
    assert (nodes["/é€"].key_line, nodes["/é€"].key_column) == (2, 3)
    assert (nodes["/é€"].line, nodes["/é€"].column, nodes["/é€"].end_column) == (2, 9, 12)
    assert (nodes["/k/1"].line, nodes["/k/1"].column) == (3, 12)
    assert (nodes["/k/1/a~0~1b"].key_line, nodes["/k/1/a~0~1b"].key_column) == (3, 13)
    assert (nodes[""].end_line, nodes[""].end_column) == (4, 2)


def test_nodes_are_in_document_order_and_array_items_have_no_key() -> None:
    parsed = parse('{"a": [true, "x"], "b": -1.5e3}')
    assert [n.pointer for n in parsed.nodes] == ["", "/a", "/a/0", "/a/1", "/b"]
    assert parsed.node("/a/1").key_line == 0
    assert parsed.node("/b").value == -1500.0


def test_escaped_strings_are_decoded() -> None:
    assert parse(r'["a\"b\\c\/d\u00e9\n"]').value == ['a"b\\c/dé\n']


def test_duplicate_keys_report_the_second_and_keep_the_last() -> None:
    text = '{\n  "deploy": {"a": 1, "b": 2},\n  "x": 0,\n  "deploy": {"c": 3}\n}'
    parsed = parse(text)
    assert parsed.value == {"deploy": {"c": 3}, "x": 0}
    assert parsed.duplicates == (jsonpos.DuplicateKey("/deploy", 4, 3, 2, 3),)
    # The overwritten member's nodes are gone: pointers agree with the document.
    assert [n.pointer for n in parsed.nodes] == ["", "/x", "/deploy", "/deploy/c"]


@pytest.mark.parametrize(("text", "line", "column", "message"), [
    ("", 1, 1, "empty file"),
    ("  \n ", 1, 1, "only whitespace"),
    ("\ufeff{}", 1, 1, "UTF-8 BOM"),
    ('{"a": 1,\n}', 1, 8, "trailing comma"),
    ("[1, 2,]", 1, 6, "trailing comma"),
    ('{"a": 1 // note\n}', 1, 9, "comments are not allowed in JSON"),
    ('{"a": 1 /* note */}', 1, 9, "comments are not allowed in JSON"),
    ("{'a': 1}", 1, 2, "single quotes"),
    ('{"a": \'x\'}', 1, 7, "single quotes"),
    ('{"a": [1, 2', 1, 12, "unexpected end of file"),
    ('{"a": "abc', 1, 11, "unexpected end of file inside a string"),
    ("{a: 1}", 1, 2, "object keys must be double-quoted"),
    ('{"a" 1}', 1, 6, "expected ':'"),
    ('{"a": 1 "b": 2}', 1, 9, "expected ',' or '}'"),
    ("[1 2]", 1, 4, "expected ',' or ']'"),
    ('{"a": nixpacks}', 1, 7, "unquoted string"),
    ("[NaN]", 1, 2, "not a JSON literal"),
    ("[True]", 1, 2, "not a JSON literal"),
    ("[01]", 1, 2, "leading zeros"),
    ("[1.]", 1, 2, "invalid number"),
    ("[+1]", 1, 2, "unexpected character"),
    ('["a\nb"]', 1, 4, "unescaped control character"),
    (r'["\x"]', 1, 3, "invalid escape"),
    ('{"a": 1}}', 1, 9, "unexpected data after the top-level value"),
])
def test_syntax_errors_have_a_position_and_a_plain_message(text: str, line: int, column: int,
                                                           message: str) -> None:
    with pytest.raises(JsonSyntaxError) as caught:
        parse(text)
    assert (caught.value.line, caught.value.column) == (line, column)
    assert message in caught.value.message


def test_deep_nesting_is_a_clear_error_not_a_recursion_crash() -> None:
    with pytest.raises(JsonSyntaxError, match="nesting deeper than 512 levels"):
        parse("[" * 100_000)
    # Within the limit the parser does not recurse either: 5000 levels parse fine.
    parsed = parse("[" * 5000 + "]" * 5000, max_depth=10_000)
    assert len(parsed.nodes) == 5000


SECRET = "FAKEsecretVALUE0123456789"


@settings(max_examples=150, deadline=None)
@given(cut=st.integers(min_value=0, max_value=80),
       junk=st.sampled_from(["", ",", "'", "//", "}", "x", "\n", '"', "\\", "\x01", "NaN", "{"]))
def test_error_messages_never_contain_value_text(cut: int, junk: str) -> None:
    text = json.dumps({"JWT_SECRET": SECRET, "list": [SECRET, 1]}, indent=2)
    broken = text[:cut] + junk + text[cut:]
    try:
        parse(broken)
    except JsonSyntaxError as error:
        assert "FAKE" not in str(error) and "secret" not in str(error)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=20)


@settings(max_examples=150, deadline=None)
@given(value=json_values, indent=st.sampled_from([None, 0, 2]), ascii_only=st.booleans())
def test_round_trip_agrees_with_stdlib_and_pointers_resolve(value: object, indent: int | None,
                                                           ascii_only: bool) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=ascii_only)
    parsed = parse(text)
    assert parsed.value == value
    for node in parsed.nodes:
        assert resolve(value, node.pointer) == node.value
