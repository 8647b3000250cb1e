"""`etc-policy validate PACK…`: load custom packs (and what they extend) and report the first
problem with file, line and field (exit 2), or confirm they are valid (exit 0)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from etc_policy.errors import ExitCode


def run(packs: Sequence[str]) -> int:
    from etc_policy.policy import load_pack, resolve_rules

    loaded = tuple(load_pack(ref, base_dir=Path(".")) for ref in packs)
    rules = resolve_rules(loaded, {})
    for ref, pack in zip(packs, loaded):
        print(f"{ref}: valid pack '{pack.name}'")
    print(f"{len(rules)} rule(s) after extends and overrides")
    return ExitCode.OK
