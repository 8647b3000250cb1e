"""Helpers shared by the dotenv lint kinds (dotenv_*.py); not a kind itself.

Lint kinds read the raw text (`Source.text`) line by line as Node does (CRLF, CR and LF end a
line) and the parsed entries for positions. Lines inside a multi-line quoted value belong to
the value: layout checks (blank lines, trailing whitespace) leave them alone.
"""

from __future__ import annotations

from functools import lru_cache

from etc_policy.checks._common import Frozen  # noqa: F401  (re-exported for the kinds)
from etc_policy.checks.base import CheckContext
from etc_policy.model import Entry, SourceKind
from etc_policy.sources.dotenv import JS_WHITESPACE, split_lines

DEFAULT_SOURCES = (SourceKind.DOTENV,)
QUOTES = "'\"`"


def lines(ctx: CheckContext) -> tuple[str, ...]:
    """The source's lines; a final newline does not start an extra line.

    Kinds call this once per entry: the split is cached per text (a str caches its hash),
    so a file of 100,000 keys is split once, not 100,000 times."""
    if ctx.source is None or not ctx.source.text:
        return ()
    return _lines_of(ctx.source.text)


@lru_cache(maxsize=16)
def _lines_of(text: str) -> tuple[str, ...]:
    found = split_lines(text)
    return tuple(found[:-1] if found and found[-1] == "" else found)


def is_blank(line: str) -> bool:
    return line.strip(JS_WHITESPACE) == ""


def is_comment(line: str) -> bool:
    return line.lstrip(JS_WHITESPACE).startswith("#")


def entries(ctx: CheckContext) -> list[Entry]:
    """Every definition of the selected keys in file order (duplicates included). Values
    decrypted in memory are left out: the file holds what dotenvx or sops wrote, and lint
    judges the file (the engine leaves ciphertext out the same way)."""
    if ctx.source is None:
        return []
    selected = {entry.key for entry in ctx.entries}
    return [entry for entry in ctx.source.entries
            if entry.key in selected and entry.decrypted_from is None]


def value_lines(ctx: CheckContext) -> set[int]:
    """Lines whose end lies inside a multi-line value (their trailing text is value text)."""
    inside: set[int] = set()
    for entry in ctx.source.entries if ctx.source is not None else ():
        if entry.end_line > entry.value_line:
            inside.update(range(entry.value_line, entry.end_line))
    return inside


def raw_value(ctx: CheckContext, entry: Entry) -> str:
    """The value's source text on its first line, quotes included (for one-line values)."""
    text = lines(ctx)
    if entry.value_line < 1 or entry.value_line > len(text):
        return ""
    start = entry.value_column - (2 if entry.quote else 1)
    end = entry.end_column - 1 if entry.end_line == entry.value_line else None
    return text[entry.value_line - 1][start:end]


def delimiter(ctx: CheckContext, entry: Entry) -> tuple[int, str] | None:
    """(0-based index, text) of the span from the key's end to the value on the key's line."""
    text = lines(ctx)
    if entry.line > len(text):
        return None
    line = text[entry.line - 1]
    start = entry.column - 1 + len(entry.key)
    end = entry.value_column - (2 if entry.quote else 1) if entry.value_line == entry.line else len(line)
    return start, line[start:end]


_NAME_PART = 12   # longest part between underscores that still reads as a word of a name


def name_like(token: str) -> bool:
    """True when a bare token reads as a variable name (DATABASE_URL, Stripe_Key_2), not a
    pasted value. A line holding only `sk-…` or `AKIA…` would otherwise put the secret into
    a finding's message and key; such tokens are described, never shown."""
    if not token or len(token) > 64 or not (token[0].isalpha() or token[0] == "_"):
        return False
    if not all(c.isascii() and (c.isalnum() or c == "_") for c in token):
        return False
    return all(len(part) <= _NAME_PART for part in token.split("_"))
