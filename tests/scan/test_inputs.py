from __future__ import annotations

import gzip
import io
import json
import sys
from pathlib import Path

import pytest

from etc_policy.errors import SourceError
from etc_policy.scan.engine import scan_paths
from etc_policy.scan.inputs import iter_inputs, read_chunks
from etc_policy.scan.model import Needle

SECRET = "FAKE-test-input-secret-7Hq2Lm9Vx4"
QUOTED = 'FAKE"q"-test-Lm9Vx4Tz8'
NEEDLES = [Needle(0, "API_TOKEN", "production", "raw", SECRET.encode()),
           Needle(1, "SIGNING_KEY", "production", "json", json.dumps(QUOTED)[1:-1].encode())]


def _found(paths: list[str], **kwargs: object) -> list[tuple[str, int, int, str]]:
    return [(m.path, m.line, m.column, m.needle.encoding)
            for m in scan_paths(paths, needles=NEEDLES, **kwargs)]


def test_stdin_is_scanned_as_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = io.TextIOWrapper(io.BytesIO(f"one\ntwo {SECRET}\n".encode()))
    monkeypatch.setattr(sys, "stdin", fake)
    assert _found(["-"]) == [("-", 2, 5, "raw")]


def test_gzip_files_are_decompressed_on_the_fly(tmp_path: Path) -> None:
    log = tmp_path / "app.log.gz"
    with gzip.open(log, "wb") as out:
        out.write(b"x\n" * 100_000 + f"leak {SECRET}\n".encode())
    assert _found([str(log)], chunk_size=4096) == [(str(log), 100_001, 6, "raw")]


def test_corrupt_gzip_is_a_clear_error(tmp_path: Path) -> None:
    log = tmp_path / "bad.log.gz"
    data = gzip.compress(b"hello world\n" * 1000)
    log.write_bytes(data[:len(data) // 2])
    with pytest.raises(SourceError, match="bad.log.gz: truncated or corrupt gzip data"):
        _found([str(log)])


def test_railway_ndjson_reports_the_record_line(tmp_path: Path) -> None:
    # `railway logs --json`: one compact object per line; a logged value is JSON-escaped.
    records = [{"message": "boot", "timestamp": "2025-01-01T00:00:00Z"},
               {"message": f"config loaded key={QUOTED}", "timestamp": "2025-01-01T00:00:01Z",
                "level": "debug"},
               {"message": f"token={SECRET}", "timestamp": "2025-01-01T00:00:02Z", "replica": 2}]
    log = tmp_path / "railway.ndjson"
    log.write_text("".join(json.dumps(r, separators=(",", ":")) + "\n" for r in records))
    assert [(line, column, encoding) for _, line, column, encoding in _found([str(log)])] == [
        (2, 31, "json"), (3, 19, "raw")]


def test_folders_skip_binaries_and_ignored_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "a.log").write_text(f"{SECRET}\n")
    (tmp_path / "logs" / "b.bin").write_bytes(b"\0\1\2" + SECRET.encode())
    (tmp_path / "logs" / "old").mkdir()
    (tmp_path / "logs" / "old" / "c.log").write_text(f"{SECRET}\n")
    (tmp_path / "logs" / "d.log.gz").write_bytes(gzip.compress(f"{SECRET}\n".encode()))
    monkeypatch.chdir(tmp_path)
    assert [i.display for i in iter_inputs(["logs"])] == ["logs/a.log", "logs/d.log.gz",
                                                         "logs/old/c.log"]
    assert [i.display for i in iter_inputs(["logs"], ignore=["old/"])] == ["logs/a.log",
                                                                        "logs/d.log.gz"]
    assert [i.display for i in iter_inputs(["logs"], ignore=["*.gz", "logs/old/**"])] == ["logs/a.log"]
    # Named explicitly, a binary file is scanned all the same.
    assert [p for p, *_ in _found(["logs/b.bin"])] == ["logs/b.bin"]


def test_symlink_loops_do_not_hang(tmp_path: Path) -> None:
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "a.log").write_text("fine\n")
    (tmp_path / "logs" / "loop").symlink_to(tmp_path / "logs")
    assert [i.display for i in iter_inputs([str(tmp_path / "logs")])] == [f"{tmp_path}/logs/a.log"]


