"""The rotation ledger: one JSON file, safe to commit, the audit trail of every secret.

```json
{"format": "etc-policy-rotation-ledger", "version": 1,
 "kdf": {"name": "scrypt", "n": 16384, "r": 8, "p": 1, "dklen": 32, "salt": "<base64>"},
 "secrets": [{"environment": "production", "key": "OPENAI_API_KEY",
              "first_seen": "2025-01-10", "last_rotated": "2025-04-02",
              "fingerprint": "scrypt:<base64>",
              "history": [{"date": "2025-01-10", "event": "first-seen", "fingerprint": "scrypt:…",
                           "by": "rotation record", "note": null}, …]}]}
```

Reading refuses (exit 2, one line naming the file) a file that is not JSON, not this
shape, or written by a newer version: such a file is never overwritten. Writing takes an
exclusive `flock` on `<ledger>.lock`, re-reads the ledger under the lock, applies the
change, and replaces the file atomically (temp file in the same folder, fsync, rename,
fsync of the folder): a concurrent writer waits, and a kill at any moment leaves either
the old ledger or the new one.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Literal

from etc_policy.errors import EtcPolicyError
from etc_policy.record import field, record, replace
from etc_policy.rotation import DEFAULT_NAME
from etc_policy.rotation.fingerprints import KdfParams

FORMAT = "etc-policy-rotation-ledger"
VERSION = 1
MAX_LEDGER_BYTES = 20_000_000
Event = Literal["first-seen", "imported", "rotated", "changed", "date-corrected"]
EVENTS: tuple[str, ...] = ("first-seen", "imported", "rotated", "changed", "date-corrected")


class LedgerError(EtcPolicyError):
    """The ledger cannot be read (corrupt, newer version) or written; exit 2."""


@record
class HistoryEvent:
    date: date
    event: str
    fingerprint: str
    by: str
    note: str | None = None


@record
class LedgerRecord:
    environment: str
    key: str
    first_seen: date
    last_rotated: date | None
    fingerprint: str
    history: tuple[HistoryEvent, ...] = ()

    @property
    def since(self) -> date:
        """The day the current value started: its last rotation, else when first seen."""
        return self.last_rotated or self.first_seen


SecretId = tuple[str, str]  # (environment, key)


@record
class Ledger:
    kdf: KdfParams
    records: dict[SecretId, LedgerRecord] = field(default_factory=dict)

    @classmethod
    def empty(cls) -> Ledger:
        return cls(kdf=KdfParams.fresh())

    def get(self, environment: str, key: str) -> LedgerRecord | None:
        return self.records.get((environment, key))

    def with_record(self, record: LedgerRecord) -> Ledger:
        records = dict(self.records)
        records[(record.environment, record.key)] = record
        return replace(self, records=records)


# --- reading ---------------------------------------------------------------------------

def load(path: Path) -> Ledger | None:
    """The ledger at `path`, or None when there is none yet."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_LEDGER_BYTES + 1)
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise LedgerError("is a directory, not a rotation ledger", path=str(path)) from None
    except OSError as exc:
        raise LedgerError(f"cannot read the rotation ledger ({exc.strerror or type(exc).__name__})",
                          path=str(path)) from None
    if len(raw) > MAX_LEDGER_BYTES:
        raise LedgerError(f"rotation ledger larger than {MAX_LEDGER_BYTES} bytes", path=str(path))
    return parse(raw, shown=str(path))


def parse(raw: bytes, *, shown: str) -> Ledger:
    try:
        document = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise _refused("not UTF-8", shown) from None
    except json.JSONDecodeError as exc:
        raise LedgerError(f"corrupt rotation ledger: invalid JSON ({exc.msg}); it was not "
                          "modified: restore it from version control", path=shown,
                          line=exc.lineno, column=exc.colno) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise _refused(f"not a rotation ledger (no \"format\": \"{FORMAT}\")", shown)
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise _refused("\"version\" must be an integer", shown)
    if version > VERSION:
        raise LedgerError(f"rotation ledger version {version} was written by a newer etc-policy "
                          f"(this one reads version {VERSION}); upgrade etc-policy — the file "
                          "was not modified", path=shown)
    if version < 1:
        raise _refused(f"unknown ledger version {version}", shown)
    kdf = _kdf(document.get("kdf"), shown)
    rows = document.get("secrets")
    if not isinstance(rows, list):
        raise _refused("\"secrets\" must be a list", shown)
    records: dict[SecretId, LedgerRecord] = {}
    for index, row in enumerate(rows):
        record = _record(row, f"secrets[{index}]", shown)
        ident = (record.environment, record.key)
        if ident in records:
            raise _refused(f"secrets[{index}]: {record.environment}/{record.key} listed twice", shown)
        records[ident] = record
    return Ledger(kdf=kdf, records=records)


def _refused(problem: str, shown: str) -> LedgerError:
    return LedgerError(f"invalid rotation ledger: {problem}; it was not modified", path=shown)


