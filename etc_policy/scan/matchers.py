"""The engines behind a scan: Hyperscan with keyword prefiltering (fast), RE2 (fallback) and
the previous Hyperscan engine ("reference", kept for differential tests).

`FastMatcher` (engine "hyperscan", the default) holds only literals in its Hyperscan
database: the needles and, for each pattern, the keywords every match of it contains
(scan.keywords); a pattern without usable keywords keeps its prefilter regex there. The fast
scan loop (scan.fast) runs each pattern's RE2 regex only on the lines of its keyword hits.

The two others report the same things for data fed to them chunk by chunk:
- literal needle matches as (needle index, end offset), every occurrence, each exactly once
  even when it straddles two chunks;
- for patterns, Hyperscan reports (pattern index, end offset) of candidate matches, which the
  scan resolves with RE2 on the lines holding them; the RE2 engine reports nothing there
  (`pattern_hits` None) and the scan runs every pattern on every line block instead.
Pattern semantics are therefore always RE2's (leftmost, non-overlapping `finditer` per line),
whatever the engine, and results compare equal.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from typing import Protocol

from etc_policy.record import record
from etc_policy.scan.model import CASELESS, DOTALL, Needle, PatternSpec


class MatcherStream(Protocol):
    def feed(self, buf: bytes, base: int, new_from: int
             ) -> tuple[list[tuple[int, int]], list[tuple[int, int]] | None]:
        """Scan `buf[new_from:]` (new data; `buf` starts at absolute offset `base` and keeps at
        least the longest needle's length - 1 bytes before `new_from`)."""
        ...


class Matcher(Protocol):
    name: str

    def stream(self, origin: int) -> MatcherStream: ...


def compile_pattern_re2(pattern: PatternSpec) -> object:
    import re2

    options = re2.Options()
    options.encoding = re2.Options.Encoding.LATIN1   # bytes in, byte offsets out
    options.case_sensitive = not pattern.flags & CASELESS
    options.dot_nl = bool(pattern.flags & DOTALL)
    options.max_mem = 64 << 20
    # Multi-line: ^ and $ are line anchors, so one regex run over a block of lines finds what
    # it finds line by line.
    return re2.compile(b"(?m)" + pattern.regex, options)


def hyperscan_available() -> bool:
    try:
        import hyperscan  # noqa: F401
    except ImportError:
        return False
    return True


ENGINES = ("auto", "hyperscan", "re2", "reference")


def make_matcher(needles: Sequence[Needle], patterns: Sequence[PatternSpec], *,
                 engine: str = "auto") -> Matcher | FastMatcher:
    """`hyperscan` (default when installed): keyword prefiltering; `re2`: no Hyperscan;
    `reference`: the previous Hyperscan engine (regexes in the database), for tests."""
    if engine not in ENGINES:
        raise ValueError(f"unknown scan engine {engine!r}")
    if engine == "hyperscan" or (engine == "auto" and hyperscan_available()):
        return FastMatcher(needles, patterns)
    if engine == "reference":
        return HyperscanMatcher(needles, patterns)
    return Re2Matcher(needles)


class FastMatcher:
    """One Hyperscan stream-mode database of literals: needle i has id i; the ids after
    them are keywords (or, for a pattern without keywords, its prefilter regex), and
    `groups[id - needle_count]` lists the patterns (indexes) a hit of that id flags."""

    name = "hyperscan"

    def __init__(self, needles: Sequence[Needle], patterns: Sequence[PatternSpec]) -> None:
        import hyperscan

        from etc_policy.scan.keywords import pattern_keywords

        self.needle_count = len(needles)
        expressions = [_hs_literal(n.value) for n in needles]
        flags = [0] * len(needles)
        ids = list(range(len(needles)))
        heavy: tuple[list[bytes], list[int], list[int]] = ([], [], [])   # regexes, flags, ids
        literal_ids: dict[tuple[bytes, bool], int] = {}
        groups: list[list[int]] = []
        self.keywords = tuple(pattern_keywords(p) for p in patterns)
        for index, (pattern, keywords) in enumerate(zip(patterns, self.keywords, strict=True)):
            if keywords is None:
                flag = hyperscan.HS_FLAG_MULTILINE
                if pattern.flags & CASELESS:
                    flag |= hyperscan.HS_FLAG_CASELESS
                if pattern.flags & DOTALL:
                    flag |= hyperscan.HS_FLAG_DOTALL
                heavy[0].append(hs_prefilter(pattern.regex))
                heavy[1].append(flag)
                heavy[2].append(self.needle_count + len(groups))
                groups.append([index])
                continue
            for literal in keywords.literals:
                key = (literal.lower() if keywords.caseless else literal, keywords.caseless)
                group = literal_ids.get(key)
                if group is None:
                    group = literal_ids[key] = len(groups)
                    groups.append([])
                    expressions.append(_hs_literal(literal))
                    flags.append(hyperscan.HS_FLAG_CASELESS if keywords.caseless else 0)
                    ids.append(self.needle_count + group)
                if index not in groups[group]:
                    groups[group].append(index)
        self.groups = tuple(tuple(g) for g in groups)
        self._db = _stream_db(expressions, flags, ids)
        # Regexes without keywords: their own database, scanned by a helper thread while the
        # main one scans the literals (Hyperscan releases the GIL; these rarely call back).
        self._heavy_db = _stream_db(*heavy)

    def open(self, on_match: Callable[[int, int, int, int, object], None], *,
             heavy: bool = False) -> object | None:
        """An open stream (of the literal database, or of the `heavy` regexes one) calling
        `on_match(id, from, to, flags, context)`; None if that database is empty. The caller
        keeps `on_match` referenced (python-hyperscan does not) and closes the stream."""
        db = self._heavy_db if heavy else self._db
        if db is None:
            return None
        stream = db.stream(match_event_handler=on_match)
        stream.__enter__()
        return stream


def _stream_db(expressions: list[bytes], flags: list[int], ids: list[int]) -> object | None:
    import hyperscan

    if not expressions:
        return None
    db = hyperscan.Database(mode=hyperscan.HS_MODE_STREAM)
    db.compile(expressions=expressions, ids=ids, elements=len(expressions), flags=flags)
    return db


def re2_searcher(regex: object) -> Callable[[bytes, int, int], list[tuple[int, int]]]:
    """`search(text, pos, endpos)[0] -> (start, end)`, (-1, -1) when none: RE2's own C++
    entry point, bound to its anchor in C (google-re2's `finditer` builds a Python match
    object per hit, twice the cost on a flagged line)."""
    import re2

    inner = getattr(regex, "_regexp", None)
    anchor = getattr(getattr(re2, "_Anchor", None), "UNANCHORED", None)
    if inner is not None and anchor is not None:
        return functools.partial(inner.Match, anchor)

    def fallback(text: bytes, pos: int, endpos: int) -> list[tuple[int, int]]:
        found = regex.search(text, pos, endpos)  # type: ignore[attr-defined]
        return [(-1, -1) if found is None else found.span()]
    return fallback


# --- Hyperscan -----------------------------------------------------------------------------

def _hs_literal(data: bytes) -> bytes:
    # Literals as regexes (so they share one database with the patterns): every byte that is
    # not a letter or digit becomes \xNN.
    return b"".join(bytes([c]) if (48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122)
                    else b"\\x%02x" % c for c in data)


# A quantified atom at the very end of a regex: a class, an escape or a plain character,
# then ?, *, +, {n}, {n,} or {n,m}.
_TRAILING = re.compile(
    rb"(?:\[\^?\]?(?:\\.|[^\]\\])*\]|\\.|[^\\\[\]()|?*+{}])(\?|\*|\+|\{([0-9]+)(?:,[0-9]*)?\})$")


_WORD_BOUNDARY = re.compile(rb"(?<!\\)\\b")


def hs_prefilter(regex: bytes) -> bytes:
    """The regex with its trailing repetition cut to the minimum (`[a-z]{20,}` → `[a-z]{20}`,
    `x*` → ``), for Hyperscan only.

    Hyperscan reports every end of every match: `eyJ[…]{5,}…[…]*` would call back once per
    character of each JWT. The cut regex matches a prefix of every match of the full one, on
    the same line, so it still flags every line the full regex (run by RE2) matches there,
    with one call back per occurrence instead of dozens. Word boundaries are dropped too
    (fewer assertions, a superset of lines, about twice the speed): RE2 checks them.
    """
    regex = _WORD_BOUNDARY.sub(b"", regex)
    while True:
        found = _TRAILING.search(regex)
        if found is None or (found.start() > 0 and regex[found.start() - 1:found.start()] == b"\\"):
            return regex
        atom = regex[found.start():found.start(1)]
        minimum = 1 if found.group(1) == b"+" else int(found.group(2) or 0)
        shorter = regex[:found.start()] + (atom if minimum == 1 else
                                           atom + b"{%d}" % minimum if minimum else b"")
        if shorter == regex or not shorter or shorter.endswith((b"|", b"(", b"(?:")):
            return regex
        if minimum:
            return shorter
        regex = shorter


class HyperscanMatcher:
    name = "hyperscan"

    def __init__(self, needles: Sequence[Needle], patterns: Sequence[PatternSpec]) -> None:
        import hyperscan

        self._count = len(needles)
        expressions = [_hs_literal(n.value) for n in needles]
        flags = [0] * len(needles)
        for pattern in patterns:
            expressions.append(hs_prefilter(pattern.regex))
            flag = hyperscan.HS_FLAG_MULTILINE
            if pattern.flags & CASELESS:
                flag |= hyperscan.HS_FLAG_CASELESS
            if pattern.flags & DOTALL:
                flag |= hyperscan.HS_FLAG_DOTALL
            flags.append(flag)
        self._db = None
        if expressions:
            self._db = hyperscan.Database(mode=hyperscan.HS_MODE_STREAM)
            self._db.compile(expressions=expressions, ids=list(range(len(expressions))),
                             elements=len(expressions), flags=flags)

    def stream(self, origin: int) -> MatcherStream:
        return _HyperscanStream(self._db, self._count, origin)


class _HyperscanStream:
    def __init__(self, db: object, count: int, origin: int) -> None:
        self._literal: list[tuple[int, int]] = []
        self._pattern: list[tuple[int, int]] = []
        self._origin = origin
        self._db = db          # the stream must not outlive its database
        # python-hyperscan keeps no reference to the handler: hold it here, or it is freed
        # while the stream still calls it (a segfault).
        self._handler = self._on_match
        self._count = count
        self._stream = db.stream(match_event_handler=self._handler) if db is not None else None
        if self._stream is not None:
            self._stream.__enter__()

    def _on_match(self, ident: int, _start: int, end: int, _flags: int, _ctx: object) -> None:
        if ident < self._count:
            self._literal.append((ident, self._origin + end))
        else:
            self._pattern.append((ident - self._count, self._origin + end))

    def feed(self, buf: bytes, base: int, new_from: int
             ) -> tuple[list[tuple[int, int]], list[tuple[int, int]] | None]:
        if self._stream is None:
            return [], []
        self._literal, self._pattern = [], []
        self._stream.scan(memoryview(buf)[new_from:])
        return self._literal, self._pattern

    def close(self) -> None:
        if self._stream is not None:
            self._stream.__exit__(None, None, None)
            self._stream = None


# --- RE2 fallback --------------------------------------------------------------------------

class Re2Matcher:
    """One RE2 alternation of all needles finds the next position where any needle starts;
    the needles sharing that position's first bytes are then compared directly, so overlapping
    occurrences of different needles are all found, as Hyperscan finds them."""

    name = "re2"

    def __init__(self, needles: Sequence[Needle]) -> None:
        import re2

        self._needles = [n.value for n in needles]
        self._key = min((len(v) for v in self._needles), default=1)
        self._longest = max((len(v) for v in self._needles), default=0)
        self._by_prefix: dict[bytes, list[int]] = {}
        for index, value in enumerate(self._needles):
            self._by_prefix.setdefault(value[:self._key], []).append(index)
        self._regex = None
        if self._needles:
            options = re2.Options()
            options.encoding = re2.Options.Encoding.LATIN1
            options.max_mem = 256 << 20
            prefixes = sorted(self._by_prefix)
            self._regex = re2.compile(b"|".join(re2.escape(p) for p in prefixes), options)

    def stream(self, origin: int) -> MatcherStream:
        return _Re2Stream(self)

    def find(self, buf: bytes, base: int, new_from: int) -> list[tuple[int, int]]:
        if self._regex is None:
            return []
        found: list[tuple[int, int]] = []
        pos = max(0, new_from - self._longest + 1)
        search = self._regex.search
        while True:
            match = search(buf, pos)
            if match is None:
                return found
            start = match.start()
            for index in self._by_prefix[buf[start:start + self._key]]:
                value = self._needles[index]
                end = start + len(value)
                # Only matches ending in the new data: the others were reported before.
                if new_from < end <= len(buf) and buf.startswith(value, start):
                    found.append((index, base + end))
            pos = start + 1


class _Re2Stream:
    def __init__(self, matcher: Re2Matcher) -> None:
        self._matcher = matcher

    def feed(self, buf: bytes, base: int, new_from: int
             ) -> tuple[list[tuple[int, int]], list[tuple[int, int]] | None]:
        return self._matcher.find(buf, base, new_from), None

    def close(self) -> None:
        pass


@record
class CompiledPatterns:
    specs: tuple[PatternSpec, ...]
    regexes: tuple[object, ...]

    @classmethod
    def of(cls, patterns: Sequence[PatternSpec]) -> CompiledPatterns:
        return cls(tuple(patterns), tuple(compile_pattern_re2(p) for p in patterns))
