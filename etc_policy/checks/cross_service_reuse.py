"""cross_service_reuse (SEC016): the same secret value in two services (projects) of a repo.

Not a check kind of `check`: a project is checked alone (its environments compared with
each other only, SEC003), so the question "does apps/web hold apps/api's key?" spans
projects and belongs to `etc-policy audit`, which calls `cross_service_hits` with every
project it reaches. Values are compared as HMAC digests under a random per-run key; the
candidates are those of environment reuse (checks/reuse.py: long enough, no reference,
no placeholder, no well-known weak value). One hit at each place, naming the other project,
file and key, never the value.

FAIL: apps/api/.env.production JWT_SECRET=<v>  and  apps/web/.env.production SESSION_KEY=<same v>
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from etc_policy.checks.base import Hit
from etc_policy.checks.reuse import Params, _candidate
from etc_policy.model import Entry, Source, Workspace
from etc_policy.record import record
from etc_policy.secrets.keyed import KeyedHasher

KIND = "cross_service_reuse"


@record
class Service:
    """One project of the audit: its name (its folder, as shown), sources and classifier."""
    name: str
    workspace: Workspace
    is_secret: Callable[[Entry], bool]


@record
class _Use:
    service: str
    source: Source
    entry: Entry


def cross_service_hits(services: Sequence[Service], *, min_length: int = 8) -> Iterator[Hit]:
    params = Params(min_length=min_length)
    hasher = KeyedHasher()
    groups: dict[bytes, list[_Use]] = {}
    for service in services:
        for source in service.workspace.sources:
            for entry in source.effective().values():
                if _candidate(entry, params) and service.is_secret(entry):
                    groups.setdefault(hasher.digest(entry.text or ""), []).append(
                        _Use(service.name, source, entry))
    for uses in groups.values():
        if len({use.service for use in uses}) > 1:
            ordered = sorted(uses, key=lambda u: (u.service, u.source.path, u.entry.line))
            for use in ordered:
                other = next(u for u in ordered if u.service != use.service)
                yield Hit(message=f"{use.entry.key} has the same value as {other.entry.key} of "
                                  f"service '{other.service}' ({other.source.path}:"
                                  f"{other.entry.line}): one secret shared by two services",
                          entry=use.entry, source=use.source)