def test_missing_path_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="nope.log: file not found"):
        list(iter_inputs([str(tmp_path / "nope.log")]))


def test_read_chunks_ranges(tmp_path: Path) -> None:
    log = tmp_path / "r.log"
    log.write_bytes(bytes(range(256)) * 10)
    item = next(iter_inputs([str(log)]))
    assert b"".join(read_chunks(item, chunk_size=100, start=300, stop=1000)) == (bytes(range(256)) * 10)[300:1000]
    assert [len(c) for c in read_chunks(item, chunk_size=1000)] == [1000, 1000, 560]


def _big_log(lines: int) -> bytes:
    """A log of ~30 bytes a line, a secret every 100,000 lines (reads of 4 MiB: the
    fast engine's helper-thread pipeline)."""
    return b"".join(b"2025-01-01 info request %06d\n" % n if n % 100_000 else
                    f"leak {SECRET}\n".encode() for n in range(1, lines + 1))


def test_a_big_corrupt_gzip_is_a_clear_error_through_the_pipeline(tmp_path: Path) -> None:
    log = tmp_path / "big.log.gz"
    data = gzip.compress(_big_log(1_000_000), compresslevel=1)
    log.write_bytes(data[:len(data) * 3 // 4])
    with pytest.raises(SourceError, match="big.log.gz: truncated or corrupt gzip data"):
        _found([str(log)])


def test_stopping_early_leaves_no_helper_running(tmp_path: Path) -> None:
    """A consumer that stops after the first match (the generator is closed while the helper
    works a chunk ahead) ends cleanly: the helper is joined before its streams close."""
    import threading

    log = tmp_path / "big.log"
    log.write_bytes(_big_log(1_000_000))
    matches = scan_paths([str(log)], needles=NEEDLES)
    first = next(matches)
    assert (first.line, first.column) == (100_000, 6)
    matches.close()
    assert not [t for t in threading.enumerate() if t.name.startswith("etc-policy-scan")]
    assert len(_found([str(log)])) == 10


class _FailingDisk(io.RawIOBase):
    """A file whose third read fails (EIO), after two reads of 4 MiB of log."""

    def __init__(self) -> None:
        self.reads = 0
        self.data = _big_log(200_000)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        self.reads += 1
        if self.reads == 3:
            raise OSError(5, "Input/output error")
        size = min(len(buffer), len(self.data))
        buffer[:size] = self.data[:size]
        return size


@pytest.mark.parametrize("engine", ["hyperscan", "re2", "reference"])
def test_a_read_failing_half_way_is_a_clear_error(tmp_path: Path, engine: str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """EIO on the third read (in the fast engine: the helper thread's read, one chunk ahead)
    becomes one message naming the file, whatever the engine."""
    from etc_policy.scan import engine as engine_module
    from etc_policy.scan import inputs as inputs_module

    log = tmp_path / "disk.log"
    log.write_bytes(b"placeholder\n")
    monkeypatch.setattr(engine_module, "open_input", lambda item: _FailingDisk())
    monkeypatch.setattr(inputs_module, "open_input", lambda item: _FailingDisk())
    with pytest.raises(SourceError, match="disk.log: cannot read: Input/output error"):
        list(scan_paths([str(log)], needles=NEEDLES, engine=engine))


@pytest.mark.parametrize("engine", ["hyperscan", "re2", "reference"])
def test_columns_count_code_points(tmp_path: Path, engine: str) -> None:
    """Columns count code points, as `check`'s and the JSON contract's do (SARIF declares
    unicodeCodePoints): the secret after "héllo wörld 日本 🔑 " is at column 18, not byte 27."""
    text = f"héllo wörld 日本 🔑 {SECRET} and again {SECRET}\nnext {SECRET}\n"
    log = tmp_path / "app.log"
    log.write_text(text, encoding="utf-8")
    first_line = text.splitlines()[0]
    expected = [(str(log), 1, first_line.index(SECRET) + 1, "raw"),
                (str(log), 1, first_line.rindex(SECRET) + 1, "raw"),
                (str(log), 2, 6, "raw")]
    assert _found([str(log)], engine=engine) == expected
    assert expected[0][2] == 18
