"""Node-dotenv-compatible `.env` parser that keeps the position of every entry.

The app reads its `.env` files with the npm package `dotenv` (18.0.10), so we parse exactly as
its `parse()` does, not as python-dotenv does. Node's parser is one JavaScript regex (`LINE`)
run over the text with the `g` and `m` flags after CRLF/CR normalisation; each match gives a
key and a raw value that is trimmed, stripped of one pair of matching quotes, and, when it
started with a double quote, has `\\n` and `\\r` expanded. `${VAR}` is kept literally.

We run the same pattern through Python `re`, translating the three places where JavaScript
and Python regexes differ: `\\s` (JavaScript's set includes U+FEFF and excludes U+001C–U+001F
and U+0085), `\\w` (ASCII only in JavaScript without the `u` flag) and the multiline anchors
`^`/`$`/`.` (JavaScript also treats U+2028/U+2029 as line terminators). The differential tests
in tests/sources/test_dotenv_differential.py prove the agreement against the real package.
"""

from __future__ import annotations

import bisect
import functools
import re
from pathlib import Path
from typing import Iterator

from etc_policy.errors import SourceError
from etc_policy.record import record
from etc_policy.sources.files import read_input_bytes, utf16_problem
from etc_policy.model import Diagnostic, Entry, Source, SourceKind

