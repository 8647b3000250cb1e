"""Line bookkeeping for streamed scans: line numbers on demand, and line blocks for patterns.

`LineCounter` counts newlines only up to the positions it is asked about, incrementally, so a
scan pays for line numbers where matches are (plus the bytes it drops from its window, which
it must count before they are gone).

`Segmenter` cuts the stream into blocks of whole lines, the unit pattern regexes run on. A line
longer than `line_cap` bytes is cut into pieces of `line_cap` bytes counted from its start, so
the window a scan keeps stays bounded whatever the input; both engines cut at the same places,
hence find the same pattern matches.
"""

from __future__ import annotations

LINE_CAP = 1 << 20
_CONTINUATION = bytes(range(0x80, 0xC0))


def wide_bytes(data: bytes) -> int:
    """UTF-8 continuation bytes in `data` (its length minus this is its code points, for valid
    UTF-8): what turns a byte column into the code-point column findings carry."""
    return 0 if data.isascii() else len(data) - len(data.translate(None, _CONTINUATION))


def code_point_shift(buf: bytes | bytearray, base: int, held_from: int, at: int, *,
                     cap: int, origin: int, line_start: int) -> int:
    """Continuation bytes between the start of `at`'s line and `at`, to take from its byte
    column so that the column counts code points. `buf` holds the stream from absolute
    offset `base`, its data from `held_from` on; `line_start` starts the line holding
    `held_from`; `origin` is a line start. 0 (the column counts bytes) when the line starts
    `cap` or more bytes back: no engine keeps that start. Both engines call this when they
    find a match, so their columns agree."""
    window = at - cap
    floor = max(held_from, window, origin)
    newline = buf.rfind(b"\n", floor - base, at - base)
    if newline >= 0:
        first_byte = base + newline + 1
    elif floor == origin:
        first_byte = origin
    elif floor == window:
        return 0                      # no newline in the last `cap` bytes
    else:
        first_byte = max(line_start, origin)
    if at - first_byte >= cap or first_byte < held_from:
        return 0
    return wide_bytes(buf[first_byte - base:at - base])


class LineCounter:
    """1-based line and column of absolute offsets, asked in non-decreasing order."""

    def __init__(self, origin: int = 0) -> None:
        self.position = origin          # newlines before this offset are counted
        self.newlines = 0
        self.last_newline = origin - 1  # offset of the last newline before `position`

    def advance(self, buf: bytes, base: int, upto: int) -> None:
        """Count newlines in [position, upto); `buf` holds the stream from offset `base`."""
        if upto <= self.position:
            return
        lo, hi = self.position - base, upto - base
        found = buf.count(b"\n", lo, hi)
        if found:
            self.newlines += found
            self.last_newline = base + buf.rfind(b"\n", lo, hi)
        self.position = upto

    def locate(self, buf: bytes, base: int, offset: int) -> tuple[int, int]:
        self.advance(buf, base, offset)
        return self.newlines + 1, offset - self.last_newline


class Segmenter:
    """Turns the stream into complete blocks [start, end) of whole lines (newline excluded)."""

    def __init__(self, origin: int = 0, *, line_cap: int = LINE_CAP) -> None:
        self.start = origin   # start of the first byte not yet in a complete block
        self.line_cap = line_cap

    def advance(self, buf: bytes, base: int, end: int, *, final: bool) -> list[tuple[int, int]]:
        """Blocks completed by the data up to `end`; at the end of input the rest is one too."""
        blocks: list[tuple[int, int]] = []
        block_start = self.start
        pos = self.start
        cap = self.line_cap
        while pos < end:
            hi = min(end, pos + cap + 1)
            newline = buf.rfind(b"\n", pos - base, hi - base)
            if newline >= 0:
                pos = base + newline + 1
                continue
            if hi - pos <= cap:
                break                     # an incomplete line: wait for more data
            # A line longer than the cap: what came before is a block, the next cap bytes another.
            if block_start < pos:
                blocks.append((block_start, pos - 1))
            blocks.append((pos, pos + cap))
            pos += cap
            block_start = pos
        if block_start < pos:
            # pos is just after a newline: the block ends before it.
            blocks.append((block_start, pos - 1))
            block_start = pos
        if final and block_start < end:
            blocks.append((block_start, end))
            block_start = end
        self.start = block_start
        return blocks
