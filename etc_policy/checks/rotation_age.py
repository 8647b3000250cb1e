"""rotation_age: secrets are rotated at least every `max_age_days` (the runbook: 90).

The age of a secret comes from the rotation ledger (`.etc-policy-ledger.json` in the
project root, or `rotation.ledger` in the config; see `etc-policy rotation`): the day it
was last rotated, else the day the ledger first saw it. A JWT-shaped value with an `iat`
claim is aged from `iat`, and its `exp` is its due date when that comes first. Secrets
the ledger does not know and that carry no `iat` have no known age and give no finding
(`etc-policy rotation status` lists them). Values are compared with the ledger through
scrypt fingerprints under the ledger's salt, never stored or shown.

`report: overdue` (the default) reports secrets past their due date; `report: reminder`
reports secrets due within `warn_days`, and values that changed since the ledger's record
without the rotation being recorded (`check --update-ledger` or `rotation record` does).
A ledger that cannot be read is reported once, by the overdue rule.

Params:
  max_age_days: the longest a value may live (default 90)
  warn_days: the reminder window before the due date (default 14)
  report: overdue | reminder
  ledger: ledger path relative to the project root (default: the config's, else
          .etc-policy-ledger.json)

FAIL: ledger says production/OPENAI_API_KEY last rotated 2026-06-01, checked 2026-11-01
PASS: the same key rotated 2026-10-01
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Iterator, Literal

from etc_policy.checks._common import Frozen, now
from etc_policy.checks.base import CheckContext, Hit
from etc_policy.encryption import SOPS
from etc_policy.schema import Field

if TYPE_CHECKING:
    from etc_policy.rotation.status import SecretStatus

# rotation.status is imported when the check runs: every `check` imports this module,
# and a skipped rotation (pre-commit hooks) never needs it.
KIND = "rotation_age"
SCOPE = "workspace"


class Params(Frozen):
    max_age_days: int = Field(default=90, ge=1)
    warn_days: int = Field(default=14, ge=0)
    report: Literal["overdue", "reminder"] = "overdue"
    ledger: str | None = Field(default=None, min_length=1)


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    from etc_policy.rotation.project import ledger_path_for_root

    root = ctx.workspace.root
    path = root / params.ledger if params.ledger else ledger_path_for_root(root)
    if not os.path.lexists(path) and not _jwt_shaped(ctx) and not _sops_dated(ctx):
        # No ledger and no JWT (whose `iat` would give an age): nothing has an age to
        # report, and the ledger, scrypt and status modules are not even imported.
        return
    from etc_policy.rotation.fingerprints import Fingerprinter
    from etc_policy.rotation.ledger import LedgerError, load
    from etc_policy.rotation.status import RotationPolicy, current_secrets, statuses

    try:
        ledger = load(path)
    except LedgerError as exc:
        if params.report == "overdue":
            yield Hit(message=f"rotation ledger not read: {exc.one_line()}")
        return
    current = current_secrets(ctx.workspace, ctx.is_secret)
    if ledger is None:   # no ledger: only JWTs carry their age (and no scrypt cost at all)
        current = {ident: c for ident, c in current.items()
                   if "eyJ" in (c.entry.text or "") or c.entry.decrypted_from == SOPS}
    fingerprint = Fingerprinter(ledger.kdf) if ledger is not None else None
    policy = RotationPolicy(max_age_days=params.max_age_days, warn_days=params.warn_days)
    for status in statuses(ledger=ledger, current=current, fingerprint=fingerprint,
                           policy=policy, as_of=now(ctx).date()):
        where = current.get((status.environment, status.key))
        if where is None:
            continue  # in the ledger only: `rotation status` and `audit` list it
        message = _message(status, params)
        if message:
            yield Hit(message=message, entry=where.entry, source=where.source)


def _jwt_shaped(ctx: CheckContext) -> bool:
    """Any value that could be a JWT (what `current_secrets` keeps when there is no ledger)."""
    return any("eyJ" in (entry.text or "") for source in ctx.workspace.sources
               for entry in source.entries)


def _sops_dated(ctx: CheckContext) -> bool:
    """A value decrypted from a SOPS file, whose sops_lastmodified can date it."""
    return any(entry.decrypted_from == SOPS for source in ctx.workspace.sources
               for entry in source.entries)


def _message(status: SecretStatus, params: Params) -> str | None:
    from etc_policy.rotation.status import State

    basis = {"rotated": f"last rotated {status.since}",
             "first-seen": f"first seen {status.since}, never rotated",
             "jwt-iat": f"JWT issued {status.since}",
             "sops-lastmodified": f"from its SOPS file's sops_lastmodified {status.since}, "
                                  "as the ledger has no date for it: at least that old"}.get(status.basis, "age unknown")
    if params.report == "overdue":
        if status.state is State.OVERDUE:
            return (f"{status.key} ({status.environment}) is {status.age_days} days old "
                    f"({basis}); rotation was due on {status.due} "
                    f"(every {params.max_age_days} days)")
        return None
    if status.state is State.DUE_SOON:
        return (f"{status.key} ({status.environment}) is due for rotation on {status.due}, "
                f"in {status.days_left} day{'' if status.days_left == 1 else 's'} ({basis})")
    if status.changed:
        return (f"{status.key} ({status.environment}) changed since the rotation ledger's "
                "record; record the rotation (`etc-policy rotation record` or "
                "`check --update-ledger`)")
    return None