# JavaScript's WhiteSpace + LineTerminator set (what `\s` and String.prototype.trim use).
JS_WHITESPACE = (
    "\t\n\x0b\x0c\r \xa0\u1680" + "".join(chr(c) for c in range(0x2000, 0x200B))
    + "\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_LT = "\n\r\u2028\u2029"                  # JavaScript line terminators (for ^ $ . under /m)
QUOTES = "'\"`"

# Node: /(?:^|^)\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"
#        |\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)/mg


def _quoted(quote: str, space: str) -> str:
    r"""Node's `Q(?:\\Q|[^Q])*Q`, rewritten as `Q[^Q]*(?:(?<=\\)Q[^Q]*)*Q`.

    Both accept the same strings and try the closing quote at the same offsets in the same
    order (the first unescaped quote, then each escaped one from right to left), so they
    match identically; the rewrite runs as single-character loops, which keeps a 10 MB
    unterminated quote linear and fast in Python's `re` (the original takes seconds).
    """
    return f"[{space}]*{quote}[^{quote}]*(?:(?<=\\\\){quote}[^{quote}]*)*{quote}"


@record
class _Grammar:
    """Node's regexes, translated for Python's `re` over one alphabet of whitespace."""

    line: re.Pattern[str]          # Node's LINE
    strip_quotes: re.Pattern[str]  # value.replace(/^(['"`])([\s\S]*)\1$/mg, '$2')
    next_line: re.Pattern[str]
    non_space: re.Pattern[str]
    solid_line: re.Pattern[str]


@functools.cache
def _grammar(ascii_only: bool) -> _Grammar:
    """The regexes; `ascii_only`: classes without their non-ASCII members (see _for_matching).

    Compiling the full classes, whose Unicode spaces make `re` build big-charset tables for
    each of LINE's nine whitespace classes, took ~3 ms of every run (the ASCII ones: 0.6 ms).
    """
    space = JS_WHITESPACE if not ascii_only else "".join(c for c in JS_WHITESPACE if c.isascii())
    ends = _LT if not ascii_only else "\n\r"
    s = f"[{space}]"
    bol = f"(?:\\A|(?<=[{ends}]))"
    eol = f"(?=[{ends}]|\\Z)"
    line = re.compile(
        f"{bol}{s}*(?:export{s}+)?([A-Za-z0-9_.-]+)(?:{s}*={s}*?|:{s}+?)"
        f"({_quoted(chr(39), space)}|{_quoted(chr(34), space)}|{_quoted('`', space)}|[^#\r\n]+)?"
        f"{s}*(?:#[^{ends}]*)?{eol}"
    )
    return _Grammar(
        line=line,
        strip_quotes=re.compile(f"{bol}(['\"`])([\\s\\S]*)\\1{eol}"),
        next_line=re.compile(f"[{ends}]"),
        non_space=re.compile(f"[^{space}]"),
        solid_line=re.compile(f"([^{space}][^\\n]*)"),
    )


_NEWLINES = re.compile(r"\r\n?")
# JavaScript's non-ASCII spaces that are not line terminators, each to VT (also a JS space).
_SPACES_TO_VT = str.maketrans(dict.fromkeys(
    (c for c in JS_WHITESPACE if not c.isascii() and c not in _LT), "\x0b"))


def _for_matching(normal: str) -> tuple[_Grammar, str]:
    r"""The grammar to run and the text to run it on (same length, same offsets as `normal`).

    Every class of the grammar treats the non-ASCII spaces exactly as it treats VT (all are
    `\s`, none is a line terminator, a quote, `#`, `\r` or `\n`, or a key character), so
    matching the ASCII grammar on the text with those spaces replaced by VT finds the same
    offsets as the full grammar on the text itself. Only U+2028/U+2029, line terminators that
    are also spaces but not `\r`/`\n`, have no ASCII stand-in: such a text gets the full
    grammar. Values are always sliced from `normal`.
    """
    if "\u2028" in normal or "\u2029" in normal:
        return _grammar(False), normal
    return _grammar(True), normal if normal.isascii() else normal.translate(_SPACES_TO_VT)


@record
class _Match:
    """One LINE match in the normalised text: offsets of key, raw value and the whole match."""

    key: str
    key_start: int
    raw_start: int      # after trimming the raw value's leading whitespace
    raw_end: int        # after trimming its trailing whitespace
    start: int
    end: int


def parse_dotenv(text: str) -> tuple[tuple[Entry, ...], tuple[Diagnostic, ...]]:
    """Parse `.env` text as Node dotenv's `parse()`; every entry in file order, duplicates kept.

    The app sees `{e.key: e.value for e in entries}` (last wins). Positions refer to the text
    with CRLF/CR normalised to LF, which keeps line numbers and columns of the original.
    """
    normal = _NEWLINES.sub("\n", text)
    grammar, matching = _for_matching(normal)
    lines = _LineIndex(normal)
    entries: list[Entry] = []
    diagnostics: list[Diagnostic] = []
    first_line: dict[str, int] = {}
    matches = list(_scan(matching, grammar))
    for match in matches:
        key_line, key_col = lines.position(match.key_start)
        if match.key == "__proto__":
            # Node assigns into a plain object: the __proto__ setter ignores a string.
            diagnostics.append(Diagnostic(
                code="dotenv.unparseable-line", line=key_line, column=key_col, key=match.key,
                message="key __proto__ is ignored by Node dotenv (it names the object prototype)"))
            continue
        entry = _entry(normal, match, lines, grammar)
        entries.append(entry)
        diagnostics.extend(_entry_diagnostics(entry, normal, match, first_line.get(entry.key)))
        first_line.setdefault(entry.key, entry.line)
    diagnostics.extend(_unparseable(matching, matches, lines, grammar))
    diagnostics.sort(key=lambda d: (d.line, d.column, d.code))
    return tuple(entries), tuple(diagnostics)


def _scan(text: str, grammar: _Grammar) -> Iterator[_Match]:
    """Yield LINE matches as Node's `while ((m = LINE.exec(text)))` loop finds them.

    LINE only matches at line starts, so we try `match` at each line start instead of letting
    `finditer` try every offset. When an attempt at a line start fails, every line start up to
    the next non-blank character fails too (its leading \\s* explores a subset of the same
    continuations, and nothing after it depends on where the match began), so we jump past it:
    runs of blank lines stay linear instead of quadratic.
    """
    pos, size = 0, len(text)
    while pos <= size:
        match = grammar.line.match(text, pos)
        if match is not None:
            yield _to_match(text, match)
            pos = _line_start_from(text, match.end(), grammar)
            continue
        solid = grammar.non_space.search(text, pos)
        if solid is None:
            return
        pos = _line_start_from(text, solid.start() + 1, grammar)


def _line_start_from(text: str, offset: int, grammar: _Grammar) -> int:
    """The first line start at or after `offset`; len(text) + 1 when there is none."""
    if offset == 0 or (offset <= len(text) and text[offset - 1] in _LT):
        return offset
    found = grammar.next_line.search(text, offset)
    return found.end() if found else len(text) + 1


def _to_match(text: str, match: re.Match[str]) -> _Match:
    start, end = match.span(2) if match.group(2) is not None else (match.end(1), match.end(1))
    raw = text[start:end]
    stripped = raw.strip(JS_WHITESPACE)
    lead = len(raw) - len(raw.lstrip(JS_WHITESPACE))
    if stripped:
        start += lead
        end = start + len(stripped)
    else:
        start = end = _delimiter_end(text, match)
    return _Match(key=match.group(1), key_start=match.start(1), raw_start=start, raw_end=end,
                  start=match.start(), end=match.end())


def _delimiter_end(text: str, match: re.Match[str]) -> int:
    """Offset just after `=` (or `:`) when the value is empty: where a value would start."""
    offset = match.end(1)
    while text[offset] != "=" and text[offset] != ":":
        offset += 1
    return offset + 1


def node_value(raw: str, grammar: _Grammar) -> tuple[str, str | None]:
    """Node's value post-processing of a raw (untrimmed) value: (value, quote that was stripped)."""
    value = raw.strip(JS_WHITESPACE)
    first = value[:1]
    if grammar.next_line.search(value) is None:
        # One line: Node's /^(['"`])([\s\S]*)\1$/mg can only match the whole value.
        stripped = len(value) >= 2 and first in QUOTES and value[-1] == first
        value = value[1:-1] if stripped else value
    else:
        value, stripped = grammar.strip_quotes.subn(r"\g<2>", value)
    if first == '"':
        value = value.replace("\\n", "\n").replace("\\r", "\r")
    return value, (first if stripped and first in QUOTES else None)


def _entry(text: str, match: _Match, lines: _LineIndex, grammar: _Grammar) -> Entry:
    value, quote = node_value(text[match.raw_start:match.raw_end], grammar)
    line, column = lines.position(match.key_start)
    value_line, value_column = lines.position(match.raw_start + (1 if quote else 0))
    end_line, end_column = lines.position(match.raw_end)
    return Entry(key=match.key, value=value, line=line, column=column, value_line=value_line,
                 value_column=value_column, end_line=end_line, end_column=end_column, quote=quote)


def _entry_diagnostics(entry: Entry, text: str, match: _Match,
                       first_line: int | None) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    if first_line is not None:
        found.append(Diagnostic(
            code="dotenv.duplicate-key", line=entry.line, column=entry.column, key=entry.key,
            message=f"key {entry.key} is defined again (first at line {first_line}); "
                    "the last definition wins"))
    raw = text[match.raw_start:match.raw_end]
    if "\n" in raw and raw[:1] in QUOTES:
        found.append(Diagnostic(
            code="dotenv.multiline-quote", line=entry.line, column=entry.column, key=entry.key,
            message=f"value of {entry.key} opens a {raw[0]} quote on line {entry.value_line} "
                    f"that closes on line {entry.end_line}; check for an unterminated quote"))
    return found


def _unparseable(text: str, matches: list[_Match], lines: _LineIndex,
                 grammar: _Grammar) -> list[Diagnostic]:
    """Non-blank, non-comment text that no LINE match consumed: Node silently drops it."""
    found: list[Diagnostic] = []
    for gap_start, gap_end in _gaps(matches, len(text)):
        for piece in grammar.solid_line.finditer(text, gap_start, gap_end):
            if piece.group(1).startswith("#"):
                continue
            line, column = lines.position(piece.start(1))
            found.append(Diagnostic(
                code="dotenv.unparseable-line", line=line, column=column,
                message="line is not KEY=VALUE, a comment or blank; Node dotenv ignores it"))
    return found


def _gaps(matches: list[_Match], size: int):
    cursor = 0
    for match in matches:
        if match.start > cursor:
            yield cursor, match.start
        cursor = max(cursor, match.end)
    if cursor < size:
        yield cursor, size


class _LineIndex:
    """Offset -> (line, column), 1-based, columns in code points."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def position(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self._starts, offset) - 1
        return index + 1, offset - self._starts[index] + 1


def split_lines(text: str) -> list[str]:
    """The lines of a `.env` text as Node sees them (CRLF, CR and LF all end a line)."""
    return _NEWLINES.sub("\n", text).split("\n")


def decode(data: bytes) -> tuple[str, Diagnostic | None]:
    """Decode like Node's `fs.readFileSync(path, 'utf8')` (U+FFFD per maximal bad subpart).

    A leading BOM is dropped: Node keeps it but its parser treats U+FEFF as whitespace, so the
    result is the same, and our columns then match what editors show.
    """
    try:
        text = data.decode("utf-8")
        problem = None
    except UnicodeDecodeError as error:
        text = data.decode("utf-8", errors="replace")
        prefix = split_lines(data[:error.start].decode("utf-8"))
        problem = Diagnostic(
            code="dotenv.encoding", line=len(prefix), column=len(prefix[-1]) + 1,
            message="invalid UTF-8 byte sequence; Node decodes it as U+FFFD (replacement character)")
    return text.removeprefix("\ufeff"), problem


def load_dotenv(path: Path, *, display_path: str, environment: str | None) -> Source:
    """Read a `.env` file into a Source; SourceError only when it cannot be read at all."""
    data = _read_bytes(path, display_path=display_path)
    if b"\x00" in data:
        line = data[:data.index(b"\x00")].count(b"\n") + 1
        raise SourceError("binary file (NUL byte), not a .env file", path=display_path, line=line)
    text, problem = decode(data)
    entries, diagnostics = parse_dotenv(text)
    if problem is not None:
        diagnostics = tuple(sorted((problem, *diagnostics), key=lambda d: (d.line, d.column, d.code)))
    return Source(path=display_path, kind=SourceKind.DOTENV, environment=environment,
                  entries=entries, diagnostics=diagnostics, text=text)


def _read_bytes(path: Path, *, display_path: str) -> bytes:
    data = read_input_bytes(path, display_path=display_path)
    problem = utf16_problem(data)
    if problem is not None:
        raise SourceError(problem, path=display_path)
    return data
