"""What an audit report was made from, so a report can be tied to what was audited.

The tool's version, when the report was generated (the real clock, in UTC, whatever
`--as-of` says about the audited day), the git commit of the audited folder and whether its
tree had uncommitted changes, the packs with their declared versions and a digest of each
pack file, and the rotation ledger's last entry. Git is asked through its own command line
(`git rev-parse`, `git status --porcelain`), only by `audit`, so no other command pays for it.
Nothing here reads or holds a value.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from etc_policy.record import record

if TYPE_CHECKING:
    from etc_policy.policy import Pack
    from etc_policy.rotation.ledger import Ledger

NOT_A_WORK_TREE = "not a git work tree"
GIT_TIMEOUT_SECONDS = 20


@record
class GitState:
    commit: str | None        # full SHA of HEAD; None outside a work tree (or before a commit)
    dirty: bool | None        # uncommitted changes under the audited folder; None: unknown
    note: str | None = None   # why commit is None ("not a git work tree", "git not installed")


@record
class PackInfo:
    name: str
    version: str | None       # the pack's `version:`; None when it declares none
    path: str                 # as the pack loader displays it
    sha256: str               # first 16 hex digits of the pack file's bytes


@record
class LedgerEntry:
    date: date
    environment: str
    key: str
    event: str


@record
class Provenance:
    tool_version: str
    generated_at: datetime    # timezone-aware UTC, the real clock
    git: GitState
    packs: tuple[PackInfo, ...]
    ledger_entries: int       # secrets the ledger tracks
    ledger_last: LedgerEntry | None


def git_state(folder: Path) -> GitState:
    """HEAD and tree state of the work tree holding `folder` (dirty counts changes and
    untracked files under `folder` only: the audited project, not the whole repository)."""
    head = _git(folder, "rev-parse", "--verify", "--quiet", "HEAD")
    if head is not None:
        status = _git(folder, "status", "--porcelain", "--untracked-files=normal", "--", ".")
        return GitState(commit=head.strip(),
                        dirty=bool(status.strip()) if status is not None else None)
    inside = _git(folder, "rev-parse", "--is-inside-work-tree")
    if inside is not None and inside.strip() == "true":
        return GitState(commit=None, dirty=True, note="no commit yet")
    import shutil

    return GitState(commit=None, dirty=None,
                    note=NOT_A_WORK_TREE if shutil.which("git") else "git not installed")


def _git(folder: Path, *args: str) -> str | None:
    """git's stdout, or None when git fails, is missing or takes too long (the report then
    says the folder is not a work tree rather than failing the audit)."""
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}  # never take index.lock
    try:
        done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True,
                              env=env, timeout=GIT_TIMEOUT_SECONDS, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def pack_infos(packs: Iterable["Pack"]) -> tuple[PackInfo, ...]:
    """Every pack the run loaded, parents included, once each, in load order."""
    from etc_policy.policy import flatten

    seen: dict[str, PackInfo] = {}
    for pack in flatten(tuple(packs)):
        seen.setdefault(pack.path, PackInfo(name=pack.name, version=pack.version or None,
                                            path=pack.path, sha256=pack.sha256))
    return tuple(seen.values())


def last_entry(ledger: "Ledger | None") -> LedgerEntry | None:
    """The ledger's most recent history event (by date, then environment and key)."""
    if ledger is None:
        return None
    events = [(event.date, env, key, event.event) for (env, key), record in ledger.records.items()
              for event in record.history]
    if not events:
        return None
    day, env, key, event = max(events)
    return LedgerEntry(date=day, environment=env, key=key, event=event)


def provenance(*, folder: Path, packs: Iterable["Pack"], ledger: "Ledger | None",
               tool_version: str, now: datetime | None = None) -> Provenance:
    return Provenance(
        tool_version=tool_version, generated_at=(now or datetime.now(UTC)).replace(microsecond=0),
        git=git_state(folder), packs=pack_infos(packs),
        ledger_entries=len(ledger.records) if ledger is not None else 0,
        ledger_last=last_entry(ledger))
