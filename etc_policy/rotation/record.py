"""Changes to the ledger: `rotation record` (a person says a key was rotated, or imports
its date) and `--update-ledger` (check/audit record what they saw change).

Both are pure functions Ledger -> (Ledger, changes), run by `ledger.update` under its lock.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from etc_policy.record import record, replace
from etc_policy.rotation.fingerprints import Fingerprinters
from etc_policy.rotation.ledger import HistoryEvent, Ledger, LedgerRecord, SecretId
from etc_policy.rotation.status import Current


@record
class Change:
    environment: str
    key: str
    event: str          # a ledger event, or "unchanged" (nothing written)
    date: date


def record_rotations(ledger: Ledger, current: Mapping[SecretId, Current], *,
                     fingerprinters: Fingerprinters, select: Callable[[SecretId], bool],
                     as_of: date, rotated_on: date | None, by: str,
                     note: str | None = None) -> tuple[Ledger, list[Change]]:
    """`rotation record`: new secrets are added (imported with `rotated_on`, else first seen
    today); a changed value is a rotation on `rotated_on` or today; an unchanged value only
    moves its date when `rotated_on` is given (correcting an import)."""
    fingerprint = fingerprinters.for_params(ledger.kdf)
    changes: list[Change] = []
    for ident in sorted(i for i in current if select(i)):
        value = current[ident].entry.text or ""
        new_fp = fingerprint(value)
        record = ledger.get(*ident)
        if record is None:
            event, day = ("imported", rotated_on) if rotated_on else ("first-seen", as_of)
            record = _new_record(ident, fingerprint=new_fp, day=day, event=event, by=by, note=note)
        elif record.fingerprint != new_fp:
            event, day = "rotated", rotated_on or as_of
            record = _rotated(record, fingerprint=new_fp, day=day, event=event, by=by, note=note)
        elif rotated_on is not None:
            event, day = "date-corrected", rotated_on
            record = _rotated(record, fingerprint=new_fp, day=day, event=event, by=by, note=note)
        else:
            changes.append(Change(*ident, event="unchanged", date=record.since))
            continue
        ledger = ledger.with_record(record)
        changes.append(Change(*ident, event=event, date=day))
    return ledger, changes


def record_observed(ledger: Ledger, current: Mapping[SecretId, Current], *,
                    fingerprinters: Fingerprinters, as_of: date, by: str) -> tuple[Ledger, list[Change]]:
    """`--update-ledger`: secrets not in the ledger start being tracked (first seen today);
    a value that differs from its fingerprint is recorded as changed today."""
    fingerprint = fingerprinters.for_params(ledger.kdf)
    changes: list[Change] = []
    for ident in sorted(current):
        new_fp = fingerprint(current[ident].entry.text or "")
        record = ledger.get(*ident)
        if record is None:
            record = _new_record(ident, fingerprint=new_fp, day=as_of, event="first-seen", by=by)
            event = "first-seen"
        elif record.fingerprint != new_fp:
            record = _rotated(record, fingerprint=new_fp, day=as_of, event="changed", by=by)
            event = "changed"
        else:
            continue
        ledger = ledger.with_record(record)
        changes.append(Change(*ident, event=event, date=as_of))
    return ledger, changes


def _new_record(ident: SecretId, *, fingerprint: str, day: date, event: str, by: str,
                note: str | None = None) -> LedgerRecord:
    rotated = day if event == "imported" else None
    return LedgerRecord(environment=ident[0], key=ident[1], first_seen=day, last_rotated=rotated,
                        fingerprint=fingerprint,
                        history=(HistoryEvent(day, event, fingerprint, by, note),))


def _rotated(record: LedgerRecord, *, fingerprint: str, day: date, event: str, by: str,
             note: str | None = None) -> LedgerRecord:
    return replace(record, last_rotated=day, fingerprint=fingerprint,
                   first_seen=min(record.first_seen, day),
                   history=(*record.history, HistoryEvent(day, event, fingerprint, by, note)))
