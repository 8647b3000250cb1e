"""A strict RFC 8259 JSON parser that remembers where every value stands.

`parse(text)` returns the document (as `json.loads` would, last duplicate key wins) plus one
`Node` per value, in document order, addressed by its RFC 6901 JSON pointer, with 1-based
line and column (Unicode code points) of the member's key, of the value and of its end.

Why not `json.loads`: it keeps no positions, accepts NaN/Infinity, and silently drops
duplicate keys. The parser is iterative (an explicit stack, no recursion) so a deeply
nested file gets a clear error instead of a RecursionError, and it scans strings, numbers
and whitespace with regular expressions so a few MB parse in well under a second.

Error messages name the problem and the place, never the text around it: a value may be
a secret.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right

from etc_policy.record import field, record

DEFAULT_MAX_DEPTH = 512

_WS = re.compile(r"[ \t\n\r]*")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_STRING_RUN = re.compile(r'[^"\\\x00-\x1f]*')
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
_LEADING_ZERO = re.compile(r"-?0[0-9]")
_HEX4 = re.compile(r"[0-9a-fA-F]{4}")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_LITERALS: dict[str, object] = {"true": True, "false": False, "null": None}
_NON_STANDARD_WORDS = {"NaN", "Infinity", "undefined", "True", "False", "None"}
_SIMPLE_ESCAPES = frozenset('"\\/bfnrt')
# Structural characters are safe to quote in a message; anything else may be part of a value.
_QUOTABLE = frozenset("{}[]:,")


class JsonSyntaxError(ValueError):
    """The text is not JSON. Carries a 1-based position and a plain message (no value text)."""

    def __init__(self, message: str, *, line: int, column: int) -> None:
        self.message = message
        self.line = line
        self.column = column
        super().__init__(f"line {line}, column {column}: {message}")


@record
class Node:
    """One JSON value. `key_line`/`key_column` are 0 for the root and for array items.

    `line`/`column` is the first character of the value token (the opening quote of a
    string, the brace of an object); `end_line`/`end_column` is just past its last character.
    """

    pointer: str
    value: object = field(repr=False)
    line: int
    column: int
    end_line: int
    end_column: int
    key_line: int = 0
    key_column: int = 0

    @property
    def is_container(self) -> bool:
        return isinstance(self.value, (dict, list))


@record
class DuplicateKey:
    """An object key given twice: the position of the second one, and of the first."""

    pointer: str
    line: int
    column: int
    first_line: int
    first_column: int


@record
class ParsedJson:
    value: object = field(repr=False)
    nodes: tuple[Node, ...]
    duplicates: tuple[DuplicateKey, ...] = ()

    def node(self, pointer: str) -> Node | None:
        """The node at `pointer` (the live one, when a key was duplicated)."""
        for candidate in self.nodes:
            if candidate.pointer == pointer:
                return candidate
        return None

    def by_pointer(self) -> dict[str, Node]:
        return {node.pointer: node for node in self.nodes}


def escape_token(token: str) -> str:
    """RFC 6901: `~` becomes `~0` and `/` becomes `~1` (in that order)."""
    return token.replace("~", "~0").replace("/", "~1")


def join_pointer(parent: str, token: str | int) -> str:
    token = str(token)
    if "~" in token or "/" in token:
        token = escape_token(token)
    return f"{parent}/{token}"


class LineIndex:
    """Offset → (line, column), 1-based; `\\r\\n`, `\\r` and `\\n` each end a line."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [match.end() for match in _LINE_BREAK.finditer(text)]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1


def parse(text: str, *, max_depth: int = DEFAULT_MAX_DEPTH) -> ParsedJson:
    """Parse `text` strictly; raise `JsonSyntaxError` at the first problem."""
    return _Parser(text, max_depth=max_depth).run()


@record(frozen=False)
class _Frame:
    container: dict | list
    pointer: str
    node_index: int
    key: str | None = None            # objects: the member being parsed
    key_offset: int = -1
    members: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # key → nodes range, key offset
    member_start: int = 0


