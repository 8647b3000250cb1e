"""Scanning inputs: one stream, byte ranges of a big file, many files over N processes.

The default engine's loop is `scan.fast.fast_scan` (keyword prefiltering, see its module).
`StreamScan` below is the loop of the two other engines (`re2`, and `reference`: the previous
Hyperscan engine kept for differential tests); both give the same matches.

StreamScan: one stream is read in big chunks. The matcher (Hyperscan or RE2, scan.matchers) reports
needle ends; a needle's start is its end minus its length. Pattern candidates are resolved
with RE2 on the line blocks `lines.Segmenter` completes. A match is held back until no later
match can start before it or contain it (`_safe`), then emitted in offset order, with its line
and column counted up to it. The window keeps only the bytes still needed: the longest needle
before the end, and the current incomplete line (at most `LINE_CAP`).

`--jobs N` scans files in N processes; a single large file is split into N byte ranges cut
at line starts, each scanned with the longest needle's length of context on both sides and
keeping only matches starting inside its range; line numbers are shifted by the newlines of
the ranges before.
"""

from __future__ import annotations

import gzip
import heapq
import os
import zlib
from collections.abc import Callable, Iterator, Sequence

from etc_policy.errors import SourceError
from etc_policy.record import record, replace
from etc_policy.scan.inputs import CHUNK_SIZE, Input, iter_inputs, open_input, read_chunks
from etc_policy.scan.lines import LINE_CAP, LineCounter, Segmenter, code_point_shift
from etc_policy.scan.matchers import CompiledPatterns, FastMatcher, Matcher, make_matcher
from etc_policy.scan.model import Match, Needle, PatternSpec

Progress = Callable[[str, int, int | None], None]
SPLIT_MIN = 64 << 20     # below this a file is not worth splitting across processes
_INFINITY = 1 << 62


@record(frozen=False)
class _Pending:
    start: int
    end: int
    needle: Needle | None
    pattern: PatternSpec | None
    text: bytes
    shift: int = 0      # continuation bytes before it in its line (columns count code points)

    def key(self) -> tuple[int, int, int]:
        # Offset order; at one offset the longer first (it contains the shorter).
        return (self.start, -self.end, self.pattern.id if self.pattern else -1)


