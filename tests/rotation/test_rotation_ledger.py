"""The ledger file: round trip, refusals (corrupt, newer, stashed values), atomic and locked
writes (concurrent writers, a kill during a write), and no secret value in the file."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date
from multiprocessing import get_context
from pathlib import Path

import pytest

from etc_policy.record import replace
from etc_policy.rotation import ledger as L
from etc_policy.rotation.fingerprints import Fingerprinter, KdfParams
from rotation_support import CANARY, fast_ledger, project, record



def _sample(tmp_path: Path) -> L.Ledger:
    current = project(tmp_path / "p", {".env.production": f"OPENAI_API_KEY={CANARY}\n"})
    return record(fast_ledger(), current, ("production", "OPENAI_API_KEY"), on=date(2026, 5, 1))


def test_round_trip_and_no_value_in_file(tmp_path: Path) -> None:
    ledger = _sample(tmp_path)
    path = tmp_path / L.DEFAULT_NAME
    L.update(path, lambda _old: ledger)
    text = path.read_text()
    assert CANARY not in text and CANARY[8:30] not in text
    loaded = L.load(path)
    assert loaded == ledger
    record_ = loaded.get("production", "OPENAI_API_KEY")
    assert record_.last_rotated == date(2026, 5, 1)
    assert [e.event for e in record_.history] == ["imported"]
    assert json.loads(text)["kdf"]["name"] == "scrypt"


def test_salt_is_random_per_ledger() -> None:
    assert L.Ledger.empty().kdf.salt != L.Ledger.empty().kdf.salt


def test_fingerprint_is_keyed_by_the_salt() -> None:
    a = Fingerprinter(KdfParams(salt=b"a" * 16, n=16))
    b = Fingerprinter(KdfParams(salt=b"b" * 16, n=16))
    assert a(CANARY) != b(CANARY) and a(CANARY) == a(CANARY)
    assert a(CANARY).startswith("scrypt:") and CANARY not in repr(a)


def test_missing_ledger_is_none(tmp_path: Path) -> None:
    assert L.load(tmp_path / "none.json") is None


@pytest.mark.parametrize(("text", "expected"), [
    ("{not json", "corrupt rotation ledger: invalid JSON"),
    ('{"format": "something-else", "version": 1}', "not a rotation ledger"),
    ('{"format": "etc-policy-rotation-ledger", "version": 7, "kdf": {}, "secrets": []}',
     "version 7 was written by a newer etc-policy"),
    ('[]', "not a rotation ledger"),
])
def test_bad_ledger_is_refused_and_never_overwritten(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / L.DEFAULT_NAME
    path.write_text(text)
    with pytest.raises(L.LedgerError) as error:
        L.load(path)
    assert expected in error.value.one_line() and str(path) in error.value.one_line()
    with pytest.raises(L.LedgerError):
        L.update(path, lambda ledger: ledger)
    assert path.read_text() == text


def test_a_value_stashed_in_the_fingerprint_field_is_refused(tmp_path: Path) -> None:
    ledger = _sample(tmp_path)
    document = json.loads(L.dumps(ledger))
    document["secrets"][0]["fingerprint"] = CANARY
    path = tmp_path / L.DEFAULT_NAME
    path.write_text(json.dumps(document))
    with pytest.raises(L.LedgerError) as error:
        L.load(path)
    assert "secrets[0].fingerprint" in error.value.one_line()
    assert CANARY not in error.value.one_line()


def test_bad_date_names_the_field(tmp_path: Path) -> None:
    document = json.loads(L.dumps(_sample(tmp_path)))
    document["secrets"][0]["last_rotated"] = "2026-13-01"
    path = tmp_path / L.DEFAULT_NAME
    path.write_text(json.dumps(document))
    with pytest.raises(L.LedgerError, match=r"secrets\[0\]\.last_rotated: a date"):
        L.load(path)


def _writer(path: str, index: int) -> None:
    from etc_policy.rotation.ledger import HistoryEvent, LedgerRecord, update

    def change(ledger):  # noqa: ANN001, ANN202
        time.sleep(0.02)  # widen the read-modify-write window: without the lock, writes get lost
        fp = "scrypt:" + "A" * 43 + "="
        return ledger.with_record(LedgerRecord(
            environment="production", key=f"KEY_{index}", first_seen=date(2026, 1, 1),
            last_rotated=None, fingerprint=fp,
            history=(HistoryEvent(date(2026, 1, 1), "first-seen", fp, "test"),)))

    update(Path(path), change)


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / L.DEFAULT_NAME
    L.update(path, lambda _old: fast_ledger())
    context = get_context("fork")
    workers = [context.Process(target=_writer, args=(str(path), i)) for i in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
        assert worker.exitcode == 0
    assert sorted(k for _, k in L.load(path).records) == sorted(f"KEY_{i}" for i in range(8))
    assert not list(tmp_path.glob(".*.tmp"))


KILLED_WRITER = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    from etc_policy.rotation import ledger as L

    real_fsync = os.fsync
    def slow_fsync(fd):
        Path(sys.argv[2]).touch()      # the new ledger is half-way: written, not renamed
        time.sleep(60)
    os.fsync = slow_fsync
    path = Path(sys.argv[1])
    L.update(path, lambda ledger: L.Ledger.empty())
""")


def test_a_kill_during_a_write_leaves_the_previous_ledger(tmp_path: Path) -> None:
    path = tmp_path / L.DEFAULT_NAME
    before = _sample(tmp_path)
    L.update(path, lambda _old: before)
    original = path.read_bytes()
    started = tmp_path / "started"
    process = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(path), str(started)])
    try:
        deadline = time.monotonic() + 30
        while not started.exists():
            assert time.monotonic() < deadline and process.poll() is None
            time.sleep(0.01)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(10)
    assert path.read_bytes() == original
    assert L.load(path) == before
    # The lock died with the process: the next writer is not blocked.
    L.update(path, lambda ledger: ledger)
    assert L.load(path) == before
