"""Keyword prefiltering: literals that every match of a pattern contains (as gitleaks does).

The fast scan puts only literals in its hot Hyperscan database: the needles, plus for each
pattern a small set of keywords such that every match of the pattern contains at least one
of them (`sk-proj-`/`T3BlbkFJ` for OpenAI keys, `AKIA`/`ASIA`… for AWS, `postgres://`… for
database URLs). A keyword hit only flags its line; RE2 then runs the full pattern there.

The keywords are derived from the regex itself, so they can never drift from it: the regex is
parsed (Python's own parser: the patterns are written in the dialect both Hyperscan and RE2
accept, which it reads the same way) and, for each concatenation, the exactly-known runs of
characters (literals, small classes, short optional parts, alternations of those) are
expanded into their finite sets of strings; the best such set along the regex is kept.
Alternations union the sets of their branches. A pattern whose every match does not contain
a literal of at least `MIN_KEYWORD` bytes gets `None`: the scan keeps its regex in the
database instead (detect-secrets' Telegram, Discord and Twilio formats: digits, dots and
two-letter prefixes only).
"""

from __future__ import annotations


from etc_policy.record import record
from etc_policy.scan.model import CASELESS, PatternSpec

MIN_KEYWORD = 3       # shorter literals hit everywhere in a log
MAX_KEYWORDS = 64     # per pattern: beyond, the expansion is not worth it
_MAX_CLASS = 10       # a class of at most this many bytes is expanded ([0-9], [MNO])
_MAX_REPEAT = 4       # x{0,3} is expanded; longer counted repetitions are not


@record
class Keywords:
    literals: tuple[bytes, ...]
    caseless: bool


# Info of one regex node: `exact` the finite set of everything it matches (None: unknown or
# too many); `prefix`/`suffix` sets one of which every match starts/ends with; `best` the best
# required set found inside (None: none).
@record
class _Info:
    exact: frozenset[bytes] | None
    prefix: frozenset[bytes]
    suffix: frozenset[bytes]
    best: frozenset[bytes] | None


_EMPTY = frozenset({b""})


class _Unsupported(Exception):
    """A construct whose meaning differs between Python's parser and RE2, or is unknown."""


def pattern_keywords(pattern: PatternSpec) -> Keywords | None:
    """The keywords of a pattern, or None when it has no usable literal."""
    found = regex_keywords(pattern.regex)
    if found is None:
        return None
    literals, inline_caseless = found
    return Keywords(literals, caseless=bool(pattern.flags & CASELESS) or inline_caseless)


def regex_keywords(regex: bytes) -> tuple[tuple[bytes, ...], bool] | None:
    """(literals, caseless) such that every match of `regex` contains one of the literals
    (compared case-insensitively when `caseless`: inline flags make the whole set caseless)."""
    # Syntax Python reads differently from RE2: `x{,3}` (RE2: literal), POSIX classes, \Q…\E.
    if any(token in regex for token in (b"{,", b"[:", b"\\Q", b"\\C", b"\\p", b"\\P")):
        return None
    try:
        from re import _parser as sre_parse   # the stdlib's own regex parser (3.11+)

        parsed = sre_parse.parse(regex)
        caseless = [bool(parsed.state.flags & sre_parse.SRE_FLAG_IGNORECASE)]
        info = _sequence(list(parsed), caseless)
    except (_Unsupported, Exception):  # noqa: BLE001 - any parse doubt: no keywords
        return None
    best = _choose([info.best, info.exact])
    if best is None:
        return None
    return tuple(sorted(best)), caseless[0]


def _score(candidate: frozenset[bytes] | None) -> tuple[int, int] | None:
    if not candidate or len(candidate) > MAX_KEYWORDS * 4:
        return None
    candidate = _reduce(candidate)
    if len(candidate) > MAX_KEYWORDS or len(candidate) > MAX_KEYWORDS:
        return None
    shortest = min(len(s) for s in candidate)
    if shortest < MIN_KEYWORD:
        return None
    # Beyond 8 bytes length hardly matters; then fewer literals is better.
    return min(shortest, 8), -len(candidate)


def _choose(candidates: list[frozenset[bytes] | None]) -> frozenset[bytes] | None:
    best, best_score = None, None
    for candidate in candidates:
        score = _score(candidate)
        if score is not None and (best_score is None or score > best_score):
            best, best_score = _reduce(candidate), score  # type: ignore[arg-type]
    return best


def _reduce(strings: frozenset[bytes]) -> frozenset[bytes]:
    """Drop strings containing another one: a hit of the shorter flags them anyway."""
    if len(strings) < 2:
        return strings
    ordered = sorted(strings, key=len)
    kept: list[bytes] = []
    for s in ordered:
        if not any(k in s for k in kept if k):
            kept.append(s)
    return frozenset(kept)


