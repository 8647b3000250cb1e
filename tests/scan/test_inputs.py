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
