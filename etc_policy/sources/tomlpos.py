"""Where each key and value of a TOML document is: tomllib keeps no positions.

One scanner for every TOML file etc-policy reads (railway.toml, the config in
pyproject.toml). It runs on text tomllib already accepted, so it can be light; a construct it
misreads costs positions only, never values (callers catch its exceptions).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

from etc_policy.sources import jsonpos

TomlSpot = tuple[int, int, int, int]   # key offset (-1: none), value offset, value content offset, end


def key_lines(text: str, *, under: tuple[str, ...] = ()) -> dict[tuple[str | int, ...], int]:
    """The 1-based line of every key (and table header) below the table `under`, by its path
    relative to it: `under=("tool", "etc-policy")` gives `("rules", "RWY004") -> 12`."""
    try:
        spots = TomlPositions(text).scan()
    except (IndexError, AttributeError, ValueError, RecursionError):
        return {}
    index = jsonpos.LineIndex(text)
    lines: dict[tuple[str | int, ...], int] = {}
    for pointer, (key_offset, value_offset, _, _) in spots.items():
        parts = tuple(_unescape(part) for part in pointer.split("/")[1:])
        if parts[:len(under)] != under:
            continue
        offset = key_offset if key_offset >= 0 else value_offset
        lines[parts[len(under):]] = index.position(offset)[0]
    return lines


def _unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")


class TomlPositions:
    """Scan TOML text (already known valid) for the position of every pointer it mentions."""

    MAX_DEPTH = 64

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.spots: dict[str, TomlSpot] = {}
        self.aot_last: dict[str, int] = {}

    def scan(self) -> dict[str, TomlSpot]:
        text = self.text
        table = ""
        while True:
            self.skip_blank(newlines=True)
            if self.pos >= len(text):
                break
            if text.startswith("[[", self.pos):
                table = self.header(array=True)
            elif text.startswith("[", self.pos):
                table = self.header(array=False)
            else:
                self.key_value(table, depth=0)
        return self.spots

    # -- lexing helpers
    def skip_blank(self, *, newlines: bool) -> None:
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char in " \t" or (newlines and char in "\r\n"):
                self.pos += 1
            elif char == "#":
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else (end if not newlines else end + 1)
            else:
                return

    def key_parts(self) -> list[tuple[str, int]]:
        """A dotted key: each part with its offset."""
        parts = []
        while True:
            self.skip_blank(newlines=False)
            start = self.pos
            parts.append((self.key_part(), start))
            self.skip_blank(newlines=False)
            if not self.text.startswith(".", self.pos):
                return parts
            self.pos += 1

    def key_part(self) -> str:
        text = self.text
        char = text[self.pos:self.pos + 1]
        if char in ('"', "'"):
            end = self.string_end(self.pos, char)
            token = text[self.pos:end]
            self.pos = end
            import tomllib
            return tomllib.loads(f"k = {token}")["k"]
        match = _BARE_KEY.match(text, self.pos)
        self.pos = match.end()
        return match.group()

    def string_end(self, start: int, quote: str) -> int:
        text = self.text
        if text.startswith(quote * 3, start):
            position = start + 3
            while True:
                found = text.find(quote * 3, position)
                if found < 0:
                    return len(text)
                if quote == '"' and _escaped(text, found):
                    position = found + 1
                    continue
                end = found + 3
                while text.startswith(quote, end) and end - found < 5:  # up to two quotes of content
                    end += 1
                return end
        position = start + 1
        while position < len(text):
            char = text[position]
            if char == "\\" and quote == '"':
                position += 2
                continue
            if char == quote or char == "\n":
                return position + 1
            position += 1
        return len(text)

    # -- structure
    def header(self, *, array: bool) -> str:
        start = self.pos
        self.pos += 2 if array else 1
        parts = self.key_parts()
        self.pos += 2 if array else 1
        pointer = ""
        for number, (part, offset) in enumerate(parts):
            pointer = jsonpos.join_pointer(pointer, part)
            last = number == len(parts) - 1
            if last and array:
                index = self.aot_last.get(pointer, -1) + 1
                self.aot_last[pointer] = index
                self.spots.setdefault(pointer, (offset, start, start, self.pos))
                pointer = jsonpos.join_pointer(pointer, index)
                self.spots[pointer] = (offset, start, start, self.pos)
            else:
                if pointer in self.aot_last:
                    pointer = jsonpos.join_pointer(pointer, self.aot_last[pointer])
                spot = (offset, start, start, self.pos)
                self.spots[pointer] = spot if last else self.spots.get(pointer, spot)
        return pointer

    def key_value(self, table: str, *, depth: int) -> None:
        parts = self.key_parts()
        pointer = table
        for part, offset in parts[:-1]:
            pointer = jsonpos.join_pointer(pointer, part)
            self.spots.setdefault(pointer, (offset, offset, offset, offset))
        last, key_offset = parts[-1]
        pointer = jsonpos.join_pointer(pointer, last)
        self.skip_blank(newlines=False)
        self.pos += 1  # '='
        self.skip_blank(newlines=False)
        self.value(pointer, key_offset, depth=depth)

    def value(self, pointer: str, key_offset: int, *, depth: int) -> None:
        text = self.text
        start = self.pos
        char = text[start:start + 1]
        content = start
        if char in ('"', "'"):
            content = start + (3 if text.startswith(char * 3, start) else 1)
            self.pos = self.string_end(start, char)
        elif char == "[" and depth < self.MAX_DEPTH:
            self.array(pointer, depth=depth + 1)
        elif char == "{" and depth < self.MAX_DEPTH:
            self.inline_table(pointer, depth=depth + 1)
        elif char in "[{":
            self.pos = _skip_bracketed(text, start)
        else:
            self.pos = _SCALAR.match(text, start).end()
        self.spots[pointer] = (key_offset, start, content, self.pos)

    def array(self, pointer: str, *, depth: int) -> None:
        indices = itertools.count()
        self._items("]", lambda: self.value(jsonpos.join_pointer(pointer, next(indices)), -1,
                                            depth=depth))

    def inline_table(self, pointer: str, *, depth: int) -> None:
        self._items("}", lambda: self.key_value(pointer, depth=depth))

    def _items(self, close: str, item: Callable[[], None]) -> None:
        """The comma-separated items of `[…]` or `{…}` up to `close`, one `item()` each."""
        self.pos += 1
        while True:
            self.skip_blank(newlines=True)
            if self.pos >= len(self.text) or self.text[self.pos] == close:
                self.pos += 1
                return
            if self.text[self.pos] == ",":
                self.pos += 1
                continue
            before = self.pos
            item()
            self.pos = max(self.pos, before + 1)  # always progress, whatever the text


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]*")
_SCALAR = re.compile(r"[^,\]}\r\n#]*?(?=\s*(?:[,\]}\r\n#]|$))")


def _escaped(text: str, offset: int) -> bool:
    backslashes = 0
    while offset - backslashes - 1 >= 0 and text[offset - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _skip_bracketed(text: str, start: int) -> int:
    """Skip a too-deep array/inline table without recursion (strings may hold brackets)."""
    depth = 0
    position = start
    while position < len(text):
        char = text[position]
        if char in "\"'":
            end = text.find(char, position + 1)
            position = len(text) if end < 0 else end + 1
            continue
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return position + 1
        position += 1
    return position


