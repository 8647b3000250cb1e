"""The fast scan loop (engine "hyperscan"): one stream, big reads, Python only where hits are.

Per read: the bytes go into one reused buffer (`readinto`, no per-chunk allocation), behind
a small carry-over from the previous read; Hyperscan (stream mode, so a needle straddling two
reads is found once) scans only the new bytes and calls back for each needle or keyword hit.
The regexes of patterns without keywords are a second database, scanned meanwhile by a helper
thread (Hyperscan releases the GIL; they almost never call back) on reads of 1 MiB or more.
Nothing else in the loop is per byte or per line in Python:

- a needle hit is a match (its start is its end minus its length, its text its value);
- a keyword hit flags the line around it (the `LINE_CAP` piece of it, for huge lines: the
  pieces `lines.Segmenter` cuts, so results equal the reference engine's). Per read and per
  pattern, the flagged lines are joined with newlines and the pattern's RE2 regex runs once
  over them (no pattern matches a newline, so this finds what a run per line finds); `validate`
  verdicts are cached by matched bytes (a log repeats its look-alikes);
- line numbers: `bytes.count` of newlines (in C) from the previous match to the next, and
  over the bytes leaving the buffer.

A match is held until nothing found later can start before it: needles end at most
`longest` bytes before the data's end, pattern matches lie in lines not complete yet.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from typing import BinaryIO

from etc_policy.scan.lines import LINE_CAP
from etc_policy.scan.matchers import CompiledPatterns, FastMatcher, re2_searcher
from etc_policy.scan.model import Match, Needle

INFINITY = 1 << 62
# Validate verdicts kept per pattern (then the cache starts over), for matched texts up to
# _CACHE_TEXT bytes: at most 23 patterns x 1024 x 256 B, a few MiB whatever the log holds.
_CACHE_SIZE = 1024
_CACHE_TEXT = 256
_THREAD_MIN = 1 << 20   # reads from this size on scan the heavy regexes in a helper thread

# A held match: sort key (start, -end, pattern id or -1), a serial (ties never compare the
# rest), then end, needle, pattern, text.
_Held = tuple


def fast_scan(stream: BinaryIO, *, display: str, matcher: FastMatcher,
              needles: Sequence[Needle], patterns: CompiledPatterns, chunk_size: int,
              start: int = 0, origin: int | None = None, emit_to: int = INFINITY,
              limit: int | None = None, line_cap: int = LINE_CAP,
              on_read: Callable[[int], None] | None = None,
              newlines_out: list[int] | None = None) -> Iterator[Match]:
    """Matches starting in [origin, emit_to) of `stream`, whose first byte is at absolute
    offset `start` (bytes before `origin` are context: their needles hide shorter ones
    inside, nothing else). Reads at most `limit` bytes. `on_read(n)` after each read; the
    newlines of [origin, min(end, emit_to)) are appended to `newlines_out` at the end."""
    origin = start if origin is None else origin
    longest = max((len(n.value) for n in needles), default=1)
    cap = line_cap
    buf = bytearray(chunk_size + max(cap, longest) + 1)
    view = memoryview(buf)
    specs = patterns.specs
    searchers = [re2_searcher(r) for r in patterns.regexes]
    validators = [s.validate for s in specs]
    caches: list[dict[bytes, bool]] = [{} for _ in specs]
    groups = matcher.groups
    needle_count = matcher.needle_count
    count, rfind, find = buf.count, buf.rfind, buf.find

    hits: list[tuple[int, int]] = []
    append_hit = hits.append

    def on_match(ident: int, _from: int, to: int, _flags: int, _context: object) -> None:
        append_hit((ident, to))

    heavy_hits: list[tuple[int, int]] = []
    append_heavy = heavy_hits.append

    def on_heavy(ident: int, _from: int, to: int, _flags: int, _context: object) -> None:
        append_heavy((ident, to))

    hs = matcher.open(on_match)
    heavy = matcher.open(on_heavy, heavy=True)
    helper = None             # the thread scanning `heavy`, started on the first big read
    base = start              # absolute offset of buf[0]
    used = 0                  # valid bytes in buf
    line_start = start        # start of the line holding buf[0]
    counted, newlines, last_newline = origin, 0, origin - 1
    held: list[_Held] = []
    deferred: list[tuple[int, int]] = []     # keyword hits (end, id) in incomplete lines
    max_literal_end = -1
    serial = 0
    remaining = limit
    final = False
    try:
        while not final:
            want = chunk_size if remaining is None else min(chunk_size, remaining)
            got = stream.readinto(view[used:used + want]) if want > 0 else 0
            if not got:
                final = True
                # End-of-stream matches ($) come now.
                hs, heavy = _close(hs), _close(heavy)
            else:
                if remaining is not None:
                    remaining -= got
                new = view[used:used + got]
                job = None
                if heavy is not None and got < _THREAD_MIN:
                    heavy.scan(new)               # a small file: not worth a thread
                elif heavy is not None:
                    if helper is None:
                        from concurrent.futures import ThreadPoolExecutor

                        helper = ThreadPoolExecutor(1, thread_name_prefix="etc-policy-scan")
                    job = helper.submit(heavy.scan, new)
                if hs is not None:
                    hs.scan(new)
                if job is not None:
                    job.result()
                used += got
                if on_read is not None:
                    on_read(got)
            if heavy_hits:
                hits.extend(heavy_hits)
                heavy_hits.clear()
                if on_read is not None:
                    on_read(got)
            data_end = base + used
            # Where the incomplete last line's current piece starts: hits from there on wait.
            if final:
                tail = INFINITY
            else:
                newline = rfind(b"\n", 0, used)
                last_line = base + newline + 1 if newline >= 0 else line_start
                tail = last_line + (data_end - last_line) // cap * cap
            keywords: list[tuple[int, int]] = deferred
            deferred = []
            if hits:
                for ident, to in hits:
                    end = start + to
                    if ident < needle_count:
                        needle = needles[ident]
                        first = end - len(needle.value)
                        if first < origin:
                            max_literal_end = max(max_literal_end, end)
                        elif first < emit_to:
                            serial += 1
                            held.append((first, -end, -1, serial, end, needle, None,
                                         needle.value))
                    elif origin < end <= emit_to:
                        keywords.append((end, ident - needle_count))
                hits.clear()
            if keywords:
                lines = _flagged_lines(keywords, groups, tail, base, line_start, origin, cap,
                                       data_end, rfind, find, deferred)
                for index, segments in lines.items():
                    serial = _run_pattern(index, segments, view, base, searchers[index],
                                          validators[index], caches[index], specs[index],
                                          held, serial)
            safe = INFINITY if final else max(base, min(data_end - longest + 1, tail))
            if held:
                held.sort()
                cut = len(held) if final else bisect_right(held, (safe,))
                out: list[Match] = []
                for item in held[:cut]:
                    first, _neg, _pid, _serial, end, needle, pattern, text = item
                    if needle is not None:
                        # Inside a longer needle match starting no later: that one is reported.
                        if end <= max_literal_end:
                            continue
                        max_literal_end = end
                    if first > counted:
                        found = count(b"\n", counted - base, first - base)
                        if found:
                            newlines += found
                            last_newline = base + rfind(b"\n", counted - base, first - base)
                        counted = first
                    out.append(Match(display, newlines + 1, first - last_newline, first, end,
                                     needle, pattern, text))
                del held[:cut]
                yield from out
            # Count what leaves the buffer (up to our range's end), then keep the tail.
            keep_from = min(safe, data_end)
            upto = min(keep_from, emit_to)
            if upto > counted:
                found = count(b"\n", counted - base, upto - base)
                if found:
                    newlines += found
                    last_newline = base + rfind(b"\n", counted - base, upto - base)
                counted = upto
            if final:
                break
            newline = rfind(b"\n", 0, keep_from - base)
            if newline >= 0:
                line_start = base + newline + 1
            carry = bytes(view[keep_from - base:used])
            view[:len(carry)] = carry
            used = len(carry)
            base = keep_from
    finally:
        _close(hs)
        _close(heavy)
        if helper is not None:
            helper.shutdown()
    if newlines_out is not None:
        newlines_out.append(newlines)


def _close(stream: object | None) -> None:
    if stream is not None:
        stream.__exit__(None, None, None)  # type: ignore[attr-defined]


def _flagged_lines(keywords: list[tuple[int, int]], groups: Sequence[Sequence[int]], tail: int,
                   base: int, line_start: int, origin: int, cap: int, data_end: int,
                   rfind: Callable[..., int], find: Callable[..., int],
                   deferred: list[tuple[int, int]]) -> dict[int, list[tuple[int, int]]]:
    """Pattern index -> the line pieces [a, b) its keyword hits flag, in order; hits in the
    incomplete last piece go to `deferred`."""
    keywords.sort()
    lines: dict[int, list[tuple[int, int]]] = {}
    lo = hi = -1
    for end, group in keywords:
        last = end - 1                      # the hit's last byte: never a newline
        if last >= tail:
            deferred.append((end, group))
            continue
        if not lo <= last < hi:
            newline = rfind(b"\n", 0, last - base)
            line = max(base + newline + 1 if newline >= 0 else line_start, origin)
            lo = line + (last - line) // cap * cap
            newline = find(b"\n", last - base, min(lo + cap, data_end) - base)
            hi = base + newline if newline >= 0 else min(lo + cap, data_end)
        for index in groups[group]:
            segments = lines.get(index)
            if segments is None:
                lines[index] = [(lo, hi)]
            elif segments[-1][0] != lo:
                segments.append((lo, hi))
    return lines


def _run_pattern(index: int, segments: list[tuple[int, int]], view: memoryview, base: int,
                 search: Callable[[bytes, int, int], list[tuple[int, int]]],
                 validate: Callable[[bytes], bool] | None, cache: dict[bytes, bool],
                 spec: object, held: list[_Held], serial: int) -> int:
    """RE2's leftmost non-overlapping matches of one pattern in the flagged pieces (joined by
    newlines: one call for all), validated, appended to `held`. Returns the serial."""
    if len(segments) == 1:
        lo, hi = segments[0]
        text = bytes(view[lo - base:hi - base])
        offsets = [0]
    else:
        text = b"\n".join([view[lo - base:hi - base] for lo, hi in segments])
        offsets, at = [], 0
        for lo, hi in segments:
            offsets.append(at)
            at += hi - lo + 1
    pos, endpos = 0, len(text)
    pattern_id = spec.id  # type: ignore[attr-defined]
    while True:
        first, end = search(text, pos, endpos)[0]
        if first < 0:
            return serial
        if end > first:
            found = text[first:end]
            verdict = cache.get(found)
            if verdict is None:
                verdict = validate is None or bool(validate(found))
                if end - first <= _CACHE_TEXT:
                    if len(cache) >= _CACHE_SIZE:
                        cache.clear()
                    cache[found] = verdict
            if verdict:
                piece = bisect_right(offsets, first) - 1
                at = segments[piece][0] + first - offsets[piece]
                serial += 1
                held.append((at, -(at + end - first), pattern_id, serial, at + end - first,
                             None, spec, found))
        # google-re2's finditer steps: past an empty match by one byte, else to its end.
        if pos == endpos:
            return serial
        pos = pos + 1 if pos == end else end