class _Parser:
    def __init__(self, text: str, *, max_depth: int) -> None:
        self.text = text
        self.max_depth = max_depth
        self.index = LineIndex(text)
        # Mutable node records: [pointer, value, value_offset, end_offset, key_offset]
        self.records: list[list] = []
        self.dead: list[tuple[int, int]] = []
        self.duplicates: list[tuple[str, int, int]] = []
        self.stack: list[_Frame] = []

    # -- errors -------------------------------------------------------------------------
    def fail(self, message: str, offset: int) -> JsonSyntaxError:
        line, column = self.index.position(offset)
        return JsonSyntaxError(message, line=line, column=column)

    def unexpected(self, offset: int, expected: str) -> JsonSyntaxError:
        text = self.text
        if offset >= len(text):
            return self.fail("unexpected end of file", offset)
        char = text[offset]
        if char == "/" and text[offset + 1:offset + 2] in ("/", "*"):
            return self.fail("comments are not allowed in JSON", offset)
        if char == "'":
            return self.fail("single quotes are not allowed in JSON; use double quotes", offset)
        if char == "\ufeff":
            return self.fail("a UTF-8 BOM (byte order mark) is not allowed in JSON", offset)
        shown = f" '{char}'" if char in _QUOTABLE else ""
        return self.fail(f"unexpected character{shown}; expected {expected}", offset)

    # -- scanning -----------------------------------------------------------------------
    def skip(self, offset: int) -> int:
        return _WS.match(self.text, offset).end()

    def run(self) -> ParsedJson:
        text = self.text
        if text.startswith("\ufeff"):
            raise self.fail("a UTF-8 BOM (byte order mark) is not allowed in JSON; save the file without it", 0)
        offset = self.skip(0)
        if offset >= len(text):
            raise self.fail("empty file" if not text else "the file holds only whitespace", 0)
        root = self.parse_values(offset)
        return self.finish(root)

    def parse_values(self, offset: int) -> object:
        """The main loop: read a value, then close containers / read separators."""
        text = self.text
        pointer = ""
        key_offset = -1
        while True:
            offset, value, done = self.read_value(offset, pointer, key_offset)
            if not done:
                # A container was opened: read its first member, or close it if empty.
                frame = self.stack[-1]
                offset = self.skip(offset)
                closer = "}" if isinstance(frame.container, dict) else "]"
                if text.startswith(closer, offset):
                    offset = self.close(offset)
                else:
                    offset, pointer, key_offset = self.begin_member(offset, frame)
                    continue
            # A value is complete: read separators and closers until the next value starts.
            while True:
                if not self.stack:
                    end = self.skip(offset)
                    if end < len(text):
                        raise self.fail("unexpected data after the top-level value", end)
                    return self.records[0][1]
                frame = self.stack[-1]
                self.end_member(frame)
                offset = self.skip(offset)
                is_object = isinstance(frame.container, dict)
                closer = "}" if is_object else "]"
                if text.startswith(",", offset):
                    comma = offset
                    offset = self.skip(offset + 1)
                    if text.startswith(closer, offset):
                        raise self.fail("trailing comma", comma)
                    offset, pointer, key_offset = self.begin_member(offset, frame)
                    break
                if text.startswith(closer, offset):
                    offset = self.close(offset)
                    continue
                what = "',' or '}' after an object member" if is_object else "',' or ']' after an array item"
                raise self.unexpected(offset, what)

    def begin_member(self, offset: int, frame: _Frame) -> tuple[int, str, int]:
        """Position `offset` at the next member's value; return its pointer and key offset."""
        frame.member_start = len(self.records)
        if isinstance(frame.container, list):
            return offset, join_pointer(frame.pointer, len(frame.container)), -1
        if not self.text.startswith('"', offset):
            if offset < len(self.text) and _WORD.match(self.text, offset):
                raise self.fail("object keys must be double-quoted strings", offset)
            raise self.unexpected(offset, "a double-quoted object key")
        key_offset = offset
        offset, key = self.read_string(offset)
        offset = self.skip(offset)
        if not self.text.startswith(":", offset):
            raise self.unexpected(offset, "':' after an object key")
        frame.key = key
        frame.key_offset = key_offset
        return self.skip(offset + 1), join_pointer(frame.pointer, key), key_offset

    def end_member(self, frame: _Frame) -> None:
        """Attach the value just read to its container and note duplicate keys."""
        value = self.records[frame.member_start][1]
        container = frame.container
        if isinstance(container, list):
            container.append(value)
            return
        key = frame.key
        assert key is not None
        previous = frame.members.get(key)
        if previous is not None:
            start, end, first_key_offset = previous
            self.dead.append((start, end))
            self.duplicates.append((join_pointer(frame.pointer, key), frame.key_offset, first_key_offset))
        frame.members[key] = (frame.member_start, len(self.records), frame.key_offset)
        container[key] = value

    def close(self, offset: int) -> int:
        frame = self.stack.pop()
        self.records[frame.node_index][3] = offset + 1
        return offset + 1

    def read_value(self, offset: int, pointer: str, key_offset: int) -> tuple[int, object, bool]:
        """Read a scalar (done=True) or open a container (done=False)."""
        text = self.text
        if offset >= len(text):
            raise self.fail("unexpected end of file", offset)
        char = text[offset]
        if char in "{[":
            if len(self.stack) >= self.max_depth:
                raise self.fail(f"nesting deeper than {self.max_depth} levels", offset)
            container: dict | list = {} if char == "{" else []
            self.records.append([pointer, container, offset, -1, key_offset])
            self.stack.append(_Frame(container, pointer, len(self.records) - 1))
            return offset + 1, container, False
        if char == '"':
            end, value = self.read_string(offset)
        elif char == "-" or char.isdigit():
            end, value = self.read_number(offset)
        else:
            end, value = self.read_literal(offset)
        self.records.append([pointer, value, offset, end, key_offset])
        return end, value, True

    def read_string(self, offset: int) -> tuple[int, str]:
        text = self.text
        position = offset + 1
        has_escape = False
        while True:
            position = _STRING_RUN.match(text, position).end()
            if position >= len(text):
                raise self.fail("unexpected end of file inside a string", position)
            char = text[position]
            if char == '"':
                break
            if char == "\\":
                has_escape = True
                position = self.check_escape(position)
                continue
            raise self.fail("unescaped control character in string (a raw line break or tab? use \\n or \\t)",
                            position)
        raw = text[offset + 1:position]
        value = json.loads(text[offset:position + 1]) if has_escape else raw
        return position + 1, value

    def check_escape(self, position: int) -> int:
        following = self.text[position + 1:position + 2]
        if following in _SIMPLE_ESCAPES and following:
            return position + 2
        if following == "u" and _HEX4.match(self.text, position + 2):
            return position + 6
        raise self.fail("invalid escape sequence in string", position)

    def read_number(self, offset: int) -> tuple[int, object]:
        text = self.text
        if _LEADING_ZERO.match(text, offset):
            raise self.fail("numbers must not have leading zeros", offset)
        match = _NUMBER.match(text, offset)
        if match is None:
            raise self.fail("invalid number", offset)
        end = match.end()
        if end < len(text) and (text[end].isalnum() or text[end] in "._"):
            raise self.fail("invalid number", offset)
        token = match.group()
        if match.group(1) or match.group(2):
            return end, float(token)
        try:
            return end, int(token)
        except ValueError:  # more digits than Python converts by default
            raise self.fail("number has too many digits", offset) from None

    def read_literal(self, offset: int) -> tuple[int, object]:
        match = _WORD.match(self.text, offset)
        if match is None:
            raise self.unexpected(offset, "a value")
        word = match.group()
        if word in _LITERALS:
            return match.end(), _LITERALS[word]
        if word in _NON_STANDARD_WORDS:
            raise self.fail("not a JSON literal (JSON has only true, false and null)", offset)
        raise self.fail("unquoted string; JSON strings must be in double quotes", offset)

    # -- result -------------------------------------------------------------------------
    def finish(self, root: object) -> ParsedJson:
        alive = [True] * len(self.records)
        for start, end in self.dead:
            for index in range(start, end):
                alive[index] = False
        position = self.index.position
        nodes = []
        for keep, (pointer, value, start, end, key_offset) in zip(alive, self.records):
            if not keep:
                continue
            line, column = position(start)
            end_line, end_column = position(end)
            key_line, key_column = position(key_offset) if key_offset >= 0 else (0, 0)
            nodes.append(Node(pointer, value, line, column, end_line, end_column, key_line, key_column))
        duplicates = []
        for pointer, second, first in self.duplicates:
            line, column = position(second)
            first_line, first_column = position(first)
            duplicates.append(DuplicateKey(pointer, line, column, first_line, first_column))
        return ParsedJson(root, tuple(nodes), tuple(duplicates))
