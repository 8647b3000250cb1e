"""The two ways to newline marks (numpy in the helper thread, `bytes.count` here) agree."""

from __future__ import annotations

import numpy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etc_policy.scan.newlines import NewlineIndexer, count_marks


@settings(max_examples=300, deadline=None)
@given(data=st.lists(st.sampled_from([b"\n", b"a", b"\r\n", b"xyz" * 9, b"\n\n"]), max_size=80),
       base=st.integers(-50, 50), cut=st.data(), block=st.sampled_from([1, 2, 5, 8, 64]),
       total=st.integers(0, 9), slice_size=st.sampled_from([1, 3, 7, 64, 1 << 18]))
def test_numpy_marks_equal_counted_marks(data: list[bytes], base: int, cut: st.DataObject,
                                         block: int, total: int, slice_size: int) -> None:
    buf = bytearray(b"".join(data))
    lo = cut.draw(st.integers(0, len(buf)))
    hi = cut.draw(st.integers(lo, len(buf)))
    expected = count_marks(buf, base, base + lo, base + hi, block, total)
    assert expected[2] == total + buf.count(b"\n", lo, hi)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(NewlineIndexer, "_SLICE", slice_size)
        if lo < hi:
            got = NewlineIndexer(numpy).index_marks(buf, base, base + lo, base + hi, block,
                                                    total)
            assert got == expected
    buf.extend(b"!")     # the numpy view is released: the buffer can be resized again


def test_marks_of_a_known_text() -> None:
    buf = bytearray(b"ab\ncd\n\nefgh\n")
    expected = ([100, 104, 108], [0, 1, 3], 4)
    assert count_marks(buf, 100, 100, 112, 4, 0) == expected
    assert NewlineIndexer(numpy).index_marks(buf, 100, 100, 112, 4, 0) == expected


def test_blocks_of_up_to_64_kib_and_more() -> None:
    """Block counts are summed as uint16 up to 65,535 bytes, wider beyond: no overflow."""
    buf = bytearray(b"\n" * (1 << 17) + b"x\n" * 10)
    for block in (1 << 15, (1 << 16) - 1, 1 << 16, 1 << 17):
        assert NewlineIndexer(numpy).index_marks(buf, 0, 0, len(buf), block, 5) == \
            count_marks(buf, 0, 0, len(buf), block, 5)
