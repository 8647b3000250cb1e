"""Newline marks for the fast scan: the newlines before each block of a read (a match's line is
then its block's mark plus a count over less than one block).

Two ways to the same marks:
- `count_marks`: `bytes.count` per block. In C, but it holds the GIL, so the scan loop's
  thread pays for it in full (~0.35 s per GiB: a third of the loop).
- `NewlineIndexer.index_marks`: numpy compares and sums a whole slice of blocks per call,
  releasing the GIL, so the scan's helper thread computes the marks while the loop's thread
  scans the literals (and the same work takes half the time). Used for big reads only:
  importing numpy costs ~35 ms and ~14 MiB, nothing next to a large file.
"""

from __future__ import annotations

from typing import Any

# The blocks' starts (absolute offsets), the newlines before each, the new running total.
Marks = tuple[list[int], list[int], int]


def count_marks(buf: bytearray, base: int, lo: int, hi: int, block: int, total: int) -> Marks:
    """Marks of the blocks [a, a + block) of [lo, hi) (absolute offsets; `buf[0]` is at
    `base`), given `total` newlines before `lo`."""
    starts = list(range(lo, hi, block))
    lines = []
    count = buf.count
    for a in starts:
        lines.append(total)
        total += count(b"\n", a - base, min(a + block, hi) - base)
    return starts, lines, total


def numpy_module() -> Any | None:
    """numpy if importable (the fast engine's optional speed-up), else None."""
    try:
        import numpy
    except ImportError:
        return None
    return numpy


class NewlineIndexer:
    """`count_marks` in numpy, with one reused mask: the comparison is written in place, a
    slice of whole blocks at a time, so memory stays ~`_SLICE` bytes whatever the read size."""

    _SLICE = 256 << 10

    def __init__(self, numpy: Any) -> None:
        self.np = numpy
        self.mask = numpy.empty(self._SLICE, dtype=numpy.uint8)

    def index_marks(self, buf: bytearray, base: int, lo: int, hi: int, block: int,
                    total: int) -> Marks:
        np = self.np
        data = np.frombuffer(buf, dtype=np.uint8)
        step = max(block, self._SLICE // block * block)
        if len(self.mask) < step:
            self.mask = np.empty(step, dtype=np.uint8)
        # uint16 sums hold a block's count for blocks up to 65,535 bytes (ours: 8 KiB).
        wide = np.uint16 if block < 1 << 16 else np.int64
        counts = []
        for a in range(lo - base, hi - base, step):
            b = min(a + step, hi - base)
            mask = self.mask[:b - a]
            np.equal(data[a:b], 10, out=mask.view(bool))
            whole = (b - a) // block * block
            if whole:
                counts.append(np.add.reduce(mask[:whole].reshape(-1, block), axis=1,
                                            dtype=wide))
            if whole < b - a:
                counts.append(np.array([np.count_nonzero(mask[whole:])], dtype=wide))
        del data   # release the export: the caller may resize `buf` again
        per_block = np.concatenate(counts).astype(np.int64)
        before = np.cumsum(per_block) - per_block + total
        return list(range(lo, hi, block)), before.tolist(), total + int(per_block.sum())