def _kdf(data: object, shown: str) -> KdfParams:
    if not isinstance(data, dict) or data.get("name") != "scrypt":
        raise _refused("kdf: expected {\"name\": \"scrypt\", …}", shown)
    numbers = {}
    for name, low, high in (("n", 2, 2 ** 20), ("r", 1, 64), ("p", 1, 16), ("dklen", 16, 64)):
        value = data.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise _refused(f"kdf.{name}: an integer from {low} to {high}", shown)
        numbers[name] = value
    if numbers["n"] & (numbers["n"] - 1):
        raise _refused("kdf.n: must be a power of two", shown)
    try:
        salt = base64.b64decode(str(data.get("salt", "")), validate=True)
    except (binascii.Error, ValueError):
        raise _refused("kdf.salt: not base64", shown) from None
    if len(salt) < 16:
        raise _refused("kdf.salt: at least 16 bytes", shown)
    return KdfParams(salt=salt, **numbers)


def _record(row: object, where: str, shown: str) -> LedgerRecord:
    if not isinstance(row, dict):
        raise _refused(f"{where}: expected an object", shown)
    extra = set(row) - {"environment", "key", "first_seen", "last_rotated", "fingerprint", "history"}
    if extra:
        raise _refused(f"{where}.{sorted(extra)[0]}: unknown field", shown)
    environment = _text(row.get("environment"), f"{where}.environment", shown)
    key = _text(row.get("key"), f"{where}.key", shown)
    first_seen = _date(row.get("first_seen"), f"{where}.first_seen", shown)
    rotated_raw = row.get("last_rotated")
    last_rotated = None if rotated_raw is None else _date(rotated_raw, f"{where}.last_rotated", shown)
    fingerprint = _fingerprint(row.get("fingerprint"), f"{where}.fingerprint", shown)
    history_raw = row.get("history", [])
    if not isinstance(history_raw, list):
        raise _refused(f"{where}.history: expected a list", shown)
    history = tuple(_event(item, f"{where}.history[{i}]", shown) for i, item in enumerate(history_raw))
    return LedgerRecord(environment=environment, key=key, first_seen=first_seen,
                        last_rotated=last_rotated, fingerprint=fingerprint, history=history)


def _event(item: object, where: str, shown: str) -> HistoryEvent:
    if not isinstance(item, dict):
        raise _refused(f"{where}: expected an object", shown)
    event = item.get("event")
    if event not in EVENTS:
        raise _refused(f"{where}.event: one of {', '.join(EVENTS)}", shown)
    note = item.get("note")
    if note is not None and not isinstance(note, str):
        raise _refused(f"{where}.note: a string or null", shown)
    return HistoryEvent(date=_date(item.get("date"), f"{where}.date", shown), event=str(event),
                        fingerprint=_fingerprint(item.get("fingerprint"), f"{where}.fingerprint", shown),
                        by=_text(item.get("by"), f"{where}.by", shown), note=note)


def _text(value: object, where: str, shown: str) -> str:
    if not isinstance(value, str) or not value:
        raise _refused(f"{where}: a non-empty string", shown)
    return value


def _date(value: object, where: str, shown: str) -> date:
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise _refused(f"{where}: a date YYYY-MM-DD", shown)


def _fingerprint(value: object, where: str, shown: str) -> str:
    # Only our own format: a ledger must never be a place to stash a value by hand.
    if not isinstance(value, str) or not value.startswith("scrypt:"):
        raise _refused(f"{where}: expected scrypt:<base64>", shown)
    try:
        base64.b64decode(value.removeprefix("scrypt:"), validate=True)
    except (binascii.Error, ValueError):
        raise _refused(f"{where}: expected scrypt:<base64>", shown) from None
    return value


# --- writing ---------------------------------------------------------------------------

def dumps(ledger: Ledger) -> str:
    rows = [_record_json(ledger.records[ident]) for ident in sorted(ledger.records)]
    document = {"format": FORMAT, "version": VERSION, "kdf": ledger.kdf.as_json(), "secrets": rows}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _record_json(record: LedgerRecord) -> dict[str, object]:
    return {
        "environment": record.environment, "key": record.key,
        "first_seen": record.first_seen.isoformat(),
        "last_rotated": record.last_rotated.isoformat() if record.last_rotated else None,
        "fingerprint": record.fingerprint,
        "history": [{"date": e.date.isoformat(), "event": e.event, "fingerprint": e.fingerprint,
                     "by": e.by, "note": e.note} for e in record.history],
    }


def update(path: Path, change: Callable[[Ledger], Ledger]) -> Ledger:
    """Read-modify-write under an exclusive lock; the new ledger is returned."""
    with _locked(path):
        current = load(path) or Ledger.empty()
        updated = change(current)
        if updated != current or not path.exists():
            write_atomic(path, dumps(updated))
        return updated


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    import fcntl

    lock_path = path.with_name(path.name + ".lock")
    try:
        handle = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise LedgerError(f"cannot create the ledger lock file ({exc.strerror or type(exc).__name__})",
                          path=str(lock_path)) from None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)   # waits for a concurrent writer to finish
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        os.close(handle)


def write_atomic(path: Path, text: str) -> None:
    """Temp file beside the ledger, fsync, rename over it, fsync the folder."""
    try:
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise LedgerError(f"cannot write the rotation ledger ({exc.strerror or type(exc).__name__})",
                          path=str(path)) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, path)
        _fsync_folder(path.parent)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