class StreamScan:
    """Scans one stream fed chunk by chunk. Emits matches starting in [origin, emit_to)."""

    def __init__(self, *, display: str, matcher: Matcher, needles: Sequence[Needle],
                 patterns: CompiledPatterns, origin: int = 0, context_from: int | None = None,
                 emit_to: int = _INFINITY, line_cap: int = LINE_CAP) -> None:
        self.display = display
        self._needles = needles
        self._patterns = patterns
        self._longest = max((len(n.value) for n in needles), default=1)
        self._origin = origin
        self._emit_to = emit_to
        self._base = origin if context_from is None else context_from
        self._buf = b""
        self._line_cap = line_cap
        self._line_start = self._base    # start of the line holding buf[0]
        self._stream = matcher.stream(self._base)
        self._resolve_all = matcher.name != "hyperscan"
        self._lines = LineCounter(origin)
        self._segments = Segmenter(origin, line_cap=line_cap)
        self._pattern_hits: list[tuple[int, int]] = []
        self._pending: list[tuple[tuple[int, int, int], int, _Pending]] = []
        self._serial = 0
        self._max_literal_end = -1

    @property
    def end(self) -> int:
        return self._base + len(self._buf)

    @property
    def newlines(self) -> int:
        return self._lines.newlines

    def feed(self, chunk: bytes, *, final: bool = False) -> list[Match]:
        new_from = len(self._buf)
        self._buf = self._buf + chunk if self._buf else chunk
        buf, base = self._buf, self._base
        literal, pattern_hits = self._stream.feed(buf, base, new_from)
        for index, end in literal:
            needle = self._needles[index]
            start = end - len(needle.value)
            self._hold(_Pending(start, end, needle, None, buf[start - base:end - base]))
        if pattern_hits:
            self._pattern_hits.extend(pattern_hits)
        end = base + len(buf)
        for block in self._segments.advance(buf, base, end, final=final):
            self._resolve(block)
        emitted = self._emit(_INFINITY if final else self._safe(end))
        self._trim(end)
        return emitted

    def finish(self) -> list[Match]:
        emitted = self.feed(b"", final=True)
        self._lines.advance(self._buf, self._base, min(self.end, self._emit_to))
        close = getattr(self._stream, "close", None)
        if close is not None:
            close()
        return emitted

    def _hold(self, item: _Pending) -> None:
        if item.start < self._origin and item.needle is not None:
            # Context before a range: not ours to report, but it may contain a match that is.
            self._max_literal_end = max(self._max_literal_end, item.end)
            return
        if self._origin <= item.start < self._emit_to:
            item.shift = self._shift_at(item.start)
            self._serial += 1
            heapq.heappush(self._pending, (item.key(), self._serial, item))

    def _shift_at(self, at: int) -> int:
        return code_point_shift(self._buf, self._base, self._base, at, cap=self._line_cap,
                                origin=self._origin, line_start=self._line_start)

    def _safe(self, end: int) -> int:
        # A needle not yet reported ends after `end`, so starts after end - longest; a pattern
        # match not yet resolved lies in the incomplete line block.
        return min(end - self._longest + 1, self._segments.start)

    def _resolve(self, block: tuple[int, int]) -> None:
        """Run the patterns with candidates in this block of lines (all of them for RE2)."""
        if not self._patterns.specs:
            return
        if self._resolve_all:
            self._run_patterns(range(len(self._patterns.specs)), block[0], block[1])
            return
        lo, hi = block
        inside = [hit for hit in self._pattern_hits if lo < hit[1] <= hi]
        if self._pattern_hits:
            self._pattern_hits = [hit for hit in self._pattern_hits if hit[1] > hi]
        buf, base = self._buf, self._base
        resolved_to: dict[int, int] = {}     # pattern -> end of the last line it ran on
        for index, hit_end in sorted(inside):
            if hit_end <= resolved_to.get(index, -1):
                continue                      # same line as the previous hit of this pattern
            # The line holding the hit (a pattern never matches a newline).
            line_start = max(lo, base + buf.rfind(b"\n", lo - base, hit_end - 1 - base) + 1)
            newline = buf.find(b"\n", hit_end - 1 - base, hi - base)
            line_end = hi if newline < 0 else base + newline
            resolved_to[index] = line_end
            self._run_patterns((index,), line_start, line_end)

    def _run_patterns(self, indexes: Sequence[int] | range, lo: int, hi: int) -> None:
        text = self._buf[lo - self._base:hi - self._base]
        for index in indexes:
            spec = self._patterns.specs[index]
            for match in self._patterns.regexes[index].finditer(text):
                start, end = match.span()
                if start == end:
                    continue
                found = text[start:end]
                if spec.validate is not None and not spec.validate(found):
                    continue
                self._hold(_Pending(lo + start, lo + end, None, spec, found))

    def _emit(self, safe: int) -> list[Match]:
        out: list[Match] = []
        pending = self._pending
        while pending and pending[0][0][0] < safe:
            item = heapq.heappop(pending)[2]
            if item.needle is not None:
                # Inside a longer needle match that starts no later: that one is the finding.
                if item.end <= self._max_literal_end:
                    continue
                self._max_literal_end = item.end
            line, column = self._lines.locate(self._buf, self._base, item.start)
            out.append(Match(path=self.display, line=line, column=column - item.shift,
                             offset=item.start,
                             end=item.end, needle=item.needle, pattern=item.pattern,
                             text=item.text))
        return out

    def _trim(self, end: int) -> None:
        keep_from = min(end - self._longest + 1, self._segments.start,
                        self._pending[0][0][0] if self._pending else _INFINITY)
        drop = keep_from - self._base
        if drop <= 0:
            return
        # Bytes leaving the window must be counted first (up to our range's end).
        self._lines.advance(self._buf, self._base, min(keep_from, max(self._emit_to, 0)))
        newline = self._buf.rfind(b"\n", 0, drop)
        if newline >= 0:
            self._line_start = self._base + newline + 1
        self._buf = self._buf[drop:]
        self._base = keep_from


