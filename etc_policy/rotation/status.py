"""The rotation state of every secret on a given day, from the ledger and the current values.

For each secret (environment + key) in the ledger or in the sources:
- `since`: the day its current value started: a JWT's `iat` when the value is a JWT with
  one, else the ledger's last rotation, else the day the ledger first saw it;
- `due`: `since` + max_age_days, or a JWT's `exp` when that comes first;
- `state`: overdue (past due), due-soon (within the warning window), ok, or, when the age
  is unknown, changed (the value differs from the ledger's fingerprint and the rotation
  was not recorded) or untracked (not in the ledger).
`changed` is also set when the date is known (a JWT): the ledger should record it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from etc_policy.encryption import SOPS, sops_last_modified
from etc_policy.model import Entry, Source, SourceKind, Workspace
from etc_policy.record import record
from etc_policy.rotation.fingerprints import Fingerprinter
from etc_policy.rotation.ledger import Ledger, LedgerRecord, SecretId

JWT_SHAPE = re.compile(r"eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
# Which source holds the value an environment really runs: Railway's exports first.
ROTATION_EVENTS = frozenset({"rotated", "changed", "imported"})
_SOURCE_PRIORITY = {SourceKind.RAILWAY_VARIABLES: 0, SourceKind.RAILWAY_ENVIRONMENT: 1,
                    SourceKind.RAILWAY_VARIABLES_KV: 2, SourceKind.DOTENV: 3}


class State(StrEnum):
    OVERDUE = "overdue"
    DUE_SOON = "due-soon"
    OK = "ok"
    CHANGED = "changed"       # value differs from the ledger; rotation date not recorded
    UNTRACKED = "untracked"   # not in the ledger: age unknown

    @property
    def label(self) -> str:
        return {"due-soon": "due soon", "changed": "changed (not recorded)",
                "untracked": "not in ledger"}.get(self.value, self.value)


@record
class RotationPolicy:
    max_age_days: int = 90
    warn_days: int = 14


@record
class Current:
    """Where a secret's current value is (the value stays inside the entry)."""

    source: Source
    entry: Entry


@record
class SecretStatus:
    environment: str
    key: str
    state: State
    since: date | None
    basis: str                 # "rotated", "first-seen", "jwt-iat", "sops-lastmodified", "unknown"
    due: date | None
    age_days: int | None
    expires: date | None = None
    changed: bool = False
    rotations: int = 0
    path: str | None = None     # the current value's place, when present in the sources
    line: int | None = None
    days_left: int | None = None   # negative when overdue


def current_secrets(workspace: Workspace, is_secret: Callable[[Entry], bool]) -> dict[SecretId, Current]:
    """(environment, key) -> the entry holding its value in this run (Railway export first)."""
    found: dict[SecretId, Current] = {}
    ordered = sorted((s for s in workspace.sources if s.environment is not None
                      and s.kind in _SOURCE_PRIORITY),
                     key=lambda s: (_SOURCE_PRIORITY[s.kind], s.path))
    for source in ordered:
        for entry in source.effective().values():
            value = entry.text
            if not value or entry.is_reference or not is_secret(entry):
                continue
            found.setdefault((str(source.environment), entry.key), Current(source, entry))
    return found


def statuses(*, ledger: Ledger | None, current: Mapping[SecretId, Current],
             fingerprint: Fingerprinter | None, policy: RotationPolicy,
             as_of: date) -> list[SecretStatus]:
    records = ledger.records if ledger is not None else {}
    idents = sorted(set(records) | set(current))
    return [status_of(ident, record=records.get(ident), current=current.get(ident),
                      fingerprint=fingerprint, policy=policy, as_of=as_of) for ident in idents]


def status_of(ident: SecretId, *, record: LedgerRecord | None, current: Current | None,
              fingerprint: Fingerprinter | None, policy: RotationPolicy,
              as_of: date) -> SecretStatus:
    value = current.entry.text if current is not None else None
    issued, expires = jwt_dates(value) if value else (None, None)
    changed = bool(record is not None and value and fingerprint is not None
                   and fingerprint(value) != record.fingerprint)
    since, basis = _since(record, issued=issued, changed=changed,
                          encrypted_on=_sops_day(current))
    due = since + timedelta(days=policy.max_age_days) if since is not None else None
    if expires is not None and (due is None or expires < due):
        due = expires
    state = _state(due, as_of=as_of, policy=policy, record=record, changed=changed)
    # An imported date (`rotation record --rotated-on`) is a rotation that happened before
    # the ledger existed: it counts, or an imported key would read "Rotations 0".
    rotations = sum(1 for e in record.history if e.event in ROTATION_EVENTS) if record else 0
    return SecretStatus(
        environment=ident[0], key=ident[1], state=state, since=since, basis=basis, due=due,
        age_days=(as_of - since).days if since is not None else None, expires=expires,
        changed=changed, rotations=rotations,
        path=current.source.path if current else None, line=current.entry.line if current else None,
        days_left=(due - as_of).days if due is not None else None)


def _since(record: LedgerRecord | None, *, issued: date | None, changed: bool,
           encrypted_on: date | None = None) -> tuple[date | None, str]:
    if issued is not None:
        return issued, "jwt-iat"
    if record is None or changed:
        # The ledger has nothing (right): a SOPS file's last encryption is the youngest the
        # value can be, better than no age at all.
        return (encrypted_on, "sops-lastmodified") if encrypted_on else (None, "unknown")
    return record.since, "rotated" if record.last_rotated else "first-seen"


def _state(due: date | None, *, as_of: date, policy: RotationPolicy, record: LedgerRecord | None,
           changed: bool) -> State:
    if due is None:
        return State.CHANGED if changed else State.UNTRACKED if record is None else State.OK
    if as_of > due:
        return State.OVERDUE
    if (due - as_of).days <= policy.warn_days:
        return State.DUE_SOON
    return State.OK


def _sops_day(current: Current | None) -> date | None:
    if current is None or current.entry.decrypted_from != SOPS:
        return None
    modified = current.source.get("sops_lastmodified")
    return sops_last_modified(modified.text if modified else None)


def jwt_dates(value: str) -> tuple[date | None, date | None]:
    """(iat, exp) of a JWT-shaped value as UTC dates, read without verifying the signature."""
    token = value.strip()
    if not JWT_SHAPE.fullmatch(token):
        return None, None
    from etc_policy.checks.jwt_token import unverified_claims
    from etc_policy.secrets.jwt_claims import timestamp

    claims = unverified_claims(token)
    if claims is None:
        return None, None
    issued, expires = timestamp(claims.get("iat")), timestamp(claims.get("exp"))
    return (issued.date() if issued else None), (expires.date() if expires else None)


def as_of_datetime(day: date) -> datetime:
    """The engine's clock for `--as-of DAY`: noon UTC, so every timezone sees the same day."""
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)
