"""Property: where the read chunks end never changes what the scanner reports. Random logs
with secrets planted at random places, scanned with random chunk sizes, give exactly the
matches of a one-chunk scan, and every planted secret exactly once."""

from __future__ import annotations

import base64
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etc_policy.scan.engine import scan_paths
from etc_policy.scan.model import Needle, PatternSpec

SECRET = b"FAKE-chunk-secret-Q7w9Zr3Lp2Xv"
NEEDLES = [Needle(0, "SESSION_SECRET", "production", "raw", SECRET),
           Needle(1, "SESSION_SECRET", "production", "base64", base64.b64encode(SECRET))]
PATTERNS = (PatternSpec(0, "SCAN-AWS", "AWS access key id", rb"\bAKIA[A-Z0-9]{16}\b"),)
PLANTS = {b"S": SECRET, b"B": base64.b64encode(SECRET), b"A": b"AKIAFAKETEST0000CHNK"}
FILLER = st.text(alphabet="abc xyz-_=:\n{}\"", max_size=60).map(str.encode)


def _scan(path: Path, chunk: int, engine: str) -> list[tuple[int, int, int, str]]:
    return [(m.line, m.column, m.offset, m.rule)
            for m in scan_paths([str(path)], needles=NEEDLES, patterns=PATTERNS, engine=engine,
                                chunk_size=chunk)]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(st.tuples(FILLER, st.sampled_from(sorted(PLANTS))), min_size=1,
                      max_size=6),
       tail=FILLER, chunk=st.integers(min_value=8, max_value=97),
       engine=st.sampled_from(["hyperscan", "re2"]))
def test_chunk_boundaries_never_change_the_result(tmp_path: Path, parts, tail: bytes,
                                                  chunk: int, engine: str) -> None:
    # planted values are fenced by spaces so the word-bounded pattern and the needles are
    # whole; the filler never contains a planted value
    data = b"".join(filler + b" " + PLANTS[name] + b" \n" for filler, name in parts) + tail
    path = tmp_path / "app.log"
    path.write_bytes(data)
    whole = _scan(path, 1 << 20, engine)
    assert _scan(path, chunk, engine) == whole
    assert len(whole) == len(parts)
    for (offset_line, _col, offset, rule), (_, name) in zip(whole, parts):
        assert data[offset:offset + len(PLANTS[name])] == PLANTS[name]
        assert rule == ("SCAN-AWS" if name == b"A" else "known-value")
        assert offset_line == data.count(b"\n", 0, offset) + 1