# --- one stream, whole or a range ----------------------------------------------------------

def scan_input(item: Input, *, matcher: Matcher | FastMatcher, needles: Sequence[Needle],
               patterns: CompiledPatterns, chunk_size: int = CHUNK_SIZE,
               progress: Progress | None = None, line_cap: int = LINE_CAP) -> Iterator[Match]:
    if progress is not None:       # every input is seen, an empty one too
        progress(item.display, 0, item.size if not item.gzipped else None)
    if isinstance(matcher, FastMatcher):
        yield from _fast_input(item, matcher=matcher, needles=needles, patterns=patterns,
                               chunk_size=chunk_size, progress=progress, line_cap=line_cap)
        return
    scan = StreamScan(display=item.display, matcher=matcher, needles=needles, patterns=patterns,
                      line_cap=line_cap)
    done = 0
    for chunk in read_chunks(item, chunk_size=chunk_size):
        yield from scan.feed(chunk)
        done += len(chunk)
        if progress is not None:
            progress(item.display, done, item.size if not item.gzipped else None)
    yield from scan.finish()


def _fast_input(item: Input, *, matcher: FastMatcher, needles: Sequence[Needle],
                patterns: CompiledPatterns, chunk_size: int, progress: Progress | None,
                line_cap: int) -> Iterator[Match]:
    from etc_policy.scan.fast import fast_scan

    done = 0
    total = item.size if not item.gzipped else None

    def on_read(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None:
            progress(item.display, done, total)

    stream = open_input(item)
    try:
        yield from fast_scan(stream, display=item.display, matcher=matcher, needles=needles,
                             patterns=patterns, chunk_size=chunk_size, line_cap=line_cap,
                             on_read=on_read)
    except (EOFError, zlib.error, gzip.BadGzipFile):
        raise SourceError("truncated or corrupt gzip data", path=item.display) from None
    except OSError as exc:   # a read failing half-way (EIO, a vanished network mount)
        raise SourceError(f"cannot read: {exc.strerror or 'I/O error'}",
                          path=item.display) from None
    finally:
        if item.path is not None:
            stream.close()


def scan_range(item: Input, start: int, stop: int, *, matcher: Matcher | FastMatcher,
               needles: Sequence[Needle], patterns: CompiledPatterns,
               chunk_size: int = CHUNK_SIZE) -> tuple[list[Match], int]:
    """Matches starting in [start, stop) of a plain file (start is a line start), with line
    numbers relative to `start`, and the number of newlines in the range."""
    longest = max((len(n.value) for n in needles), default=1)
    context = max(0, start - longest)
    if isinstance(matcher, FastMatcher):
        from etc_policy.scan.fast import fast_scan

        newlines: list[int] = []
        with open_input(item) as stream:
            stream.seek(context)
            found = list(fast_scan(stream, display=item.display, matcher=matcher,
                                   needles=needles, patterns=patterns, chunk_size=chunk_size,
                                   start=context, origin=start, emit_to=stop,
                                   limit=stop + longest - context, newlines_out=newlines))
        return found, newlines[0]
    scan = StreamScan(display=item.display, matcher=matcher, needles=needles, patterns=patterns,
                      origin=start, context_from=context, emit_to=stop)
    found: list[Match] = []
    for chunk in read_chunks(item, chunk_size=chunk_size, start=context, stop=stop + longest):
        found.extend(scan.feed(chunk))
    found.extend(scan.finish())
    return found, scan.newlines


# --- many inputs, many processes -----------------------------------------------------------

def scan_paths(paths: Sequence[str], *, needles: Sequence[Needle],
               patterns: Sequence[PatternSpec] = (), jobs: int = 1, ignore: Sequence[str] = (),
               progress: Progress | None = None, engine: str = "auto",
               chunk_size: int = CHUNK_SIZE) -> Iterator[Match]:
    """Every match in the inputs, file after file, each file's matches in offset order."""
    inputs = list(iter_inputs(paths, ignore=ignore))
    needles = tuple(needles)
    patterns = tuple(patterns)
    if jobs <= 1:
        matcher = make_matcher(needles, patterns, engine=engine)
        compiled = CompiledPatterns.of(patterns)
        for item in inputs:
            yield from scan_input(item, matcher=matcher, needles=needles, patterns=compiled,
                                  chunk_size=chunk_size, progress=progress)
        return
    yield from _scan_parallel(inputs, needles=needles, patterns=patterns, jobs=jobs,
                              engine=engine, chunk_size=chunk_size, progress=progress)


def _scan_parallel(inputs: list[Input], *, needles: tuple[Needle, ...],
                   patterns: tuple[PatternSpec, ...], jobs: int, engine: str, chunk_size: int,
                   progress: Progress | None) -> Iterator[Match]:
    import multiprocessing

    tasks: list[tuple[int, Input, int, int]] = []   # (input index, input, start, stop) ; stop -1: whole
    for number, item in enumerate(inputs):
        if item.splittable and item.size is not None and item.size >= SPLIT_MIN:
            bounds = split_points(item, parts=jobs)
            tasks.extend((number, item, a, b) for a, b in zip(bounds, bounds[1:], strict=False))
        else:
            tasks.append((number, item, 0, -1))
    context = multiprocessing.get_context("spawn")
    # A Pool starts all its processes at once: never more than there are tasks.
    with context.Pool(min(jobs, len(tasks)), initializer=_worker_init,
                      initargs=(needles, patterns, engine, chunk_size)) as pool:
        shift = 0          # newlines of the previous ranges of the same input
        current = -1
        for (number, item, _start, stop), (found, newlines) in zip(
                tasks, pool.imap(_worker_task, tasks), strict=True):
            if number != current:
                current, shift = number, 0
            for match in found:
                yield replace(match, line=match.line + shift) if shift else match
            shift += newlines
            if progress is not None:
                progress(item.display, stop if stop >= 0 else (item.size or 0), item.size)


def split_points(item: Input, *, parts: int) -> list[int]:
    """Range bounds at line starts: [0, s1, …, size]. A cut lands just after a newline found
    near each nominal split point; where none is near (one huge line) there is no cut."""
    assert item.path is not None and item.size is not None
    size = item.size
    bounds = [0]
    with open(item.path, "rb") as stream:
        for part in range(1, parts):
            nominal = size * part // parts
            stream.seek(nominal)
            window = stream.read(LINE_CAP)
            newline = window.find(b"\n")
            if newline >= 0 and nominal + newline + 1 < size:
                cut = nominal + newline + 1
                if cut > bounds[-1]:
                    bounds.append(cut)
    bounds.append(size)
    return bounds


_WORKER: dict[str, object] = {}


def _worker_init(needles: tuple[Needle, ...], patterns: tuple[PatternSpec, ...], engine: str,
                 chunk_size: int) -> None:
    _WORKER.update(needles=needles, compiled=CompiledPatterns.of(patterns), chunk_size=chunk_size,
                   matcher=make_matcher(needles, patterns, engine=engine))


def _worker_task(task: tuple[int, Input, int, int]) -> tuple[list[Match], int]:
    _number, item, start, stop = task
    kwargs = dict(matcher=_WORKER["matcher"], needles=_WORKER["needles"],
                  patterns=_WORKER["compiled"], chunk_size=_WORKER["chunk_size"])
    if stop < 0:
        found = list(scan_input(item, **kwargs))   # type: ignore[arg-type]
        return found, 0
    return scan_range(item, start, stop, **kwargs)   # type: ignore[arg-type]


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)
