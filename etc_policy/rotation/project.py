"""Where a project keeps its ledger, and which rotation policy its packs set."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from etc_policy.rotation import DEFAULT_NAME

if TYPE_CHECKING:
    from etc_policy.config import LoadedConfig
    from etc_policy.rotation.status import RotationPolicy
    from etc_policy.model import Entry, Workspace
    from etc_policy.policy import Rule
    from etc_policy.rotation.record import Change

KIND = "rotation_age"


def ledger_path(*, root: Path, config: LoadedConfig | None) -> Path:
    """`rotation.ledger` of the config (relative to the config file), else
    `.etc-policy-ledger.json` in the project root."""
    if config is not None and config.path is not None:
        return config.path.parent / config.config.rotation.ledger
    return root / DEFAULT_NAME


def ledger_path_for_root(root: Path) -> Path:
    """The ledger of the project at `root`, reading its config if it has one (check kinds
    only know the workspace root)."""
    from etc_policy.config import load_config
    from etc_policy.projects import Resolver

    # The config the project reads: its own, else the nearest above it (projects.py).
    config = Resolver().project_of(root, fallback=root).config
    return ledger_path(root=root, config=load_config(config))


def policy_of(rules: Sequence[Rule]) -> RotationPolicy:
    """max_age_days / warn_days of the first rotation_age rule (90 / 14 when none)."""
    from etc_policy.rotation.status import RotationPolicy

    for rule in rules:
        if rule.kind == KIND and rule.params is not None:
            params = rule.params
            return RotationPolicy(max_age_days=params.max_age_days, warn_days=params.warn_days)
    return RotationPolicy()


def update_from_run(*, root: Path, config: LoadedConfig | None, workspace: Workspace,
                    is_secret: Callable[[Entry], bool], as_of: date, by: str) -> list[Change]:
    """`--update-ledger`: record what this run saw (new secrets, changed values) under the
    ledger lock; each change is also told on stderr (keys and dates only)."""
    from etc_policy.rotation.fingerprints import Fingerprinters
    from etc_policy.rotation.ledger import update
    from etc_policy.rotation.record import record_observed
    from etc_policy.rotation.status import current_secrets

    current = current_secrets(workspace, is_secret)
    fingerprinters = Fingerprinters()
    changes: list[Change] = []

    def change(ledger):  # noqa: ANN001, ANN202 - runs under the ledger lock
        updated, found = record_observed(ledger, current, fingerprinters=fingerprinters,
                                         as_of=as_of, by=by)
        changes[:] = found
        return updated

    path = ledger_path(root=root, config=config)
    update(path, change)
    for item in changes:
        print(f"etc-policy: ledger {path.name}: {item.environment}/{item.key} {item.event} "
              f"{item.date.isoformat()}", file=sys.stderr)
    return changes