def _cross(left: frozenset[bytes] | None, right: frozenset[bytes] | None
           ) -> frozenset[bytes] | None:
    if left is None or right is None or len(left) * len(right) > MAX_KEYWORDS * 4:
        return None
    return frozenset(a + b for a in left for b in right)


def _sequence(items: list, caseless: list[bool]) -> _Info:
    infos = [_node(op, av, caseless) for op, av in items]
    candidates: list[frozenset[bytes] | None] = []
    run: frozenset[bytes] = _EMPTY       # what the last items match, contiguously
    exact: frozenset[bytes] | None = _EMPTY
    prefix: frozenset[bytes] | None = None
    for info in infos:
        if info.exact is not None:
            exact = _cross(exact, info.exact) if prefix is None else None
            grown = _cross(run, info.exact)
            if grown is None:
                candidates.append(run)
                run = info.exact
            else:
                run = grown
            continue
        if prefix is None:
            start = _cross(exact, info.prefix)
            prefix = start if start is not None else _EMPTY
            exact = None
        head = _cross(run, info.prefix)
        candidates.append(head if head is not None else run)
        candidates.append(info.best)
        run = info.suffix
    candidates.append(run)
    if prefix is None and exact is not None:
        return _Info(exact, exact, exact, _choose([*candidates, exact]))
    return _Info(None, prefix if prefix is not None else _EMPTY, run, _choose(candidates))


def _node(op: object, av: object, caseless: list[bool]) -> _Info:
    from re import _constants as c

    if op is c.LITERAL:
        one = frozenset({bytes([av])})  # type: ignore[list-item]
        return _Info(one, one, one, None)
    if op is c.AT:
        return _Info(_EMPTY, _EMPTY, _EMPTY, None)
    if op is c.IN:
        chars = _class(av)  # type: ignore[arg-type]
        return (_Info(chars, chars, chars, None) if chars is not None
                else _Info(None, _EMPTY, _EMPTY, None))
    if op in (c.NOT_LITERAL, c.ANY, c.CATEGORY):
        return _Info(None, _EMPTY, _EMPTY, None)
    if op is c.SUBPATTERN:
        _group, add_flags, del_flags, sub = av  # type: ignore[misc]
        if add_flags or del_flags:
            caseless[0] = True   # an inline flag group: treat the whole set as caseless
        return _sequence(list(sub), caseless)
    if op is c.BRANCH:
        return _branch([_sequence(list(b), caseless) for b in av[1]])  # type: ignore[index]
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
        low, high, sub = av  # type: ignore[misc]
        return _repeat(low, high, _sequence(list(sub), caseless))
    if op in (c.ASSERT, c.ASSERT_NOT):
        return _Info(_EMPTY, _EMPTY, _EMPTY, None)   # zero width (RE2 has none anyway)
    raise _Unsupported(str(op))


def _class(items: list) -> frozenset[bytes] | None:
    from re import _constants as c

    chars: set[int] = set()
    for op, av in items:
        if op is c.LITERAL:
            chars.add(av)
        elif op is c.RANGE:
            low, high = av
            if high - low >= _MAX_CLASS:
                return None
            chars.update(range(low, high + 1))
        else:
            return None            # NEGATE, CATEGORY (\s, \w…)
        if len(chars) > _MAX_CLASS:
            return None
    return frozenset(bytes([ch]) for ch in chars)


def _branch(branches: list[_Info]) -> _Info:
    exact: frozenset[bytes] | None = frozenset()
    best: frozenset[bytes] | None = frozenset()
    prefix: frozenset[bytes] = frozenset()
    suffix: frozenset[bytes] = frozenset()
    for info in branches:
        exact = exact | info.exact if exact is not None and info.exact is not None else None
        own = _choose([info.best, info.exact])
        best = best | own if best is not None and own is not None else None
        prefix |= info.prefix
        suffix |= info.suffix
    if exact is not None and len(exact) > MAX_KEYWORDS * 4:
        exact = None
    return _Info(exact, prefix, suffix, best)


def _repeat(low: int, high: int, sub: _Info) -> _Info:
    if sub.exact is not None and high <= _MAX_REPEAT:
        total: frozenset[bytes] | None = _EMPTY if low == 0 else frozenset()
        power: frozenset[bytes] | None = _EMPTY
        for count in range(1, high + 1):
            power = _cross(power, sub.exact)
            if power is None or total is None:
                total = None
                break
            if count >= low:
                total = total | power
        if total is not None and len(total) <= MAX_KEYWORDS * 4:
            return _Info(total, total, total, None)
    if low == 0:
        return _Info(None, _EMPTY, _EMPTY, None)
    # At least one copy: every match starts with a copy's prefix and ends with one's suffix.
    return _Info(None, sub.prefix, sub.suffix, _choose([sub.best, sub.exact]))
