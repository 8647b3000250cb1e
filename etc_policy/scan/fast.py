"""The fast scan loop (engine "hyperscan"): one stream, big reads, Python only where hits are.

Per read: the bytes go into a reused buffer (`readinto`, no per-chunk allocation), behind
a small carry-over from the previous read; Hyperscan (stream mode, so a needle straddling two
reads is found once) scans only the new bytes and calls back for each needle or keyword hit.
Nothing in the loop is per byte or per line in Python:

- a needle hit is a match (its start is its end minus its length, its text its value);
- a keyword hit flags the line around it (the `LINE_CAP` piece of it, for huge lines: the
  pieces `lines.Segmenter` cuts, so results equal the reference engine's). Per read and per
  pattern, the flagged lines are joined with newlines and the pattern's RE2 regex runs once
  over them (no pattern matches a newline, so this finds what a run per line finds); `validate`
  verdicts are cached by matched bytes (a log repeats its look-alikes);
- line numbers: each read's new bytes get a mark per `_BLOCK` bytes (the newlines before
  it, scan/newlines.py); a match's line is its mark's plus a count over the few bytes from
  the mark to it, its column a `rfind` back to the last newline.

Reads of 1 MiB or more run as a two-stage pipeline with one helper thread. While this thread
scans a chunk's literals (their frequent callbacks need the GIL) and handles its hits, the
helper works one chunk ahead, on the spare buffer: it reads the next chunk, scans it for the
regexes of patterns without keywords (a second Hyperscan database; they almost never call
back) and computes its newline marks with numpy. Hyperscan and numpy release the GIL, so the
two threads run on two cores. Without numpy the marks are counted here with `bytes.count`,
which holds the GIL (in the helper it would only stall this thread's callbacks).

A match is held until nothing found later can start before it: needles end at most
`longest` bytes before the data's end, pattern matches lie in lines not complete yet.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from typing import BinaryIO

from etc_policy.scan.lines import LINE_CAP, code_point_shift
from etc_policy.scan.matchers import CompiledPatterns, FastMatcher, re2_searcher
from etc_policy.scan.model import Match, Needle
from etc_policy.scan.newlines import Marks, NewlineIndexer, count_marks, numpy_module

INFINITY = 1 << 62
# Validate verdicts kept per pattern (then the cache starts over), for matched texts up to
# _CACHE_TEXT bytes: at most 23 patterns x 1024 x 256 B, a few MiB whatever the log holds.
_CACHE_SIZE = 1024
_CACHE_TEXT = 256
_THREAD_MIN = 1 << 20   # reads from this size on use a helper thread
# Newlines are counted per read in blocks of this size (a mark per block: newlines before it,
# last newline before it); a match's line is its mark's plus a count over < _BLOCK bytes.
_BLOCK = 8 << 10

# A held match: sort key (start, -end, pattern id or -1), a serial (ties never compare the
# rest), then end, needle, pattern, text, and the continuation bytes before it in its line.
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
    # Each read lands at buf[reserve:]; what a read leaves for the next (an incomplete line's
    # piece, a needle's possible start: under `reserve` bytes) is carried just before that.
    # Big files get a second buffer: the helper reads the next chunk into it meanwhile.
    reserve = max(cap, longest) + 1
    buf = bytearray(reserve + chunk_size)
    view = memoryview(buf)
    spare: bytearray | None = None
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
    helper = None             # the helper thread, started on the first big read
    indexer: NewlineIndexer | None = None   # numpy's newline marks, for big reads
    base = start - reserve    # absolute offset of buf[0]
    begin = used = reserve    # buf[begin:used] holds the data (before: stale bytes)
    line_start = start        # start of the line holding buf[begin]
    pending = None            # the helper's work on the next chunk (in `spare`)
    # Marks: absolute offsets (increasing, from `origin` on) and the newlines in [origin, mark);
    # `first_last`: the last newline before the first mark (origin - 1: none). `total`: the
    # newlines counted so far (every read's new bytes in [origin, emit_to), as they come).
    mark_at: list[int] = []
    mark_lines: list[int] = []
    first_last = origin - 1
    total = 0

    helper_total = total      # the helper's own count (numpy's marks)

    def shift_at(at: int) -> int:
        """lines.code_point_shift on the current buffer (columns count code points)."""
        return code_point_shift(buf, base, base + begin, at, cap=cap, origin=origin,
                                line_start=line_start)

    def prepare(target: bytearray, at: int, got: int
                ) -> tuple[int, list[tuple[int, int]], Marks | None]:
        """The helper's part of a chunk whose `got` new bytes are at target[reserve:] and
        absolute offset `at` (if `got` is negative, read up to -got bytes there first): the
        heavy regexes' hits, and the newline marks if numpy is there. Runs in the helper
        thread, one chunk after the other (the heavy stream and the count see them in
        order), so it keeps its own running count of newlines."""
        nonlocal helper_total
        if got < 0:
            got = stream.readinto(memoryview(target)[reserve:reserve - got])
            if not got:
                return 0, [], None
        new = memoryview(target)[reserve:reserve + got]
        found: list[tuple[int, int]] = []
        if heavy is not None:
            heavy.scan(new)
            found = heavy_hits[:]
            heavy_hits.clear()
        marks = None
        lo, hi = max(at, origin), min(at + got, emit_to)
        if indexer is not None and lo < hi:
            marks = indexer.index_marks(target, at - reserve, lo, hi, _BLOCK, helper_total)
            helper_total = marks[2]
        return got, found, marks

    held: list[_Held] = []
    deferred: list[tuple[int, int]] = []     # keyword hits (end, id) in incomplete lines
    max_literal_end = -1
    serial = 0
    remaining = limit
    want_next = 0             # what the helper reads next
    final = False
    try:
        while not final:
            want = chunk_size if remaining is None else min(chunk_size, remaining)
            marks: Marks | None = None
            prepared = pending is not None
            if pending is not None:
                got, found, marks = pending.result()
                pending = None
                hits.extend(found)
            else:
                got = stream.readinto(view[used:used + want]) if want > 0 else 0
            if not got:
                final = True
                # End-of-stream matches ($) come now (the helper is idle).
                hs, heavy = _close(hs), _close(heavy)
                hits.extend(heavy_hits)
                heavy_hits.clear()
            else:
                if remaining is not None:
                    remaining -= got
                new = view[used:used + got]
                lo, hi = max(base + used, origin), min(base + used + got, emit_to)
                if helper is None and got >= _THREAD_MIN:
                    from concurrent.futures import ThreadPoolExecutor

                    helper = ThreadPoolExecutor(1, thread_name_prefix="etc-policy-scan")
                    spare = bytearray(reserve + chunk_size)
                    numpy = numpy_module()
                    indexer = NewlineIndexer(numpy) if numpy is not None else None
                    helper_total = total          # the helper counts on from here
                if helper is None:                # a small file: not worth a thread
                    if heavy is not None:
                        heavy.scan(new)
                        hits.extend(heavy_hits)
                        heavy_hits.clear()
                    if hs is not None:
                        hs.scan(new)
                else:
                    # A pipeline: while this thread scans this chunk's literals (their frequent
                    # callbacks need the GIL) and handles its hits, the helper reads the next
                    # chunk into the spare buffer, scans its heavy regexes and finds its
                    # newlines (Hyperscan and numpy run without the GIL).
                    job = None
                    if not prepared:              # the first big chunk: its own helper job
                        job = helper.submit(prepare, buf, base + used, got)
                    want_next = chunk_size if remaining is None else min(chunk_size, remaining)
                    if want_next > 0:
                        # The spare buffer is free: its carry was copied out at the last swap.
                        pending = helper.submit(prepare, spare, base + used + got, -want_next)
                    if hs is not None:
                        hs.scan(new)
                    if job is not None:
                        _got, found, marks = job.result()
                        hits.extend(found)
                if marks is None and lo < hi:     # without numpy: counted here
                    marks = count_marks(buf, base, lo, hi, _BLOCK, total)
                if marks is not None:
                    starts, lines_before, total = marks
                    mark_at.extend(starts)
                    mark_lines.extend(lines_before)
                used += got
                if on_read is not None:
                    on_read(got)
            data_end = base + used
            # Where the incomplete last line's current piece starts: hits from there on wait.
            if final:
                tail = INFINITY
            else:
                newline = rfind(b"\n", begin, used)
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
                                         needle.value, shift_at(first)))
                    elif origin < end <= emit_to:
                        keywords.append((end, ident - needle_count))
                hits.clear()
            if keywords:
                lines = _flagged_lines(keywords, groups, tail, base, begin, line_start, origin,
                                       cap, data_end, rfind, find, deferred)
                for index, segments in lines.items():
                    serial = _run_pattern(index, segments, view, base, searchers[index],
                                          validators[index], caches[index], specs[index],
                                          held, serial, shift_at)
            safe = INFINITY if final else max(base, min(data_end - longest + 1, tail))
            if held:
                held.sort()
                cut = len(held) if final else bisect_right(held, (safe,))
                out: list[Match] = []
                for item in held[:cut]:
                    first, _neg, _pid, _serial, end, needle, pattern, text, shift = item
                    if needle is not None:
                        # Inside a longer needle match starting no later: that one is reported.
                        if end <= max_literal_end:
                            continue
                        max_literal_end = end
                    mark = bisect_right(mark_at, first) - 1
                    at = mark_at[mark]
                    line = mark_lines[mark] + count(b"\n", at - base, first - base) + 1
                    newline = rfind(b"\n", mark_at[0] - base, first - base)
                    newline = base + newline if newline >= 0 else first_last
                    out.append(Match(display, line, first - newline - shift, first, end,
                                     needle, pattern, text))
                del held[:cut]
                yield from out
            if final:
                break
            # Keep the tail; a mark at its start (the marks before it point at dropped bytes).
            keep_from = min(safe, data_end)
            mark = bisect_right(mark_at, keep_from) - 1
            if mark >= 0:                     # the first mark becomes keep_from
                if mark_at[0] < keep_from:
                    newline = rfind(b"\n", mark_at[0] - base, keep_from - base)
                    if newline >= 0:
                        first_last = base + newline
                at = mark_at[mark]
                if at < keep_from:
                    mark_lines[mark] += count(b"\n", at - base, keep_from - base)
                    mark_at[mark] = keep_from
                if mark > 0:
                    del mark_at[:mark], mark_lines[:mark]
            newline = rfind(b"\n", begin, keep_from - base)
            if newline >= 0:
                line_start = base + newline + 1
            kept = data_end - keep_from
            if pending is not None and spare is not None:
                # The next chunk is coming into the spare buffer: the carry goes before it.
                memoryview(spare)[reserve - kept:reserve] = view[keep_from - base:used]
                buf, spare = spare, buf
                view = memoryview(buf)
                count, rfind, find = buf.count, buf.rfind, buf.find
            else:
                view[reserve - kept:reserve] = bytes(view[keep_from - base:used])
            begin, used = reserve - kept, reserve
            base = keep_from - begin
    finally:
        if helper is not None:
            helper.shutdown()   # first: its job may be scanning the heavy stream
        _close(hs)
        _close(heavy)
    if newlines_out is not None:
        newlines_out.append(total)


def _close(stream: object | None) -> None:
    if stream is not None:
        stream.__exit__(None, None, None)  # type: ignore[attr-defined]


def _flagged_lines(keywords: list[tuple[int, int]], groups: Sequence[Sequence[int]], tail: int,
                   base: int, begin: int, line_start: int, origin: int, cap: int,
                   data_end: int,
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
        if last >= hi or last < lo:         # (conditionals, not min/max: ~100k times a GiB)
            newline = rfind(b"\n", begin, last - base)
            line = base + newline + 1 if newline >= 0 else line_start
            if line < origin:
                line = origin
            lo = line + (last - line) // cap * cap
            stop = lo + cap if lo + cap < data_end else data_end
            newline = find(b"\n", last - base, stop - base)
            hi = base + newline if newline >= 0 else stop
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
                 spec: object, held: list[_Held], serial: int,
                 shift_at: Callable[[int], int]) -> int:
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
                             None, spec, found, shift_at(at)))
        # google-re2's finditer steps: past an empty match by one byte, else to its end.
        if pos == endpos:
            return serial
        pos = pos + 1 if pos == end else end
